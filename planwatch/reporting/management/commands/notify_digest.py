import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from planwatch.reporting.notifications import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each coordinator the contributions submitted since their last digest and still "
        "waiting for review, one e-mail per round. Run it daily from cron; running it again the "
        "same day sends nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, today: str | None, dry_run: bool, **options) -> None:
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                f"--today must be a date written YYYY-MM-DD, got {today!r}"
            ) from error
        digests = send_digests(day, dry_run=dry_run)
        for digest in digests:
            self.stdout.write(
                f"{'would send' if dry_run else 'sent'} {digest.user.email}: "
                f"{len(digest.contributions)} submission(s) in {digest.round.slug}"
            )
        self.stdout.write(f"{len(digests)} digest(s).")
