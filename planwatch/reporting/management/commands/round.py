"""``planwatch round mark-final --plan SLUG --round SLUG --user EMAIL``: mark a published round as
the plan's final evaluation round, through the same service and permission as the round's work
page (planwatch.reporting.final_round)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from planwatch.plans.models import Plan
from planwatch.reporting.final_round import mark_final
from planwatch.reporting.models import Round


class Command(BaseCommand):
    help = (
        "Act on a reporting round. mark-final: make a published round the plan's final "
        "evaluation round (at most one per plan), as the person given with --user."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["mark-final"])
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument("--round", required=True, help="round slug")
        parser.add_argument(
            "--user", required=True, metavar="EMAIL", help="a coordinator of the plan"
        )

    def handle(self, *args, action: str, plan: str, round: str, user: str, **options) -> None:
        plan_obj = Plan.objects.filter(slug=plan).first()
        if plan_obj is None:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"No plan {plan!r}. Known plans: {known}.")
        round_obj = Round.objects.filter(plan=plan_obj, slug=round).first()
        if round_obj is None:
            known = ", ".join(plan_obj.rounds.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No round {round!r} in plan {plan!r}. Known rounds: {known}.")
        model = get_user_model()
        try:
            # The same look-up as the log-in: the address in any case, spaces ignored.
            person = model.objects.get_by_natural_key(user)
        except model.DoesNotExist:
            raise CommandError(f"No account {user!r}.") from None
        with translation.override("en"):
            try:
                mark_final(round_obj, user=person, plan=plan_obj)
            except PermissionDenied:
                raise CommandError(
                    f"{user} may not mark the final round of plan {plan!r}: only its "
                    "coordinators may."
                ) from None
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Round {round!r} is now the final evaluation round of plan {plan!r}.")
