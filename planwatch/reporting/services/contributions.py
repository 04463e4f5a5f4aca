"""A contribution's content: what a focal point saves and submits, its checks, and the audit
snapshot of what changed."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.lib.figures import Qualifier
from planwatch.lib.i18n import languages

from .. import permissions
from ..models import BudgetLine, Contribution, EvidenceLink
from .base import CONTRIBUTION_PARTS, _bump, _require, _translations, record


@dataclass
class BudgetInput:
    year: int
    amount: Decimal
    nature: str
    stage: str
    qualifier: str = Qualifier.EXACT  # how exact the amount is (``lib/figures.py``)


@dataclass
class ContributionInput:
    proposed_status: str
    narrative: dict[str, str]
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (url, label)
    budget: list[BudgetInput] = field(default_factory=list)
    # Proposed milestone dates (milestones.services.MilestoneInput, read by the milestones' part
    # of a contribution); None leaves the contribution's proposals as they are.
    milestones: list[Any] | None = None

    @classmethod
    def of(cls, contribution: Contribution) -> "ContributionInput":
        """What the contribution holds now, as the input that would save it unchanged."""
        return cls(
            proposed_status=contribution.proposed_status,
            narrative={
                lang: getattr(contribution, f"narrative_{lang}") or "" for lang in languages()
            },
            evidence=[(link.url, link.label) for link in contribution.evidence.all()],
            budget=[
                BudgetInput(line.year, line.amount, line.nature, line.stage, line.qualifier)
                for line in contribution.budget_lines.all()
            ],
        )

    def plain(self) -> dict[str, Any]:
        """Plain, comparable data (JSON-ready): the audit event's before and after, and what an
        import compares to tell a changed row from an unchanged one."""
        return {
            "proposed_status": self.proposed_status,
            **{
                f"narrative_{lang}": (self.narrative.get(lang) or "").strip()
                for lang in languages()
            },
            "evidence": [f"{url} {label}".strip() for url, label in self.evidence],
            "budget": sorted(
                f"{line.year} {Decimal(line.amount).quantize(Decimal('0.01'))} "
                f"{line.nature} {line.stage}"
                + ("" if line.qualifier == Qualifier.EXACT else f" {line.qualifier}")
                for line in self.budget
            ),
        }


def parse_evidence(text: str) -> list[tuple[str, str]]:
    """Evidence links as people write them, one per line: the address, then optionally a space
    and a label. Raises ValidationError naming the first line that is not an http(s) address."""
    links = []
    validate = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        url, _space, label = line.strip().partition(" ")
        try:
            validate(url)
        except ValidationError as error:
            raise ValidationError(
                _("Line %(number)s: “%(url)s” is not a web address (http or https).")
                % {"number": number, "url": url}
            ) from error
        links.append((url, label.strip()[:200]))
    return links


def format_evidence(links: Iterable[tuple[str, str]]) -> str:
    """The text :func:`parse_evidence` reads back as ``links``."""
    return "\n".join(f"{url} {label}".strip() for url, label in links)


def check_contribution(
    contribution: Contribution, data: ContributionInput, *, submit: bool
) -> None:
    """Every rule of a contribution's content. The form shows them at its fields, the API and
    the round import per field or cell; this service enforces them for every caller."""
    errors: dict[str, list[str]] = {}
    plan = contribution.round.plan
    if data.proposed_status and not plan.uses_status(data.proposed_status):
        errors.setdefault("proposed_status", []).append(
            _("This plan does not use the status “%(status)s”.") % {"status": data.proposed_status}
        )
    if submit and not data.proposed_status:
        errors.setdefault("proposed_status", []).append(_("Choose a status before submitting."))
    if submit and not any(text.strip() for text in data.narrative.values()):
        errors.setdefault("narrative", []).append(_("Write what was done before submitting."))
    years = range(contribution.round.start.year, contribution.round.end.year + 1)
    for line in data.budget:
        if line.year not in years:
            errors.setdefault("budget", []).append(
                _("%(year)s is outside the round (%(first)s–%(last)s).")
                % {"year": line.year, "first": years.start, "last": years.stop - 1}
            )
        if line.amount < 0 or line.amount > BudgetLine.MAX_AMOUNT:
            errors.setdefault("budget", []).append(
                _("%(amount)s is not a plausible amount in euro.") % {"amount": line.amount}
            )
        if line.qualifier not in Qualifier.values:
            errors.setdefault("budget", []).append(
                _("“%(qualifier)s” is not a qualifier; use one of: %(allowed)s.")
                % {"qualifier": line.qualifier, "allowed": ", ".join(Qualifier.values)}
            )
    if data.budget and contribution.actor.government_id is None:
        errors.setdefault("budget", []).append(
            _("This actor belongs to no government; ask the coordinator.")
        )
    for url, _label in data.evidence:
        if not url.lower().startswith(("http://", "https://")):
            errors.setdefault("evidence", []).append(
                _("“%(url)s” is not a web address (http or https).") % {"url": url}
            )
    for part in CONTRIBUTION_PARTS:
        part.check(contribution, data, errors)
    if errors:
        raise ValidationError(errors)


def save_contribution(
    contribution: Contribution,
    data: ContributionInput,
    *,
    user: User,
    version: int,
    submit: bool = False,
    imported: bool = False,
) -> Contribution:
    # An import may also come from a coordinator on the focal point's behalf (documents.imports).
    rule = permissions.can_import_contribution if imported else permissions.can_edit_contribution
    _require(rule(user, contribution))
    check_contribution(contribution, data, submit=submit)
    state = Contribution.State.SUBMITTED if submit else Contribution.State.DRAFT
    # Read before the transaction, which holds SQLite's write lock: the snapshot is of the
    # version the caller read whenever the save goes through (a later save bumps the version).
    before = _contribution_snapshot(contribution)
    plan, round_, measure = contribution.round.plan, contribution.round, contribution.measure
    with transaction.atomic():
        _bump(
            Contribution,
            contribution,
            version,
            state=state,
            proposed_status=data.proposed_status,
            updated_at=timezone.now(),
            updated_by=user,
            **_translations("narrative", data.narrative),
        )
        contribution.evidence.all().delete()
        EvidenceLink.objects.bulk_create(
            EvidenceLink(contribution=contribution, url=url, label=label)
            for url, label in data.evidence
        )
        contribution.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(
                plan=plan,
                government_id=contribution.actor.government_id,
                actor_id=contribution.actor_id,
                measure=measure,
                contribution=contribution,
                year=line.year,
                amount=line.amount,
                qualifier=line.qualifier,
                nature=line.nature,
                stage=line.stage,
                source=round_.slug,
            )
            for line in data.budget
        )
        for part in CONTRIBUTION_PARTS:
            part.save(contribution, data)
        after = _contribution_snapshot(contribution)
        record(
            "reporting.contribution.submitted" if submit else "reporting.contribution.saved",
            user=user,
            plan=plan,
            round_=round_,
            measure=measure,
            actor_id=contribution.actor_id,
            data=_changes(before, after),
        )
    return contribution


def _contribution_snapshot(contribution: Contribution) -> dict[str, Any]:
    return {
        "state": contribution.state,
        **ContributionInput.of(contribution).plain(),
        **{part.key: part.snapshot(contribution) for part in CONTRIBUTION_PARTS},
    }


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }
