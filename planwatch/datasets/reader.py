"""Reading dataset YAML files with line numbers, and checking their values.

Every mapping read from a file remembers the file and line it starts on, so that a problem found
later (an unknown actor, a duplicate number) is reported as ``measures-4.yaml:120: …``.
"""

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

LANGUAGES = ("nl", "fr", "de", "en")


class Record(dict):
    """A YAML mapping that knows where it was written."""

    file: str = "?"
    line: int = 0

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def at(self, key: str) -> str:
        """Where a key of the record is, as the intake's plain rows ask it (``plans.intake``):
        the record's own line."""
        return self.where


@dataclass
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class DatasetError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _loader_for(file_name: str) -> type[yaml.SafeLoader]:
    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Record:
        loader.flatten_mapping(node)
        record = Record()
        record.file = file_name
        record.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in record:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            record[key] = loader.construct_object(value_node, deep=True)
        return record

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


def read_folder(folder: Path) -> tuple[dict[str, list[Any]], list[Problem]]:
    """Every top-level list of every ``*.yaml`` file, concatenated by key."""
    merged: dict[str, list[Any]] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return merged, [Problem(str(folder), "not a folder")]
    files = sorted(folder.glob("*.yaml"))
    if not files:
        return merged, [Problem(str(folder), "no .yaml files in this folder")]
    for path in files:
        try:
            content = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader_for(path.name))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            problems.append(Problem(f"{path.name}:{line}", f"not valid YAML: {exc.problem}"))
            continue
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(path.name, f"not valid YAML: {exc}"))
            continue
        if content is None:
            continue
        if not isinstance(content, Record):
            problems.append(Problem(f"{path.name}:1", "the file must be a mapping of lists"))
            continue
        for key, value in content.items():
            if key == "plan":
                value = [value]
            if not isinstance(value, list):
                problems.append(Problem(content.where, f"{key!r} must be a list"))
                continue
            merged.setdefault(key, []).extend(value)
    return merged, problems


@dataclass
class Checker:
    """Collects problems while values are converted; callers keep going to report them all."""

    problems: list[Problem] = field(default_factory=list)

    def error(self, record: Any, message: str) -> None:
        where = record.where if isinstance(record, Record) else "?"
        self.problems.append(Problem(where, message))

    def records(self, items: Iterable[Any], what: str) -> list[Record]:
        good = []
        for item in items:
            if isinstance(item, Record):
                good.append(item)
            else:
                self.problems.append(Problem("?", f"each {what} must be a mapping, got {item!r}"))
        return good

    def keys(self, record: Record, required: set[str], optional: set[str]) -> bool:
        missing = sorted(required - record.keys())
        unknown = sorted(record.keys() - required - optional)
        for key in missing:
            self.error(record, f"missing field {key!r}")
        for key in unknown:
            self.error(record, f"unknown field {key!r}")
        return not missing

    def text(self, record: Record, key: str, required: bool = True) -> dict[str, str]:
        """A translated text: a mapping of language code to a non-empty string."""
        value = record.get(key)
        if value is None:
            if required:
                self.error(record, f"{key!r} needs a text in at least one language")
            return {}
        if not isinstance(value, dict):
            self.error(record, f"{key!r} must map languages ({', '.join(LANGUAGES)}) to text")
            return {}
        result = {}
        for lang, text in value.items():
            if lang not in LANGUAGES:
                self.error(record, f"{key!r}: unknown language {lang!r}")
            elif not isinstance(text, str) or not text.strip():
                self.error(record, f"{key!r}: the {lang} text is empty or not text")
            else:
                result[lang] = " ".join(text.split())
        if required and not result and not any(lang in value for lang in LANGUAGES):
            self.error(record, f"{key!r} needs a text in at least one language")
        return result

    def string(self, record: Record, key: str, default: str = "") -> str:
        value = record.get(key, default)
        if value is None:
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.error(record, f"{key!r} must be text")
            return default
        return " ".join(value.split())

    def choice(self, record: Record, key: str, allowed: Iterable[str], default: str = "") -> str:
        allowed = list(allowed)
        value = record.get(key, default)
        if value not in allowed:
            self.error(record, f"{key!r} is {value!r}; expected one of: {', '.join(allowed)}")
            return default or allowed[0]
        return value

    def integer(self, record: Record, key: str, minimum: int = 0, maximum: int = 10**9) -> int:
        value = record.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(record, f"{key!r} must be a whole number, got {value!r}")
            return minimum
        if not minimum <= value <= maximum:
            self.error(record, f"{key!r} must be between {minimum} and {maximum}, got {value}")
        return value

    def decimal(self, record: Record, key: str, value: Any = None) -> Decimal:
        value = record.get(key) if value is None else value
        if isinstance(value, bool):
            value = None
        try:
            if isinstance(value, str) and not re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
                raise InvalidOperation
            number = Decimal(str(value).strip())
        except (InvalidOperation, TypeError, ValueError):
            self.error(record, f"{key!r} must be a number with a dot for decimals, got {value!r}")
            return Decimal(0)
        if not number.is_finite():
            self.error(record, f"{key!r} must be a finite number, got {value!r}")
            return Decimal(0)
        return number

    def date(self, record: Record, key: str, required: bool = True) -> dt.date | None:
        value = record.get(key)
        if value is None and not required:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(record, f"{key!r} must be a date written YYYY-MM-DD, got {value!r}")
        return None

    def slug_list(self, record: Record, key: str) -> list[Any]:
        value = record.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(record, f"{key!r} must be a list")
            return []
        return value


PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})$"), "day"),
    (re.compile(r"^(\d{4})/(\d{4})$"), "years"),
)


def parse_period(value: Any) -> tuple[str, dt.date, dt.date] | None:
    """``"2022"``, ``"2022-03"``, ``"2017-10-19"`` or ``"2021/2023"`` → (label, start, end)."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    if isinstance(value, int):
        value = str(value)
    if not isinstance(value, str):
        return None
    for pattern, kind in PERIOD_PATTERNS:
        match = pattern.match(value.strip())
        if not match:
            continue
        parts = [int(p) for p in match.groups()]
        try:
            if kind == "year":
                return value, dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
            if kind == "month":
                start = dt.date(parts[0], parts[1], 1)
                following = dt.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
                return value, start, following - dt.timedelta(days=1)
            if kind == "day":
                day = dt.date(*parts)
                return value, day, day
            if parts[1] < parts[0]:
                return None
            return value, dt.date(parts[0], 1, 1), dt.date(parts[1], 12, 31)
        except ValueError:
            return None
    return None
