"""Configuration from the environment, checked the way an operator would start Planwatch."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def planwatch(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PLANWATCH_", "DJANGO_"))
        and k not in {"DATABASE_URL", "ALLOWED_HOSTS"}
    }
    return subprocess.run(
        [sys.executable, "-m", "planwatch", *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_production_serve_refuses_without_secret_and_hosts(tmp_path):
    result = planwatch("serve", "--port", "8099", env={"PLANWATCH_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "PLANWATCH_SECRET_KEY is not set" in result.stderr
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_check_deploy_has_no_warnings_when_configured(tmp_path):
    result = planwatch(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "PLANWATCH_DATA_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "planwatch.example.org",
            "PLANWATCH_SECRET_KEY": "k" * 20 + "-production-secret-" + "q" * 30,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once_into_the_data_folder(tmp_path):
    env = {"PLANWATCH_DATA_DIR": str(tmp_path)}
    assert planwatch("check", env=env).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert planwatch("check", env=env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


@pytest.mark.parametrize("value", ["1", "true", "yes", "on"])
def test_debug_is_read_from_the_environment(tmp_path, value):
    result = planwatch(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        env={"PLANWATCH_DATA_DIR": str(tmp_path), "PLANWATCH_DEBUG": value},
    )
    assert result.stdout.strip() == "True"
