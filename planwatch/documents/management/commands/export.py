from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.documents.exports import WRITERS, measure_rows
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

SOURCES = {"measures": measure_rows}


class Command(BaseCommand):
    help = "Export a plan's data (published statuses by default) as JSON or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=sorted(SOURCES))
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument("--round", help="round slug (default: the latest published round)")
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(
        self,
        *args,
        what: str,
        plan: str,
        round: str | None,
        format: str,
        output: str | None,
        **options,
    ) -> None:
        plan_obj = Plan.objects.filter(slug=plan).first()
        if plan_obj is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"No plan {plan!r}. Known plans: {known}.")
        if round:
            round_obj = Round.objects.filter(plan=plan_obj, slug=round).first()
            if round_obj is None:
                known = ", ".join(plan_obj.rounds.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No round {round!r} in plan {plan!r}. Known rounds: {known}.")
        else:
            round_obj = Round.objects.latest_published(plan_obj)
        rows = SOURCES[what](plan_obj, round_obj)
        if output:
            path = Path(output)
            if not path.parent.is_dir():
                raise CommandError(f"Cannot write {output}: folder {path.parent} does not exist.")
            # CSV gets a byte-order mark so that spreadsheet programs read it as UTF-8.
            encoding = "utf-8-sig" if format == "csv" else "utf-8"
            with path.open("w", encoding=encoding, newline="") as handle:
                WRITERS[format](rows, handle)
            self.stderr.write(f"Wrote {output}")
        else:
            # The raw stream: Django's wrapper would add a newline after every chunk.
            WRITERS[format](rows, self.stdout._out)
