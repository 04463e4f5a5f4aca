import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from planwatch.reporting.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail each focal point their open contributions a number of days before the "
        "deadline, and again when overdue. Run it daily from cron; it sends each reminder once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days-before", type=int, default=7)
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="list, send nothing")

    def handle(self, *args, days_before: int, today: str | None, dry_run: bool, **opts) -> None:
        if days_before < 0:
            raise CommandError("--days-before must be 0 or more")
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                f"--today must be a date written YYYY-MM-DD, got {today!r}"
            ) from error
        reminders = send_reminders(day, days_before, dry_run=dry_run)
        for reminder in reminders:
            self.stdout.write(
                f"{'would remind' if dry_run else 'reminded'} {reminder.user.email}: "
                f"{reminder.kind}, {len(reminder.contributions)} contribution(s) in "
                f"{reminder.round.slug}"
            )
        self.stdout.write(f"{len(reminders)} reminder(s).")
