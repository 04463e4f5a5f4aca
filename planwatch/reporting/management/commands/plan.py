"""``planwatch plan successor --from OLD --slug NEW --title TEXT --user EMAIL``: a draft copy
of a plan with a mapping of each measure; ``planwatch plan map NEW NUMBER --kind KIND
[--to 12,14] [--reason TEXT] --user EMAIL``; ``planwatch plan publish NEW --user EMAIL``;
``planwatch plan change PLAN NUMBER --reason TEXT [--title ...] [--deadline ...] [--budget ...]
[--lead a,b] [--partners c] [--drop] --user EMAIL``. The same services as the work pages, with
the same permissions (the person named by --user)."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from planwatch.lib.i18n import languages
from planwatch.plans.models import Measure, MeasureMapping, Plan
from planwatch.reporting import successor
from planwatch.reporting.commitments import change_measure


def _numbers(text: str) -> list[int]:
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if any(not p.isdigit() for p in parts):
        raise CommandError(f"--to takes measure numbers separated by commas, not {text!r}.")
    return [int(p) for p in parts]


def _slugs(text: str | None) -> list[str] | None:
    return None if text is None else [p.strip() for p in text.split(",") if p.strip()]


class Command(BaseCommand):
    help = "Prepare, map and publish a plan's successor; change a measure's commitment."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        new = actions.add_parser("successor", help="create a draft successor of a plan")
        new.add_argument("--from", dest="old", required=True, metavar="PLAN")
        new.add_argument("--slug", required=True)
        new.add_argument("--title", required=True)
        new.add_argument("--start", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
        new.add_argument("--end", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
        mapping = actions.add_parser("map", help="say what became of one measure of the old plan")
        mapping.add_argument("plan", help="the successor plan")
        mapping.add_argument("number", type=int, help="the number of the old plan's measure")
        mapping.add_argument("--kind", required=True, choices=MeasureMapping.Kind.values)
        mapping.add_argument("--to", default="", metavar="12,14", help="the new measures")
        mapping.add_argument("--reason", default="")
        publish = actions.add_parser("publish", help="make the successor and its mapping public")
        publish.add_argument("plan")
        change = actions.add_parser("change", help="change a measure's commitment, publicly")
        change.add_argument("plan")
        change.add_argument("number", type=int)
        change.add_argument("--reason", required=True)
        change.add_argument("--on", type=dt.date.fromisoformat, metavar="YYYY-MM-DD")
        change.add_argument("--title")
        change.add_argument("--description")
        change.add_argument("--lead", metavar="SLUG,SLUG")
        change.add_argument("--partners", metavar="SLUG,SLUG")
        change.add_argument("--deadline", metavar="YYYY-MM-DD", help="'none' removes it")
        change.add_argument("--budget", metavar="EUROS", help="'none' removes it")
        change.add_argument("--drop", action="store_true", help="drop the measure (give --reason)")
        change.add_argument("--restore", action="store_true", help="undo a drop")
        for sub in (new, mapping, publish, change):
            sub.add_argument("--user", required=True, metavar="EMAIL", help="who does it")
            sub.add_argument("--lang", default="en", choices=languages(), help="language of texts")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["user"])
        with translation.override(options["lang"]):
            try:
                getattr(self, f"do_{options['action']}")(user, options)
            except PermissionDenied as exc:
                raise CommandError(f"{options['user']} may not do this.") from exc
            except ValidationError as exc:
                raise CommandError("Nothing was changed. " + " ".join(exc.messages)) from exc

    def _user(self, email: str):
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No user {email!r}.")
        return user

    def _plan(self, slug: str) -> Plan:
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"No plan {slug!r}.")
        return plan

    def do_successor(self, user, options: dict) -> None:
        new = successor.create_successor(
            user,
            self._plan(options["old"]),
            slug=options["slug"],
            title=options["title"],
            lang=options["lang"],
            start=options["start"],
            end=options["end"],
        )
        self.stdout.write(
            f"Created the draft plan {new.slug} with {new.measures.count()} measures; each old "
            f"measure is mapped as continued by its copy."
        )

    def do_map(self, user, options: dict) -> None:
        plan = self._plan(options["plan"])
        mapping = MeasureMapping.objects.filter(
            successor=plan, measure__number=options["number"]
        ).first()
        if mapping is None:
            raise CommandError(f"{plan.slug} maps no measure {options['number']} of an old plan.")
        successor.set_mapping(
            user,
            mapping,
            kind=options["kind"],
            targets=_numbers(options["to"]),
            reason=options["reason"],
            lang=options["lang"],
        )
        self.stdout.write(f"Measure {options['number']}: {options['kind']}.")

    def do_publish(self, user, options: dict) -> None:
        plan = self._plan(options["plan"])
        successor.publish_successor(user, plan)
        self.stdout.write(f"Published {plan.slug}.")

    def do_change(self, user, options: dict) -> None:
        plan = self._plan(options["plan"])
        measure = Measure.objects.filter(plan=plan, number=options["number"]).first()
        if measure is None:
            raise CommandError(f"{plan.slug} has no measure {options['number']}.")
        values: dict[str, Any] = {}
        for name in ("title", "description"):
            if options[name] is not None:
                values[name] = options[name]
        if options["lead"] is not None:
            values["lead"] = _slugs(options["lead"])
        if options["partners"] is not None:
            values["partners"] = _slugs(options["partners"])
        if options["deadline"] is not None:
            values["deadline"] = self._date(options["deadline"])
        if options["budget"] is not None:
            values["budget"] = self._amount(options["budget"])
        if options["drop"] or options["restore"]:
            values["dropped"] = bool(options["drop"])
        changes = change_measure(
            user,
            measure,
            reason=options["reason"],
            on=options["on"],
            lang=options["lang"],
            **values,
        )
        for record in changes:
            self.stdout.write(f"{record.field}: {record.before!r} -> {record.after!r}")

    def _date(self, text: str) -> dt.date | None:
        if text.lower() == "none":
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise CommandError(f"--deadline takes a date as YYYY-MM-DD, not {text!r}.") from exc

    def _amount(self, text: str) -> Decimal | None:
        if text.lower() == "none":
            return None
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise CommandError(
                f"--budget takes an amount such as 125000.50, not {text!r}."
            ) from exc
