from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.datasets.reader import DatasetError

DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = [
    # (e-mail, what the account is for)
    ("coordinator@demo.planwatch.invalid", "coordinator of the NAP (site administrator)"),
]


def create_demo_accounts() -> list[tuple[str, str]]:
    """Demo accounts with the password "demo". Only `planwatch demo` calls this."""
    if not settings.DEMO:
        raise CommandError("Demo accounts exist only in demo mode (PLANWATCH_DEMO=1).")
    user_model = get_user_model()
    for email, _role in DEMO_ACCOUNTS:
        user, created = user_model.objects.get_or_create(
            username=email, defaults={"email": email, "is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    return DEMO_ACCOUNTS


class Command(BaseCommand):
    help = "Create the local database, load the NAP 2021-2025, create demo accounts and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="set everything up and exit")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve: bool, port: int, **options) -> None:
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
        url = f"http://127.0.0.1:{port}/"
        self.stdout.write(self.style.SUCCESS(f"\nPlanwatch demo: {url}"))
        self.stdout.write(f"  the NAP:        {url}nl/plans/nap-2021-2025/")
        self.stdout.write(f"  administration: {url}admin/")
        self.stdout.write(f"  data folder:    {settings.DATA_DIR}")
        self.stdout.write(f"\nDemo accounts (password: {DEMO_PASSWORD}):")
        for email, role in accounts:
            self.stdout.write(f"  {email:<40} {role}")
        if not no_serve:
            call_command("serve", port=port)
