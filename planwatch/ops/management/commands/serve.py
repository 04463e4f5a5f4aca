import multiprocessing

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

from planwatch.accounts.checks import demo_accounts_problem

# Django's own deploy check asks for at least 50 characters; production mode insists.
SECRET_KEY_MIN_LENGTH = 50


class Server(BaseApplication):
    """Gunicorn run from inside the command, so that `planwatch serve` needs no config file."""

    def __init__(self, options: dict) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        # Imported here, after collectstatic: WhiteNoise indexes the static files when the
        # application is created.
        from planwatch.wsgi import application

        return application


def production_problems() -> list[str]:
    """What must be configured before Planwatch serves the public (empty in debug mode)."""
    if settings.DEBUG:
        return []
    problems = []
    if not settings.SECRET_KEY_FROM_ENV:
        problems.append("PLANWATCH_SECRET_KEY is not set (a long random string, kept secret).")
    elif len(settings.SECRET_KEY) < SECRET_KEY_MIN_LENGTH:
        problems.append(
            f"PLANWATCH_SECRET_KEY is {len(settings.SECRET_KEY)} characters long: use at least "
            f"{SECRET_KEY_MIN_LENGTH} random characters, e.g. from: "
            'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not settings.ALLOWED_HOSTS:
        problems.append(
            "ALLOWED_HOSTS is not set (the host names Planwatch answers to, comma-separated)."
        )
    if demo := demo_accounts_problem():
        problems.append(demo)
    return problems


class Command(BaseCommand):
    help = "Serve Planwatch with gunicorn; static files are served by the same process."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=min(2 * multiprocessing.cpu_count() + 1, 8)
        )
        parser.add_argument("--threads", type=int, default=2)

    def handle(self, *args, host: str, port: int, workers: int, threads: int, **options) -> None:
        if problems := production_problems():
            raise CommandError(
                "Planwatch is in production mode (PLANWATCH_DEBUG is off) and is not "
                "configured:\n- " + "\n- ".join(problems)
            )
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}")
        if not settings.WHITENOISE_USE_FINDERS:
            call_command("collectstatic", interactive=False, verbosity=0)
        connections.close_all()  # each worker opens its own connections after the fork
        Server(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "threads": threads,
                "worker_class": "gthread",
                "accesslog": "-" if settings.DEBUG else None,
                "timeout": 60,
            }
        ).run()
