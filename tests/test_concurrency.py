"""Saves at the same moment, against a real `planwatch serve` (several processes and threads on
one database): no answer is a server error, and of the saves that read the same version exactly
one wins; the others get 409 (API) or the conflict page (forms), which keeps what they typed.

The server runs on a database of its own: SQLite in a temporary data folder or, when the suite
runs on PostgreSQL, a new database on the same server (dropped afterwards)."""

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.conf import settings

from .process_helpers import ROOT, clean_env

HOST = "127.0.0.1"

SETUP = r"""
import json
from django.core.management import call_command
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from planwatch.api.models import ApiToken
from planwatch.reporting import services
from planwatch.reporting.models import Round
from tests.factories import make_actor, make_plan, make_user
import datetime as dt

def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key

call_command("migrate", verbosity=0)
plan = make_plan("race", measures=3, observations=1)
published = Round.objects.get(plan=plan, slug="r1")
coordinator = make_user("coordinator@race.invalid", role="coordinator", plan=plan)
round_ = services.create_round(
    plan, user=coordinator, slug="open", name={"en": "Open"},
    start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31), deadline=None,
)
services.open_round(round_, user=coordinator)
item = round_.contributions.order_by("measure__number").first()
focal = make_user("focal@race.invalid", role="focal_point", actor=item.actor)
_token, key = ApiToken.issue(focal, "race")
organisation = make_actor("race-org")
assessor = make_user("assessor@race.invalid", role="assessor", actor=organisation)
print(json.dumps({
    "contribution": item.pk,
    "token": key,
    "focal": session(focal),
    "coordinator": session(coordinator),
    "assessor": session(assessor),
    "open_round": round_.pk,
    "published_round": published.pk,
    "organisation": organisation.pk,
    "measures": list(plan.measures.order_by("number").values_list("number", flat=True)),
}))
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _run(*args: str, env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "planwatch", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class Server:
    def __init__(self, port: int, data: dict) -> None:
        self.port, self.data = port, data

    def request(self, method: str, path: str, body=None, headers=None) -> tuple[int, str]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def form(self, who: str, path: str) -> tuple[dict, str]:
        """Open a form as a person: the cookies and the page (with its CSRF token)."""
        cookie = f"sessionid={self.data[who]}"
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        conn.request("GET", path, headers={"Host": HOST, "Cookie": cookie})
        response = conn.getresponse()
        page = response.read().decode()
        assert response.status == 200, page[:500]
        csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
        conn.close()
        headers = {
            "Cookie": f"{cookie}; csrftoken={csrf.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return {"headers": headers, "token": token}, page


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    env = clean_env(
        PLANWATCH_DATA_DIR=str(folder),
        PLANWATCH_SECRET_KEY="r" * 60,
        ALLOWED_HOSTS=HOST,
        PLANWATCH_SSL_REDIRECT="0",
        # Debug mode serves static files from the apps: no collectstatic, a server up in
        # seconds. Saves and their transactions are the same as in production.
        PLANWATCH_DEBUG="1",
    )
    database = settings.DATABASES["default"]
    postgres = database["ENGINE"] == "django.db.backends.postgresql"
    if postgres:
        import psycopg

        name = f"planwatch_race_{uuid.uuid4().hex[:8]}"
        where = {
            "host": database["HOST"],
            "port": database["PORT"],
            "user": database["USER"],
            "password": database["PASSWORD"],
        }
        with psycopg.connect(dbname="postgres", autocommit=True, **where) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = (
            f"postgres://{where['user']}:{where['password']}@{where['host']}:{where['port']}/{name}"
        )
    data = json.loads(_run("shell", "--no-imports", "-c", SETUP, env=env).strip().splitlines()[-1])
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "planwatch", "serve", "--port", str(port)]
        + ["--workers", "2", "--threads", "8"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, process.stderr.read().decode()
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "planwatch serve did not start"
                time.sleep(0.3)
        yield Server(port, data)
    finally:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        process.wait(timeout=30)
        if postgres:
            with psycopg.connect(dbname="postgres", autocommit=True, **where) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _together(calls) -> list[tuple[int, str]]:
    """Run the calls in parallel threads, released at the same moment."""
    start = threading.Barrier(len(calls))

    def run(call):
        start.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_parallel_saves_of_one_contribution_one_wins_no_server_error(server):
    path = f"/api/v1/contributions/{server.data['contribution']}/"
    auth = {"Authorization": f"Token {server.data['token']}"}
    status, page = server.request("GET", path, headers=auth)
    assert status == 200, page
    version = json.loads(page)["version"]
    form_path = f"/en/work/contributions/{server.data['contribution']}/"
    session, _page = server.form("focal", form_path)

    def api(n):
        body = {"version": version, "narrative": {"en": f"API save {n}"}}
        headers = {**auth, "Content-Type": "application/json"}
        return lambda: server.request("PATCH", path, json.dumps(body), headers)

    def form(n):
        body = {
            "csrfmiddlewaretoken": session["token"],
            "version": version,
            "proposed_status": "in_progress",
            "narrative_en": f"Form save {n}",
            "budget-TOTAL_FORMS": 0,
            "budget-INITIAL_FORMS": 0,
            "save": "1",
        }
        return lambda: server.request("POST", form_path, urlencode(body), session["headers"])

    answers = _together([api(n) for n in range(20)] + [form(n) for n in range(10)])
    codes = [status for status, _page in answers]
    assert not [code for code in codes if code >= 500], codes
    api_codes, form_answers = codes[:20], answers[20:]
    wins = api_codes.count(200) + sum(status == 302 for status, _page in form_answers)
    assert wins == 1, codes
    assert api_codes.count(409) + api_codes.count(200) == 20, api_codes
    for status, page in form_answers:
        assert status == 302 or 'class="conflict"' in page, page[:500]
        if status == 200:  # the loser's text is kept beside the saved one
            assert re.search(r"Form save \d+</textarea>", page)
            saved = page.split('class="conflict"', 1)[1].split("</section>", 1)[0]
            assert re.search(r"(API|Form) save \d+", saved)
    status, page = server.request("GET", path, headers=auth)
    assert json.loads(page)["version"] == version + 1


@pytest.mark.parametrize("kind", ["status", "assessment"])
def test_parallel_first_decisions_one_wins_the_others_see_it(server, kind):
    data = server.data
    if kind == "status":
        path = f"/en/work/rounds/{data['open_round']}/measures/{data['measures'][0]}/"
        who, fields = "coordinator", {"action": "decide", "status": "not_started"}
        text = "narrative_en"
    else:
        organisation = data["organisation"]
        path = f"/en/work/assessments/{data['published_round']}/{data['measures'][0]}/"
        path += f"{organisation}/"
        who, fields = "assessor", {"rating": "in_progress", "publish": "on"}
        text = "commentary_en"
    session, page = server.form(who, path)
    assert 'name="version" value="0"' in page  # nobody decided yet

    def save(n):
        body = {
            "csrfmiddlewaretoken": session["token"],
            "version": 0,
            **fields,
            text: f"First decision {n}",
        }
        return lambda: server.request("POST", path, urlencode(body), session["headers"])

    answers = _together([save(n) for n in range(10)])
    codes = [status for status, _page in answers]
    assert not [code for code in codes if code >= 500], codes
    assert codes.count(302) == 1, codes
    losers = [page for status, page in answers if status == 200]
    assert len(losers) == 9
    status, page = server.request("GET", path, headers={"Cookie": session["headers"]["Cookie"]})
    winner = re.search(r"First decision (\d+)</textarea>", page).group(1)
    for page in losers:
        mine = re.search(r"First decision (\d+)</textarea>", page).group(1)
        assert mine != winner
        saved = page.split('class="conflict"', 1)[1].split("</section>", 1)[0]
        assert f"First decision {winner}" in saved  # theirs, beside mine
        assert 'name="version" value="1"' in page  # saving again is a deliberate overwrite
