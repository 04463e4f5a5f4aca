"""An open round for the demo, so that each demo account lands on work to do.

``planwatch demo`` calls :func:`create_demo_round` after the demo accounts exist. The round
goes through the same services as real work (events and all), is open with a deadline six
weeks after the day it was made, and is never public. Running the demo again changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from planwatch.accounts.models import User
from planwatch.plans.models import Plan

from . import services
from .models import Contribution, Round
from .services import ContributionInput

SLUG = "demo-final-2025"
NAME = {
    "nl": "Eindevaluatie 2025 (demo)",
    "fr": "Évaluation finale 2025 (démo)",
    "de": "Abschlussevaluierung 2025 (Demo)",
    "en": "Final evaluation 2025 (demo)",
}
# What each demo focal point's contributions hold, in the order of their measures; the rest
# stays "to do". (state, narrative language, narrative, proposed status, coordinator's comment)
WORK = {
    "justice@demo.planwatch.invalid": [
        ("draft", "nl", "Eerste opleidingen voor magistraten gepland in het voorjaar.", "", ""),
        ("submitted", "fr", "Circulaire COL adoptée et diffusée aux parquets.", "implemented", ""),
        (
            "returned",
            "nl",
            "Het project loopt.",
            "in_progress",
            "Hoeveel parketten doen mee, en sinds wanneer?",
        ),
        ("validated", "fr", "Le module de formation est en ligne depuis mars.", "implemented", ""),
    ],
    "fwb@demo.planwatch.invalid": [
        ("returned", "fr", "Campagne en cours.", "in_progress", "Pouvez-vous ajouter le budget ?"),
        ("draft", "fr", "Appel à projets en préparation.", "", ""),
        ("submitted", "fr", "Les 12 centres ont reçu leur subvention.", "implemented", ""),
        ("validated", "fr", "Brochure publiée en trois langues.", "implemented", ""),
    ],
    "opgroeien@demo.planwatch.invalid": [
        (
            "returned",
            "nl",
            "Vormingen gegeven.",
            "in_progress",
            "Voor welke diensten, en hoeveel deelnemers?",
        ),
    ],
}


def create_demo_round(plan: Plan, coordinator: User) -> Round:
    """The demo's open round (made once; left as it is when it exists)."""
    existing = Round.objects.filter(plan=plan, slug=SLUG).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    # E-mails go nowhere: the demo accounts' addresses do not exist.
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        round_ = services.create_round(
            plan,
            user=coordinator,
            slug=SLUG,
            name=NAME,
            start=dt.date(2023, 11, 2),
            end=dt.date(2025, 12, 31),
            deadline=today + dt.timedelta(weeks=6),
        )
        services.open_round(round_, user=coordinator)
        for email, rows in WORK.items():
            _fill(round_, User.objects.get(email=email), coordinator, rows)
    return round_


def _fill(round_: Round, focal: User, coordinator: User, rows: list[tuple]) -> None:
    items = list(
        Contribution.objects.filter(round=round_, actor__roles__user=focal)
        .select_related("round__plan", "actor", "measure")
        .order_by("measure__number")
    )
    for item, (state, lang, text, status, comment) in zip(items, rows, strict=False):
        data = ContributionInput(proposed_status=status, narrative={lang: text})
        services.save_contribution(
            item, data, user=focal, version=item.version, submit=state != "draft"
        )
        if state == "returned":
            services.return_contribution(
                item, user=coordinator, version=item.version, comment=comment
            )
        elif state == "validated":
            services.validate_contribution(item, user=coordinator, version=item.version)
