"""A reporting round in full swing, for the tests of the work pages (test client and browser):
a coordinator, a focal point with contributions in every state, an assessor of the published
round, and the addresses of every work page."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from planwatch.actors.models import Actor
from planwatch.plans.models import Plan
from planwatch.reporting import services
from planwatch.reporting.models import Contribution, Round

from .factories import make_user


@dataclass
class Workspace:
    plan: Plan
    people: dict
    round: Round
    published: Round
    items: dict[str, Contribution]  # one contribution of the focal point per state
    organisation: Actor

    def milestone(self):
        """A milestone of the plan (the NAP has some; another plan gets one)."""
        from planwatch.milestones.models import Milestone

        found = Milestone.objects.filter(measure__plan=self.plan).order_by("pk").first()
        if found is None:
            found = Milestone.objects.create(
                measure=self.items["submitted"].measure,
                key="example",
                description_en="Example",
                baseline=dt.date(2025, 1, 1),
            )
        return found

    def pages(self, role: str) -> list[str]:
        """Every work page a role reaches, without the language prefix (``work/...``)."""
        common = ["work/", "work/tokens/", "accounts/profile/"]
        if role == "focal_point":
            return [
                *common,
                "work/imports/",
                "work/contributions/",
                "work/contributions/?state=returned",
                f"work/contributions/{self.items['returned'].pk}/",
                f"work/contributions/{self.items['submitted'].pk}/",
                f"work/imports/rounds/{self.round.pk}/upload/",
            ]
        if role == "coordinator":
            number = self.items["submitted"].measure.number
            return [
                *common,
                "work/imports/",
                f"work/plans/{self.plan.slug}/rounds/",
                f"work/rounds/{self.round.pk}/",
                f"work/rounds/{self.round.pk}/?state=submitted&needs_decision=on",
                f"work/rounds/{self.round.pk}/measures/{number}/",
                f"work/rounds/{self.round.pk}/publish/",
                f"work/rounds/{self.round.pk}/reopen/",
                f"work/rounds/{self.published.pk}/",
                f"work/rounds/{self.published.pk}/measures/{number}/",
                f"work/contributions/{self.items['draft'].pk}/",
                f"work/imports/plans/{self.plan.slug}/upload/",
                f"work/plans/{self.plan.slug}/milestones/",
                f"work/plans/{self.plan.slug}/milestones/?pillar=2&state=on_time",
                f"work/plans/{self.plan.slug}/milestones/new/?measure={number}",
                f"work/plans/{self.plan.slug}/milestones/{self.milestone().pk}/",
                f"work/plans/{self.plan.slug}/milestones/{self.milestone().pk}/rebaseline/",
                f"work/plans/{self.plan.slug}/milestones/{self.milestone().pk}/delete/",
                f"work/plans/{self.plan.slug}/translations/",
                f"work/plans/{self.plan.slug}/translations/?lang=fr&state=missing",
                f"work/plans/{self.plan.slug}/translations/upload/",
                f"work/plans/{self.plan.slug}/translations/texts/"
                f"measure.{self.items['submitted'].measure_id}.description/fr/",
            ]
        number = self.items["submitted"].measure.number
        return [
            *common,
            "work/assessments/",
            "work/assessments/?assessed=no",
            f"work/assessments/{self.published.pk}/{number}/{self.organisation.pk}/",
        ]


def uploads(ws: "Workspace") -> dict[str, tuple[str, bytes]]:
    """Files a focal point uploads on the round's import page: their workbook unchanged, and a
    CSV with mistakes (its preview lists the errors)."""
    from planwatch.documents.imports import round_workbook

    actor = ws.items["todo"].actor
    return {
        "workbook": ("round.xlsx", round_workbook(ws.round, actor, "en")),
        "mistakes": (
            "round.csv",
            f"measure;actor;status\n{ws.items['todo'].measure.number};{actor.slug};bogus\n"
            "99999;nobody;implemented\n".encode(),
        ),
    }


def filled(status: str = "in_progress", text: str = "Work has started.", **extra):
    return services.ContributionInput(proposed_status=status, narrative={"en": text}, **extra)


def make_workspace(plan: Plan, *, password: str = "pw", today: dt.date | None = None) -> Workspace:
    today = today or dt.date.today()
    people = {
        "coordinator": make_user(
            "coordinator@example.org", role="coordinator", plan=plan, password=password
        ),
        "focal_point": make_user(
            "justice@example.org", role="focal_point", actor="fod-justitie", password=password
        ),
        "assessor": make_user(
            "platform@example.org", role="assessor", actor="national-platform", password=password
        ),
    }
    coordinator, focal = people["coordinator"], people["focal_point"]
    round_ = services.create_round(
        plan,
        user=coordinator,
        slug="round-2024",
        name={"nl": "Ronde 2024", "fr": "Cycle 2024", "de": "Runde 2024", "en": "Round 2024"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=today + dt.timedelta(days=30),
    )
    services.open_round(round_, user=coordinator)
    mine = list(
        round_.contributions.filter(actor__slug="fod-justitie").order_by("measure__number")[:5]
    )
    todo, draft, submitted, returned, validated = mine
    budget = [services.BudgetInput(2024, Decimal("1234.56"), "specific", "allocated")]
    services.save_contribution(draft, filled(budget=budget), user=focal, version=0)
    for item in (submitted, returned, validated):
        services.save_contribution(
            item, filled(budget=budget), user=focal, version=item.version, submit=True
        )
    services.return_contribution(
        returned, user=coordinator, version=returned.version, comment="How many people took part?"
    )
    services.validate_contribution(validated, user=coordinator, version=validated.version)
    published = Round.objects.latest_published(plan)
    organisation = Actor.objects.get(slug="national-platform")
    services.save_assessment(
        published,
        submitted.measure,
        organisation.pk,
        user=people["assessor"],
        rating="in_progress",
        commentary={"en": "Partly done."},
        publish=True,
        version=None,
    )
    items = {
        "todo": todo,
        "draft": draft,
        "submitted": submitted,
        "returned": returned,
        "validated": validated,
    }
    for item in items.values():
        item.refresh_from_db()
    return Workspace(plan, people, round_, published, items, organisation)
