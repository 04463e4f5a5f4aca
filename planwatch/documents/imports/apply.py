"""The plan import, writing half: apply a preview in one transaction, or nothing.

The rows are checked again inside the transaction against the database as it is then. When that
check finds errors, or would do something other than what the preview showed (someone edited the
plan in between), nothing is written and the person previews again: no edit made meanwhile is
overwritten unseen.

The rows the preview showed as new or changed become a ``datasets.plan_writer.PlanWrite`` and
are written by ``write_plan``, the one writer of a plan, which ``planwatch load-dataset`` writes
through too: set-based, so that a workbook of 10,000 measures applies in seconds, with one
historical record per created, changed or deleted row, with the importing user and the change
reason ``documents.import.plan`` (see ``datasets/writer.py``). Bulk statements send no signals,
so the cached public pages are dropped explicitly (``DataVersion.bump``) once anything changed.
"""

from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from planwatch.core.models import DataVersion
from planwatch.datasets import plan_writer
from planwatch.datasets.measure_writer import MeasureWrite
from planwatch.datasets.plan_writer import PlanWrite
from planwatch.datasets.reader import LANGUAGES
from planwatch.datasets.writer import Summary, Writer
from planwatch.plans.models import MeasureActor, Plan

from .files import Progress
from .plan import PlanData, Planned, check_plan, fingerprint
from .preview import UNCHANGED, UPDATE, ImportRefused, Preview, RowError
from .sheets import ACTORS, MEASURES, PLAN, SECTIONS, TAGS

CHANGE_REASON = "documents.import.plan"


def apply_plan_import(
    preview: Preview, user: Any = None, progress: Progress | None = None
) -> Summary:
    """Write what ``preview`` showed, in one transaction; raise :class:`ImportRefused` (and write
    nothing) when it has errors or the database changed since."""
    if preview.kind != "plan" or not isinstance(preview.data, PlanData):
        raise ImportRefused(
            preview.errors or [RowError("", None, "", "", _("This is not a plan import."))]
        )
    if preview.errors:
        raise ImportRefused(preview.errors)
    data: PlanData = preview.data
    with transaction.atomic(), translation.override("en"):
        # Two imports of the same plan wait for each other instead of interleaving.
        list(Plan.objects.select_for_update().filter(slug=data.plan_slug).values("pk"))
        planned, errors = check_plan(data, progress)
        if errors:
            raise ImportRefused(errors)
        if fingerprint(planned) != preview.fingerprint:
            raise ImportRefused(
                [
                    RowError(
                        "",
                        None,
                        "",
                        "",
                        _(
                            "The plan was changed by someone else since this preview was "
                            "made. Nothing was imported: preview the file again."
                        ),
                    )
                ]
            )
        writer = Writer(CHANGE_REASON, user, progress)
        rows = plan_rows(data.plan_slug, planned)
        writer.total = len(rows.actors) + len(rows.tags) + len(rows.sections) + len(rows.measures)
        writer.total += rows.plan is not None
        plan_writer.write_plan(writer, rows)
        if writer.summary.changed:
            # Bulk statements send no post_save signal: drop the cached public pages here.
            DataVersion.bump()
    return writer.summary


def _texts(wanted: dict[str, Any], name: str) -> dict[str, Any]:
    return {f"{name}_{lang}": wanted.get(f"{name}_{lang}") for lang in LANGUAGES}


def plan_rows(plan_slug: str, planned: list[Planned]) -> PlanWrite:
    """The new and changed rows of a workbook, as the plan writer takes them. A measure's
    responsible actors, tags and articles are written when it is new or they changed."""
    by_sheet: dict[str, list[Planned]] = defaultdict(list)
    for p in planned:
        if p.action != UNCHANGED:
            by_sheet[p.row.sheet.name].append(p)
    rows = PlanWrite(plan_slug)
    for p in by_sheet[PLAN.name]:
        rows.plan = {
            **_texts(p.wanted, "title"),
            **_texts(p.wanted, "description"),
            **{k: p.wanted[k] for k in ("start", "end", "adopted", "declared_measures")},
            "statuses": list(p.wanted["statuses"]),
            "coordinator": p.wanted["coordinator"],
        }
    rows.actors = [
        (
            p.key,
            {
                **_texts(p.wanted, "name"),
                **_texts(p.wanted, "short"),
                "kind": p.wanted["kind"],
                "government": p.wanted["government"],
            },
        )
        for p in by_sheet[ACTORS.name]
    ]
    rows.tags = [
        (p.key, {"kind": p.wanted["kind"], **_texts(p.wanted, "name")}) for p in by_sheet[TAGS.name]
    ]
    rows.sections = [
        (
            p.key,
            {
                **_texts(p.wanted, "title"),
                "pillar": p.wanted["pillar"],
                "order": p.wanted["order"],
                "parent": p.wanted["parent"],
            },
        )
        for p in by_sheet[SECTIONS.name]
    ]
    rows.measures = [measure_row(p) for p in by_sheet[MEASURES.name]]
    return rows


def measure_row(p: Planned) -> MeasureWrite:
    def when(*columns: str) -> bool:
        return p.action != UPDATE or bool(set(columns) & set(p.changed))

    roles = [(s, MeasureActor.Role.LEAD) for s in p.wanted["lead"]]
    roles += [(s, MeasureActor.Role.PARTNER) for s in p.wanted["partners"]]
    return MeasureWrite(
        p.key,
        p.wanted["section"],
        {**_texts(p.wanted, "title"), **_texts(p.wanted, "description")},
        roles=roles if when("lead", "partners") else None,
        tags=[*p.wanted["forms"], *p.wanted["groups"]] if when("forms", "groups") else None,
        articles=list(p.wanted["articles"]) if when("articles") else None,
    )
