"""Two `planwatch serve` processes on one database behave as one: what is saved through one is
seen through the other at once, on work pages and on public pages its page cache had kept."""

import http.cookiejar
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from .ops_helpers import ADMIN, free_port, get, seeded_site, sites, wait_until
from .process_helpers import ROOT, clean_env

__all__ = ["sites"]  # the fixture


def serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "planwatch", "serve", "--port", str(port), "--workers", "1"],
        env=clean_env(**env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return server, f"http://127.0.0.1:{port}"


def healthy(server: subprocess.Popen, base: str):
    def answer() -> bool:
        assert server.poll() is None, server.stderr.read().decode()
        try:
            return get(base + "/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    return answer


def logged_in(base: str) -> urllib.request.OpenerDirector:
    """A browser-like session of the site administrator, logged in through the admin."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    status, page = get(base + "/admin/login/", opener)
    assert status == 200
    fields = {"username": ADMIN[0], "password": ADMIN[1], "next": "/admin/"}
    status, page = post(base + "/admin/login/", fields, page, opener)
    assert status == 200 and b"/admin/logout/" in page, page[:500]
    return opener


def post(url: str, fields: dict, form_page: bytes, opener) -> tuple[int, bytes]:
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token.decode()}).encode()
    try:
        with opener.open(url, data=data, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_two_servers_on_one_database_behave_as_one(sites):
    env, ids = seeded_site(sites, "shared")
    env.update({"PLANWATCH_DEBUG": "1"})  # static files from the apps: no collectstatic
    a, base_a = serve(env)
    b, base_b = serve(env)
    try:
        wait_until(healthy(a, base_a), timeout=120, what="server A up")
        wait_until(healthy(b, base_b), timeout=120, what="server B up")
        page = "/en/plans/site/indicators/ind/"
        for _ in range(2):  # read twice: B now serves it from its page cache
            status, before = get(base_b + page)
            assert status == 200 and b"2099" not in before

        # A save through A: a new observation, added in the admin.
        admin = logged_in(base_a)
        add = "/admin/indicators/observation/add/"
        status, form = get(base_a + add, admin)
        assert status == 200
        status, saved = post(
            base_a + add,
            {
                "indicator": ids["indicator"],
                "period": "2099",
                "start": "2099-01-01",
                "end": "2099-12-31",
                "value": "4242",
                "qualifier": "exact",  # the select's default, as a browser sends it
                "dims": '{"city": "Gent"}',
                "source": "",
                "note": "",
            },
            form,
            admin,
        )
        assert status == 200 and b"errorlist" not in saved, saved[:2000]

        # Through B at once: the admin's list (no cache; the same log-in, sessions are shared).
        status, listing = get(base_b + "/admin/indicators/observation/", admin)
        assert status == 200 and b"2099" in listing
        # And the public page B had cached: stale at once (allowing for a data version read
        # at most once a second per process).
        wait_until(
            lambda: b"2099" in get(base_b + page)[1],
            timeout=5,
            interval=0.2,
            what="server B's cached page shows the change",
        )
        assert b"2099" in get(base_a + page)[1]
    finally:
        for server in (a, b):
            server.terminate()
        for server in (a, b):
            server.wait(timeout=30)
