"""planwatch publish-static: the whole portal as files, with no broken link, written the way it
runs on a server (production settings: no debug, no ALLOWED_HOSTS, the HTTPS redirect on)."""

import io

import pytest
from django.core.management import CommandError, call_command

from planwatch.portal import static_export
from planwatch.portal.static_export import file_for, links_of, local_path

from .process_helpers import planwatch

LANGUAGES = ("nl", "fr", "de", "en")
BASE_URL = "https://planwatch.example.org"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One export of the NAP in a child process under production settings, into a fresh
    database of its own."""
    data = tmp_path_factory.mktemp("data")
    out = tmp_path_factory.mktemp("site") / "site"
    env = {
        "PLANWATCH_DATA_DIR": str(data),
        "PLANWATCH_DEBUG": "off",
        "PLANWATCH_SECRET_KEY": "s" * 20 + "-static-export-secret-" + "t" * 30,
    }
    for args in (("migrate", "-v0"), ("load-dataset",)):
        result = planwatch(*args, env=env, timeout=600)
        assert result.returncode == 0, result.stderr
    result = planwatch(
        "publish-static",
        "--plan",
        "nap-2021-2025",
        "--out",
        str(out),
        "--base-url",
        BASE_URL,
        env=env,
        timeout=1200,
    )
    return result, out


@pytest.fixture(scope="module")
def exported(run):
    return run[1]


def test_it_succeeds_under_production_settings(run):
    result, _out = run
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    pages = int(result.stdout.split()[1])
    assert pages > 700, result.stdout  # every page and download, in four languages


def test_every_language_and_page_type_is_written(exported):
    for lang in LANGUAGES:
        base = exported / lang / "plans" / "nap-2021-2025"
        assert (base / "index.html").exists()
        assert (base / "measures" / "index.html").exists()
        assert (base / "measures" / "112" / "index.html").exists()
        assert (base / "coverage" / "index.html").exists()
        assert (base / "indicators" / "zsg-registrations" / "index.html").exists()
        assert (base / "downloads" / "measures.csv").exists()
        assert (exported / lang / "accessibility" / "index.html").exists()
    assert (exported / "static" / "planwatch" / "site.css").exists()
    assert (exported / "index.html").exists()


def test_the_catalogue_is_written_with_the_sites_address(exported):
    turtle = (exported / "catalog.ttl").read_text(encoding="utf-8")
    assert f"<{BASE_URL}/nl/plans/nap-2021-2025/downloads/measures.csv>" in turtle
    assert "static-export.planwatch.internal" not in turtle
    assert (exported / "catalog.jsonld").read_text(encoding="utf-8").startswith("[")


def test_no_broken_link(exported):
    """Every link to a path of the site, on every written page, is a written file."""
    broken = []
    for page in exported.rglob("*.html"):
        for link in links_of(page.read_text(encoding="utf-8")):
            path = local_path(link)
            if path is not None and not file_for(exported, path).exists():
                broken.append(f"{page.relative_to(exported)} -> {link}")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(sorted(set(broken))[:20])


def test_a_static_page_has_no_log_in_link_and_every_page_the_statement(exported):
    for page in exported.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "/accounts/login/" not in html, page
        # The site's pages: not the redirecting roots, the reports (documents of their own) or
        # the static files.
        lang, *rest = page.relative_to(exported).parts
        if lang in LANGUAGES and rest != ["index.html"] and "reports" not in rest:
            assert f'href="/{lang}/accessibility/"' in html, page


@pytest.mark.parametrize(
    ("live", "expected"),
    [("", None), ("https://live.example.org", "https://live.example.org/fr/accounts/login/")],
)
def test_the_log_in_link_of_a_static_page(client, nap, settings, live, expected):
    settings.PLANWATCH_STATIC_EXPORT = True
    settings.PLANWATCH_LIVE_URL = live
    html = client.get("/fr/plans/nap-2021-2025/").content.decode()
    assert ('href="/fr/accounts/login/"' in html) is False
    if expected:
        assert f'href="{expected}"' in html
    else:
        assert "accounts/login" not in html


def test_a_live_page_keeps_its_log_in_link(client, nap):
    assert 'href="/fr/accounts/login/"' in client.get("/fr/plans/nap-2021-2025/").content.decode()


def test_a_page_that_cannot_be_written_fails_the_command(nap, tmp_path, monkeypatch):
    missing = "/nl/plans/nap-2021-2025/nothing-here/"
    monkeypatch.setattr(static_export, "start_paths", lambda plan: [missing])
    err = io.StringIO()
    with pytest.raises(CommandError, match="failures .listed above.: the site is incomplete"):
        call_command(
            "publish_static",
            "--plan",
            "nap-2021-2025",
            "--out",
            str(tmp_path),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert f"{missing}: HTTP 404" in err.getvalue()
    # The site's roots lead to the plan page, which was not written.
    assert "broken link: index.html -> /nl/plans/nap-2021-2025/" in err.getvalue()


def test_bad_plan_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="No plan 'nope'"):
        call_command("publish_static", "--plan", "nope", "--out", str(tmp_path))
