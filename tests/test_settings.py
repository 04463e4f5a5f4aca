"""Configuration from the environment, checked the way an operator would start Planwatch."""

import subprocess
import sys

import pytest

from .process_helpers import ROOT, clean_env, planwatch


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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_pages_and_static_files_in_production_mode(tmp_path):
    import time
    import urllib.error
    import urllib.request

    env = {
        "PLANWATCH_DATA_DIR": str(tmp_path),
        "PLANWATCH_SECRET_KEY": "s" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PLANWATCH_SSL_REDIRECT": "0",
    }
    assert planwatch("migrate", "-v0", env=env).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "planwatch", "serve", "--port", str(port), "--workers", "1"],
        env=clean_env(**env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # Start-up collects and compresses the static files first: allow it time.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode()
            try:
                urllib.request.urlopen(base + "/en/", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.5)
        with urllib.request.urlopen(base + "/en/", timeout=5) as response:
            assert response.status == 200  # no plan loaded: the list of plans
            assert b"No plan has been loaded yet." in response.read()
        with urllib.request.urlopen(base + "/static/planwatch/site.css", timeout=5) as response:
            assert response.status == 200
            assert b"--accent" in response.read()
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(base + "/en/plans/nope/", timeout=5)
        assert error.value.code == 404
    finally:
        server.terminate()
        server.wait(timeout=30)


PRODUCTION = {
    "ALLOWED_HOSTS": "planwatch.example.org",
    "PLANWATCH_SECRET_KEY": "production-secret-key-" * 3,
}


def test_production_serve_refuses_a_short_secret_key(tmp_path):
    env = {**PRODUCTION, "PLANWATCH_DATA_DIR": str(tmp_path), "PLANWATCH_SECRET_KEY": "k" * 49}
    result = planwatch("serve", "--port", "8099", env=env)
    assert result.returncode != 0
    assert "PLANWATCH_SECRET_KEY is 49 characters long: use at least 50" in result.stderr


def test_production_refuses_live_demo_accounts_until_removed(tmp_path):
    env = {**PRODUCTION, "PLANWATCH_DATA_DIR": str(tmp_path)}
    assert planwatch("migrate", "-v0", env=env).returncode == 0
    made = planwatch(
        "shell",
        "--no-imports",
        "-c",
        "from planwatch.accounts.models import User; "
        "User.objects.create_superuser('admin@demo.planwatch.invalid', 'demo'); "
        "User.objects.create_user('someone@example.org', 'x')",
        env=env,
    )
    assert made.returncode == 0, made.stderr
    serve = planwatch("serve", "--port", "8099", env=env)
    assert serve.returncode != 0
    assert "admin@demo.planwatch.invalid" in serve.stderr
    assert "planwatch demo --remove-accounts" in serve.stderr
    check = planwatch("check", "--deploy", env=env)
    assert check.returncode != 0
    assert "planwatch.E001" in check.stderr
    assert "planwatch demo --remove-accounts" in check.stderr

    removed = planwatch("demo", "--remove-accounts", env=env)
    assert removed.returncode == 0, removed.stderr
    assert "Demo accounts deactivated: 1." in removed.stdout
    check = planwatch("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    left = planwatch(
        "shell",
        "--no-imports",
        "-c",
        "from planwatch.accounts.models import User; "
        "print(sorted((u.email, u.is_active, u.has_usable_password()) "
        "for u in User.objects.all()))",
        env=env,
    )
    assert left.stdout.strip() == (
        "[('admin@demo.planwatch.invalid', False, False), ('someone@example.org', True, True)]"
    )


def test_a_bad_number_of_trusted_proxies_stops_start_up_with_its_name(tmp_path):
    env = {"PLANWATCH_DATA_DIR": str(tmp_path), "PLANWATCH_TRUSTED_PROXIES": "one"}
    result = planwatch("check", env=env)
    assert result.returncode != 0
    assert "PLANWATCH_TRUSTED_PROXIES must be a whole number (0 or more), not 'one'" in (
        result.stderr
    )


def test_the_number_of_trusted_proxies_is_read_from_the_environment(tmp_path):
    result = planwatch(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.TRUSTED_PROXIES)",
        env={"PLANWATCH_DATA_DIR": str(tmp_path), "PLANWATCH_TRUSTED_PROXIES": "2"},
    )
    assert result.stdout.strip() == "2"
    result = planwatch(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.TRUSTED_PROXIES)",
        env={"PLANWATCH_DATA_DIR": str(tmp_path)},
    )
    assert result.stdout.strip() == "0"
