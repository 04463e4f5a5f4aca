import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from planwatch.documents import reports
from planwatch.documents.reports.published import write_atomically
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round


def check_output(output: str) -> Path:
    """The path to write, refused before any work when it cannot be written."""
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CommandError(f"Cannot write {output}: it is a folder.")
    if not folder.is_dir():
        raise CommandError(f"Cannot write {output}: folder {folder} does not exist.")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CommandError(f"Cannot write {output}: permission denied.")
    return path


class Command(BaseCommand):
    help = (
        "Generate a report from the data: the interim evaluation report, the Istanbul "
        "Convention coverage report, the budget report or the final evaluation report (on the "
        "plan's final round), as HTML, PDF or DOCX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=reports.KINDS)
        parser.add_argument("--plan", required=True, help="plan slug")
        parser.add_argument(
            "--round",
            help="round slug (default: the plan's latest round by end date; for the final "
            "report, the plan's final round)",
        )
        parser.add_argument("--lang", required=True, choices=reports.LANGUAGES)
        parser.add_argument("--format", required=True, choices=reports.FORMATS)
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(
        self,
        *args,
        kind: str,
        plan: str,
        round: str | None,
        lang: str,
        format: str,
        output: str,
        **options,
    ) -> None:
        plan_obj = Plan.objects.public().filter(slug=plan).first()
        if plan_obj is None:
            known = ", ".join(Plan.objects.public().values_list("slug", flat=True)) or "none loaded"
            raise CommandError(f"No plan {plan!r}. Known plans: {known}.")
        if round:
            round_obj = Round.objects.filter(plan=plan_obj, slug=round).first()
            if round_obj is None:
                known = ", ".join(plan_obj.rounds.values_list("slug", flat=True)) or "none"
                raise CommandError(f"No round {round!r} in plan {plan!r}. Known rounds: {known}.")
        elif kind == "final":
            round_obj = plan_obj.rounds.filter(is_final=True).first()
            if round_obj is None:
                raise CommandError(
                    f"Plan {plan!r} has no final evaluation round: mark one with "
                    f"`planwatch round mark-final --plan {plan} --round SLUG --user EMAIL`."
                )
        else:
            round_obj = plan_obj.rounds.order_by("-end", "-id").first()
            if round_obj is None and kind == "interim":
                raise CommandError(f"Plan {plan!r} has no reporting round to report on.")
        path = check_output(output)

        # A progress bar on an interactive terminal; nothing when stderr is a file or a pipe.
        stream = getattr(self.stderr, "_out", self.stderr)
        with tqdm(total=1, desc=f"{kind} {format}", unit="step", file=stream, disable=None) as bar:

            def progress(done: int, total: int) -> None:
                bar.total = total + 1  # + building the model
                bar.n = done + 1
                bar.refresh()

            try:
                document = reports.build(kind, plan_obj, round_obj, lang)
            except ValueError as error:
                raise CommandError(str(error)) from error
            bar.update(1)
            try:
                data = reports.render(document, format, progress)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
        try:
            write_atomically(path, data)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from error
        state = "" if not document.draft else " (draft: the round is not published)"
        # Plain text: Django would colour everything on stderr as an error.
        self.stderr.write(f"Wrote {output}{state}", style_func=lambda text: text)
