import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.plans.models import Plan
from planwatch.portal.static_export import publish_static


class Command(BaseCommand):
    help = "Write a plan's whole public portal, every language and download, as static files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True)
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="the address the site will be served from, e.g. https://planwatch.example.org "
            "(default: PLANWATCH_SITE_URL); the DCAT-AP catalogue is written only with it",
        )

    def handle(self, *args, plan: str, out: str, base_url: str, **options) -> None:
        plan_obj = Plan.objects.public().filter(slug=plan).first()
        if plan_obj is None:
            draft = Plan.objects.filter(slug=plan).exists()
            raise CommandError(
                f"Plan {plan!r} is a draft, not public." if draft else f"No plan {plan!r}."
            )
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise CommandError(f"{out} exists and is not a folder.")
        interactive = sys.stderr.isatty()

        def progress(path: str) -> None:
            if interactive:
                self.stderr.write(f"\r{path[:70]:<70}", ending="")

        if base_url and not base_url.startswith(("https://", "http://")):
            raise CommandError(f"--base-url must start with https:// (not {base_url!r}).")
        result = publish_static(plan_obj, folder, progress, base_url=base_url)
        if interactive:
            self.stderr.write("")
        self.stdout.write(
            f"Wrote {result.pages} pages and downloads and {result.files} static files to {out}."
        )
        if not base_url:
            self.stderr.write(
                "No DCAT-AP catalogue written: give --base-url or set PLANWATCH_SITE_URL."
            )
        if result.failures:
            for failure in result.failures:
                self.stderr.write(failure)
            raise CommandError(
                f"{len(result.failures)} failures (listed above): the site is incomplete."
            )
