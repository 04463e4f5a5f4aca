"""The report as a Word document (python-docx): Word's own heading styles, so the navigation pane
shows the structure; tables as Word tables with a repeated header row; charts as PNG pictures
(the same SVG, converted by CairoSVG) with alternative text; the document language set.

The file is reproducible: the core properties carry only the date of generation, and the ZIP
entries get that date too, so the same data gives the same bytes.
"""

import io
import re
import zipfile
from datetime import datetime, time

import cairosvg
from docx import Document as new_word_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import _Cell

from planwatch.lib import charts

from .model import Document, Figure, Paragraph, Run, Section, Table
from .text import colon

LOCALES = {"nl": "nl-BE", "fr": "fr-BE", "de": "de-BE", "en": "en-GB"}
MUTED = RGBColor(0x5A, 0x65, 0x70)
DRAFT_RED = RGBColor(0xB3, 0x26, 0x1E)
TEXT_WIDTH = Cm(17)


def _set_lang(element, lang: str) -> None:
    """Set w:lang on a run's or a style's run properties."""
    rpr = element.get_or_add_rPr()
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    tag = OxmlElement("w:lang")
    tag.set(qn("w:val"), LOCALES.get(lang, lang))
    rpr.append(tag)


def _document_language(word, lang: str) -> None:
    styles = word.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    for old in rpr.findall(qn("w:lang")):
        rpr.remove(old)
    tag = OxmlElement("w:lang")
    tag.set(qn("w:val"), LOCALES[lang])
    tag.set(qn("w:eastAsia"), LOCALES[lang])
    tag.set(qn("w:bidi"), LOCALES[lang])
    rpr.append(tag)


# Characters XML 1.0 cannot hold: a control character pasted into a narrative must not make
# the document unwritable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _add_runs(paragraph, runs: list[Run], lang: str) -> None:
    for item in runs:
        run = paragraph.add_run(_NOT_XML.sub("", item.text))
        run.bold = item.strong or None
        if item.lang and item.lang != lang:
            _set_lang(run._r, item.lang)
        if item.note:
            note = paragraph.add_run(f" ({item.note})")
            note.italic = True
            note.font.color.rgb = MUTED


def _cell_runs(value: str | Run) -> list[Run]:
    return [value] if isinstance(value, Run) else [Run(str(value))]


def _page_field(paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _fill(cell, value: str | Run, lang: str, numeric: bool, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    runs = _cell_runs(value)
    if bold:
        runs = [Run(r.text, strong=True, lang=r.lang, note=r.note) for r in runs]
    _add_runs(paragraph, runs, lang)
    if numeric:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def add_table(word, table: Table, lang: str) -> None:
    if table.caption:
        word.add_paragraph(table.caption, style="Caption")
    columns = len(table.header)
    grid = word.add_table(rows=1 + len(table.rows) + len(table.footer), cols=columns)
    grid.style = word.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = []
    if table.widths:
        total = sum(table.widths)
        widths = [int(TEXT_WIDTH * w / total) for w in table.widths]
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
    # Rows and cells straight from the XML: python-docx's indexed access rebuilds the whole
    # grid on every call, which is quadratic on the annex of a large plan.
    rows = list(grid.rows)
    _repeat_header(rows[0])
    body = [table.header, *table.rows, *table.footer]
    for r, (row, values) in enumerate(zip(rows, body, strict=True)):
        bold = r == 0 or r > len(table.rows)
        for i, (tc, value) in enumerate(zip(row._tr.tc_lst, values, strict=True)):
            cell = _Cell(tc, grid)
            if widths:
                cell.width = widths[i]
            _fill(cell, value, lang, i in table.numeric, bold=bold)
    word.add_paragraph()


def add_figure(word, figure: Figure, lang: str) -> None:
    chart = figure.chart
    png = cairosvg.svg2png(bytestring=charts.svg(chart).encode(), scale=2)
    word.add_picture(io.BytesIO(png), width=min(TEXT_WIDTH, Cm(chart.width / 40)))
    picture = word.inline_shapes[-1]
    properties = picture._inline.docPr
    properties.set("title", chart.title)
    properties.set("descr", f"{chart.title}. {chart.describe()}")
    caption = word.add_paragraph(style="Caption")
    caption.add_run(chart.title)
    if figure.data_table and len(chart.categories) > 1:
        header, rows = charts.table_rows(chart)
        add_table(word, Table(header, rows, numeric=frozenset(range(1, len(header)))), lang)
    elif len(chart.categories) == 1:
        caption.add_run(f". {chart.describe()}")


def add_paragraph(word, paragraph: Paragraph, lang: str) -> None:
    out = word.add_paragraph()
    _add_runs(out, paragraph.runs, lang)
    if paragraph.style == "label":
        for run in out.runs:
            run.bold = True
        out.paragraph_format.space_after = Pt(2)
    elif paragraph.style == "note":
        for run in out.runs:
            run.font.size = Pt(9)
            run.font.color.rgb = MUTED


def add_section(word, section: Section, depth: int, lang: str, tick) -> None:
    heading = word.add_heading(level=min(depth, 9))
    if section.number:
        heading.add_run(f"{section.number} ")
    if section.title_run is not None:
        _add_runs(heading, [section.title_run], lang)
    else:
        heading.add_run(section.title)
    if section.new_page:
        heading.paragraph_format.page_break_before = True
    tick()
    for block in section.blocks:
        if isinstance(block, Paragraph):
            add_paragraph(word, block, lang)
        elif isinstance(block, Table):
            add_table(word, block, lang)
        else:
            add_figure(word, block, lang)
        tick()
    for child in section.children:
        add_section(word, child, depth + 1, lang, tick)


def cover(word, document: Document) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    header = section.header.paragraphs[0]
    if document.draft:
        mark = header.add_run(document.draft_mark)
        mark.bold = True
        mark.font.color.rgb = DRAFT_RED
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer_text = footer.add_run(f"{document.full_title} · {document.labels['page']} ")
    footer_text.font.size = Pt(8)
    _page_field(footer)

    word.add_paragraph(document.title, style="Title")
    word.add_paragraph(document.subtitle, style="Subtitle")
    if document.draft:
        notice = word.add_paragraph()
        run = notice.add_run(f"{document.draft_mark} ")
        run.bold = True
        run.font.color.rgb = DRAFT_RED
        notice.add_run(document.draft_notice)
    for label, value in document.facts:
        fact = word.add_paragraph()
        fact.add_run(colon(label, "", document.lang).rstrip()).bold = True
        fact.add_run(f" {value}")
    note = word.add_paragraph()
    note.add_run(document.labels["generated_by"]).italic = True
    note.add_run().add_break(WD_BREAK.PAGE)


def _reproducible(data: bytes, when: datetime) -> bytes:
    """The same ZIP with every entry dated ``when``, so equal documents have equal bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(document: Document, progress=None) -> bytes:
    word = new_word_document()
    lang = document.lang
    _document_language(word, lang)
    generated = datetime.combine(document.generated, time(0, 0))
    properties = word.core_properties
    properties.title = document.full_title
    properties.subject = document.subtitle
    properties.author = "Planwatch"
    properties.last_modified_by = "Planwatch"
    properties.language = LOCALES[lang]
    properties.created = properties.modified = generated
    properties.revision = 1
    properties.comments = ""
    properties.keywords = document.kind

    total = document.block_count() + 1
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and (done % 25 == 0 or done == total):
            progress(done, total)

    cover(word, document)
    for section in document.sections:
        add_section(word, section, 1, lang, tick)
    out = io.BytesIO()
    word.save(out)
    tick()
    return _reproducible(out.getvalue(), generated)
