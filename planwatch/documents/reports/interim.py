"""The interim evaluation report, structured like the plan's own: introduction with the headline
figures, budget summary, one chapter per pillar and a section per objective with the round's
narratives citing their measures, and an annex table of every measure."""

from collections import defaultdict
from datetime import date

from django.utils.text import capfirst
from django.utils.translation import gettext_noop

from planwatch.lib.i18n import translated
from planwatch.plans.models import Plan, Section, Status
from planwatch.reporting import stats
from planwatch.reporting.models import Assessment, Round
from planwatch.reporting.permissions import public_assessments

from . import model
from .budget import budget_summary, qualified
from .common import (
    actors_text,
    cite,
    content,
    coverage,
    document,
    measures_with_statuses,
    narrative_paragraphs,
    paragraph,
    plain,
    split_caption,
    split_chart,
    status_label,
)
from .indicators import indicators_section
from .milestones import milestones_section
from .model import Document, Figure, Paragraph, Run, Table
from .text import (
    citation,
    colon,
    day,
    integer,
    is_singular,
    join,
    label,
    language_name,
    percent,
    roman,
    t,
)

# The order of the headline, as the plan's reports give it: done first.
HEADLINE_ORDER = [
    Status.IMPLEMENTED,
    Status.IN_PROGRESS,
    Status.ONGOING,
    Status.NOT_STARTED,
    Status.ABANDONED,
]
PUBLISHED_PHRASES = {
    Status.IMPLEMENTED: gettext_noop("%(figure)s implemented"),
    Status.IN_PROGRESS: gettext_noop("%(figure)s in progress"),
    Status.NOT_STARTED: gettext_noop("%(figure)s to be implemented"),
    Status.ONGOING: gettext_noop("%(figure)s ongoing (structural)"),
    Status.ABANDONED: gettext_noop("%(figure)s abandoned"),
}
STATUS_PHRASES = {
    Status.IMPLEMENTED: gettext_noop("%(percent)s have been implemented"),
    Status.IN_PROGRESS: gettext_noop("%(percent)s are in progress"),
    Status.NOT_STARTED: gettext_noop("%(percent)s remain to be implemented"),
    Status.ONGOING: gettext_noop("%(percent)s are ongoing (structural)"),
    Status.ABANDONED: gettext_noop("%(percent)s have been abandoned"),
}


def previous_round(round_: Round) -> Round | None:
    """The latest published round of the plan that ended before this one."""
    return (
        Round.objects.published()
        .filter(plan_id=round_.plan_id, end__lt=round_.end)
        .exclude(pk=round_.pk)
        .order_by("-end", "-id")
        .first()
    )


def headline_sentence(split: stats.Split, lang: str) -> str:
    """ "Of the 116 measures with a recorded status, 30% have been implemented, …"."""
    if not split.total:
        return t("No status has been recorded for this round yet.", lang)
    counts = sorted(split.counts, key=lambda c: HEADLINE_ORDER.index(Status(c.status)))
    phrases = [
        t(STATUS_PHRASES[Status(c.status)], lang, percent=percent(c.percent, lang)) for c in counts
    ]
    singular = is_singular(split.total, lang)
    message = (
        gettext_noop("Of the %(n)s measure with a recorded status, %(split)s.")
        if singular
        else gettext_noop("Of the %(n)s measures with a recorded status, %(split)s.")
    )
    return t(message, lang, n=integer(split.total, lang), split=join(phrases, lang))


def published_sentence(round_: Round, figures: list, lang: str) -> str:
    """ "The round's report published: 13% implemented, more than 70% in progress, …"."""
    parts = [
        t(
            PUBLISHED_PHRASES[Status(f.status)],
            lang,
            figure=qualified(f.qualifier, percent(f.percent, lang), lang),
        )
        for f in figures
    ]
    if round_.headline_measures:
        return t(
            "The round's report published: %(figures)s, of %(n)s measures.",
            lang,
            figures=join(parts, lang),
            n=integer(round_.headline_measures, lang),
        )
    return t("The round's report published: %(figures)s.", lang, figures=join(parts, lang))


def introduction(plan: Plan, round_: Round, lang: str) -> model.Section:
    section = model.Section(t("Introduction", lang), "introduction")
    if translated(plan, "description", lang).text:
        section.add(Paragraph([content(plan, "description", lang)]))
    section.add(
        paragraph(
            t(
                "This report takes stock of the measures of the plan for the period from "
                "%(start)s to %(end)s (%(round)s).",
                lang,
                start=day(round_.start, lang),
                end=day(round_.end, lang),
                round=plain(round_, "name", lang) or round_.slug,
            )
        )
    )
    split = stats.status_split(plan, round_)
    section.add(
        paragraph(t("Computed from the statuses recorded for this round", lang), "label"),
        paragraph(headline_sentence(split, lang)),
        paragraph(coverage(split, lang), "note"),
    )
    if plan.declared_measures > split.total and split.total:
        section.add(
            paragraph(
                t(
                    "The plan counts %(declared)s measures; %(missing)s of them have no status "
                    "recorded for this round.",
                    lang,
                    declared=integer(plan.declared_measures, lang),
                    missing=integer(plan.declared_measures - split.total, lang),
                ),
                "note",
            )
        )
    figures = stats.headline_figures(round_)
    if figures:
        section.add(
            paragraph(t("As published in the round's report", lang), "label"),
            paragraph(published_sentence(round_, figures, lang)),
        )
        if round_.headline_source:
            source = t("Source: %(source)s.", lang, source=round_.headline_source)
            section.add(paragraph(source, "note"))
    pillars = stats.split_by_pillar(plan, round_)
    if pillars and split.total:
        rows = [
            (t("Pillar %(number)s", lang, number=roman(p.section.pillar)), p.split) for p in pillars
        ]
        section.add(
            Figure(
                split_chart(
                    "pillars-chart",
                    t("Status of the measures per pillar", lang),
                    rows,
                    lang,
                    category_header=t("Pillar", lang),
                    total_header=t("Total", lang),
                )
            )
        )
    return section


def narrative_blocks(measures: list, round_: Round, lang: str) -> list[model.Block]:
    """The round's narratives of these measures, in order, each citing its measure."""
    blocks: list[model.Block] = []
    silent, unrecorded = [], []
    for measure in measures:
        status = measure.status_in.get(round_.pk)
        if status is None:
            unrecorded.append(measure.number)
            continue
        text = translated(status, "narrative", lang)
        if not text.text.strip():
            silent.append(measure.number)
            continue
        paragraphs = narrative_paragraphs(text.text)
        if not text.is_fallback:
            blocks += [paragraph(p) for p in cite(paragraphs, citation(measure.number, lang))]
            continue
        # Shown in another language: the text keeps its language, the citation is the report's,
        # and the last paragraph says which language the text is in.
        note = t("shown in %(language)s", lang, language=language_name(text.lang, lang))
        *first, last = paragraphs or [""]
        blocks += [Paragraph([Run(p, lang=text.lang)]) for p in first]
        body, stop = (last[:-1], ".") if last.endswith(".") else (last, "")
        blocks.append(
            Paragraph(
                [
                    Run(body, lang=text.lang),
                    Run(f" {citation(measure.number, lang)}{stop}", note=note),
                ]
            )
        )
    for numbers, one, many in (
        (
            silent,
            gettext_noop("Without a narrative for this round: measure %(numbers)s."),
            gettext_noop("Without a narrative for this round: measures %(numbers)s."),
        ),
        (
            unrecorded,
            gettext_noop("Without a recorded status for this round: measure %(numbers)s."),
            gettext_noop("Without a recorded status for this round: measures %(numbers)s."),
        ),
    ):
        if numbers:
            message = one if len(numbers) == 1 else many
            listed = ", ".join(str(n) for n in numbers)
            blocks.append(paragraph(t(message, lang, numbers=listed), "note"))
    return blocks


def objective_split(plan: Plan, measures: list, round_: Round) -> stats.Split:
    counts: dict[str, int] = defaultdict(int)
    for measure in measures:
        if status := measure.status_in.get(round_.pk):
            counts[status.status] += 1
    return stats.Split.from_counts(plan, dict(counts), without=len(measures) - sum(counts.values()))


def objective_section(plan, objective: Section, measures, round_, lang) -> model.Section:
    title = content(objective, "title", lang)
    anchor = "objective-" + objective.code.replace(".", "-")
    section = model.Section(title.text, anchor, number=objective.code, title_run=title)
    if not measures:
        return section.add(paragraph(t("No measures are recorded under this objective.", lang)))
    split = objective_split(plan, measures, round_)
    if split.total:
        chart = split_chart(
            f"{anchor}-chart",
            t("Status of the measures of objective %(code)s", lang, code=objective.code),
            [("", split)],
            lang,
            description=f"{split_caption(split, lang)}. {coverage(split, lang)}",
        )
        section.add(Figure(chart))
    return section.add(*narrative_blocks(measures, round_, lang))


def pillar_chapters(plan: Plan, round_: Round, measures: list, lang: str) -> list[model.Section]:
    sections = list(Section.objects.filter(plan=plan).order_by("order", "code"))
    by_section: dict[int, list] = defaultdict(list)
    for measure in measures:
        by_section[measure.section_id].append(measure)
    chapters = []
    for pillar in (s for s in sections if s.parent_id is None):
        title = content(pillar, "title", lang)
        name = t("Pillar %(number)s", lang, number=roman(pillar.pillar))
        heading = colon(name, title.text, lang)
        chapter = model.Section(
            heading,
            "pillar-" + pillar.code.replace(".", "-"),
            number=pillar.code,
            title_run=Run(heading, lang=title.lang, note=title.note) if title.note else None,
            new_page=True,
        )
        # Measures attached to the pillar itself come before its objectives.
        if by_section.get(pillar.pk):
            chapter.add(*narrative_blocks(by_section[pillar.pk], round_, lang))
        for objective in (s for s in sections if s.parent_id == pillar.pk):
            chapter.children.append(
                objective_section(plan, objective, by_section.get(objective.pk, []), round_, lang)
            )
        chapters.append(chapter)
    return chapters


def change_text(measure, round_: Round, previous: Round | None, lang: str) -> str:
    if previous is None:
        return "–"
    now, before = measure.status_in.get(round_.pk), measure.status_in.get(previous.pk)
    if before is None:
        return t("new in this round", lang) if now else "–"
    if now is not None and now.status == before.status:
        return t("unchanged", lang)
    return t("was: %(status)s", lang, status=status_label(before.status, lang))


def annex(measures: list, round_: Round, previous: Round | None, lang: str) -> model.Section:
    rows: list[list[str | Run]] = []
    for measure in measures:
        status = measure.status_in.get(round_.pk)
        shown = capfirst(status_label(status.status if status else "", lang))
        if measure.dropped:  # marked beside the status (the title may be in another language)
            mark = t("dropped during the plan", lang)
            shown = f"{shown} ({mark})"
        rows.append(
            [
                str(measure.number),
                content(measure, "title", lang),
                actors_text(measure, lang),
                shown,
                change_text(measure, round_, previous, lang),
            ]
        )
    if previous is None:
        note = t("There is no earlier published round to compare with.", lang)
    else:
        note = t(
            "Compared with the previous published round: %(round)s.",
            lang,
            round=plain(previous, "name", lang) or previous.slug,
        )
    return model.Section(
        t("Annex: every measure of the plan", lang), "annex-measures", new_page=True
    ).add(
        paragraph(note, "note"),
        Table(
            header=[
                t("No.", lang),
                t("Measure", lang),
                t("Responsible actors", lang),
                t("Status", lang),
                t("Change since the previous round", lang),
            ],
            rows=rows,
            widths=(2, 9, 5, 3, 3),
        ),
    )


def assessments_annex(round_: Round, lang: str) -> model.Section | None:
    """Civil society's published assessments, kept apart from the official statuses."""
    if not round_.is_published:
        return None
    assessments = list(
        public_assessments()
        .filter(round=round_)
        .select_related("measure", "organisation")
        .order_by("measure__number", "organisation__slug")
    )
    if not assessments:
        return None
    ratings = dict(Assessment.RATINGS)
    rows: list[list[str | Run]] = [
        [
            str(a.measure.number),
            plain(a.organisation, "short", lang) or plain(a.organisation, "name", lang),
            capfirst(label(ratings.get(a.rating, a.rating), lang)),
            content(a, "commentary", lang),
        ]
        for a in assessments
    ]
    return model.Section(
        t("Annex: independent assessments by civil society", lang),
        "annex-assessments",
        new_page=True,
    ).add(
        paragraph(
            t(
                "These assessments are the organisations' own. They are published beside the "
                "official statuses and never merged into them.",
                lang,
            ),
            "note",
        ),
        Table(
            header=[
                t("No.", lang),
                t("Organisation", lang),
                t("Rating", lang),
                t("Commentary", lang),
            ],
            rows=rows,
            widths=(1, 3, 3, 10),
        ),
    )


def build_interim(plan: Plan, round_: Round, lang: str, today: date) -> Document:
    doc = document("interim", t("Interim evaluation report", lang), plan, round_, lang, today)
    previous = previous_round(round_)
    measures = measures_with_statuses(plan, [r for r in (round_, previous) if r is not None])
    doc.sections = [
        introduction(plan, round_, lang),
        budget_summary(plan, lang, "budget"),
        *pillar_chapters(plan, round_, measures, lang),
        indicators_section(plan, lang),
        annex(measures, round_, previous, lang),
    ]
    if section := milestones_section(plan, round_, lang):
        doc.sections.insert(-1, section)
    if extra := assessments_annex(round_, lang):
        doc.sections.append(extra)
    return doc
