"""Civil society's own assessment of a measure in a round."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.plans.models import Measure

from .. import permissions
from ..models import Assessment, Round
from .base import _create_or_bump, _require, _translations, record


def save_assessment(
    round_: Round,
    measure: Measure,
    organisation_id: int,
    *,
    user: User,
    rating: str,
    commentary: dict[str, str],
    publish: bool,
    version: int | None,
) -> Assessment:
    _require(permissions.can_assess(user, round_, organisation_id))
    ratings = [code for code, _label in Assessment.RATINGS]
    if rating not in ratings:
        raise ValidationError({"rating": [_("Choose a rating from the list.")]})
    values = {
        "rating": rating,
        "is_published": publish,
        "updated_at": timezone.now(),
        "updated_by": user,
        **_translations("commentary", commentary),
    }
    with transaction.atomic():
        assessment, _before = _create_or_bump(
            Assessment,
            {"round": round_, "measure": measure, "organisation_id": organisation_id},
            version,
            values,
        )
        record(
            "reporting.assessment.published" if publish else "reporting.assessment.saved",
            user=user,
            plan=round_.plan,
            round_=round_,
            measure=measure,
            actor_id=organisation_id,
            data={"rating": rating},
        )
    return assessment
