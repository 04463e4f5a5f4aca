"""What an export holds: a source declares its fields once; every format and the data package's
Table Schema are derived from that declaration."""

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

Row = dict[str, Any]


@dataclass(frozen=True)
class Field:
    """One value of a row.

    ``type`` is the Table Schema type of its flat (CSV) column(s). A list value (``many``) is one
    column joined with "; ". A mapping value (``keys``, e.g. one text per language) is one column
    per key, named ``<name>_<key>``.
    """

    name: str
    type: str = "string"
    description: str = ""
    many: bool = False
    keys: Callable[[], Sequence[str]] | None = None
    required: bool = False
    enum: Callable[[Plan], Sequence[str]] | None = None

    def columns(self) -> list[str]:
        if self.keys is None:
            return [self.name]
        return [f"{self.name}_{key}" for key in self.keys()]

    def cells(self, value: Any) -> list[Any]:
        """The flat values of this field, one per column."""
        if self.keys is not None:
            value = value or {}
            return [value.get(key) for key in self.keys()]
        if self.many:
            return ["; ".join(str(item) for item in value or [])]
        return [value]


@dataclass(frozen=True)
class ForeignKey:
    field: str
    resource: str
    reference: str


RowFunction = Callable[..., Iterator[Row]]


@dataclass(frozen=True)
class Source:
    """A kind of row: ``rows(plan, round_, measures=None)`` yields them.

    ``uses_round``: the rows depend on the round given. ``filterable``: the rows can be limited
    to a set of measures (the portal's filters); ``measures`` is then a queryset of them.
    """

    name: str
    title: str
    description: str
    rows: RowFunction
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    uses_round: bool = False
    filterable: bool = True
    missing_values: Callable[[Plan], Sequence[str]] | None = field(default=None)

    def columns(self) -> list[str]:
        return [column for f in self.fields for column in f.columns()]

    def __call__(
        self, plan: Plan, round_: Round | None = None, measures: Any = None
    ) -> Iterator[Row]:
        return self.rows(plan, round_, measures=measures)


def only_measures(queryset: Any, measures: Any, lookup: str = "measure") -> Any:
    """Limit ``queryset`` to rows of the given measures (a queryset), when there are any."""
    if measures is None:
        return queryset
    return queryset.filter(**{f"{lookup}__in": measures.values("pk")})


def narrowed(queryset: Any, round_: Round | None, measures: Any) -> Any:
    """Rows about measures in rounds: only ``round_`` when given, only ``measures`` when given."""
    if round_ is not None:
        queryset = queryset.filter(round=round_)
    return only_measures(queryset, measures)
