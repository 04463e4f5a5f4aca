"""The shape of the code: short modules and functions, readable templates, independent tests.

Limits: no module of ``planwatch/`` (migrations aside) over 600 lines, no function over 120 lines,
no template line over 120 characters, no test module importing another test module
(shared fixtures live in ``tests/conftest.py``, shared helpers in ``tests/*_helpers.py``).

What is still over a limit today is listed below, each with its reason. Every exception must
still be needed: once a file is brought within the limits, its exception fails the test until it
is removed, so the lists only ever shrink.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "planwatch"
TESTS = ROOT / "tests"

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 120
MAX_TEMPLATE_LINE = 120

# Modules (paths below planwatch/) still over 600 lines.
LONG_MODULES: set[str] = set()

# Functions ("path:name", path below planwatch/) still over 120 lines.
LONG_FUNCTIONS: set[str] = set()

# Templates (paths below a templates/ folder) with lines still over 120 characters.
LONG_TEMPLATE_LINES: set[str] = set()


def python_modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def templates() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("templates/**/*")):
        # HTML only: in a plain-text template (mails) each line break is part of the text sent.
        if path.is_file() and path.suffix == ".html":
            name = path.relative_to(next(p for p in path.parents if p.name == "templates"))
            found[name.as_posix()] = path
    return found


def relative(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def long_modules() -> set[str]:
    return {
        relative(path)
        for path in python_modules()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_MODULE_LINES
    }


def long_functions() -> set[str]:
    found = set()
    for path in python_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                # From the first decorator to the last line of the body.
                start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                if node.end_lineno - start + 1 > MAX_FUNCTION_LINES:
                    found.add(f"{relative(path)}:{node.name}")
    return found


def long_template_lines() -> dict[str, list[int]]:
    found = {}
    for name, path in templates().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        over = [n for n, line in enumerate(lines, 1) if len(line) > MAX_TEMPLATE_LINE]
        if over:
            found[name] = over
    return found


def check(kind: str, found: set[str], allowed: set[str]) -> None:
    new = sorted(found - allowed)
    stale = sorted(allowed - found)
    assert not new, f"{kind} over the limit: {new}"
    assert not stale, f"{kind} now within the limit: remove their exceptions in this file: {stale}"


def test_modules_are_short():
    check("Modules", long_modules(), LONG_MODULES)


def test_functions_are_short():
    check("Functions", long_functions(), LONG_FUNCTIONS)


def test_template_lines_are_short():
    found = long_template_lines()
    assert all(name in templates() for name in LONG_TEMPLATE_LINES), (
        "exceptions naming templates that do not exist: "
        f"{sorted(LONG_TEMPLATE_LINES - set(templates()))}"
    )
    details = {name: lines for name, lines in found.items() if name not in LONG_TEMPLATE_LINES}
    assert not details, (
        f"Template lines over {MAX_TEMPLATE_LINE} characters (file: lines): {details}"
    )
    check("Templates", set(found), LONG_TEMPLATE_LINES)


TEST_MODULE_IMPORT = re.compile(r"^\s*from\s+(tests)?\.?test_\w+\s+import", re.MULTILINE)


def test_tests_do_not_import_other_test_modules():
    offenders = sorted(
        path.name
        for path in TESTS.glob("*.py")
        if TEST_MODULE_IMPORT.search(path.read_text(encoding="utf-8"))
    )
    assert not offenders, (
        f"These test files import from another test module: {offenders}; move what they share "
        "to tests/conftest.py (fixtures) or a tests/*_helpers.py module (helpers)."
    )
