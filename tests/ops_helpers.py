"""Whole Planwatch sites for operations tests: a data folder and a database of their own (a
new PostgreSQL database when the suite runs on PostgreSQL, else the folder's SQLite file), run
through the `planwatch` command in child processes, as an operator would."""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from .process_helpers import ROOT, clean_env

SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))


class Sites:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.databases: list[str] = []

    def new(self, name: str) -> dict[str, str]:
        """The environment of a new, empty site."""
        env = {"PLANWATCH_DATA_DIR": str(self.folder / name)}
        if ON_POSTGRES:
            import psycopg

            database = f"pw_{name}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(SERVER_URL, autocommit=True) as connection:
                connection.execute(f'CREATE DATABASE "{database}"')
            self.databases.append(database)
            env["DATABASE_URL"] = (
                urllib.parse.urlsplit(SERVER_URL)._replace(path=f"/{database}").geturl()
            )
        return env

    def drop_all(self) -> None:
        if not self.databases:
            return
        import psycopg

        with psycopg.connect(SERVER_URL, autocommit=True) as connection:
            for database in self.databases:
                connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def sites(tmp_path):
    made = Sites(tmp_path)
    yield made
    made.drop_all()


def run(*args: str, env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planwatch", *args],
        env=clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def django_script(code: str) -> list[str]:
    """A Python command line that sets Django up, then runs ``code``."""
    return [
        sys.executable,
        "-c",
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'planwatch.settings')\n"
        "django.setup()\n" + textwrap.dedent(code),
    ]


def run_script(code: str, env: dict[str, str], timeout: int = 300) -> str:
    result = subprocess.run(
        django_script(code),
        env=clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


SEED = """
    import json
    from planwatch.accounts.models import User
    from tests.factories import make_plan

    plan = make_plan(slug="site", measures=5, pillars=2, observations=3)
    User.objects.create_superuser("admin@example.org", password="admin-pw-7c1e")
    print(json.dumps({
        "indicator": plan.indicators.get().pk,
        "measure": plan.measures.get(number=1).pk,
    }))
"""
ADMIN = ("admin@example.org", "admin-pw-7c1e")


def seeded_site(sites: Sites, name: str) -> tuple[dict[str, str], dict]:
    """A new site, migrated, with a small published plan (slug "site") and a superuser."""
    env = sites.new(name)
    migrated = run("migrate", "-v0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    return env, json.loads(run_script(SEED, env).strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition, timeout: float, interval: float = 0.1, what: str = "condition"):
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout} s")
        time.sleep(interval)


def get(url: str, opener=None, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with (opener.open if opener else urllib.request.urlopen)(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
