"""`/healthz`: what a reverse proxy asks each server before sending it people."""

import json

from django.db import OperationalError

from planwatch.ops import health

from .process_helpers import planwatch


def test_healthy_when_the_database_answers_and_every_migration_is_applied(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "migrations": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200


def test_unhealthy_with_migrations_still_to_apply(client, db, monkeypatch):
    known = health.code_migrations()
    monkeypatch.setattr(
        health, "code_migrations", lambda: known | {("plans", "9999_not_applied_yet")}
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "error",
        "database": "ok",
        "migrations": "1 pending",
    }
    assert "no-store" in response["Cache-Control"]


def test_unhealthy_when_the_database_does_not_answer(client, db, monkeypatch):
    def unreachable(self):
        raise OperationalError('connection to server at "10.0.0.5" failed: password for "pw"')

    monkeypatch.setattr(health.MigrationRecorder, "applied_migrations", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body == {"status": "error", "database": "unreachable", "migrations": "unknown"}
    assert b"10.0.0.5" not in response.content  # no host, user or error text


def test_only_reads(client, db):
    assert client.post("/healthz").status_code == 405


def test_answers_over_plain_http_when_the_site_redirects_to_https(client, db, settings, tmp_path):
    # What the proxy's check sees on the private side, in production mode.
    exempt = planwatch(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT, "
        "settings.SECURE_REDIRECT_EXEMPT)",
        env={"PLANWATCH_DATA_DIR": str(tmp_path), "PLANWATCH_SSL_REDIRECT": "1"},
    ).stdout.strip()
    assert exempt == "True ['^healthz$']"
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ["^healthz$"]
    assert client.get("/en/").status_code == 301
    assert client.get("/healthz").status_code == 200
