"""The convention coverage report: each Istanbul Convention article with the measures that serve
it and their status, the GREVIO recommendations the plan answers, and the articles no measure
serves."""

import re
from datetime import date

from django.db.models import Prefetch
from django.utils.text import capfirst

from planwatch.lib import charts
from planwatch.plans.models import Measure, Plan, Provision
from planwatch.reporting.models import MeasureStatus, Round

from . import model
from .common import content, document, paragraph, plain, status_label
from .model import Document, Figure, Paragraph, Run, Table
from .text import integer, t

ISTANBUL = "istanbul-convention"
GREVIO = "grevio-belgium-2020"


def provisions(framework: str, plan: Plan, round_: Round | None) -> list[Provision]:
    """The framework's provisions in order, each with ``plan_measures``: this plan's measures
    that serve it, each with ``current`` (its status in the round, as a list)."""
    statuses = MeasureStatus.objects.in_round(round_) if round_ else MeasureStatus.objects.none()
    measures = (
        Measure.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(Prefetch("statuses", queryset=statuses, to_attr="current"))
    )
    return list(
        Provision.objects.filter(framework__slug=framework)
        .select_related("framework")
        .prefetch_related(Prefetch("measures", queryset=measures, to_attr="plan_measures"))
        .order_by("order", "id")
    )


def measures_table(provision: Provision, lang: str) -> Table:
    rows: list[list[str | Run]] = []
    for measure in provision.plan_measures:
        code = measure.current[0].status if measure.current else ""
        rows.append(
            [
                str(measure.number),
                content(measure, "title", lang),
                capfirst(status_label(code, lang)),
            ]
        )
    return Table(
        header=[t("No.", lang), t("Measure", lang), t("Status", lang)],
        rows=rows,
        widths=(1, 10, 3),
    )


def article_heading(provision: Provision, lang: str) -> tuple[str, Run]:
    title = content(provision, "title", lang)
    article = t("Article %(code)s", lang, code=provision.code)
    heading = f"{article} – {title.text}"
    return heading, Run(heading, lang=title.lang, note=title.note)


def chapters(articles: list[Provision], lang: str) -> list[tuple[Run, list[Provision]]]:
    """Articles grouped by their chapter of the Convention, in order."""
    groups: list[tuple[Run, list[Provision]]] = []
    for article in articles:
        chapter = content(article, "chapter", lang)
        if not groups or groups[-1][0].text != chapter.text:
            groups.append((chapter, []))
        groups[-1][1].append(article)
    return groups


_ROMAN = re.compile(r"^([IVXLC]+)\s+(.*)$")


def chapter_label(chapter: Run, lang: str, short: bool = False) -> Run:
    """ "Chapter I – Purposes, definitions…" from the stored "I Purposes, definitions…"."""
    match = _ROMAN.match(chapter.text)
    if not match:
        return chapter
    name = f"{t('Chapter', lang)} {match[1]}"
    if short:
        return Run(name)
    return Run(f"{name} – {match[2]}", lang=chapter.lang, note=chapter.note)


def articles_chapter(articles: list[Provision], lang: str) -> model.Section:
    section = model.Section(t("The articles of the Convention", lang), "articles", number="1")
    groups = chapters(articles, lang)
    section.add(
        Figure(
            charts.Chart(
                id="articles-chart",
                title=t("Articles with and without a measure, per chapter of the Convention", lang),
                series=[
                    charts.Series("served", t("with a measure", lang), charts.PALETTE[2]),
                    charts.Series("unserved", t("without a measure", lang), charts.PALETTE[6]),
                ],
                categories=[
                    charts.Category(
                        chapter_label(chapter, lang, short=True).text or "–",
                        (
                            sum(1 for a in group if a.plan_measures),
                            sum(1 for a in group if not a.plan_measures),
                        ),
                    )
                    for chapter, group in groups
                ],
                category_header=t("Chapter", lang),
                total_header=t("Total", lang),
                value_format=lambda value: integer(int(value), lang),
            )
        )
    )
    for i, (chapter, group) in enumerate(groups, start=1):
        heading = chapter_label(chapter, lang)
        sub = model.Section(
            heading.text or "–",
            f"chapter-{i}",
            number=f"1.{i}",
            title_run=heading if heading.note else None,
        )
        for article in group:
            if not article.plan_measures:
                continue
            heading, run = article_heading(article, lang)
            sub.children.append(
                model.Section(
                    heading,
                    f"article-{article.code}",
                    title_run=run if run.note else None,
                ).add(measures_table(article, lang))
            )
        unserved = [a.code for a in group if not a.plan_measures]
        if unserved:
            sub.add(
                paragraph(
                    t(
                        "No measure of the plan serves the articles of this chapter: %(codes)s.",
                        lang,
                        codes=", ".join(unserved),
                    ),
                    "note",
                )
            )
        section.children.append(sub)
    return section


def grevio_chapter(recommendations: list[Provision], lang: str) -> model.Section:
    section = model.Section(t("GREVIO recommendations", lang), "grevio", number="2")
    linked = [r for r in recommendations if r.plan_measures]
    if not linked:
        return section.add(paragraph(t("No provisions of this framework are recorded.", lang)))
    section.add(
        Paragraph(
            [
                content(linked[0].framework, "name", lang),
                Run(". "),
                Run(
                    t(
                        "Each recommendation with the measures of the plan that answer it and "
                        "their status.",
                        lang,
                    )
                ),
            ]
        )
    )
    for i, recommendation in enumerate(linked, start=1):
        title = content(recommendation, "title", lang)
        section.children.append(
            model.Section(
                title.text,
                f"grevio-{recommendation.code}",
                number=f"2.{i}",
                title_run=title if title.note else None,
            ).add(measures_table(recommendation, lang))
        )
    return section


def unserved_chapter(articles: list[Provision], lang: str) -> model.Section:
    section = model.Section(t("Articles no measure serves", lang), "unserved", number="3")
    unserved = [a for a in articles if not a.plan_measures]
    if not unserved:
        return section.add(paragraph(t("Every article is served by at least one measure.", lang)))
    return section.add(
        Table(
            header=[t("Article", lang), t("Title", lang), t("Chapter", lang)],
            rows=[
                [a.code, content(a, "title", lang), content(a, "chapter", lang)] for a in unserved
            ],
            widths=(1, 8, 6),
        )
    )


def build_coverage(plan: Plan, round_: Round | None, lang: str, today: date) -> Document:
    doc = document(
        "coverage", t("Coverage of the Istanbul Convention", lang), plan, round_, lang, today
    )
    articles = provisions(ISTANBUL, plan, round_)
    recommendations = provisions(GREVIO, plan, round_)
    intro = model.Section(t("Introduction", lang), "introduction")
    round_name = (plain(round_, "name", lang) or round_.slug) if round_ else "–"
    intro.add(
        paragraph(
            t(
                "This report lists, for each article of the Istanbul Convention, the measures of "
                "the plan that serve it and their status in %(round)s, then the GREVIO "
                "recommendations the plan answers, then the articles no measure serves.",
                lang,
                round=round_name,
            )
        )
    )
    if articles:
        intro.add(Paragraph([content(articles[0].framework, "name", lang), Run(".")]))
        served = sum(1 for a in articles if a.plan_measures)
        intro.add(
            paragraph(
                t(
                    "%(served)s of the %(total)s articles are served by at least one measure; no "
                    "measure serves the other %(unserved)s.",
                    lang,
                    served=integer(served, lang),
                    total=integer(len(articles), lang),
                    unserved=integer(len(articles) - served, lang),
                )
            )
        )
        doc.sections = [intro, articles_chapter(articles, lang)]
    else:
        intro.add(paragraph(t("No provisions of this framework are recorded.", lang)))
        doc.sections = [intro]
    doc.sections += [grevio_chapter(recommendations, lang), unserved_chapter(articles, lang)]
    return doc
