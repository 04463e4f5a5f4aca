"""Run the ``planwatch`` command in a child process, with an environment of its own, as an
operator would (shared by the settings, command-line and operations tests)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without Planwatch's settings (nor the test database)."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PLANWATCH_", "DJANGO_"))
        and k not in {"DATABASE_URL", "ALLOWED_HOSTS"}
    }
    return {**keep, **extra}


def planwatch(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planwatch", *args],
        env=clean_env(**env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
