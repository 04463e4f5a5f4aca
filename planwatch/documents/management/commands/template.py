"""``planwatch template plan --plan SLUG -o FILE``: the plan workbook, filled with the plan as it
stands; ``planwatch template round --plan SLUG --round SLUG --actor SLUG -o FILE``: an actor's
contributions to a round. Imported unchanged, either changes nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.actors.models import Actor
from planwatch.documents.imports import plan_workbook, round_workbook
from planwatch.lib.i18n import languages
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round


class Command(BaseCommand):
    help = "Write the workbook to fill in and import: the plan or an actor's round workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["plan", "round"])
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument("--round", help="round slug (round workbook only)")
        parser.add_argument("--actor", help="actor slug (round workbook only)")
        parser.add_argument("-o", "--output", help="the .xlsx file to write")
        parser.add_argument(
            "--blank",
            action="store_true",
            help="for a plan that does not exist yet: the workbook to create it",
        )
        parser.add_argument(
            "--language",
            choices=languages(),
            default="en",
            help="language of the instructions sheet (default: en)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "round":
            return self._round(options)
        slug, output = options["plan"], options["output"]
        if not output:
            raise CommandError("Give the file to write with -o FILE.xlsx.")
        path = Path(output)
        if not path.parent.is_dir():
            raise CommandError(f"Cannot write {output}: its folder does not exist.")
        exists = Plan.objects.filter(slug=slug).exists()
        if not exists and not options["blank"]:
            known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none loaded"
            raise CommandError(
                f"No plan {slug!r}. Known plans: {known}. For the workbook that creates a new "
                "plan, add --blank."
            )
        if exists and options["blank"]:
            raise CommandError(f"The plan {slug!r} exists: leave out --blank to get its workbook.")
        path.write_bytes(plan_workbook(slug, language=options["language"]))
        self.stderr.write(f"Wrote {output}")

    def _round(self, options: dict[str, Any]) -> None:
        output = options["output"]
        if not output:
            raise CommandError("Give the file to write with -o FILE.xlsx.")
        if not Path(output).parent.is_dir():
            raise CommandError(f"Cannot write {output}: its folder does not exist.")
        if not options["round"] or not options["actor"]:
            raise CommandError("The round workbook needs --round SLUG and --actor SLUG.")
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan {options['plan']!r}.")
        round_ = Round.objects.filter(plan=plan, slug=options["round"]).first()
        if round_ is None:
            known = ", ".join(plan.rounds.values_list("slug", flat=True)) or "none"
            raise CommandError(f"No round {options['round']!r} in {plan.slug}. Rounds: {known}.")
        actor = Actor.objects.filter(slug=options["actor"]).first()
        if actor is None or not round_.contributions.filter(actor=actor).exists():
            raise CommandError(
                f"The actor {options['actor']!r} has no contributions to the round "
                f"{round_.slug} (a round has contributions once it is opened)."
            )
        Path(output).write_bytes(round_workbook(round_, actor, options["language"]))
        self.stderr.write(f"Wrote {output}")
