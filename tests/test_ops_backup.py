"""`planwatch backup` and `planwatch restore`: a consistent copy while people save, restored
whole; refusals that change nothing. On SQLite, and on PostgreSQL when the suite runs there."""

import io
import json
import os
import sqlite3
import subprocess
import tarfile
import threading
import urllib.parse
from contextlib import closing
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from planwatch.ops import backup as ops_backup
from planwatch.ops.databases import tool

from .ops_helpers import ON_POSTGRES, django_script, run, run_script, seeded_site, sites, wait_until
from .process_helpers import ROOT, clean_env

__all__ = ["sites"]  # the fixture

# Each iteration is one transaction touching two tables: a new observation numbered i and the
# title of measure 1 saying i. A consistent copy holds observations 1..k and "Written k".
WRITER = """
    import sys, time
    from pathlib import Path
    from django.db import OperationalError, transaction
    from planwatch.indicators.models import Observation
    from planwatch.plans.models import Measure

    stop = Path(sys.argv[1])
    measure = Measure.objects.get(pk={measure})
    i = 1
    while not stop.exists() and i < 5000:
        try:
            with transaction.atomic():
                Observation.objects.create(
                    indicator_id={indicator}, period=f"w{{i}}", start="2030-01-01",
                    end="2030-12-31", value=i, dims={{"city": "Gent"}},
                )
                measure.title_en = f"Written {{i}}"
                measure.save()
        except OperationalError:  # SQLite busy beyond its timeout: the same write again
            time.sleep(0.05)
            continue
        print(i, flush=True)
        i += 1
"""

STATE = """
    import json
    from planwatch.indicators.models import Observation
    from planwatch.plans.models import Measure

    values = sorted(
        int(v) for v in Observation.objects.filter(period__startswith="w")
        .values_list("value", flat=True)
    )
    print(json.dumps({{"values": values, "title": Measure.objects.get(pk={measure}).title_en}}))
"""

# The source as it was at the backup point: the writes after observation k taken back.
BACK_TO = """
    from planwatch.indicators.models import Observation
    from planwatch.plans.models import Measure

    Observation.objects.filter(period__startswith="w", value__gt={k}).delete()
    measure = Measure.objects.get(pk={measure})
    measure.title_en = "Written {k}"
    measure.save()
"""


def package(env: dict[str, str], folder: Path) -> dict[str, str]:
    result = run("export", "datapackage", "--plan", "site", "-o", str(folder), env=env)
    assert result.returncode == 0, result.stderr
    files = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}
    descriptor = json.loads(files.pop("datapackage.json"))
    descriptor.pop("created")
    files["datapackage.json"] = json.dumps(descriptor, sort_keys=True)
    return files


def integrity_checked(env: dict[str, str]) -> bool:
    """SQLite's integrity check, or pg_amcheck over every table and index on PostgreSQL."""
    if not ON_POSTGRES:
        database = Path(env["PLANWATCH_DATA_DIR"]) / "planwatch.sqlite3"
        with closing(sqlite3.connect(database)) as db:
            return db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    url = urllib.parse.urlsplit(env["DATABASE_URL"])
    checked = subprocess.run(
        [tool("pg_amcheck"), "--install-missing", "--heapallindexed", url.path.lstrip("/")],
        env={
            **os.environ,
            "PGHOST": url.hostname,
            "PGPORT": str(url.port or 5432),
            "PGUSER": url.username or "",
            "PGPASSWORD": url.password or "",
        },
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return True


def state(env: dict[str, str], ids: dict) -> dict:
    return json.loads(run_script(STATE.format(**ids), env).strip().splitlines()[-1])


def test_backup_while_people_save_restores_the_data_as_it_was(sites, tmp_path):
    source, ids = seeded_site(sites, "source")
    upload = Path(source["PLANWATCH_DATA_DIR"]) / "media" / "uploads" / "evidence.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 evidence")
    stop = tmp_path / "stop-writing"
    writer = subprocess.Popen(
        [*django_script(WRITER.format(**ids)), str(stop)],
        env=clean_env(**source),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    written: list[str] = []
    # The writer prints each committed save; read its output as it comes.
    reader = threading.Thread(target=lambda: written.extend(writer.stdout), daemon=True)
    reader.start()

    def writes_reach(count: int):
        def reached() -> bool:
            assert writer.poll() is None, writer.stderr.read()
            return len(written) >= count

        return reached

    archive = tmp_path / "planwatch.tar.gz"
    try:
        wait_until(writes_reach(20), timeout=120, what="the first saves")
        made = run("backup", "-o", str(archive), env=source)
        assert made.returncode == 0, made.stderr
        at_backup_end = len(written)
        wait_until(writes_reach(at_backup_end + 20), timeout=120, what="saves after the backup")
    finally:
        stop.touch()
        writer.wait(timeout=60)
        stop.unlink()
    assert writer.returncode == 0, writer.stderr.read()
    assert "Backed up the" in made.stdout

    target = sites.new("target")
    restored = run("restore", str(archive), env=target)
    assert restored.returncode == 0, restored.stderr
    assert "Restored the" in restored.stdout

    assert integrity_checked(target)
    checked = run("migrate", "--check", env=target)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    # All of each transaction or none of it: observations 1..k and the title saying k.
    copy = state(target, ids)
    k = len(copy["values"])
    assert copy["values"] == list(range(1, k + 1))
    assert copy["title"] == f"Written {k}"
    assert k >= 20
    assert len(state(source, ids)["values"]) > k  # saving went on after the backup point
    run_script(BACK_TO.format(k=k, **ids), source)
    assert package(target, tmp_path / "package-restored") == package(
        source, tmp_path / "package-source"
    )
    restored_upload = Path(target["PLANWATCH_DATA_DIR"]) / "media" / "uploads" / "evidence.pdf"
    assert restored_upload.read_bytes() == b"%PDF-1.4 evidence"

    # Again into the same site: refused, and the database left as it was.
    again = run("restore", str(archive), env=target)
    assert again.returncode != 0
    assert "Nothing was restored: the database is not empty" in again.stderr
    assert "--force" in again.stderr
    assert "Traceback" not in again.stderr
    run_script(BACK_TO.format(k=1, **ids), target)
    forced = run("restore", str(archive), "--force", env=target)
    assert forced.returncode == 0, forced.stderr
    assert state(target, ids) == copy


# Refusals, in this process: each happens before anything is changed. -----------------------


def archive_of(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def manifest(**changes) -> bytes:
    from django.db import connection

    content = {
        "format": "planwatch-backup",
        "format_version": 1,
        "planwatch_version": "0.1.0",
        "created": "2026-01-01T00:00:00+00:00",
        "database": connection.vendor,
        "migrations": {"core": ["0001_data_version"]},
        "files": 0,
        **changes,
    }
    return json.dumps(content).encode()


def database_name() -> str:
    from django.db import connection

    return "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"


def restore_refused(path: Path, force: bool = False) -> str:
    from planwatch.plans.models import Measure

    before = Measure.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(path), force=force)
    assert Measure.objects.count() == before
    return str(refused.value)


@pytest.fixture
def data_dir(settings, tmp_path, monkeypatch):
    """An empty data folder; the database copy stubbed. The test's open transaction holds the
    write lock SQLite's backup API would wait for (forever): the real copy is tested above, in
    child processes."""
    from planwatch.ops import databases

    monkeypatch.setattr(
        databases, "copy", lambda target, alias="default": target.write_bytes(b"copy")
    )
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


def test_restore_refuses_a_file_that_is_not_a_backup(nap, data_dir, tmp_path):
    missing = restore_refused(tmp_path / "nope.tar.gz")
    assert "nope.tar.gz does not exist" in missing
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"PK\x03\x04 a zip file perhaps")
    assert "junk.tar.gz is not a Planwatch backup (not a gzip-compressed tar archive)" in (
        restore_refused(junk)
    )
    foreign = archive_of(tmp_path / "foreign.tar.gz", {"README": b"hello"})
    assert "foreign.tar.gz is not a Planwatch backup (it has no manifest.json)" in (
        restore_refused(foreign)
    )
    other = archive_of(
        tmp_path / "other.tar.gz", {"manifest.json": b'{"format": "something else"}'}
    )
    assert "its manifest.json is not Planwatch's" in restore_refused(other)
    sneaky = archive_of(
        tmp_path / "sneaky.tar.gz",
        {"manifest.json": manifest(), database_name(): b"x", "../outside": b"x"},
    )
    assert "unexpected entry '../outside'" in restore_refused(sneaky, force=True)
    assert not (data_dir.parent / "outside").exists()
    assert list(data_dir.iterdir()) == []


def test_restore_refuses_a_damaged_backup(nap, data_dir, tmp_path):
    call_command("backup", "-o", str(tmp_path / "good.tar.gz"), stdout=io.StringIO())
    good = (tmp_path / "good.tar.gz").read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good[: len(good) // 2])
    assert "cut.tar.gz is damaged or incomplete" in restore_refused(cut, force=True)
    no_copy = archive_of(tmp_path / "nocopy.tar.gz", {"manifest.json": manifest()})
    assert "its database copy is missing" in restore_refused(no_copy, force=True)
    garbage = archive_of(
        tmp_path / "garbage.tar.gz",
        {"manifest.json": manifest(), database_name(): b"not a database " * 100},
    )
    assert "garbage.tar.gz is damaged" in restore_refused(garbage, force=True)
    assert list(data_dir.iterdir()) == []


def test_restore_refuses_another_database_kind_and_a_newer_version(nap, data_dir, tmp_path):
    from django.db import connection

    other_kind = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    other_name = "database.pgdump" if other_kind == "postgresql" else "database.sqlite3"
    kind = archive_of(
        tmp_path / "kind.tar.gz",
        {"manifest.json": manifest(database=other_kind), other_name: b"x"},
    )
    assert "restore it with the same kind of database" in restore_refused(kind, force=True)
    newer = archive_of(
        tmp_path / "newer.tar.gz",
        {
            "manifest.json": manifest(
                planwatch_version="9.0", migrations={"plans": ["0001_initial", "0099_future"]}
            ),
            database_name(): b"x",
        },
    )
    message = restore_refused(newer, force=True)
    assert "was made by a newer Planwatch (9.0)" in message
    assert "plans.0099_future" in message


def test_restore_refuses_a_database_or_data_folder_that_is_not_empty(nap, data_dir, tmp_path):
    call_command("backup", "-o", str(tmp_path / "good.tar.gz"), stdout=io.StringIO())
    message = restore_refused(tmp_path / "good.tar.gz")
    assert "Nothing was restored: the database is not empty" in message
    assert "add --force to replace what is there" in message


def test_a_data_folder_with_files_is_not_empty(nap, data_dir, settings):
    (data_dir / "media").mkdir()
    (data_dir / "media" / "report.pdf").write_bytes(b"x")
    (data_dir / "static").mkdir()
    (data_dir / "static" / "site.css").write_bytes(b"x")
    (data_dir / "secret_key").write_text("k")
    assert ops_backup.data_files() == [Path("media/report.pdf")]


def test_backup_reports_a_missing_folder(nap, data_dir, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", "-o", str(tmp_path / "nowhere" / "b.tar.gz"))


def test_backup_holds_a_manifest_and_the_files(nap, data_dir, tmp_path):
    from django.db import connection

    (data_dir / "media").mkdir()
    (data_dir / "media" / "a.txt").write_text("a")
    out = io.StringIO()
    call_command("backup", "-o", str(tmp_path / "b.tar.gz"), stdout=out)
    assert "and 1 files to" in out.getvalue()
    with tarfile.open(tmp_path / "b.tar.gz") as archive:
        names = archive.getnames()
        content = json.load(archive.extractfile("manifest.json"))
    assert sorted(names) == sorted(["manifest.json", database_name(), "files/media/a.txt"])
    assert content["database"] == connection.vendor
    assert "0001_data_version" in content["migrations"]["core"]
    assert content["planwatch_version"]
    assert content["created"].endswith("+00:00")
    assert not list(tmp_path.glob(".*partial"))
