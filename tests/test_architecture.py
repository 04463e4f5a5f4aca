"""The floors of the code (docs/architecture.md, "Floors"), checked by import-linter with the
contracts of ``.importlinter``: the same check ``make lint`` runs."""

from pathlib import Path

import pytest
from importlinter import api  # noqa: F401 (configures import-linter, as its command does)
from importlinter.application import use_cases
from importlinter.application.app_config import settings

ROOT = Path(__file__).resolve().parent.parent


def report(add_imports: tuple[tuple[str, str], ...] = ()):
    """The report of every contract on the code as it is, plus ``add_imports`` (importer,
    imported): how a future import would be judged, without writing it."""
    original = settings.GRAPH_BUILDER

    def build_with(**kwargs):
        graph = original.build(**{**kwargs, "cache_dir": None})
        for importer, imported in add_imports:
            graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="")
        return graph

    use_cases._register_built_in_contract_types()
    options = use_cases.read_user_options(str(ROOT / ".importlinter"))
    settings.configure(GRAPH_BUILDER=type("Builder", (), {"build": staticmethod(build_with)})())
    try:
        result = use_cases.create_report(options, cache_dir=None)
    finally:
        settings.configure(GRAPH_BUILDER=original)
    return {contract.name: check.kept for contract, check in result.get_contracts_and_checks()}


def test_every_contract_is_kept():
    kept = report()
    assert len(kept) == 5
    assert all(kept.values()), [name for name, ok in kept.items() if not ok]


@pytest.mark.parametrize(
    "importer, imported, broken",
    [
        # core reading a domain app: the base and the floors
        (
            "planwatch.core.page_cache",
            "planwatch.plans.models",
            {"lib and core import no domain app", "Apps import only the floors below them"},
        ),
        # a lower floor reading a higher one (that reaches back: a cycle as well)
        (
            "planwatch.plans.models",
            "planwatch.reporting.models",
            {
                "Apps import only the floors below them",
                "No import cycle between the modules of any package",
            },
        ),
        # a lower floor reading a higher one
        (
            "planwatch.accounts.models",
            "planwatch.indicators.models",
            {"Apps import only the floors below them"},
        ),
        # two apps of one floor reading each other; the API reading the portal
        (
            "planwatch.api.views",
            "planwatch.portal.views",
            {"Apps import only the floors below them", "The API does not import the portal"},
        ),
        # a cycle inside an app (portal.views reads downloads' texts)
        (
            "planwatch.portal.downloads",
            "planwatch.portal.views",
            {"No import cycle between the modules of any package"},
        ),
        # the parts of documents are independent
        (
            "planwatch.documents.reports.common",
            "planwatch.documents.exports.values",
            {"documents: imports, exports and reports independent, their pages and commands above"},
        ),
    ],
)
def test_a_wrong_import_breaks_its_contract(importer, imported, broken):
    kept = report(((importer, imported),))
    assert {name for name, ok in kept.items() if not ok} == broken
