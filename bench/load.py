"""Load test: many readers and a few writers at once against `planwatch serve`.

    .venv/bin/python bench/load.py [--seconds 60] [--readers 40] [--writers 10] [--postgres]
                                   [--workers 2] [--threads 4]

1. Builds a throwaway database with the NAP 2021-2025, an open round, one coordinator and
   --writers focal points, two per actor, so that two people edit the same contributions: on
   SQLite in a temporary data folder, and on PostgreSQL with --postgres or when DATABASE_URL is
   set (without DATABASE_URL, scripts/with-postgres starts a throwaway server).
2. Starts `planwatch serve --workers 2 --threads 4` (as bench/portal.py) on 127.0.0.1.
3. For --seconds, --readers anonymous readers fetch public pages (half of them a fixed set of
   pages the page cache keeps, half searches with a new term each time, which it cannot), while
   the writers save contributions: half through the API (GET for the version, then PATCH with
   it), half through the contribution form (GET the page, then POST it with the version and the
   CSRF token it holds). Writers of one actor pick among three contributions, so versions race:
   the loser gets 409 (API) or the conflict page (form).
4. Prints requests/s, p50/p95/p99 and the answers per kind: 5xx, conflicts (409 or the form's
   conflict page), other (any other refusal, or no answer). The target is 0 5xx and 0 other.

Everything stays on 127.0.0.1 and ends after --seconds. Nothing is asserted.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HOST = "127.0.0.1"
WORDS = ["violence", "police", "justice", "training", "shelter", "data", "plan", "school"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def build(writers: int) -> dict:
    """The database the server will use (migrated, the NAP, an open round, people)."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db.models import Count

    from planwatch.api.models import ApiToken
    from planwatch.datasets.loader import NAP_DATASET, load_dataset
    from planwatch.plans.models import Plan
    from planwatch.reporting import services
    from planwatch.reporting.models import Contribution
    from tests.factories import make_user

    call_command("migrate", verbosity=0)
    load_dataset(NAP_DATASET)
    plan = Plan.objects.get(slug="nap-2021-2025")
    stamp = str(int(time.time()))
    coordinator = make_user(f"coordinator-{stamp}@bench.invalid", role="coordinator", plan=plan)
    round_ = services.create_round(
        plan,
        user=coordinator,
        slug=f"load-{stamp}",
        name={"en": f"Load {stamp}"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=None,
    )
    services.open_round(round_, user=coordinator)
    actors = list(
        round_.contributions.values("actor_id", "actor__slug")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
        .order_by("-n", "actor__slug")[: max(1, writers // 2)]
    )
    people = []
    for index in range(writers):
        actor = actors[index % len(actors)]
        user = make_user(
            f"focal-{index}-{stamp}@bench.invalid", role="focal_point", actor=actor["actor__slug"]
        )
        _token, key = ApiToken.issue(user, "load")
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        items = list(
            Contribution.objects.filter(round=round_, actor_id=actor["actor_id"])
            .order_by("measure__number")
            .values_list("pk", flat=True)[:3]
        )
        people.append(
            {
                "way": "api" if index % 2 == 0 else "form",
                "token": key,
                "session": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
                "items": items,
            }
        )
    numbers = list(plan.measures.order_by("number").values_list("number", flat=True)[:20])
    base = "/en/plans/nap-2021-2025/"
    pages = [base, base + "measures/", base + "coverage/", base + "differences/"]
    pages += [f"{base}measures/{n}/" for n in numbers]
    return {"people": people, "pages": pages, "base": base}


class Client:
    """One keep-alive connection; every request is timed and counted by kind."""

    def __init__(self, port: int, results: "Results", group: str) -> None:
        self.port, self.results, self.group = port, results, group
        self.conn = http.client.HTTPConnection(HOST, port, timeout=90)

    def fresh(self) -> None:
        """A new connection, as a new visitor would open. Gunicorn keeps a connection on the
        worker that accepted it: one kept for the whole run would pin each client to one worker,
        and the first worker to wake up at the start takes most of them."""
        self.conn.close()
        self.conn = http.client.HTTPConnection(HOST, self.port, timeout=90)

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=90)
            self.results.add(self.group, time.perf_counter() - started, "other")
            return None, b"", None
        kind = "5xx" if response.status >= 500 else "ok"
        group = self.group if method == "GET" else f"{self.group} {method}"
        self.results.add(group, time.perf_counter() - started, kind, response.status)
        return response.status, data, response


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.kinds: Counter = Counter()
        self.codes: Counter = Counter()
        self.saves: Counter = Counter()

    def add(self, group: str, seconds: float, kind: str, code: int | None = None) -> None:
        with self.lock:
            self.times.setdefault(group, []).append(seconds)
            if kind != "ok":
                self.kinds[kind] += 1
            if code:
                self.codes[code] += 1

    def other(self) -> None:
        with self.lock:
            self.kinds["other"] += 1

    def save(self, outcome: str) -> None:
        with self.lock:
            self.saves[outcome] += 1
            if outcome in ("conflict", "refused"):
                self.kinds["409" if outcome == "conflict" else "other"] += 1


def reader(port: int, stop: float, pages: list[str], base: str, cached: bool, results) -> None:
    client = Client(port, results, "read, cached" if cached else "read, uncached")
    rng = random.Random()
    while time.monotonic() < stop:
        if cached:
            path = rng.choice(pages)
        else:
            query = f"{rng.choice(WORDS)} {rng.randrange(10**6)}"
            path = base + "measures/?" + urlencode({"q": query})
        client.fresh()
        status, _data, _response = client.request("GET", path)
        if status is not None and status not in (200, 304) and status < 500:
            results.other()


def api_writer(port: int, stop: float, person: dict, results) -> None:
    client = Client(port, results, "write, API")
    rng = random.Random()
    auth = {"Authorization": f"Token {person['token']}"}
    while time.monotonic() < stop:
        pk = rng.choice(person["items"])
        client.fresh()  # a save: one connection for reading the version and writing
        status, data, _response = client.request("GET", f"/api/v1/contributions/{pk}/", None, auth)
        if status != 200:
            continue
        version = json.loads(data)["version"]
        time.sleep(rng.uniform(0, 0.2))  # reading, typing
        body = {
            "version": version,
            "proposed_status": rng.choice(["in_progress", "implemented"]),
            "narrative": {"en": f"Saved through the API at {time.time():.3f}."},
        }
        status, _data, _response = client.request(
            "PATCH",
            f"/api/v1/contributions/{pk}/",
            json.dumps(body).encode(),
            {**auth, "Content-Type": "application/json"},
        )
        if status == 200:
            results.save("saved")
        elif status == 409:
            results.save("conflict")
        elif status is not None and status < 500:
            results.save("refused")


VERSION = re.compile(r'name="version" value="(\d+)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def form_writer(port: int, stop: float, person: dict, results) -> None:
    client = Client(port, results, "write, form")
    rng = random.Random()
    cookies = {"session": person["session"]}
    while time.monotonic() < stop:
        pk = rng.choice(person["items"])
        path = f"/en/work/contributions/{pk}/"
        client.fresh()
        status, data, response = client.request("GET", path, None, {"Cookie": cookie(cookies)})
        if status != 200:
            continue
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _eq, rest = header.partition("=")
            cookies[name] = f"{name}={rest.split(';')[0]}"
        page = data.decode()
        version, token = VERSION.search(page), CSRF_FIELD.search(page)
        if not (version and token):
            results.save("refused")
            continue
        time.sleep(rng.uniform(0, 0.2))
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "version": version.group(1),
            "proposed_status": rng.choice(["in_progress", "implemented"]),
            "narrative_en": f"Saved through the form at {time.time():.3f}.",
            "evidence": "",
            "budget-TOTAL_FORMS": "0",
            "budget-INITIAL_FORMS": "0",
            "save": "1",
        }
        status, data, _response = client.request(
            "POST",
            path,
            urlencode(form).encode(),
            {
                "Cookie": cookie(cookies),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        if status == 302:
            results.save("saved")
        elif status == 200 and b'class="conflict"' in data:
            results.save("conflict")
        elif status is not None and status < 500:
            results.save("refused")


def cookie(cookies: dict[str, str]) -> str:
    return "; ".join(cookies.values())


def percentile(values: list[float], share: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def run(args, database: str) -> dict:
    data_dir = tempfile.mkdtemp(prefix="planwatch-load-")
    env = {
        **os.environ,
        "PLANWATCH_DATA_DIR": data_dir,
        "PLANWATCH_SECRET_KEY": "l" * 60,
        "ALLOWED_HOSTS": HOST,
        "PLANWATCH_SSL_REDIRECT": "0",
        "PLANWATCH_DEBUG": "0",
        # 40 readers from one address: the anonymous rate limit would answer most with 429.
        "PLANWATCH_ANONYMOUS_RATE": "off",
        "DJANGO_SETTINGS_MODULE": "planwatch.settings",
    }
    if database == "sqlite":
        env.pop("DATABASE_URL", None)
    os.environ.clear()
    os.environ.update(env)
    started = time.perf_counter()
    setup = build(args.writers)
    print(f"[{database}] database built in {time.perf_counter() - started:.1f} s", flush=True)
    from django.db import connections

    connections.close_all()
    port = free_port()
    command = [sys.executable, "-m", "planwatch", "serve", "--port", str(port)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 (closed below)
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)
        results = Results()
        stop = time.monotonic() + args.seconds
        threads = [
            threading.Thread(
                target=reader,
                args=(port, stop, setup["pages"], setup["base"], i % 2 == 0, results),
            )
            for i in range(args.readers)
        ]
        for person in setup["people"]:
            target = api_writer if person["way"] == "api" else form_writer
            threads.append(threading.Thread(target=target, args=(port, stop, person, results)))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    every = [t for times in results.times.values() for t in times]
    report = {
        "database": database,
        "seconds": round(elapsed, 1),
        "clients": args.readers + args.writers,
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "p50_ms": round(percentile(every, 0.50) * 1000, 1),
        "p95_ms": round(percentile(every, 0.95) * 1000, 1),
        "p99_ms": round(percentile(every, 0.99) * 1000, 1),
        "errors": {kind: results.kinds.get(kind, 0) for kind in ("5xx", "409", "other")},
        "saves": dict(results.saves),
        "groups": {
            group: {
                "requests": len(times),
                "p50_ms": round(percentile(times, 0.50) * 1000, 1),
                "p95_ms": round(percentile(times, 0.95) * 1000, 1),
                "p99_ms": round(percentile(times, 0.99) * 1000, 1),
            }
            for group, times in sorted(results.times.items())
        },
        "server_log": str(Path(data_dir) / "server.log"),
    }
    print_report(report)
    return report


def print_report(report: dict) -> None:
    errors, saves = report["errors"], report["saves"]
    print(
        f"[{report['database']}] {report['clients']} clients for {report['seconds']} s: "
        f"{report['requests']} requests, {report['requests_per_s']} requests/s, "
        f"p50 {report['p50_ms']} ms, p95 {report['p95_ms']} ms, p99 {report['p99_ms']} ms"
    )
    print(
        f"  errors: 5xx {errors['5xx']}, 409 (conflicts, API and form) {errors['409']}, "
        f"other {errors['other']}"
    )
    print(
        f"  saves: {saves.get('saved', 0)} saved, {saves.get('conflict', 0)} refused as "
        f"conflicts, {saves.get('refused', 0)} refused otherwise"
    )
    for group, figures in report["groups"].items():
        print(
            f"  {group:<16} {figures['requests']:>7} requests  p50 {figures['p50_ms']:>7} ms  "
            f"p95 {figures['p95_ms']:>7} ms  p99 {figures['p99_ms']:>7} ms"
        )
    print(f"  server log: {report['server_log']}")
    print(json.dumps(report), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=40)
    parser.add_argument("--writers", type=int, default=10)
    # As bench/portal.py: on this 2-core machine, 2 processes of 4 threads did better than the
    # default of `planwatch serve` (5 x 2), whose every process re-renders every page after each
    # save (each has its own page cache).
    parser.add_argument("--workers", type=int, default=2, help="planwatch serve --workers")
    parser.add_argument("--threads", type=int, default=4, help="planwatch serve --threads")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL too")
    parser.add_argument("--only", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        if args.only == "postgres" and not os.environ.get("DATABASE_URL"):
            parser.error("--only postgres needs DATABASE_URL")
        run(args, args.only)
        return
    postgres = args.postgres or bool(os.environ.get("DATABASE_URL"))
    # Each database in a process of its own: Django is set up once per process.
    forwarded = [arg for arg in sys.argv[1:] if arg != "--postgres"]
    me = [sys.executable, str(Path(__file__).resolve()), *forwarded]
    subprocess.run([*me, "--only", "sqlite"], check=True)
    if postgres:
        wrapper = [] if os.environ.get("DATABASE_URL") else [str(ROOT / "scripts/with-postgres")]
        subprocess.run([*wrapper, *me, "--only", "postgres"], check=True)


if __name__ == "__main__":
    main()
