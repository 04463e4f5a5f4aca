"""Spreadsheets in: read an XLSX or CSV file safely, preview what it would change, apply it in
one transaction or not at all.

Entry points (the command line, pages and tests all call these):

- :func:`preview_plan_import` (file, plan slug) → :class:`Preview`: rows to create, update and
  leave unchanged, and every error with sheet, row, column, value and message. Writes nothing.
- :func:`apply_plan_import` (preview, user) → the written rows' summary; refuses (and writes
  nothing) when the preview has errors or the plan changed since the preview.
- :func:`error_report_xlsx` (preview) → the errors as a workbook.
- :func:`plan_workbook` (plan slug) → the plan workbook, filled with the plan as it stands.
- :func:`round_workbook` (round, actor, language), :func:`preview_round_import` (file, round,
  user) and :func:`apply_round_import` (preview, user): the round import, through
  ``reporting.services.save_contribution``.

The workbook's columns are described in ``sheets.py`` and documented in docs/imports.md.
"""

from .apply import CHANGE_REASON, apply_plan_import
from .files import UnreadableFile
from .plan import preview_plan_import
from .preview import ImportRefused, Preview, RowChange, RowError, error_report_xlsx
from .round import apply_round_import, preview_round_import
from .round_template import round_workbook
from .template import plan_workbook

__all__ = [
    "CHANGE_REASON",
    "ImportRefused",
    "Preview",
    "RowChange",
    "RowError",
    "UnreadableFile",
    "apply_plan_import",
    "apply_round_import",
    "error_report_xlsx",
    "plan_workbook",
    "preview_plan_import",
    "preview_round_import",
    "round_workbook",
]
