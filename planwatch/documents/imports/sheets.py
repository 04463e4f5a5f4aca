"""The plan workbook's sheets and columns: one description shared by the reader, the template
and the documentation (docs/imports.md).

Sheet and column names are fixed, in English, whatever the person's language: they are keys, not
labels. Every column of a sheet must be present (in any order); cells may be left empty where the
column allows it.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from planwatch.datasets.reader import LANGUAGES


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text, code, slug, int, date, list, choice
    help: str | Promise
    max_length: int | None = None
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    name: str
    key: str
    help: str | Promise
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def per_language(name: str, help: str | Promise, max_length: int | None, width: int = 30):
    return tuple(
        Column(f"{name}_{lang}", "text", help, max_length=max_length, width=width)
        for lang in LANGUAGES
    )


PLAN = Sheet(
    "plan",
    "slug",
    _("The plan itself, in one row. Needed to create a plan; optional to update one."),
    (
        Column("slug", "slug", _("The plan's slug; must be the plan being imported."), 80, 18),
        *per_language("title", _("The plan's title; at least one language."), 300),
        *per_language("description", _("A short description; optional."), None),
        Column("start", "date", _("First day of the plan, day/month/year."), width=12),
        Column("end", "date", _("Last day of the plan, day/month/year."), width=12),
        Column("adopted", "date", _("Day of adoption; optional."), width=12),
        Column(
            "declared_measures",
            "int",
            _("How many measures the plan declares; measure numbers may not go beyond it."),
        ),
        Column(
            "statuses",
            "list",
            _("The status codes the plan reports with, separated by ';'. Empty: all of them."),
            width=36,
        ),
        Column("coordinator", "slug", _("Slug of the coordinating actor; optional."), 80, 18),
    ),
)

SECTIONS = Sheet(
    "sections",
    "code",
    _("Pillars and objectives, numbered as in the plan (1.4 is pillar IV, 1.4.5 an objective)."),
    (
        Column("code", "code", _("The section's code, such as 1.4 or 1.4.5."), 20, 10),
        Column(
            "parent",
            "code",
            _("Code of the pillar an objective belongs to; empty for a pillar."),
            20,
            10,
        ),
        Column(
            "pillar",
            "int",
            _("Pillar number (1, 2, …); required for a pillar, else taken from the parent."),
            width=8,
        ),
        Column(
            "order",
            "int",
            _("Position in lists; empty keeps the current one (new sections come last)."),
            width=8,
        ),
        *per_language("title", _("The section's title; at least one language."), 400),
    ),
)

ACTORS = Sheet(
    "actors",
    "slug",
    _("Bodies responsible for measures. Actors are shared by every plan."),
    (
        Column("slug", "slug", _("Identifier: lowercase letters, digits and '-'."), 80, 24),
        *per_language("name", _("Official name; at least one language."), 300),
        *per_language("short", _("Abbreviation; optional."), 80, 14),
        Column("kind", "choice", _("Kind of body (see the list); empty means 'other'.")),
        Column(
            "government",
            "code",
            _("Code of the government it belongs to (see the list); optional."),
            40,
        ),
    ),
)

TAGS = Sheet(
    "tags",
    "slug",
    _("Forms of violence and target groups that measures are tagged with."),
    (
        Column("slug", "slug", _("Identifier: lowercase letters, digits and '-'."), 80, 24),
        Column("kind", "choice", _("'form' (form of violence) or 'group' (target group)."), 8),
        *per_language("name", _("Name; at least one language."), 200),
    ),
)

MEASURES = Sheet(
    "measures",
    "number",
    _("The plan's measures, one per row, by number."),
    (
        Column("number", "int", _("The measure's number in the plan; unique."), width=8),
        Column("section", "code", _("Code of the section it belongs to."), 20, 10),
        *per_language("title", _("Short title; at least one language."), 400),
        *per_language("description", _("Description; optional."), None, 40),
        Column(
            "lead",
            "list",
            _("Slugs of the lead actors, separated by ';'."),
            width=28,
        ),
        Column("partners", "list", _("Slugs of the partner actors, separated by ';'."), width=28),
        Column("forms", "list", _("Slugs of tags of kind 'form', separated by ';'."), width=24),
        Column("groups", "list", _("Slugs of tags of kind 'group', separated by ';'."), width=24),
        Column(
            "articles",
            "list",
            _("Istanbul Convention article numbers, separated by ';'."),
            width=14,
        ),
    ),
)

# In the order they are checked and written: what a later sheet refers to comes first.
SHEETS: tuple[Sheet, ...] = (PLAN, ACTORS, TAGS, SECTIONS, MEASURES)
BY_NAME = {sheet.name: sheet for sheet in SHEETS}
# Sheets of the template that carry help, not data; the reader skips them.
INFORMATION_SHEETS = ("instructions", "lists")
