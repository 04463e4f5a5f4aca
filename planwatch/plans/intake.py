"""The middle of a plan's intake: the plain rows both front doors read a plan into, and the one
checker of a plan's rules.

``planwatch load-dataset`` reads YAML (``datasets/reader.py`` + ``checks.py``), ``planwatch
import plan`` reads XLSX or CSV (``documents/imports/parsing.py`` + ``plan.py``). Each door turns
what it read into the rows below, one small dataclass per kind of row, each carrying ``source``:
the door's own handle on where the row was written, which answers ``at(column)`` with a place in
the door's own form (``plan.yaml:35``, ``measures!L3``, ``measures.csv:3``). :class:`PlanRules`
then checks every rule of a plan's content on those rows and reports ``(source, column,
message)``; the door prints it where it belongs. So the same mistake gets the same message
through both doors, and a rule is written once.

What stays with each door is reading: a YAML key that is missing, a cell that is not a number.
The rules themselves are the models' methods (``Plan.status_problems``, ``Plan.number_problem``,
``Section.parent_problem``, ``MeasureActor.problems``, ``Tag.kind_problem``); this module says
which row and column each applies to, and holds the rules that need more than one model (a
measure's section, articles, tags; an actor's government).

Kinds of rows carry only what a rule reads; a door that adds a field to a rule adds it here, in
one place, and fills it in its reader.
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _

from planwatch.actors.models import Actor

from .models import MeasureActor, Plan, Section, Tag


class Source(Protocol):
    """Where a row was written: a dataset ``Record`` or a workbook ``Row``."""

    def at(self, column: str) -> str: ...


@dataclass(slots=True)
class PlanRow:
    source: Any
    slug: str | None
    statuses: tuple[str, ...] = ()
    declared_measures: int = 0
    coordinator: str | None = None
    start: Any = None
    end: Any = None


@dataclass(slots=True)
class ActorRow:
    source: Any
    slug: str
    kind: str | None = None  # None: "other"
    government: str | None = None


@dataclass(slots=True)
class TagRow:
    source: Any
    slug: str
    kind: Any = None


@dataclass(slots=True)
class SectionRow:
    source: Any
    code: str
    parent: str | None  # None: a pillar
    pillar: int | None = None  # as written; a pillar needs one, an objective may repeat its own
    pillar_given: bool = True  # False: the door could not read it (its own error said so)


@dataclass(slots=True)
class MeasureRow:
    source: Any
    number: int | None
    section: str | None  # None: missing; "": could not be read (the door said why)
    lead: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(slots=True)
class ProvisionRow:
    """A framework's provision (an Istanbul Convention article, a GREVIO recommendation) and the
    measures it names."""

    source: Any
    code: str
    measures: tuple[Any, ...] = ()


@dataclass(slots=True)
class Finding:
    source: Any
    column: str
    message: str

    @property
    def where(self) -> str:
        return self.source.at(self.column)


@dataclass
class Known:
    """What rows may refer to besides each other: for a dataset nothing (it is the whole plan),
    for a workbook the database as it is."""

    actors: Collection[str] = ()
    governments: Collection[str] = ()
    tags: Mapping[str, Any] = field(default_factory=dict)  # slug → kind
    articles: Collection[str] = ()
    section_parents: Mapping[str, str | None] = field(default_factory=dict)
    section_pillars: Mapping[str, int | None] = field(default_factory=dict)
    measures: Collection[Any] = ()


class PlanRules:
    """Every rule of a plan's content, on plain rows. Call the methods in the order of the
    kinds of rows (plan, actors, tags, sections, measures, provisions): later kinds refer to the
    earlier ones, and each method adds what its rows define to what the next may refer to."""

    def __init__(self, known: Known | None = None):
        known = known or Known()
        self.findings: list[Finding] = []
        self.actors = set(known.actors)
        self.governments = set(known.governments)
        self.tags: dict[str, Any] = dict(known.tags)
        self.articles = set(known.articles)
        self.parents: dict[str, str | None] = dict(known.section_parents)
        self.pillars: dict[str, int | None] = dict(known.section_pillars)
        self.measures = set(known.measures)
        self.numbering = Plan()

    def report(self, source: Any, column: str, message: str) -> None:
        self.findings.append(Finding(source, column, message))

    def unique(self, rows: Iterable[Any], key: str, what: str) -> list[Any]:
        """The rows with a key, each key once; a repeated key is reported on the later row,
        with where the first one is."""
        seen: dict[Any, Any] = {}
        for row in rows:
            value = getattr(row, key)
            if value is None:
                continue
            if value in seen:
                self.report(
                    row.source,
                    key,
                    _("%(what)s %(key)s is already given at %(where)s.")
                    % {"what": what, "key": value, "where": seen[value].source.at(key)},
                )
                continue
            seen[value] = row
        return list(seen.values())

    # -- one method per kind of row ----------------------------------------------------------

    def actors_known(self, rows: Iterable[ActorRow]) -> None:
        """Actors are named before anything refers to them (the plan's coordinator)."""
        self.actors.update(row.slug for row in rows)

    def plan(self, row: PlanRow) -> None:
        plan = Plan(statuses=list(row.statuses), declared_measures=row.declared_measures or 0)
        for message in plan.status_problems():
            self.report(row.source, "statuses", message)
        if row.coordinator and row.coordinator not in self.actors:
            self.report(
                row.source, "coordinator", _("Unknown actor %(slug)r.") % {"slug": row.coordinator}
            )
        if row.start and row.end and row.end < row.start:
            self.report(row.source, "end", _("The plan ends before it starts."))
        self.numbering = plan

    def actor(self, row: ActorRow) -> None:
        if row.kind is not None and row.kind not in Actor.Kind.values:
            self.report(
                row.source,
                "kind",
                _("Unknown kind; known: %(known)s.") % {"known": ", ".join(Actor.Kind.values)},
            )
        if row.government and row.government not in self.governments:
            self.report(
                row.source,
                "government",
                _("Unknown government %(code)r.") % {"code": row.government},
            )
        self.actors.add(row.slug)

    def tag(self, row: TagRow) -> None:
        if row.kind not in Tag.Kind.values:
            self.report(
                row.source,
                "kind",
                _("The kind is 'form' (form of violence) or 'group' (target group)."),
            )
        # A tag of a wrong kind is still known; measures listing it are not blamed for it.
        self.tags[row.slug] = row.kind if row.kind in Tag.Kind.values else None

    def sections(self, rows: list[SectionRow]) -> dict[str, int | None]:
        """Checks each section's parent and pillar number; returns every section's pillar number
        as it will be (its pillar's)."""
        for row in rows:
            self.parents[row.code] = row.parent
            if row.parent is None:
                self.pillars[row.code] = row.pillar
        result = {}
        for row in rows:
            pillar = Section.pillar_of(row.code, self.parents, self.pillars)
            result[row.code] = pillar
            if row.parent is None:
                if row.pillar is None and row.pillar_given:
                    self.report(
                        row.source,
                        "pillar",
                        _("A pillar (a section without parent) needs its pillar number."),
                    )
            elif problem := Section.parent_problem(row.code, self.parents):
                self.report(row.source, "parent", problem)
            elif row.pillar not in (None, pillar) and pillar is not None:
                self.report(
                    row.source,
                    "pillar",
                    _("Its pillar %(parent)s has pillar number %(pillar)s.")
                    % {"parent": Section.root_of(row.code, self.parents), "pillar": pillar},
                )
        return result

    def measure(self, row: MeasureRow) -> None:
        source = row.source
        if row.number is not None:
            if problem := self.numbering.number_problem(row.number):
                self.report(source, "number", problem)
            self.measures.add(row.number)
        if row.section is None:
            self.report(source, "section", _("Every measure belongs to a section."))
        elif row.section and row.section not in self.parents:  # "": unread, said by the door
            self.report(source, "section", _("Unknown section %(code)r.") % {"code": row.section})
        for column, message in MeasureActor.problems(
            list(row.lead), list(row.partners), self.actors
        ):
            self.report(source, column, message)
        for kind, column in Tag.COLUMNS.items():
            for slug in getattr(row, column):
                if problem := Tag.kind_problem(slug, kind, self.tags):
                    self.report(source, column, problem)
        for code in row.articles:
            if code not in self.articles:
                self.report(
                    source,
                    "articles",
                    _("Unknown Istanbul Convention article %(code)r.") % {"code": code},
                )

    def provision(self, row: ProvisionRow) -> None:
        self.measures_named(row.source, row.measures)

    def measures_named(self, source: Any, numbers: Iterable[Any]) -> None:
        """A provision or an indicator names measures of the plan."""
        for number in numbers:
            if number not in self.measures:
                self.report(
                    source, "measures", _("Unknown measure %(number)r.") % {"number": number}
                )
