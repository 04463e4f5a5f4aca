from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.documents.reports import published
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round


class Command(BaseCommand):
    help = (
        "Render and store the public reports of published rounds (every kind, language and "
        "format the portal links), so that no reader waits for them. Reports already stored for "
        "the current data version are kept."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="plan slug (default: every plan)")
        parser.add_argument(
            "--all-rounds",
            action="store_true",
            help="every published round, not only each plan's latest (and its final round)",
        )

    def handle(self, *args, plan: str | None, all_rounds: bool, **options) -> None:
        plans = Plan.objects.public().order_by("slug")
        if plan:
            plans = plans.filter(slug=plan)
            if not plans:
                known = (
                    ", ".join(Plan.objects.public().values_list("slug", flat=True)) or "none loaded"
                )
                raise CommandError(f"No plan {plan!r}. Known plans: {known}.")
        for plan_obj in plans:
            if all_rounds:
                rounds = list(Round.objects.published().filter(plan=plan_obj).order_by("end"))
            else:
                latest = Round.objects.latest_published(plan_obj)
                rounds = [latest] if latest else []
                # The final evaluation report is the final round's, wherever that round is.
                final = Round.objects.published().filter(plan=plan_obj, is_final=True).first()
                if final is not None and final != latest:
                    rounds.append(final)
            if not rounds:
                self.stdout.write(f"{plan_obj.slug}: no published round")
            for round_ in rounds:
                rendered = published.render_round(round_)
                self.stdout.write(f"{plan_obj.slug} {round_.slug}: {rendered} reports rendered")
