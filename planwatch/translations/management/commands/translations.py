"""``planwatch translations export --plan SLUG --lang fr [--source nl] [--only missing|outdated|all]
--format xliff|xlsx -o FILE`` and ``planwatch translations import FILE --plan SLUG [--dry-run]
[--user EMAIL]``: exchange a plan's texts with a translation office."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.lib.i18n import languages
from planwatch.plans.models import Plan
from planwatch.translations.services import (
    FORMATS,
    ONLY,
    ImportPreview,
    TranslationRefused,
    default_source,
    export_file,
    import_file,
)


class Command(BaseCommand):
    help = "Export a plan's texts for translation (XLIFF 1.2 or XLSX) and import them back."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        export = actions.add_parser("export", help="write the texts to translate")
        export.add_argument("--plan", required=True)
        export.add_argument("--lang", required=True, choices=languages())
        export.add_argument("--source", default=default_source(), choices=languages())
        export.add_argument("--only", default="all", choices=ONLY)
        export.add_argument("--format", default="xliff", choices=FORMATS)
        export.add_argument("-o", "--output", required=True)
        imp = actions.add_parser("import", help="read a translated file back")
        imp.add_argument("file")
        imp.add_argument("--plan", required=True)
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument(
            "--user", help="e-mail of the translator or coordinator the changes are recorded for"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = Plan.objects.get(slug=options["plan"])
        except Plan.DoesNotExist as exc:
            raise CommandError(f"No plan {options['plan']!r}.") from exc
        if options["action"] == "export":
            self.export(plan, options)
        else:
            self.import_(plan, options)

    def export(self, plan: Plan, options: dict) -> None:
        try:
            data = export_file(
                plan, options["source"], options["lang"], options["only"], options["format"]
            )
        except TranslationRefused as exc:
            raise CommandError(exc.message) from exc
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"Wrote {options['output']}.")

    def import_(self, plan: Plan, options: dict) -> None:
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(email__iexact=options["user"])
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"No user {options['user']!r}.") from exc
        preview = import_file(options["file"], plan, user, dry_run=options["dry_run"])
        self.report(preview)
        if preview.errors:
            raise CommandError("Nothing was imported.")

    def report(self, preview: ImportPreview) -> None:
        for error in preview.errors:
            self.stderr.write(f"error: {error}")
        if preview.errors:
            return
        for change in preview.changes:
            self.stdout.write(
                f"change {change.unit.key} [{preview.target}] ({change.origin}): "
                f"{change.old!r} -> {change.new!r}"
            )
        for key, _name in preview.stale:
            self.stdout.write(f"refused {key}: its source text changed since the export")
        verb = "imported" if preview.applied else "would import"
        if not preview.changes:
            verb = "nothing to import"
        self.stdout.write(
            f"{verb}: {len(preview.changes)} changed, {preview.unchanged} unchanged, "
            f"{len(preview.stale)} refused (source changed)."
        )
