"""The plan import, writing half: apply a preview in one transaction, or nothing.

The rows are checked again inside the transaction against the database as it is then. When that
check finds errors, or would do something other than what the preview showed (someone edited the
plan in between), nothing is written and the person previews again: no edit made meanwhile is
overwritten unseen.

Writes go through the dataset loader's Writer (match on natural keys, save only what changed),
with the change reason ``documents.import.plan`` and the importing user in the history.
"""

from typing import Any

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from planwatch.actors.models import Actor, Government
from planwatch.datasets.loader import Summary, Writer
from planwatch.datasets.reader import LANGUAGES
from planwatch.plans.models import Measure, MeasureActor, Plan, Provision, Section, Tag

from .files import Progress
from .plan import PlanData, Planned, check_plan, fingerprint
from .preview import UNCHANGED, ImportRefused, Preview, RowError
from .sheets import ACTORS, MEASURES, PLAN, SECTIONS, TAGS
from .snapshot import ISTANBUL

CHANGE_REASON = "documents.import.plan"


class ImportWriter(Writer):
    """The loader's Writer, recording the import's change reason and user."""

    def __init__(self, user: Any = None):
        super().__init__()
        self.user = user

    def mark(self, obj: Any) -> Any:
        obj._change_reason = CHANGE_REASON
        if self.user is not None:
            obj._history_user = self.user
        return obj

    def _save(self, obj: Any) -> None:
        self.mark(obj).save()


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
        writer = ImportWriter(user)
        _write(writer, data.plan_slug, planned, progress)
    return writer.summary


def _texts(wanted: dict[str, Any], name: str) -> dict[str, Any]:
    return {f"{name}_{lang}": wanted.get(f"{name}_{lang}") for lang in LANGUAGES}


def _write(
    w: ImportWriter, plan_slug: str, planned: list[Planned], progress: Progress | None
) -> None:
    todo = [p for p in planned if p.action != UNCHANGED]
    by_sheet: dict[str, list[Planned]] = {}
    for p in todo:
        by_sheet.setdefault(p.row.sheet.name, []).append(p)
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress and (done % 50 == 0 or done == len(todo)):
            progress("apply", done, len(todo))

    governments = dict(Government.objects.values_list("code", "pk"))
    for p in by_sheet.get(ACTORS.name, []):
        w.upsert(
            Actor,
            {"slug": p.key},
            {
                **_texts(p.wanted, "name"),
                **_texts(p.wanted, "short"),
                "kind": p.wanted["kind"],
                "government_id": governments.get(p.wanted["government"]),
            },
        )
        step()
    actors = dict(Actor.objects.values_list("slug", "pk"))

    for p in by_sheet.get(PLAN.name, []):
        w.upsert(
            Plan,
            {"slug": plan_slug},
            {
                **_texts(p.wanted, "title"),
                **_texts(p.wanted, "description"),
                "start": p.wanted["start"],
                "end": p.wanted["end"],
                "adopted": p.wanted["adopted"],
                "declared_measures": p.wanted["declared_measures"],
                "statuses": list(p.wanted["statuses"]),
                "coordinator_id": actors.get(p.wanted["coordinator"]),
            },
        )
        step()
    plan = Plan.objects.get(slug=plan_slug)

    for p in by_sheet.get(TAGS.name, []):
        w.upsert(Tag, {"slug": p.key}, {"kind": p.wanted["kind"], **_texts(p.wanted, "name")})
        step()
    tags = {t.slug: t for t in Tag.objects.all()}

    # Parents before their children: a section waits until its parent exists.
    sections = dict(plan.sections.values_list("code", "pk"))
    waiting = list(by_sheet.get(SECTIONS.name, []))
    while waiting:
        ready = [p for p in waiting if p.wanted["parent"] is None or p.wanted["parent"] in sections]
        if not ready:  # the check refuses circles; this only guards against a loop
            raise ImportRefused([RowError("", None, "", "", _("Sections refer to each other."))])
        for p in ready:
            section = w.upsert(
                Section,
                {"plan": plan, "code": p.key},
                {
                    **_texts(p.wanted, "title"),
                    "pillar": p.wanted["pillar"],
                    "order": p.wanted["order"],
                    "parent_id": sections.get(p.wanted["parent"]),
                },
            )
            sections[p.key] = section.pk
            step()
        waiting = [p for p in waiting if p not in ready]

    articles = {p.code: p for p in Provision.objects.filter(framework__slug=ISTANBUL)}
    for p in by_sheet.get(MEASURES.name, []):
        _write_measure(w, plan, p, sections, actors, tags, articles)
        step()


def _write_measure(
    w: ImportWriter,
    plan: Plan,
    p: Planned,
    sections: dict[str, int],
    actors: dict[str, int],
    tags: dict[str, Tag],
    articles: dict[str, Provision],
) -> None:
    wanted, changed = p.wanted, set(p.changed)
    measure = w.upsert(
        Measure,
        {"plan": plan, "number": p.key},
        {
            **_texts(wanted, "title"),
            **_texts(wanted, "description"),
            "section_id": sections[wanted["section"]],
        },
    )
    w.mark(measure)
    if changed & {"lead", "partners"}:
        for role in measure.measure_actors.all():
            w.mark(role).delete()
        people = [(s, MeasureActor.Role.LEAD) for s in wanted["lead"]]
        people += [(s, MeasureActor.Role.PARTNER) for s in wanted["partners"]]
        for order, (slug, role) in enumerate(people):
            w._save(MeasureActor(measure=measure, actor_id=actors[slug], role=role, order=order))
        w.summary.updated["responsible actors"] += 1
    if changed & {"forms", "groups"}:
        w.set_m2m(
            measure.tags, [tags[s] for s in wanted["forms"] + wanted["groups"]], "measure tags"
        )
    if "articles" in changed:
        others = list(measure.provisions.exclude(framework__slug=ISTANBUL))
        w.set_m2m(
            measure.provisions,
            [articles[code] for code in wanted["articles"]] + others,
            "measure articles",
        )
