"""Benchmark of the public portal: server time per page type, and throughput under load.

    .venv/bin/python bench/portal.py [--plans 20] [--measures 500] [--rounds 8]
                                     [--observations 1000000] [--requests 40] [--seconds 10]

1. Builds a throwaway SQLite database in a temporary folder: the NAP 2021-2025 and a large
   generated set (by default 20 plans x 500 measures x 8 published rounds, 1,000,000 indicator
   observations).
2. Times each page type in-process (Django's test client: the whole request/response cycle
   without the network): median and p95 over --requests requests, on the NAP and on a large plan.
3. Starts `planwatch serve` and loads it from a second process on loopback for --seconds: requests
   per second on a dynamic page (cached; with a junk query string; rebuilt for every request, a
   session cookie bypassing the cache), next to a static file of the same size served by the
   same server (the ceiling). Then the cost of abuse: the server's memory before and after
   1,200 distinct junk measure-list URLs, and the time of five junk interim-PDF URLs.

It prints its figures; nothing is asserted.
"""

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LOAD_SCRIPT = r"""
import http.client, sys, threading, time
host, path = sys.argv[1], sys.argv[3]
port, seconds, threads = int(sys.argv[2]), float(sys.argv[4]), int(sys.argv[5])
counts = [0] * threads
errors = [0] * threads
stop = time.monotonic() + seconds
headers = {"Host": "127.0.0.1"}
if path.startswith("COOKIE:"):  # a session cookie (of no session): the page cache is bypassed
    path, headers["Cookie"] = path.removeprefix("COOKIE:"), "sessionid=bench"
def worker(i):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    while time.monotonic() < stop:
        try:
            target = path.replace("{n}", f"{i}-{counts[i]}-{errors[i]}")
            conn.request("GET", target, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == 200:
                counts[i] += 1
            else:
                errors[i] += 1
        except Exception:
            errors[i] += 1
            conn = http.client.HTTPConnection(host, port, timeout=30)
started = time.monotonic()
pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
for t in pool: t.start()
for t in pool: t.join()
elapsed = time.monotonic() - started
print(sum(counts) / elapsed, sum(errors))
"""


def setup_django(data_dir: str) -> None:
    os.environ["PLANWATCH_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "planwatch.settings")
    import django

    django.setup()


def generate(plans: int, measures: int, rounds: int, observations: int) -> list[str]:
    from planwatch.actors.models import Actor, Government
    from planwatch.indicators.models import Indicator
    from planwatch.plans.models import Measure, MeasureActor, Plan, Section, Tag
    from planwatch.reporting.models import BudgetLine, MeasureStatus, Round

    rng = random.Random(7)
    statuses = ["not_started", "in_progress", "implemented"]
    government = Government.objects.create(code="bench-gov", name_en="Bench", level="federal")
    actors = [
        Actor.objects.create(slug=f"bench-actor-{i}", name_en=f"Actor {i}", government=government)
        for i in range(40)
    ]
    tag = Tag.objects.create(slug="bench-tag", kind="form", name_en="Bench tag")
    slugs = []
    per_plan_obs = observations // plans
    indicators_per_plan = 10
    for p in range(plans):
        slug = f"bench-{p:02d}"
        slugs.append(slug)
        plan = Plan.objects.create(
            slug=slug,
            title_en=f"Bench plan {p}",
            title_nl=f"Benchplan {p}",
            start=dt.date(2021, 1, 1),
            end=dt.date(2025, 12, 31),
            declared_measures=measures,
            statuses=statuses,
        )
        objectives = []
        for pillar in range(1, 8):
            parent = Section.objects.create(
                plan=plan,
                code=f"1.{pillar}",
                pillar=pillar,
                title_en=f"Pillar {pillar}",
                order=pillar * 100,
            )
            for o in range(1, 5):
                objectives.append(
                    Section.objects.create(
                        plan=plan,
                        parent=parent,
                        code=f"1.{pillar}.{o}",
                        pillar=pillar,
                        title_en=f"Objective {pillar}.{o}",
                        order=pillar * 100 + o,
                    )
                )
        rows = Measure.objects.bulk_create(
            Measure(
                plan=plan,
                number=n,
                section=objectives[(n * len(objectives)) // (measures + 1)],
                title_en=f"Measure {n} of plan {p}",
                title_nl=f"Maatregel {n}",
                description_en="Generated for the benchmark.",
            )
            for n in range(1, measures + 1)
        )
        MeasureActor.objects.bulk_create(
            MeasureActor(measure=m, actor=actor, role="lead" if i == 0 else "partner", order=i)
            for m in rows
            for i, actor in enumerate(rng.sample(actors, 2))
        )
        Measure.tags.through.objects.bulk_create(
            Measure.tags.through(measure_id=m.pk, tag_id=tag.pk) for m in rows
        )
        for r in range(rounds):
            round_ = Round.objects.create(
                plan=plan,
                slug=f"r{r}",
                name_en=f"Round {r}",
                start=dt.date(2021 + r // 2, 1, 1),
                end=dt.date(2021 + r // 2, 6 if r % 2 == 0 else 12, 28),
                state="published",
            )
            MeasureStatus.objects.bulk_create(
                (
                    MeasureStatus(
                        round=round_,
                        measure=m,
                        status=rng.choice(statuses),
                        narrative_en="Progress as reported.",
                    )
                    for m in rows
                ),
                batch_size=2000,
            )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                plan=plan,
                government=government,
                measure=m,
                year=2022,
                amount=Decimal(rng.randint(1000, 100000)),
                nature="specific",
            )
            for m in rows[:100]
        )
        for i in range(indicators_per_plan):
            indicator = Indicator.objects.create(
                plan=plan,
                code=f"ind-{i}",
                name_en=f"Indicator {i}",
                unit="count",
                dimensions=["city"],
                order=i,
            )
            add_observations(indicator, per_plan_obs // indicators_per_plan, dt.date(2000, 1, 1))
        print(f"  generated {slug}", file=sys.stderr, flush=True)
    return slugs


def add_observations(indicator, count: int, first_day: dt.date) -> None:
    """``count`` daily observations (five cities a day), written in batches."""
    from planwatch.indicators.models import Observation

    batch = []
    for k in range(count):
        day = first_day + dt.timedelta(days=k // 5)
        batch.append(
            Observation(
                indicator=indicator,
                period=day.isoformat(),
                start=day,
                end=day,
                value=Decimal(k % 997),
                dims={"city": f"City {k % 5}"},
            )
        )
        if len(batch) == 5000:
            Observation.objects.bulk_create(batch)
            batch = []
    Observation.objects.bulk_create(batch)


def page_paths(slug: str) -> dict[str, str]:
    from planwatch.indicators.models import Indicator
    from planwatch.plans.models import Measure

    number = (
        Measure.objects.filter(plan__slug=slug)
        .order_by("number")
        .values_list("number", flat=True)[len("x") * 0]
    )
    indicator = Indicator.objects.filter(plan__slug=slug).order_by("order").first()
    return {
        "plan": f"/en/plans/{slug}/",
        "measures": f"/en/plans/{slug}/measures/",
        "measures filtered": f"/en/plans/{slug}/measures/?pillar=4&status=in_progress&q=1",
        "measure": f"/en/plans/{slug}/measures/{number}/",
        "coverage": f"/en/plans/{slug}/coverage/",
        "differences": f"/en/plans/{slug}/differences/",
        "indicator": f"/en/plans/{slug}/indicators/{indicator.code}/",
    }


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(round(0.95 * len(samples))) - 1)]
    return round(statistics.median(samples), 1), round(p95, 1)


def time_pages(label: str, slug: str, requests: int) -> dict:
    """Each page timed uncached (the page cache emptied before every request: the full work)
    and cached (what an anonymous reader gets until the data changes)."""
    from django.core.cache import cache
    from django.test import Client

    from planwatch.core import page_cache

    client = Client()
    results = {}
    for name, path in page_paths(slug).items():
        client.get(path)  # warm the template and connection caches
        timings: dict[str, list[float]] = {"uncached": [], "cached": []}
        for kind in ("uncached", "cached"):
            for _ in range(requests):
                if kind == "uncached":
                    cache.clear()
                    page_cache.clear()
                started = time.perf_counter()
                response = client.get(path)
                timings[kind].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
        cold, warm = _percentiles(timings["uncached"]), _percentiles(timings["cached"])
        results[name] = {
            "uncached_median_ms": cold[0],
            "uncached_p95_ms": cold[1],
            "cached_median_ms": warm[0],
            "cached_p95_ms": warm[1],
            "bytes": len(response.content),
        }
        print(
            f"  {label:>6} {name:<18} uncached median {cold[0]:>7.1f} ms  p95 {cold[1]:>7.1f} ms"
            f"   cached median {warm[0]:>5.1f} ms  p95 {warm[1]:>5.1f} ms"
            f"   {len(response.content):>8} bytes",
            flush=True,
        )
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the server's workers), in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def _get(port: int, target: str) -> tuple[int, float]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", target, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - started


def abuse(port: int, server_pid: int) -> dict:
    """What junk query strings cost the server: memory after 1,200 distinct junk URLs of the
    measure list, and the time of five junk URLs of the interim PDF (rendered once at most)."""
    measures = "/en/plans/nap-2021-2025/measures/"
    for _ in range(20):  # every worker has the page once
        _get(port, measures)
    before = _rss_mb(server_pid)
    statuses = [_get(port, f"{measures}?r={n}&utm_source=junk{n}")[0] for n in range(1200)]
    after = _rss_mb(server_pid)
    pdf = [_get(port, f"/en/plans/nap-2021-2025/reports/interim.pdf?r={n}") for n in range(5)]
    return {
        "junk_urls": len(statuses),
        "junk_errors": sum(1 for status in statuses if status != 200),
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "pdf_seconds": [round(seconds, 2) for _, seconds in pdf],
        "pdf_errors": sum(1 for status, _ in pdf if status != 200),
    }


def throughput(data_dir: str, path: str, size: int, seconds: float) -> dict:
    port = free_port()
    env = {
        **os.environ,
        "PLANWATCH_DATA_DIR": data_dir,
        "PLANWATCH_SECRET_KEY": "b" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "PLANWATCH_SSL_REDIRECT": "0",
        "PLANWATCH_DEBUG": "0",
        # The load below comes from one address: no rate limit on the pages it rebuilds.
        "PLANWATCH_ANONYMOUS_RATE": "off",
        # Reports rendered on first download, which the abuse figures time.
        "PLANWATCH_RENDER_REPORTS": "0",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # A static file of the same size as the page, served by the same server: the ceiling.
    # It is written after collectstatic and before the server starts (WhiteNoise indexes then).
    subprocess.run(
        [sys.executable, "-m", "planwatch", "collectstatic", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    static_dir = Path(data_dir) / "static"
    (static_dir / "bench").mkdir(parents=True, exist_ok=True)
    (static_dir / "bench" / "same-size.html").write_bytes(b"x" * size)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "planwatch",
            "serve",
            "--port",
            str(port),
            "--workers",
            "2",
            "--threads",
            "4",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        time.sleep(2)
        results = {}
        targets = (
            ("dynamic", path),
            ("junk query string", path + "?bust={n}"),
            ("dynamic uncached", "COOKIE:" + path),
            ("static", "/static/bench/same-size.html"),
        )
        for name, target in targets:
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    LOAD_SCRIPT,
                    "127.0.0.1",
                    str(port),
                    target,
                    str(seconds),
                    "8",
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 120,
            )
            rate, errors = out.stdout.split()
            results[name] = {"requests_per_s": round(float(rate), 1), "errors": int(errors)}
        results["abuse"] = abuse(port, server.pid)
        return results
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--plans", type=int, default=20)
    parser.add_argument("--measures", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="planwatch-bench-")
    os.environ["PLANWATCH_SSL_REDIRECT"] = "0"
    setup_django(data_dir)
    # No setup_test_environment(): it instruments every template render (a signal and a copy of
    # the context), which would time the test harness rather than the portal.
    from django.conf import settings
    from django.core.management import call_command

    from planwatch.datasets.loader import NAP_DATASET, load_dataset

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    load_dataset(NAP_DATASET)
    print(f"NAP loaded in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    slugs = generate(args.plans, args.measures, args.rounds, args.observations)
    print(
        f"large set generated in {time.perf_counter() - started:.1f} s "
        f"({args.plans} plans x {args.measures} measures x {args.rounds} rounds, "
        f"{args.observations:,} observations)",
        flush=True,
    )

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    print("server time per page (in-process, test client):")
    report = {
        "nap": time_pages("NAP", "nap-2021-2025", args.requests),
        "large": time_pages("large", slugs[len(slugs) // 2], args.requests),
    }
    path = "/en/plans/nap-2021-2025/"
    size = report["nap"]["plan"]["bytes"]
    print(
        f"throughput with planwatch serve (2 workers x 4 threads), {args.seconds:g} s each, "
        "8 concurrent connections from a second process:"
    )
    report["throughput"] = throughput(data_dir, path, size, args.seconds)
    dynamic, static = report["throughput"]["dynamic"], report["throughput"]["static"]
    print(
        f"  NAP plan page        {dynamic['requests_per_s']:>8.1f} req/s "
        f"({dynamic['errors']} errors)"
    )
    junk = report["throughput"]["junk query string"]
    print(f"  same, junk query     {junk['requests_per_s']:>8.1f} req/s ({junk['errors']} errors)")
    cold = report["throughput"]["dynamic uncached"]
    print(f"  same, never cached   {cold['requests_per_s']:>8.1f} req/s ({cold['errors']} errors)")
    print(
        f"  static, same size    {static['requests_per_s']:>8.1f} req/s ({static['errors']} errors)"
    )
    print(f"  dynamic / static     {dynamic['requests_per_s'] / static['requests_per_s']:.2f}")
    abuse_ = report["throughput"]["abuse"]
    print(
        f"  {abuse_['junk_urls']} junk measure-list URLs: server memory "
        f"{abuse_['rss_before_mb']} -> {abuse_['rss_after_mb']} MB "
        f"(+{abuse_['rss_after_mb'] - abuse_['rss_before_mb']:.1f} MB, "
        f"{abuse_['junk_errors']} errors)"
    )
    pdf = abuse_["pdf_seconds"]
    print(f"  five junk interim PDF URLs: {pdf} s ({abuse_['pdf_errors']} errors)")
    print(json.dumps(report))


if __name__ == "__main__":
    main()
