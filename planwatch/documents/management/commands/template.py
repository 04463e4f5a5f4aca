"""``planwatch template plan --plan SLUG -o FILE``: the plan workbook, filled with the plan as it
stands; imported unchanged, it changes nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.documents.imports import plan_workbook
from planwatch.lib.i18n import languages
from planwatch.plans.models import Plan


class Command(BaseCommand):
    help = "Write the workbook to fill in and import: the plan workbook (XLSX)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["plan", "round"])
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument("--round", help="round slug (round workbook only)")
        parser.add_argument("--actor", help="actor slug (round workbook only)")
        parser.add_argument("-o", "--output", help="the .xlsx file to write")
        parser.add_argument(
            "--blank",
            action="store_true",
            help="for a plan that does not exist yet: the workbook to create it",
        )
        parser.add_argument(
            "--language",
            choices=languages(),
            default="en",
            help="language of the instructions sheet (default: en)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "round":
            raise CommandError(
                "The round workbook is not available yet: it comes with the reporting-round "
                "workflow. Only 'planwatch template plan' works today."
            )
        slug, output = options["plan"], options["output"]
        if not output:
            raise CommandError("Give the file to write with -o FILE.xlsx.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Cannot write {output}: its folder does not exist.")
        exists = Plan.objects.filter(slug=slug).exists()
        if not exists and not options["blank"]:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(
                f"No plan {slug!r}. Known plans: {known}. For the workbook that creates a new "
                "plan, add --blank."
            )
        if exists and options["blank"]:
            raise CommandError(f"The plan {slug!r} exists: leave out --blank to get its workbook.")
        path.write_bytes(plan_workbook(slug, language=options["language"]))
        self.stderr.write(f"Wrote {output}")
