"""``planwatch import plan FILE --plan SLUG [--dry-run]`` and ``planwatch import round FILE --plan
SLUG [--round SLUG] --user EMAIL [--submit] [--dry-run]``: preview a workbook, then apply it in one
transaction, or nothing when anything is refused (exit status 1)."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from planwatch.documents.imports import (
    ImportRefused,
    Preview,
    apply_plan_import,
    apply_round_import,
    error_report_xlsx,
    preview_plan_import,
    preview_round_import,
)
from planwatch.lib.i18n import languages
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

STAGES = {"read": "reading", "check": "checking", "apply": "saving"}


class ProgressBar:
    """One tqdm bar per stage, on the terminal only (none in logs and pipes), shown once a
    stage takes longer than half a second."""

    def __init__(self, stream: Any):
        self.stream = stream
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            self.close()
            bar = self.bars[stage] = tqdm(
                total=total,
                desc=STAGES.get(stage, stage),
                unit=" rows",
                file=self.stream,
                delay=0.5,
                disable=None,
                leave=False,
            )
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
        self.bars = {}


class Command(BaseCommand):
    help = (
        "Import a plan workbook (XLSX or CSV): show what it changes and apply it in one "
        "transaction. Any error applies nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["plan", "round"])
        parser.add_argument("file", help="the .xlsx or .csv file")
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument("--round", help="round slug (round import only)")
        parser.add_argument(
            "--submit",
            action="store_true",
            help="round import: submit the changed contributions (default: save as drafts)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change; change nothing"
        )
        parser.add_argument(
            "--error-report", metavar="FILE", help="write the errors to this .xlsx file"
        )
        parser.add_argument(
            "--user", metavar="EMAIL", help="the account the history records the change under"
        )
        parser.add_argument(
            "--language",
            choices=languages(),
            default="en",
            help="language of the messages (default: en)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        with translation.override(options["language"]):
            self._import(options)

    def _import(self, options: dict[str, Any]) -> None:
        user = self._user(options["user"])
        report = options["error_report"]
        if report and not Path(report).parent.is_dir():
            raise CommandError(f"Cannot write {report}: its folder does not exist.")
        progress = ProgressBar(self.stderr._out)
        if options["what"] == "round":
            return self._import_round(options, user, report, progress)
        try:
            preview = preview_plan_import(Path(options["file"]), options["plan"], progress)
        finally:
            progress.close()
        self._print_preview(preview, options["file"], options["plan"])
        if preview.errors:
            self._refuse(preview, report)
        if not preview.changes_anything:
            self.stdout.write("Nothing to change: the plan already holds what the file holds.")
            return
        try:
            with transaction.atomic():
                summary = apply_plan_import(preview, user=user, progress=progress)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except ImportRefused as exc:
            preview.errors = exc.errors
            self._print_errors(preview)
            self._refuse(preview, report)
        finally:
            progress.close()
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Imported {options['file']}."))

    def _import_round(self, options: dict[str, Any], user: Any, report: str | None, progress):
        """The round import goes through the contribution service, which checks the user's
        rights: a focal point of the actor, or a coordinator of the plan, is required."""
        if user is None:
            raise CommandError(
                "The round import saves contributions as a person: give --user EMAIL (a focal "
                "point of the actor, or a coordinator of the plan)."
            )
        plan = Plan.objects.filter(slug=options["plan"]).first()
        if plan is None:
            raise CommandError(f"No plan {options['plan']!r}.")
        rounds = Round.objects.filter(plan=plan)
        if options["round"]:
            round_ = rounds.filter(slug=options["round"]).first()
            if round_ is None:
                raise CommandError(f"No round {options['round']!r} in {plan.slug}.")
        else:
            round_ = rounds.filter(state=Round.State.OPEN).order_by("-start", "-pk").first()
            if round_ is None:
                raise CommandError(f"{plan.slug} has no open round; name one with --round.")
        try:
            preview = preview_round_import(
                Path(options["file"]), round_, user, submit=options["submit"], progress=progress
            )
        finally:
            progress.close()
        self._print_preview(preview, options["file"], f"{plan.slug}, round {round_.slug}")
        if preview.errors:
            self._refuse(preview, report)
        if not preview.changes_anything:
            self.stdout.write(
                "Nothing to change: the contributions already hold what the file holds."
            )
            return
        try:
            with transaction.atomic():
                saved = apply_round_import(preview, user=user, progress=progress)
                if options["dry_run"]:
                    transaction.set_rollback(True)
        except ImportRefused as exc:
            preview.errors = exc.errors
            self._print_errors(preview)
            self._refuse(preview, report)
        finally:
            progress.close()
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        verb = "submitted" if options["submit"] else "saved as drafts"
        self.stdout.write(self.style.SUCCESS(f"Imported {options['file']}: {saved} {verb}."))

    def _user(self, email: str | None) -> Any:
        if not email:
            return None
        model = get_user_model()
        try:
            # The same look-up as the log-in: the address in any case, spaces ignored.
            return model.objects.get_by_natural_key(email)
        except model.DoesNotExist:
            raise CommandError(f"No account {email!r}.") from None

    def _print_preview(self, preview: Preview, file: str, plan: str) -> None:
        self.stdout.write(f"Preview of {file} for plan {plan}:")
        for sheet, counts in preview.counts().items():
            self.stdout.write(
                f"  {sheet}: {counts['create']} to create, {counts['update']} to update, "
                f"{counts['unchanged']} unchanged"
            )
        if self.verbosity >= 2:
            for row in preview.rows:
                if row.action == "unchanged":
                    continue
                changes = ", ".join(f"{c}: {old!r} → {new!r}" for c, old, new in row.changes)
                self.stdout.write(
                    f"    {row.sheet} row {row.row} ({row.key}) {row.action}: {changes}"
                )
        self._print_errors(preview)

    def _print_errors(self, preview: Preview) -> None:
        if not preview.errors:
            return
        self.stdout.write(f"{len(preview.errors)} error(s):")
        for error in preview.errors:
            # The place as the import page and the error report give it (RowError.place).
            value = f"value {error.value!r}" if error.value else ""
            where = ", ".join(part for part in (error.place, value) if part)
            self.stdout.write(f"  {where}: {error.message}" if where else f"  {error.message}")

    def _refuse(self, preview: Preview, report: str | None) -> None:
        if report:
            Path(report).write_bytes(error_report_xlsx(preview))
            self.stderr.write(f"Wrote the error report to {report}")
        raise CommandError(
            f"{len(preview.errors)} error(s): nothing was imported. Correct the file and "
            "import it again."
        )
