"""Benchmark of data in and out: the plan import of a 10,000-row workbook (XLSX and CSV), the
round import of one actor's workbook, and the exports of the large generated dataset, each with
wall time, CPU time and peak memory.

    .venv/bin/python bench/exchange.py [--rows 10000] [--round-rows 1000]
                                       [--plans 20] [--measures 500] [--rounds 8]
                                       [--observations 1000000] [--big-observations 1000000]
                                       [--only imports|exports] [--keep DIR] [--json FILE]

A quick run: --rows 1000 --round-rows 100 --plans 2 --measures 50 --observations 10000
--big-observations 20000.

Everything happens in a throwaway SQLite database in a temporary folder (--keep DIR keeps it, and
reuses it when it exists: the large set then needs generating once). Every measured operation
runs in a child process of its own, a fresh Python that sets Django up and does only that
operation, so each figure is that operation's alone:

- wall: seconds from the operation's start to its end, inside the child (Django's set-up not
  included);
- cpu: the child's user + system CPU seconds for the operation (on a busy machine the steadier
  figure; SQLite runs inside the process, so the database's work is counted);
- peak MB: the child's peak resident set size as the kernel reports it
  (getrusage(RUSAGE_SELF).ru_maxrss) at the end of the operation, so Python, Django and the
  libraries are included: the "baseline" line is a child that sets Django up, imports the
  import and export code and does nothing else;
- load: the machine's 1-minute load average when the operation ended (2 cores).

Imports go through the same functions as ``planwatch import plan`` (preview, then apply in one
transaction); exports through ``planwatch export`` itself. Aims: 10,000 rows imported (preview
and apply) in under 10 s and every operation under 500 MB. It prints its figures and exits 1 when
an import misses an aim; nothing else is asserted.
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AIM_SECONDS, AIM_MB = 10.0, 500.0
LANGUAGES = ("nl", "fr", "de", "en")


# =============================================================================================
# The parent: runs each operation in a child and prints the table.


def run_child(data_dir: str, op: str, *args: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", op, "--data", data_dir]
    process = subprocess.Popen([*command, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    out = process.stdout.read()
    process.wait()
    result = next(
        (json.loads(line[7:]) for line in out.splitlines() if line.startswith("RESULT ")), None
    )
    if process.returncode or result is None:
        sys.stdout.write(out)
        raise SystemExit(f"{op} {' '.join(args)} failed (exit status {process.returncode})")
    result["load"] = os.getloadavg()[0]
    return result


HEADER = f"{'operation':<72} {'rows':>9} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'load':>5}"


def line(name: str, rows: int | str, phase: dict, load: float | str = "") -> str:
    rows = f"{rows:,}" if isinstance(rows, int) else rows
    load = f"{load:.1f}" if isinstance(load, float) else load
    return (
        f"{name:<72} {rows:>9} {phase['wall']:7.2f} {phase['cpu']:7.2f} "
        f"{phase['peak_mb']:8.0f} {load:>5}"
    )


class Report:
    def __init__(self) -> None:
        self.results: list[dict] = []
        self.missed: list[str] = []

    def print(self, text: str) -> None:
        print(text, flush=True)

    def imported(self, label: str, result: dict) -> None:
        preview, apply = result["preview"], result["apply"]
        total = {
            "wall": preview["wall"] + apply["wall"],
            "cpu": preview["cpu"] + apply["cpu"],
            "peak_mb": max(preview["peak_mb"], apply["peak_mb"]),
        }
        rows = result["rows"]
        self.print(line(f"{label}: preview", rows, preview))
        self.print(line(f"{label}: apply", rows, apply))
        self.print(line(f"{label}: total", rows, total, result["load"]))
        self.print(f"{'':<6}{result['summary']}")
        result.update(label=label, total=total)
        self.results.append(result)
        if rows >= 10_000 and (total["wall"] >= AIM_SECONDS or total["peak_mb"] >= AIM_MB):
            self.missed.append(label)

    def exported(self, label: str, result: dict) -> None:
        size = result.get("bytes", 0)
        self.print(line(label, result["rows"], result, result["load"]) + f"  {size / 1e6:7.1f} MB")
        result["label"] = label
        self.results.append(result)
        if result["peak_mb"] >= AIM_MB:
            self.missed.append(label)


def imports(data: str, args: argparse.Namespace, report: Report) -> None:
    rows = args.rows
    made = run_child(data, "workbooks", str(rows))
    report.print(f"workbooks written: {made['files']}")
    scenarios = [
        ("XLSX, new plan, all rows created", "create.xlsx", "bench-xlsx"),
        ("XLSX, the same file again (changes nothing)", "create.xlsx", "bench-xlsx"),
        ("XLSX, 10% of the measures edited", "edit.xlsx", "bench-xlsx"),
        ("XLSX, every measure changed (all columns)", "changed.xlsx", "bench-xlsx"),
        ("CSV, measures created (plan and sections exist)", "create.csv", "bench-csv"),
        ("CSV, the same file again (changes nothing)", "create.csv", "bench-csv"),
        ("CSV, every measure changed (all columns)", "changed.csv", "bench-csv"),
    ]
    if "lo.xlsx" in made["files"]:
        scenarios.insert(
            4, ("XLSX saved by LibreOffice (shared strings), new plan", "lo.xlsx", "bench-lo")
        )
    run_child(data, "import", "csv-plan.xlsx", "bench-csv")  # the plan and sections of the CSV
    report.print(HEADER)
    for label, name, slug in scenarios:
        report.imported(f"plan import, {label}", run_child(data, "import", name, slug))
    report.exported(
        f"plan template of the {rows:,}-measure plan (XLSX)",
        run_child(data, "template", "bench-xlsx"),
    )
    if args.round_rows:
        made = run_child(data, "round-setup", str(args.round_rows))
        report.print(f"round workbook written: {made['files']}")
        label = f"round import, one actor's {args.round_rows:,} contributions"
        report.imported(label, run_child(data, "round-import"))
        report.imported(f"{label}, again", run_child(data, "round-import"))


def exports(data: str, args: argparse.Namespace, report: Report) -> None:
    marker = Path(data) / "generated.json"
    wanted = {
        "plans": args.plans,
        "measures": args.measures,
        "rounds": args.rounds,
        "observations": args.observations,
        "big": args.big_observations,
    }
    if not marker.exists() or json.loads(marker.read_text()) != wanted:
        if marker.exists():
            raise SystemExit(f"{data} holds another generated set: use another --keep folder.")
        result = run_child(
            data,
            "generate",
            *(str(wanted[k]) for k in ("plans", "measures", "rounds", "observations", "big")),
        )
        marker.write_text(json.dumps(wanted))
        report.print(f"large set generated in {result['wall']:.0f} s")
    slug = f"bench-{args.plans // 2:02d}"
    report.print(
        f"exports of {slug} ({args.measures} measures, {args.rounds} published rounds, "
        f"{args.observations // args.plans:,} observations), through planwatch export:"
    )
    report.print(HEADER)
    for source in ("measures", "statuses", "budgets", "indicators", "observations"):
        for fmt in ("csv", "xlsx", "json"):
            result = run_child(data, "export", source, fmt, slug)
            report.exported(f"export {source} {fmt}", result)
    report.exported(f"export datapackage {slug}", run_child(data, "datapackage", slug))
    report.exported(
        f"export datapackage of all {args.plans} plans, in one process",
        run_child(data, "datapackage-all"),
    )
    if args.big_observations:
        for fmt in ("csv", "xlsx", "json"):
            result = run_child(data, "export", "observations", fmt, "bench-observations")
            report.exported(f"export observations {fmt} of a plan holding them all", result)
        report.exported(
            "export datapackage of that plan", run_child(data, "datapackage", "bench-observations")
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="measures in the plan workbook")
    parser.add_argument("--round-rows", type=int, default=1_000, help="0 skips the round import")
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument(
        "--big-observations",
        type=int,
        default=1_000_000,
        help="observations of one more plan, exported whole (0 skips it)",
    )
    parser.add_argument("--only", choices=["imports", "exports"])
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the database here")
    parser.add_argument("--json", metavar="FILE", help="also write every figure to this file")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.child:
        return child(args.child, args.data, rest)

    data = args.keep or tempfile.mkdtemp(prefix="planwatch-bench-")
    Path(data).mkdir(parents=True, exist_ok=True)
    report = Report()
    print(f"database and files in {data}; load average {os.getloadavg()[0]:.1f} at the start")
    if not (Path(data) / "planwatch.sqlite3").exists():
        result = run_child(data, "setup")
        print(f"NAP loaded in {result['wall']:.1f} s")
    print(HEADER)
    report.print(line("baseline (Django set up, nothing done)", "", run_child(data, "baseline")))
    try:
        if args.only != "exports":
            imports(data, args, report)
        if args.only != "imports":
            exports(data, args, report)
    finally:
        if not args.keep:
            shutil.rmtree(data, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(report.results, indent=2))
    if report.missed:
        print(f"missed the aims (< {AIM_SECONDS:g} s, < {AIM_MB:g} MB): {report.missed}")
    sys.exit(1 if report.missed else 0)


# =============================================================================================
# The children: each sets Django up, does one operation and prints RESULT {json}.


class Phase:
    """Wall and CPU time of a block, and the process's peak memory at its end."""

    def __enter__(self) -> "Phase":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu
        self.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def result(self) -> dict:
        return {"wall": self.wall, "cpu": self.cpu, "peak_mb": self.peak_mb}


class Queries:
    """Counts the statements a block sends (an executemany counts once), without keeping them."""

    def __enter__(self) -> "Queries":
        from django.db import connection

        self.count = 0
        self._context = connection.execute_wrapper(self)
        self._context.__enter__()
        return self

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)

    def __exit__(self, *exc: object) -> None:
        self._context.__exit__(*exc)


def setup_django(data_dir: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.pop("DATABASE_URL", None)  # never a real database
    os.environ["PLANWATCH_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
    import django

    django.setup()


def child(op: str, data: str, args: list[str]) -> None:
    setup_django(data)
    result = globals()[f"op_{op.replace('-', '_')}"](Path(data), *args)
    print("RESULT " + json.dumps(result, default=str), flush=True)


def op_setup(data: Path) -> dict:
    from django.core.management import call_command

    from planwatch.datasets.loader import NAP_DATASET, load_dataset

    with Phase() as phase:
        call_command("migrate", verbosity=0)
        load_dataset(NAP_DATASET)
    return phase.result()


def op_baseline(data: Path) -> dict:
    with Phase() as phase:
        import openpyxl  # noqa: F401

        from planwatch.documents import exports, imports  # noqa: F401
        from planwatch.plans.models import Plan

        Plan.objects.count()
    return phase.result()


# -- plan workbooks ---------------------------------------------------------------------------


def workbook_sheets(slug: str, rows: int, variant: str, names: dict) -> dict[str, list[dict]]:
    """The sheets of a plan workbook of ``rows`` measures, in column terms. ``variant``:
    "create"; "edit" (every tenth measure gets a new English title and one more partner);
    "changed" (every column of every measure changes)."""
    rng = random.Random(11)
    codes: list[str] = []
    sections = []
    for pillar in range(1, 8):
        sections.append(
            {
                "code": f"1.{pillar}",
                "pillar": pillar,
                "order": pillar * 100,
                "title_nl": f"Pijler {pillar}",
            }
        )
        for objective in range(1, 5):
            code = f"1.{pillar}.{objective}"
            codes.append(code)
            sections.append(
                {
                    "code": code,
                    "parent": f"1.{pillar}",
                    "order": pillar * 100 + objective,
                    "title_nl": f"Doelstelling {code}",
                    "title_fr": f"Objectif {code}",
                }
            )
    measures = []
    for number in range(1, rows + 1):
        actors = rng.sample(names["actors"], 4)
        forms = rng.sample(names["forms"], 2)
        groups = rng.sample(names["groups"], 3)
        articles = sorted(rng.sample(names["articles"], 3), key=int)
        again = variant == "changed"
        suffix = " (revised)" if again else ""
        edited = variant == "edit" and number % 10 == 0
        measure = {
            "number": number,
            "section": codes[(number + again) * len(codes) // (rows + 2)],
            **{
                f"title_{lang}": f"Measure {number}: a title as long as a real one, in {lang}"
                + suffix
                for lang in LANGUAGES
            },
            **{
                f"description_{lang}": (
                    f"What measure {number} does and for whom, in {lang}: a paragraph of the "
                    "kind the plan gives, with its aim, its partners and its time frame." + suffix
                )
                for lang in ("nl", "fr", "en")
            },
            "lead": actors[1 if again else 0],
            "partners": "; ".join(actors[2:] if again else actors[1:3]),
            "forms": "; ".join(forms[1:] if again else forms[:1]),
            "groups": "; ".join(groups[1:] if again else groups[:2]),
            "articles": "; ".join(articles[1:] if again else articles[:2]),
        }
        if edited:
            measure["title_en"] += " (edited)"
            measure["partners"] += f"; {actors[3]}"
        measures.append(measure)
    return {
        "plan": [
            {
                "slug": slug,
                "title_nl": "Benchplan",
                "title_en": "Bench plan",
                "start": dt.datetime(2021, 1, 1),
                "end": dt.datetime(2025, 12, 31),
                "declared_measures": rows,
                "statuses": "not_started; in_progress; implemented",
            }
        ],
        "sections": sections,
        "measures": measures,
    }


def to_xlsx(sheets: dict[str, list[dict]]) -> bytes:
    """As openpyxl writes it, like the plan template (strings inline)."""
    from openpyxl import Workbook

    from planwatch.documents.imports.sheets import BY_NAME

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        columns = BY_NAME[name].names
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_csv(rows: list[dict]) -> bytes:
    """The measures sheet as a Belgian Excel writes CSV: ';' and a BOM."""
    import csv

    from planwatch.documents.imports.sheets import MEASURES

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(MEASURES.names)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in MEASURES.names])
    return out.getvalue().encode("utf-8-sig")


def libreoffice_copy(source: Path, target: Path) -> bool:
    """The workbook opened and saved again by LibreOffice, when it is installed: shared strings,
    as spreadsheet programs write them."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return False
    folder = Path(tempfile.mkdtemp(prefix="bench-lo-"))
    try:
        subprocess.run(
            [
                soffice,
                "--headless",
                "--norestore",
                f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(folder),
                str(source),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        saved = folder / source.name
        if not saved.exists():
            return False
        shutil.move(saved, target)
        return True
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def op_workbooks(data: Path, rows: str) -> dict:
    from planwatch.actors.models import Actor
    from planwatch.plans.models import Plan, Provision, Tag

    if Plan.objects.filter(slug__in=["bench-xlsx", "bench-csv"]).exists():
        raise SystemExit(f"{data} was imported into already: give --keep a new folder.")
    count = int(rows)
    names = {
        "actors": sorted(Actor.objects.values_list("slug", flat=True)),
        "forms": sorted(Tag.objects.filter(kind="form").values_list("slug", flat=True)),
        "groups": sorted(Tag.objects.filter(kind="group").values_list("slug", flat=True)),
        "articles": sorted(
            Provision.objects.filter(framework__slug="istanbul-convention").values_list(
                "code", flat=True
            )
        ),
    }
    files = {}
    for variant in ("create", "edit", "changed"):
        files[f"{variant}.xlsx"] = to_xlsx(workbook_sheets("bench-xlsx", count, variant, names))
    csv_sheets = {v: workbook_sheets("bench-csv", count, v, names) for v in ("create", "changed")}
    files["csv-plan.xlsx"] = to_xlsx(
        {k: v for k, v in csv_sheets["create"].items() if k != "measures"}
    )
    for variant, sheets in csv_sheets.items():
        files[f"{variant}.csv"] = to_csv(sheets["measures"])
    for name, content in files.items():
        (data / name).write_bytes(content)
    (data / "lo-source.xlsx").write_bytes(
        to_xlsx(workbook_sheets("bench-lo", count, "create", names))
    )
    sizes = {name: len(content) for name, content in files.items()}
    if libreoffice_copy(data / "lo-source.xlsx", data / "lo.xlsx"):
        sizes["lo.xlsx"] = (data / "lo.xlsx").stat().st_size
    return {"files": {name: f"{size / 1e6:.1f} MB" for name, size in sizes.items()}}


def op_import(data: Path, name: str, slug: str) -> dict:
    from django.db import transaction

    from planwatch.documents.imports import apply_plan_import, preview_plan_import
    from planwatch.documents.imports.files import max_bytes

    path = data / name
    if path.stat().st_size > max_bytes():
        raise SystemExit(f"{name} is over the import size limit; set PLANWATCH_IMPORT_MAX_BYTES")
    with Phase() as preview_phase:
        preview = preview_plan_import(path, slug)
    if preview.errors:
        raise SystemExit("\n".join(str(e) for e in preview.errors[:10]))
    counts = {sheet: dict(c) for sheet, c in preview.counts().items()}
    with Phase() as apply_phase, Queries() as queries:
        if preview.changes_anything:  # as the command does
            with transaction.atomic():
                summary = apply_plan_import(preview).lines()
        else:
            summary = ["nothing to change"]
    return {
        "rows": sum(sum(c.values()) for c in counts.values()),
        "queries": queries.count,
        "preview": preview_phase.result(),
        "apply": apply_phase.result(),
        "summary": f"preview {counts}; {queries.count} statements to apply; " + "; ".join(summary),
    }


def op_template(data: Path, slug: str) -> dict:
    from planwatch.documents.imports import plan_workbook
    from planwatch.plans.models import Plan

    with Phase() as phase:
        content = plan_workbook(slug)
    return {
        **phase.result(),
        "rows": Plan.objects.get(slug=slug).measures.count(),
        "bytes": len(content),
    }


# -- the round import ---------------------------------------------------------------------------

ROUND_ACTOR = "fod-justitie"


def op_round_setup(data: Path, rows: str) -> dict:
    """A plan of ``rows`` measures, all led by one actor, with an open round; that actor's
    workbook filled in as a focal point would (status, narrative, an evidence link, a budget line
    for every tenth)."""
    import openpyxl

    from planwatch.actors.models import Actor
    from planwatch.documents.imports import apply_plan_import, preview_plan_import, round_workbook
    from planwatch.plans.models import Plan
    from planwatch.reporting import services
    from tests.factories import make_user

    count = int(rows)
    names = {"actors": [ROUND_ACTOR] * 4, "forms": ["stalking"] * 3, "groups": ["women"] * 3}
    names["articles"] = ["1", "2", "3"]
    sheets = workbook_sheets("bench-round", count, "create", names)
    for measure in sheets["measures"]:
        measure.update(partners=None, forms=None, groups=None, articles=None)
    apply_plan_import(preview_plan_import(to_xlsx(sheets), "bench-round"))
    plan = Plan.objects.get(slug="bench-round")
    coordinator = make_user("bench-coordinator@example.org", role="coordinator", plan=plan)
    make_user("bench-focal@example.org", role="focal_point", actor=ROUND_ACTOR)
    round_ = services.create_round(
        plan,
        user=coordinator,
        slug="bench",
        name={"en": "Bench round"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 1, 31),
    )
    services.open_round(round_, user=coordinator)
    book = openpyxl.load_workbook(
        io.BytesIO(round_workbook(round_, Actor.objects.get(slug=ROUND_ACTOR), "nl"))
    )
    sheet = book["contributions"]
    header = [cell.value for cell in sheet[1]]
    status, narrative = header.index("proposed_status") + 1, header.index("narrative_nl") + 1
    evidence = header.index("evidence") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=status, value="in_progress")
        sheet.cell(row=row, column=narrative, value=f"Wat er gebeurde, rij {row}: " * 5)
        sheet.cell(row=row, column=evidence, value=f"https://example.org/verslag/{row}")
    budget = book["budget"]
    columns = [cell.value for cell in budget[1]]
    for number in range(10, count + 1, 10):
        values = {"measure": number, "actor": ROUND_ACTOR, "year": 2024, "amount": "1.234,56"}
        values.update(nature="specific", stage="allocated")
        budget.append([values.get(column) for column in columns])
    out = io.BytesIO()
    book.save(out)
    (data / "round.xlsx").write_bytes(out.getvalue())
    return {"files": {"round.xlsx": f"{len(out.getvalue()) / 1e6:.1f} MB"}}


def op_round_import(data: Path) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from planwatch.documents.imports import apply_round_import, preview_round_import
    from planwatch.reporting.models import Round

    user = get_user_model().objects.get(email="bench-focal@example.org")
    round_ = Round.objects.get(plan__slug="bench-round", slug="bench")
    with Phase() as preview_phase:
        preview = preview_round_import(data / "round.xlsx", round_, user)
    if preview.errors:
        raise SystemExit("\n".join(str(e) for e in preview.errors[:10]))
    counts = {sheet: dict(c) for sheet, c in preview.counts().items()}
    with Phase() as apply_phase, Queries() as queries:
        saved = 0
        if preview.changes_anything:
            with transaction.atomic():
                saved = apply_round_import(preview, user=user)
    return {
        "rows": sum(sum(c.values()) for c in counts.values()),
        "queries": queries.count,
        "preview": preview_phase.result(),
        "apply": apply_phase.result(),
        "summary": f"preview {counts}; {saved} saved; {queries.count} statements to apply",
    }


# -- the large set and its exports ------------------------------------------------------------


def op_generate(data: Path, plans: str, measures: str, rounds: str, obs: str, big: str) -> dict:
    sys.path.insert(0, str(ROOT / "bench"))
    from portal import generate  # the portal benchmark's large set, the same way

    with Phase() as phase:
        generate(int(plans), int(measures), int(rounds), int(obs))
        if int(big):
            generate_observations("bench-observations", int(big))
    return phase.result()


def generate_observations(slug: str, count: int, indicators: int = 10) -> None:
    """A plan of ten indicators holding ``count`` observations between them."""
    from portal import add_observations  # the portal benchmark's observations

    from planwatch.indicators.models import Indicator
    from planwatch.plans.models import Plan

    plan = Plan.objects.create(
        slug=slug,
        title_en="Observations",
        start=dt.date(2021, 1, 1),
        end=dt.date(2025, 12, 31),
        statuses=["not_started", "in_progress", "implemented"],
    )
    for i in range(indicators):
        indicator = Indicator.objects.create(
            plan=plan,
            code=f"ind-{i}",
            name_en=f"Indicator {i}",
            unit="count",
            dimensions=["city"],
            order=i,
            suppress_below=5 if i == 0 else 0,
        )
        add_observations(indicator, count // indicators, dt.date(1900, 1, 1))
        print(f"  generated {slug} {indicator.code}", file=sys.stderr, flush=True)


def op_export(data: Path, source: str, fmt: str, slug: str) -> dict:
    from django.core.management import call_command

    out = data / f"export-{slug}-{source}.{fmt}"
    with Phase() as phase:
        call_command(
            "export", source, "--plan", slug, "--format", fmt, "-o", str(out), stderr=io.StringIO()
        )
    return {**phase.result(), "rows": _rows(out, fmt), "bytes": out.stat().st_size}


def _rows(path: Path, fmt: str) -> int:
    """Data rows in an export (not timed): lines of a CSV, the sheet's last row of an XLSX."""
    if fmt == "csv":
        with path.open("rb") as handle:
            return sum(1 for _line in handle) - 1  # no line breaks inside these cells
    if fmt == "xlsx":
        import zipfile

        with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
            count, tail = 0, b""
            while chunk := sheet.read(1 << 20):
                count += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                tail = chunk[-8:]
        return count - 1
    with path.open("rb") as handle:  # JSON: each row of a list of objects starts so
        return sum(1 for line in handle if line == b"  {\n")


def op_datapackage(data: Path, slug: str) -> dict:
    from django.core.management import call_command

    folder = data / f"datapackage-{slug}"
    with Phase() as phase:
        call_command(
            "export", "datapackage", "--plan", slug, "-o", str(folder), stderr=io.StringIO()
        )
    files = list(folder.iterdir())
    rows = sum(_rows(path, "csv") for path in files if path.suffix == ".csv")
    return {**phase.result(), "rows": rows, "bytes": sum(p.stat().st_size for p in files)}


def op_datapackage_all(data: Path) -> dict:
    from django.core.management import call_command

    from planwatch.plans.models import Plan

    slugs = list(
        Plan.objects.filter(slug__regex=r"^bench-\d+$")
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    folders = [data / f"datapackage-all-{slug}" for slug in slugs]
    with Phase() as phase:
        for slug, folder in zip(slugs, folders, strict=True):
            call_command(
                "export", "datapackage", "--plan", slug, "-o", str(folder), stderr=io.StringIO()
            )
    files = [path for folder in folders for path in folder.iterdir()]
    rows = sum(_rows(path, "csv") for path in files if path.suffix == ".csv")
    return {**phase.result(), "rows": rows, "bytes": sum(p.stat().st_size for p in files)}


if __name__ == "__main__":
    main()
