"""A consistent copy of the database while people work, and its way back, per database kind.

SQLite goes through its online backup API; PostgreSQL through ``pg_dump --format=custom`` and
``pg_restore``. Never copy a live SQLite file by hand: a plain copy taken while someone saves
can be corrupt.
"""

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.db import connections

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
FILE_NAMES = {SQLITE: "database.sqlite3", POSTGRESQL: "database.pgdump"}


class DatabaseCopyError(Exception):
    """A copy or a restore that could not be made; the message says why, for a person."""


def kind(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in FILE_NAMES:
        raise DatabaseCopyError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def sqlite_path(alias: str = "default") -> Path:
    return Path(connections[alias].settings_dict["NAME"]).resolve()


def copy(target: Path, alias: str = "default") -> None:
    """Write a consistent copy of the database to ``target``."""
    if kind(alias) == SQLITE:
        _sqlite_copy(alias, target)
    else:
        _run(
            "pg_dump",
            ["--format=custom", "--file", str(target)],
            alias,
            action="The PostgreSQL dump failed",
        )


def check(source: Path, database_kind: str) -> None:
    """Refuse a copy that cannot be restored, before anything is changed."""
    if database_kind == SQLITE:
        try:
            with closing(sqlite3.connect(_read_only(source), uri=True)) as db:
                result = db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError as error:
            raise DatabaseCopyError(f"its SQLite database cannot be read ({error})") from None
        if result != [("ok",)]:
            raise DatabaseCopyError("its SQLite database fails the integrity check")
    else:
        result = subprocess.run(
            [tool("pg_restore"), "--list", str(source)], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise DatabaseCopyError(
                f"its PostgreSQL dump cannot be read ({_first_line(result.stderr)})"
            )


def tables(alias: str = "default") -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def restore(source: Path, alias: str = "default") -> None:
    """Replace the database's content with the copy in ``source`` (checked with ``check``)."""
    connection = connections[alias]
    if kind(alias) == SQLITE:
        connection.close()
        target = sqlite_path(alias)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API, not a file copy: it writes the pages under SQLite's locks and
        # keeps a write-ahead log consistent.
        with (
            closing(sqlite3.connect(_read_only(source), uri=True)) as src,
            closing(sqlite3.connect(target, timeout=60)) as dst,
        ):
            src.backup(dst)
        return
    existing = tables(alias)
    if existing:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(map(quote, existing))} CASCADE")
    connection.close()
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            connection.settings_dict["NAME"],
            str(source),
        ],
        alias,
        action="The PostgreSQL restore failed",
    )


def tool(name: str) -> str:
    """A PostgreSQL client program: from ``PLANWATCH_PG_BIN`` if set, else the newest
    ``/usr/lib/postgresql/*/bin`` (Debian's layout; a client must not be older than the server),
    else the one on ``PATH``."""
    folders = []
    if configured := os.environ.get("PLANWATCH_PG_BIN"):
        folders.append(Path(configured))
    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    for folder in folders:
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return str(folder / name)
    if found := shutil.which(name):
        return found
    raise DatabaseCopyError(
        f"{name} was not found: install the PostgreSQL client programs (Debian: "
        "postgresql-client) or name their folder in PLANWATCH_PG_BIN."
    )


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in folder.parent.name.split(".") if part.isdigit())


def _pg_environment(alias: str) -> dict[str, str]:
    # The connection goes through libpq's variables: no password on a command line.
    settings = connections[alias].settings_dict
    env = dict(os.environ)
    for variable, value in (
        ("PGHOST", settings.get("HOST")),
        ("PGPORT", settings.get("PORT")),
        ("PGUSER", settings.get("USER")),
        ("PGPASSWORD", settings.get("PASSWORD")),
        ("PGDATABASE", settings.get("NAME")),
        ("PGSSLMODE", settings.get("OPTIONS", {}).get("sslmode")),
    ):
        if value:
            env[variable] = str(value)
    return env


def _run(program: str, arguments: list[str], alias: str, action: str) -> None:
    result = subprocess.run(
        [tool(program), *arguments],
        env=_pg_environment(alias),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DatabaseCopyError(f"{action}: {result.stderr.strip() or result.returncode}")


def _sqlite_copy(alias: str, target: Path) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as dst:
        # All pages in one step, under one read lock: a copy made in several steps starts again
        # each time someone saves, and might never end while people work.
        connection.connection.backup(dst, pages=-1)
        if dst.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
            raise DatabaseCopyError("The copy of the SQLite database fails its integrity check.")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "no message"


def _read_only(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"
