"""Who may do what: one rule per permission, used by pages, exports, the API and the command line.

Each rule is a plain function of the user and the object. Querysets that list what a user may
see live beside them (``contributions_visible_to``), so no entry point filters on its own.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet

from planwatch.accounts.models import Role, User
from planwatch.plans.models import Plan

from .models import Assessment, Contribution, Round, published_contribution

AnyUser = User | AnonymousUser


def _roles(user: AnyUser, kind: str) -> list[Role]:
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_planwatch_roles", None)
    if cache is None:
        cache = list(user.roles.all())
        user._planwatch_roles = cache
    return [role for role in cache if role.kind == kind]


def is_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def coordinates(user: AnyUser, plan: Plan | int) -> bool:
    """Coordinators of a plan (and site administrators) run its rounds."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    return is_admin(user) or any(r.plan_id == plan_id for r in _roles(user, Role.Kind.COORDINATOR))


def focal_actor_ids(user: AnyUser) -> set[int]:
    return {role.actor_id for role in _roles(user, Role.Kind.FOCAL_POINT)}


def assessor_organisation_ids(user: AnyUser) -> set[int]:
    return {role.actor_id for role in _roles(user, Role.Kind.ASSESSOR)}


def coordinated_plan_ids(user: AnyUser) -> set[int] | None:
    """The plans a user coordinates; None means every plan (site administrator)."""
    if is_admin(user):
        return None
    return {role.plan_id for role in _roles(user, Role.Kind.COORDINATOR)}


# Rounds ---------------------------------------------------------------------------------------


def can_manage_rounds(user: AnyUser, plan: Plan) -> bool:
    """Create, open, review, decide statuses, publish and correct."""
    return coordinates(user, plan)


def can_manage_milestones(user: AnyUser, plan: Plan) -> bool:
    """Add a plan's milestones, change their descriptions, delete one without history and
    re-baseline them (logged and public, with a reason): the plan's coordinators."""
    return coordinates(user, plan)


def can_close_round(user: AnyUser, round_: Round) -> bool:
    """Stop submissions (drafts stay as they are); the coordinators keep reviewing."""
    return coordinates(user, round_.plan_id)


def can_reopen_round_for_actor(user: AnyUser, round_: Round) -> bool:
    """Let one actor's focal points save and submit in a closed round until a date."""
    return coordinates(user, round_.plan_id)


def can_publish_round(user: AnyUser, round_: Round) -> bool:
    return coordinates(user, round_.plan_id)


def can_mark_final_round(user: AnyUser, round_: Round) -> bool:
    """Mark a round as the plan's final evaluation round (page, command line): its coordinators."""
    return coordinates(user, round_.plan_id)


def can_see_round(user: AnyUser, round_: Round) -> bool:
    """Published rounds are public; others are seen by the coordinators and the focal points
    who have contributions in them."""
    if round_.state == Round.State.PUBLISHED or coordinates(user, round_.plan_id):
        return True
    actors = focal_actor_ids(user)
    return bool(actors) and round_.contributions.filter(actor_id__in=actors).exists()


# Contributions --------------------------------------------------------------------------------


def public_contributions() -> QuerySet[Contribution]:
    """What everyone may read of the contributions: those the coordinator validated, once their
    round is published (open data exports and the API). Drafts, returned work and review
    comments never leave the back office."""
    return Contribution.objects.filter(published_contribution())


def contributions_visible_to(user: AnyUser) -> QuerySet[Contribution]:
    """To work on: a focal point sees their own actors' contributions; a coordinator every
    contribution of the plans they coordinate. Others only read ``public_contributions``."""
    plans = coordinated_plan_ids(user)
    if plans is None:
        return Contribution.objects.all()
    return Contribution.objects.filter(
        Q(actor_id__in=focal_actor_ids(user)) | Q(round__plan_id__in=plans)
    )


def can_see_contribution(user: AnyUser, contribution: Contribution) -> bool:
    return coordinates(user, contribution.round.plan_id) or (
        contribution.actor_id in focal_actor_ids(user)
    )


def can_edit_contribution(user: AnyUser, contribution: Contribution) -> bool:
    """Only a focal point of the contribution's actor, only while the round is open and the
    contribution is to do, a draft or returned."""
    return contribution.actor_id in focal_actor_ids(user) and contribution.is_editable


def can_import_contribution(user: AnyUser, contribution: Contribution) -> bool:
    """A round workbook is imported by the actor's focal point or, on their behalf, by a
    coordinator of the plan; either way only into contributions that are still editable."""
    return contribution.is_editable and (
        contribution.actor_id in focal_actor_ids(user)
        or coordinates(user, contribution.round.plan_id)
    )


def can_exchange_round_workbook(user: AnyUser, round_: Round, actor_id: int) -> bool:
    """Download or upload an actor's workbook of a round that still accepts the actor's work
    (open, or reopened for the actor): the actor's focal points and the plan's coordinators."""
    return (actor_id in focal_actor_ids(user) or coordinates(user, round_.plan_id)) and (
        round_.accepts_from(actor_id)
    )


def can_withdraw_contribution(user: AnyUser, contribution: Contribution) -> bool:
    """A focal point takes back a submission nobody has reviewed yet, while the round still
    accepts the actor's work; it becomes a draft again."""
    return (
        contribution.actor_id in focal_actor_ids(user)
        and contribution.state == Contribution.State.SUBMITTED
        and contribution.round.accepts_from(contribution.actor_id)
    )


def can_review_contribution(user: AnyUser, contribution: Contribution) -> bool:
    """Coordinators review submissions until the round is published (closing it stops only
    the focal points)."""
    return (
        coordinates(user, contribution.round.plan_id)
        and contribution.state == Contribution.State.SUBMITTED
        and contribution.round.state in (Round.State.OPEN, Round.State.CLOSED)
    )


# Translations ---------------------------------------------------------------------------------


def translation_languages(user: AnyUser, plan: Plan | int) -> set[str]:
    """The languages a user may translate the plan's texts into: every language for its
    coordinators, the role's language for each translator role of the plan."""
    plan_id = plan if isinstance(plan, int) else plan.pk
    if coordinates(user, plan_id):
        return {code for code, _name in settings.LANGUAGES}
    return {r.language for r in _roles(user, Role.Kind.TRANSLATOR) if r.plan_id == plan_id}


def can_see_translations(user: AnyUser, plan: Plan | int) -> bool:
    """The translation status page, the exports for translation offices and the edit forms."""
    return bool(translation_languages(user, plan))


def can_translate(user: AnyUser, plan: Plan | int, language: str) -> bool:
    """Write the plan's texts in ``language`` (form or file). The language a text was written
    in is never changed through translation, whoever asks (see planwatch.translations)."""
    return language in translation_languages(user, plan)


# Assessments ----------------------------------------------------------------------------------


def can_assess(user: AnyUser, round_: Round, organisation_id: int) -> bool:
    """Assessors write their own organisation's assessments, on published rounds only.
    Coordinators cannot edit them."""
    return round_.state == Round.State.PUBLISHED and organisation_id in assessor_organisation_ids(
        user
    )


PUBLISHED_ASSESSMENT = Q(is_published=True, round__state=Round.State.PUBLISHED)


def public_assessments() -> QuerySet[Assessment]:
    """Assessments their organisation chose to publish, on published rounds."""
    return Assessment.objects.filter(PUBLISHED_ASSESSMENT)


def assessments_visible_to(user: AnyUser) -> QuerySet[Assessment]:
    orgs = assessor_organisation_ids(user)
    if orgs:
        return Assessment.objects.filter(PUBLISHED_ASSESSMENT | Q(organisation_id__in=orgs))
    return public_assessments()


# Plans: drafts, successors and changes of commitments -----------------------------------------


def public_plans() -> QuerySet[Plan]:
    """The plans every public surface shows (pages, API, downloads, catalogue, reports, the
    static portal): a draft successor is not one of them."""
    return Plan.objects.public()


def can_prepare_successor(user: AnyUser, plan: Plan) -> bool:
    """Create a plan's successor (a draft copy): the coordinators of the plan."""
    return coordinates(user, plan)


def can_map_successor(user: AnyUser, successor: Plan) -> bool:
    """Say what became of each measure of the old plan: the old plan's coordinators."""
    return successor.predecessor_id is not None and coordinates(user, successor.predecessor_id)


def can_publish_successor(user: AnyUser, successor: Plan) -> bool:
    """Make the successor and its mapping public: the old plan's coordinators."""
    return can_map_successor(user, successor)


def can_change_measure(user: AnyUser, measure) -> bool:
    """Change a measure's commitment during its plan (wording, actors, deadline, budget, drop),
    recorded publicly: the plan's coordinators."""
    return coordinates(user, measure.plan_id)
