import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.plans.models import Plan
from planwatch.portal.static_export import publish_static


class Command(BaseCommand):
    help = "Write a plan's whole public portal, every language and download, as static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--out", required=True, help="folder to write into")

    def handle(self, *args, plan: str, out: str, **options) -> None:
        plan_obj = Plan.objects.filter(slug=plan).first()
        if plan_obj is None:
            raise CommandError(f"No plan {plan!r}.")
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        interactive = sys.stderr.isatty()

        def progress(path: str) -> None:
            if interactive:
                self.stderr.write(f"\r{path[:70]:<70}", ending="")

        result = publish_static(plan_obj, folder, progress)
        if interactive:
            self.stderr.write("")
        for skipped in result.skipped:
            self.stderr.write(f"skipped {skipped}")
        self.stdout.write(
            f"Wrote {result.pages} pages and downloads and {result.files} static files to {out}."
        )
