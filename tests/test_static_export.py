"""planwatch publish-static: the whole portal as files, with no broken link."""

import io

import pytest
from django.core.management import CommandError, call_command

from planwatch.portal.static_export import file_for, links_of, local_path


@pytest.fixture(scope="module")
def exported(tmp_path_factory, django_db_blocker):
    out = tmp_path_factory.mktemp("site")
    with django_db_blocker.unblock():
        call_command(
            "publish_static",
            "--plan",
            "nap-2021-2025",
            "--out",
            str(out),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    return out


def test_every_language_and_page_type_is_written(exported):
    for lang in ("nl", "fr", "de", "en"):
        base = exported / lang / "plans" / "nap-2021-2025"
        assert (base / "index.html").exists()
        assert (base / "measures" / "index.html").exists()
        assert (base / "measures" / "112" / "index.html").exists()
        assert (base / "coverage" / "index.html").exists()
        assert (base / "indicators" / "zsg-registrations" / "index.html").exists()
        assert (base / "downloads" / "measures.csv").exists()
    assert (exported / "static" / "planwatch" / "site.css").exists()
    assert (exported / "index.html").exists()


def test_no_broken_link(exported):
    broken = []
    for page in exported.rglob("*.html"):
        for link in links_of(page.read_text(encoding="utf-8")):
            path = local_path(link)
            if path is None or path.startswith(("/admin/", "/accounts/")):
                continue
            if "/accounts/" in path or "/work/" in path:
                continue  # the log-in is not part of the public export
            if not file_for(exported, path).exists():
                broken.append(f"{page.relative_to(exported)} -> {link}")
    assert not broken, "\n".join(sorted(set(broken))[:20])


def test_bad_plan_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="No plan 'nope'"):
        call_command("publish_static", "--plan", "nope", "--out", str(tmp_path))
