from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.ops.backup import BackupError, kind_name, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `planwatch backup` into an empty database and data folder "
        "(--force replaces what is there). Stop the servers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup archive (.tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and same-named files of a data folder that is not empty",
        )

    def handle(self, *args, file: str, force: bool, **options) -> None:
        try:
            summary = restore(Path(file), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the {kind_name(summary.database)} database "
            f"({summary.migrations} migrations) and {summary.files} files from {summary.path}."
        )
        if summary.pending_migrations:
            self.stdout.write(
                f"The backup is older than this Planwatch: run `planwatch migrate` to apply "
                f"{len(summary.pending_migrations)} newer migrations."
            )
