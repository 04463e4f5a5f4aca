"""``planwatch rebaseline``: change a milestone's baseline, publicly and with a reason, as a
coordinator of its plan (``milestones.services.rebaseline_milestone``)."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.milestones.models import Milestone
from planwatch.milestones.services import rebaseline_milestone


class Command(BaseCommand):
    help = "Change a milestone's baseline date (logged and public, with a reason)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument("--measure", required=True, type=int, help="measure number")
        parser.add_argument("--key", required=True, help="the milestone's key")
        parser.add_argument("--baseline", required=True, help="the new baseline, YYYY-MM-DD")
        parser.add_argument("--reason", required=True, help="why the baseline changes (public)")
        parser.add_argument("--user", required=True, metavar="EMAIL", help="a coordinator")

    def handle(self, *args, **options) -> None:
        model = get_user_model()
        try:
            user = model.objects.get_by_natural_key(options["user"])
        except model.DoesNotExist:
            raise CommandError(f"No account {options['user']!r}.") from None
        milestone = Milestone.objects.filter(
            measure__plan__slug=options["plan"],
            measure__number=options["measure"],
            key=options["key"],
        ).first()
        if milestone is None:
            raise CommandError("No such milestone (check --plan, --measure and --key).")
        try:
            baseline = dt.date.fromisoformat(options["baseline"])
        except ValueError:
            raise CommandError("Write the baseline as YYYY-MM-DD.") from None
        try:
            change = rebaseline_milestone(
                milestone, user=user, baseline=baseline, reason=options["reason"]
            )
        except PermissionDenied as error:
            raise CommandError(f"Refused: {error}") from None
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(f"Baseline moved from {change.old_baseline} to {change.new_baseline}.")
