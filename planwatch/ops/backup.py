"""Backup and restore: the database and the data folder's files in one archive.

A backup is a gzip-compressed tar archive holding ``manifest.json`` (what made it and when),
the database copy (``database.sqlite3`` or ``database.pgdump``, see ``databases.py``) and the
data folder's files under ``files/``. Left out of ``files/``: the SQLite database itself (copied
through its backup API instead), the collected static files (``static/``, rebuilt when the
server starts), the generated secret key and a ``backups/`` folder.

A restore reads and checks the whole archive before it changes anything, and goes only into an
empty database and data folder unless told to replace them.
"""

import datetime as dt
import importlib.metadata
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from . import databases

FORMAT = "planwatch-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files"
# Top-level names of the data folder that are not backed up (see the module's docstring).
NOT_BACKED_UP = {"static", "secret_key", "backups"}
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for a person."""


@dataclass
class Summary:
    path: Path
    database: str
    migrations: int
    files: int
    pending_migrations: list[str] = field(default_factory=list)


def backup(output: Path, alias: str = "default") -> Summary:
    """Write a backup of the database and the data folder's files to ``output``."""
    output = output.resolve()
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    try:
        kind = databases.kind(alias)
        migrations = applied_migrations(alias)
        with tempfile.TemporaryDirectory(prefix="planwatch-backup-") as work:
            copy = Path(work) / databases.FILE_NAMES[kind]
            databases.copy(copy, alias)
            files = data_files(alias, skip={output})
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "planwatch_version": _version(),
                "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
                "database": kind,
                "migrations": migrations,
                "files": len(files),
            }
            manifest_path = Path(work) / MANIFEST
            manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            # Written beside the target and renamed at the end: no half-written backup is
            # ever left under the name asked for.
            partial = output.with_name(f".{output.name}.partial")
            try:
                with tarfile.open(partial, "w:gz") as archive:
                    archive.add(manifest_path, MANIFEST)
                    archive.add(copy, copy.name)
                    for relative in files:
                        archive.add(
                            settings.DATA_DIR / relative,
                            f"{FILES}/{relative.as_posix()}",
                            recursive=False,
                        )
                os.replace(partial, output)
            finally:
                partial.unlink(missing_ok=True)
    except databases.DatabaseCopyError as error:
        raise BackupError(str(error)) from None
    except OSError as error:
        raise BackupError(f"The backup could not be written: {error}") from None
    return Summary(output, kind, sum(map(len, migrations.values())), len(files))


def restore(source: Path, force: bool = False, alias: str = "default") -> Summary:
    """Put the database and the data folder back as they were in the backup ``source``."""
    source = source.resolve()
    if not source.is_file():
        raise BackupError(f"{source} does not exist.")
    kind = databases.kind(alias)
    with tempfile.TemporaryDirectory(prefix="planwatch-restore-") as work:
        manifest = _unpack(source, Path(work))
        if manifest["database"] != kind:
            raise BackupError(
                f"{source.name} holds a {kind_name(manifest['database'])} database and this "
                f"Planwatch uses {kind_name(kind)}: restore it with the same kind of database."
            )
        known = known_migrations()
        unknown = sorted(
            f"{app}.{name}"
            for app, names in manifest["migrations"].items()
            for name in names
            if (app, name) not in known
        )
        if unknown:
            raise BackupError(
                f"{source.name} was made by a newer Planwatch ({manifest['planwatch_version']}): "
                f"this one does not know its migrations {', '.join(unknown[:5])}"
                f"{' …' if len(unknown) > 5 else ''}. Install that version or a newer one first."
            )
        if not force:
            _refuse_unless_empty(alias)
        copy = Path(work) / databases.FILE_NAMES[kind]
        try:
            databases.check(copy, kind)
        except databases.DatabaseCopyError as error:
            raise BackupError(f"{source.name} is damaged: {error}.") from None
        try:
            databases.restore(copy, alias)
        except databases.DatabaseCopyError as error:
            raise BackupError(str(error)) from None
        files = _put_back_files(Path(work) / FILES)
    _mark_data_changed(alias)
    restored = {(app, name) for app, names in manifest["migrations"].items() for name in names}
    pending = sorted(f"{app}.{name}" for app, name in known - restored)
    return Summary(source, kind, len(restored), files, pending)


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    recorder = MigrationRecorder(connections[alias])
    migrations: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        migrations.setdefault(app, []).append(name)
    return migrations


def known_migrations() -> set[tuple[str, str]]:
    """Every migration of this version of the code (read from disk, no database needed)."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def data_files(alias: str = "default", skip: set[Path] = frozenset()) -> list[Path]:
    """The data folder's files a backup holds, relative to the folder."""
    root = Path(settings.DATA_DIR).resolve()
    leave_out = set(skip)
    if databases.kind(alias) == databases.SQLITE:
        database = databases.sqlite_path(alias)
        leave_out |= {database.with_name(database.name + end) for end in SQLITE_COMPANIONS}
    found = []
    for folder, subfolders, names in os.walk(root):
        here = Path(folder)
        if here == root:
            subfolders[:] = [name for name in subfolders if name not in NOT_BACKED_UP]
            names = [name for name in names if name not in NOT_BACKED_UP]
        subfolders.sort()
        for name in sorted(names):
            path = here / name
            if path in leave_out or name.startswith(".") and name.endswith(".partial"):
                continue
            if path.is_file() and not path.is_symlink():
                found.append(path.relative_to(root))
    return found


def _unpack(source: Path, work: Path) -> dict:
    """Read the archive into ``work`` and return its manifest; refuse anything else."""
    foreign = f"{source.name} is not a Planwatch backup"
    try:
        with tarfile.open(source, "r:gz") as archive:
            members = archive.getmembers()
            names = {member.name for member in members}
            if MANIFEST not in names:
                raise BackupError(f"{foreign} (it has no {MANIFEST}).")
            manifest = _read_manifest(archive, foreign)
            expected = databases.FILE_NAMES.get(manifest.get("database"))
            if expected not in names:
                raise BackupError(f"{source.name} is damaged: its database copy is missing.")
            for member in members:
                allowed = member.name in (MANIFEST, expected) or member.name.startswith(f"{FILES}/")
                if not allowed or not (member.isfile() or member.isdir()):
                    raise BackupError(f"{foreign} (unexpected entry {member.name!r}).")
            # The "data" filter refuses absolute paths, "..", links and device files.
            archive.extractall(work, filter="data")
    except BackupError:
        raise
    except (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError) as error:
        if isinstance(error, tarfile.ReadError) and "not a gzip file" in str(error):
            raise BackupError(f"{foreign} (not a gzip-compressed tar archive).") from None
        raise BackupError(f"{source.name} is damaged or incomplete ({error}).") from None
    return manifest


def _read_manifest(archive: tarfile.TarFile, foreign: str) -> dict:
    handle = archive.extractfile(MANIFEST)
    try:
        manifest = json.loads(handle.read().decode("utf-8")) if handle else None
    except ValueError:
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{foreign} (its {MANIFEST} is not Planwatch's).")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The backup's format version {manifest.get('format_version')!r} is not known to "
            f"this Planwatch (it reads version {FORMAT_VERSION})."
        )
    migrations = manifest.get("migrations")
    if (
        manifest.get("database") not in databases.FILE_NAMES
        or not isinstance(migrations, dict)
        or not all(isinstance(names, list) for names in migrations.values())
    ):
        raise BackupError(f"{foreign} (its {MANIFEST} is incomplete).")
    return manifest


def _refuse_unless_empty(alias: str) -> None:
    problems = []
    if tables := databases.tables(alias):
        problems.append(f"the database is not empty ({len(tables)} tables)")
    if files := data_files(alias):
        problems.append(
            f"the data folder {settings.DATA_DIR} holds files ({files[0]}"
            f"{f' and {len(files) - 1} more' if len(files) > 1 else ''})"
        )
    if problems:
        raise BackupError(
            f"Nothing was restored: {' and '.join(problems)}. A restore goes into an empty "
            "database and data folder; add --force to replace what is there."
        )


def _put_back_files(unpacked: Path) -> int:
    """Copy the backup's files into the data folder (a file of the same name is replaced;
    other files are left alone)."""
    count = 0
    if not unpacked.is_dir():
        return count
    root = Path(settings.DATA_DIR)
    for path in sorted(unpacked.rglob("*")):
        if path.is_file():
            target = root / path.relative_to(unpacked)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            count += 1
    return count


def _mark_data_changed(alias: str) -> None:
    # A new data version, so that no server keeps a page cached from before the restore.
    from planwatch.core.models import DataVersion

    if DataVersion._meta.db_table in databases.tables(alias):
        DataVersion.bump()


def kind_name(kind: str) -> str:
    return {databases.SQLITE: "SQLite", databases.POSTGRESQL: "PostgreSQL"}.get(kind, kind)


def _version() -> str:
    try:
        return importlib.metadata.version("planwatch")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
