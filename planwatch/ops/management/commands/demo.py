from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from planwatch.accounts.models import Role
from planwatch.actors.models import Actor
from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.datasets.reader import DatasetError
from planwatch.plans.models import Plan

DEMO_PASSWORD = "demo"
DEMO_PLAN = "nap-2021-2025"
# (e-mail, role, actor slug or None, what the account is for)
DEMO_ACCOUNTS = [
    ("admin@demo.planwatch.invalid", None, None, "site administrator (/admin/)"),
    (
        "coordinator@demo.planwatch.invalid",
        "coordinator",
        None,
        "coordinator of the NAP (the Institute)",
    ),
    (
        "justice@demo.planwatch.invalid",
        "focal_point",
        "fod-justitie",
        "focal point, FPS Justice (federal)",
    ),
    (
        "opgroeien@demo.planwatch.invalid",
        "focal_point",
        "opgroeien",
        "focal point, Opgroeien (Flemish)",
    ),
    (
        "fwb@demo.planwatch.invalid",
        "focal_point",
        "fwb-egalite",
        "focal point, FWB equal opportunities",
    ),
    (
        "platform@demo.planwatch.invalid",
        "assessor",
        "national-platform",
        "civil-society assessor, national platform",
    ),
]


def create_demo_accounts() -> list[tuple[str, str]]:
    """One account per role, password "demo". Only `planwatch demo` calls this."""
    if not settings.DEMO:
        raise CommandError("Demo accounts exist only in demo mode (PLANWATCH_DEMO=1).")
    plan = Plan.objects.get(slug=DEMO_PLAN)
    user_model = get_user_model()
    for email, kind, actor, _purpose in DEMO_ACCOUNTS:
        admin = kind is None
        user, created = user_model.objects.get_or_create(
            email=email, defaults={"is_staff": admin, "is_superuser": admin}
        )
        if created or not user.is_active:  # made again after --remove-accounts
            user.set_password(DEMO_PASSWORD)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
        if kind == Role.Kind.COORDINATOR:
            Role.objects.get_or_create(user=user, kind=kind, plan=plan, actor=None)
        elif kind:
            Role.objects.get_or_create(
                user=user, kind=kind, plan=None, actor=Actor.objects.get(slug=actor)
            )
    return [(email, purpose) for email, _kind, _actor, purpose in DEMO_ACCOUNTS]


def remove_demo_accounts() -> int:
    """Deactivate every demo account, password made unusable; returns how many. They are kept,
    not deleted, since the history may name them."""
    removed = 0
    for user in get_user_model().objects.demo():
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        removed += 1
    return removed


class Command(BaseCommand):
    help = "Create the local database, load the NAP 2021-2025, create demo accounts and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set everything up and exit")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--remove-accounts",
            action="store_true",
            help="deactivate the demo accounts (before serving this data folder in production)",
        )

    def handle(self, *args, no_serve: bool, port: int, remove_accounts: bool, **options) -> None:
        if remove_accounts:
            try:
                removed = remove_demo_accounts()
            except DatabaseError as exc:
                raise CommandError(f"The database cannot be read ({exc}).") from exc
            self.stdout.write(f"Demo accounts deactivated: {removed}.")
            return
        call_command("migrate", interactive=False, verbosity=0)
        try:
            summary = load_dataset(NAP_DATASET)
        except DatasetError as exc:
            for problem in exc.problems:
                self.stderr.write(str(problem))
            raise CommandError("The NAP dataset has problems; nothing was loaded.") from exc
        changed = "loaded" if summary.changed else "already up to date"
        self.stdout.write(f"NAP 2021-2025 dataset {changed}.")
        accounts = create_demo_accounts()
        self._open_round()
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nPlanwatch demo: {url}"))
        self.stdout.write(f"  the NAP:        {url}nl/plans/nap-2021-2025/")
        self.stdout.write(f"  log in:         {url}accounts/login/")
        self.stdout.write(f"  administration: {url}admin/")
        self.stdout.write(f"  data folder:    {settings.DATA_DIR}")
        self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD}):")
        for email, role in accounts:
            self.stdout.write(f"  {email:<40} {role}")
        if not no_serve:
            call_command("serve", port=port)

    def _open_round(self) -> None:
        from planwatch.reporting.demo import create_demo_round

        coordinator = get_user_model().objects.get(email="coordinator@demo.planwatch.invalid")
        round_ = create_demo_round(Plan.objects.get(slug=DEMO_PLAN), coordinator)
        self.stdout.write(
            f"Open round for the demo focal points: {round_.slug}, deadline {round_.deadline}."
        )
