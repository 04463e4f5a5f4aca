"""``/healthz``: whether this server can serve, for a reverse proxy's or a monitor's checks.

Healthy means the database answers and every migration of this version of the code is
applied. The answer is JSON (200 when healthy, 503 otherwise), never cached, and names no
person, host or error text.
"""

from functools import cache

from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@cache
def code_migrations() -> frozenset[tuple[str, str]]:
    """The latest migration of each app, read from disk once per process."""
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def check() -> dict[str, str]:
    try:
        applied = MigrationRecorder(connection).applied_migrations()
    except DatabaseError:
        return {"status": "error", "database": "unreachable", "migrations": "unknown"}
    pending = code_migrations() - set(applied)
    return {
        "status": "error" if pending else "ok",
        "database": "ok",
        "migrations": f"{len(pending)} pending" if pending else "ok",
    }


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    result = check()
    return JsonResponse(result, status=200 if result["status"] == "ok" else 503)
