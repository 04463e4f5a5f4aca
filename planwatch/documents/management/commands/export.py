from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.documents.exports import FORMATS, SOURCES, WRITERS, write_to
from planwatch.documents.exports.datapackage import write_datapackage
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

DATAPACKAGE = "datapackage"


class Command(BaseCommand):
    help = (
        "Export a plan's data (published statuses by default) as JSON, CSV or XLSX, "
        "or the whole plan as a Frictionless data package (datapackage -o DIR)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=[*SOURCES, DATAPACKAGE])
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument(
            "--round",
            help="a published round's slug (measures: default the latest published round; "
            "statuses, contributions, assessments: default every published round)",
        )
        parser.add_argument("--format", choices=sorted(WRITERS), default=None, help="default json")
        parser.add_argument(
            "-o",
            "--output",
            help="file to write (default: standard output); a folder for datapackage",
        )

    def handle(
        self,
        *args,
        what: str,
        plan: str,
        round: str | None,
        format: str | None,
        output: str | None,
        **options,
    ) -> None:
        plan_obj = Plan.objects.public().filter(slug=plan).first()
        if plan_obj is None:
            known = ", ".join(Plan.objects.public().values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"No plan {plan!r}. Known plans: {known}.")
        if what == DATAPACKAGE:
            self.datapackage(plan_obj, round, format, output)
            return
        source = SOURCES[what]
        format = format or "json"
        round_obj = None
        if round:
            if not source.uses_round:
                raise CommandError(f"--round does not apply to {what}.")
            round_obj = Round.objects.filter(plan=plan_obj, slug=round).first()
            if round_obj is None:
                known = ", ".join(plan_obj.rounds.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No round {round!r} in plan {plan!r}. Known rounds: {known}.")
            if not round_obj.is_published:
                raise CommandError(
                    f"Round {round!r} is not published; exports hold published data only."
                )
        elif what == "measures":
            round_obj = Round.objects.latest_published(plan_obj)
        rows = source(plan_obj, round_obj)
        if output:
            path = Path(output)
            if not path.parent.is_dir():
                raise CommandError(f"Cannot write {output}: folder {path.parent} does not exist.")
            # Written beside the target first, so a failed export never leaves half a file.
            partial = path.with_name(path.name + ".part")
            try:
                with partial.open("wb") as handle:
                    write_to(handle, format, rows, source.fields, title=source.name)
                partial.replace(path)
            finally:
                partial.unlink(missing_ok=True)
            self.stderr.write(f"Wrote {output}")
        elif FORMATS[format].binary:
            raise CommandError(f"{format.upper()} is a binary format: give a file with -o FILE.")
        else:
            # The raw stream: Django's wrapper would add a newline after every chunk. No BOM here:
            # a pipe is read by programs, not spreadsheets.
            WRITERS[format](rows, self.stdout._out, source.fields)

    def datapackage(
        self, plan: Plan, round: str | None, format: str | None, output: str | None
    ) -> None:
        if round or format:
            raise CommandError(
                "datapackage takes no --round or --format: it holds every published round, as CSV."
            )
        if not output:
            raise CommandError("datapackage needs a folder: -o DIR.")
        folder = Path(output)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"Cannot write to {output}: it is a file, not a folder.")
        if not folder.parent.is_dir():
            raise CommandError(f"Cannot write {output}: folder {folder.parent} does not exist.")
        folder.mkdir(exist_ok=True)
        descriptor = write_datapackage(plan, folder)
        self.stderr.write(
            f"Wrote {folder / 'datapackage.json'} with {len(descriptor['resources'])} resources"
        )
