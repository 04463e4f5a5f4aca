"""Time every report in every format, for the NAP 2021-2025 and for a generated plan of 1,000
measures, in a throwaway SQLite database.

    .venv/bin/python bench/reports.py [--repeat N] [--lang nl]

Aims: the NAP's interim PDF under 5 s, the 1,000-measure plan's interim PDF under 30 s. Wall time
and the process's CPU time are both printed: on a busy machine the CPU time is the steadier.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Never a real database: a fresh SQLite file in a temporary folder.
os.environ.pop("DATABASE_URL", None)
os.environ["PLANWATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="planwatch-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from planwatch.datasets.loader import NAP_DATASET, load_dataset  # noqa: E402
from planwatch.documents import reports  # noqa: E402
from planwatch.plans.models import Plan  # noqa: E402
from tests.factories import make_plan  # noqa: E402

AIMS = {("nap-2021-2025", "interim", "pdf"): 5.0, ("bench-1000", "interim", "pdf"): 30.0}


def pdf_pages(data: bytes) -> int:
    try:
        import pypdf
    except ImportError:  # pypdf is a test dependency
        return 0
    import io

    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (best is kept)")
    parser.add_argument("--lang", default="nl", choices=reports.LANGUAGES)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    load_dataset(NAP_DATASET)
    nap = Plan.objects.get(slug="nap-2021-2025")
    big = make_plan("bench-1000", measures=1000)
    print(f"{'plan':<14} {'report':<9} {'format':<6} {'wall s':>7} {'cpu s':>7} {'size':>9} pages")
    failed = False
    for plan in (nap, big):
        round_ = plan.rounds.order_by("-end").first()
        for kind in reports.KINDS:
            for fmt in reports.FORMATS:
                best_wall = best_cpu = float("inf")
                for _ in range(args.repeat):
                    wall, cpu = time.perf_counter(), time.process_time()
                    data = reports.generate(kind, plan, round_, args.lang, fmt)
                    best_wall = min(best_wall, time.perf_counter() - wall)
                    best_cpu = min(best_cpu, time.process_time() - cpu)
                pages = pdf_pages(data) if fmt == "pdf" else ""
                aim = AIMS.get((plan.slug, kind, fmt))
                verdict = ""
                if aim:
                    verdict = f"  aim < {aim:g} s: {'ok' if best_wall < aim else 'MISSED'}"
                    failed = failed or best_wall >= aim
                print(
                    f"{plan.slug:<14} {kind:<9} {fmt:<6} {best_wall:7.2f} {best_cpu:7.2f} "
                    f"{len(data) / 1024:7.0f}kB {pages!s:>5}{verdict}"
                )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
