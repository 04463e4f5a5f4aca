from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.datasets.reader import DatasetError


class Command(BaseCommand):
    help = "Load a dataset folder of YAML files (default: the NAP 2021-2025), all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", nargs="?", default=str(NAP_DATASET))
        parser.add_argument("--dry-run", action="store_true", help="check and roll back")

    def handle(self, *args, folder: str, dry_run: bool, **options) -> None:
        try:
            summary = load_dataset(Path(folder), dry_run=dry_run)
        except DatasetError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.problems)} problem(s) in {folder}; nothing was loaded."
            ) from exc
        for line in summary.lines():
            self.stdout.write(line)
        verb = "Checked (dry run, nothing written)" if dry_run else "Loaded"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {folder}"))
