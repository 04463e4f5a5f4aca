"""Public reports rendered once and served as files: never per query string, again after a change,
in the background after a round is published, and by `planwatch render-reports`."""

import datetime as dt

import pytest
from django.core.management import call_command

from planwatch.documents.reports import published
from planwatch.reporting import services
from planwatch.reporting.models import Round

BASE = "/en/plans/nap-2021-2025/reports"


def test_junk_parameters_never_render_a_report_again(client, nap, renders):
    bodies = {
        client.get(f"{BASE}/interim.pdf?r={n}").getvalue()
        for n in ["", "1", "2", "3", "4&round=interim-2023", "5&x=%00"]
    }
    assert renders == [("interim", "nap-2021-2025", "interim-2023", "en", "pdf")]
    assert bodies == {b"interim en pdf #1"}
    response = client.get(f"{BASE}/interim.pdf?round=interim-2023&junk=1")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert len(renders) == 1


def test_each_language_and_format_is_its_own_file(client, nap, renders):
    client.get(f"{BASE}/budget.docx")
    client.get("/fr/plans/nap-2021-2025/reports/budget.docx")
    client.get(f"{BASE}/budget.html")
    client.get(f"{BASE}/budget.html")
    assert [(kind, lang, fmt) for kind, _, _, lang, fmt in renders] == [
        ("budget", "en", "docx"),
        ("budget", "fr", "docx"),
        ("budget", "en", "html"),
    ]


def test_a_change_of_data_renders_the_report_again_once(client, nap, renders):
    client.get(f"{BASE}/coverage.pdf")
    measure = nap.measures.get(number=112)
    measure.title_en = "Corrected title"
    measure.save()
    for _ in range(3):
        assert client.get(f"{BASE}/coverage.pdf").getvalue() == b"coverage en pdf #2"
    assert len(renders) == 2


def test_drafts_are_rendered_for_coordinators_and_never_stored(client, nap, renders, settings):
    from .factories import make_user

    Round.objects.create(
        plan=nap,
        slug="2024",
        name_en="Round 2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        state=Round.State.CLOSED,
    )
    client.force_login(make_user(role="coordinator", plan=nap))
    for _ in range(2):
        response = client.get(f"{BASE}/interim.html?round=2024")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert len(renders) == 2
    stored = list(settings.REPORTS_DIR.rglob("*.html")) if settings.REPORTS_DIR.exists() else []
    assert stored == []


def test_the_html_report_has_its_own_policy(client, nap, renders):
    policy = client.get(f"{BASE}/interim.html")["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    page = client.get("/en/plans/nap-2021-2025/")
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]


def test_publishing_a_round_renders_its_reports_after_commit(
    round_, coordinator, renders, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.REPORTS_RENDER_ON_PUBLISH = True
    started = []

    class Thread:
        def __init__(self, target, args, **kwargs):
            self.target, self.args = target, args

        def start(self):
            started.append(self.args)

    monkeypatch.setattr(published.threading, "Thread", Thread)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_round(round_, user=coordinator)
        assert started == []  # nothing before the commit
    assert started == [(round_.pk,)]
    round_.refresh_from_db()
    # What the thread does, here in the test's own transaction:
    assert published.render_round(round_) == 36
    assert published.render_round(round_) == 0
    assert {(k, lang, fmt) for k, _, _, lang, fmt in renders} == set(published.linked_reports())


def test_publishing_renders_nothing_when_switched_off(
    nap, coordinator, renders, monkeypatch, django_capture_on_commit_callbacks
):
    started = []
    monkeypatch.setattr(published.threading, "Thread", lambda **kwargs: started.append(kwargs))
    round_ = Round.objects.create(
        plan=nap,
        slug="2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        state=Round.State.CLOSED,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_round(round_, user=coordinator)  # PLANWATCH_RENDER_REPORTS=0 in tests
    assert started == [] and renders == []


def test_render_reports_command(nap, renders, capsys):
    call_command("render_reports", "--plan", "nap-2021-2025")
    assert len(renders) == 36
    call_command("render_reports")
    assert len(renders) == 36
    assert "nap-2021-2025 interim-2023: 0 reports rendered" in capsys.readouterr().out


def test_render_reports_refuses_an_unknown_plan(nap, renders):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No plan 'nope'"):
        call_command("render_reports", "--plan", "nope")


def test_folders_of_older_data_versions_are_removed_after_a_while(client, nap, renders, settings):
    import os
    import time

    old, recent = settings.REPORTS_DIR / "old-version", settings.REPORTS_DIR / "recent-version"
    for folder in (old, recent):
        (folder / "nap-2021-2025").mkdir(parents=True)
    hour_ago = time.time() - 3600
    os.utime(old, (hour_ago, hour_ago))
    client.get(f"{BASE}/budget.html")
    assert not old.exists()  # no process can still be reading it
    assert recent.exists()  # a process may still be on that version for a second
