from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.ops.backup import BackupError, backup, kind_name


class Command(BaseCommand):
    help = (
        "Back up the database and the data folder's files into one archive (.tar.gz), "
        "consistently, while people work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the archive to write")

    def handle(self, *args, output: str, **options) -> None:
        try:
            summary = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = summary.path.stat().st_size / 1_000_000
        self.stdout.write(
            f"Backed up the {kind_name(summary.database)} database "
            f"({summary.migrations} migrations applied) and {summary.files} files "
            f"to {summary.path} ({size:.1f} MB)."
        )
