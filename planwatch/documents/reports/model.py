"""The one model every report is built into, and every format renders.

A report is a :class:`Document`: a cover (title, facts such as plan, round and period, the draft
mark), then nested :class:`Section` objects holding blocks: paragraphs of :class:`Run` objects,
tables and charts. Everything in it is already text in the report's language (numbers, dates
and amounts formatted), so the HTML, PDF and DOCX renderers only lay it out and can never
disagree on a figure.
"""

from dataclasses import dataclass, field
from datetime import date

from planwatch.lib.charts import Chart


@dataclass
class Run:
    """A piece of text. ``lang`` is set when it is in another language than the report (content
    shown in a fallback language); ``note`` is that fallback's visible mark ("shown in Dutch")."""

    text: str
    strong: bool = False
    lang: str = ""
    note: str = ""


@dataclass
class Paragraph:
    runs: list[Run]
    style: str = ""  # "" (body), "label" (a short label above a figure), "note" (small print)

    @property
    def text(self) -> str:
        return "".join(run.text + (f" ({run.note})" if run.note else "") for run in self.runs)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str | Run]]
    caption: str = ""
    numeric: frozenset[int] = frozenset()  # columns aligned right (and never wrapped)
    nowrap: frozenset[int] = frozenset()  # other columns never wrapped: periods, codes
    footer: list[list[str]] = field(default_factory=list)  # total rows
    widths: tuple[int, ...] = ()  # relative column widths, when they matter


@dataclass
class Figure:
    chart: Chart
    data_table: bool = True  # show the chart's figures as a table (unless one bar only)


Block = Paragraph | Table | Figure


@dataclass
class Section:
    title: str
    anchor: str
    blocks: list[Block] = field(default_factory=list)
    children: list["Section"] = field(default_factory=list)
    number: str = ""  # "1.4.5", shown before the title
    title_run: Run | None = None  # set when the title falls back to another language
    new_page: bool = False

    def add(self, *blocks: Block) -> "Section":
        self.blocks.extend(blocks)
        return self

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}" if self.number else self.title


@dataclass
class Document:
    kind: str  # interim, coverage, budget
    lang: str
    title: str  # the report's name: "Interim evaluation report"
    subtitle: str  # the plan's title
    full_title: str  # both, as the PDF and DOCX title
    facts: list[tuple[str, str]]  # cover lines: (label, value)
    generated: date
    draft: bool
    draft_mark: str  # "DRAFT" in the report's language
    draft_notice: str  # the sentence that explains it
    sections: list[Section] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # "contents", "page", …

    def walk(self):
        """Every (depth, section), depth-first in reading order; depth starts at 1."""

        def visit(sections: list[Section], depth: int):
            for section in sections:
                yield depth, section
                yield from visit(section.children, depth + 1)

        yield from visit(self.sections, 1)

    def block_count(self) -> int:
        return sum(len(section.blocks) + 1 for _depth, section in self.walk())
