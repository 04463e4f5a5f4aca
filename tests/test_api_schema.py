"""The OpenAPI schema: valid, complete, matched by every answer; its documentation works offline."""

import re

import jsonschema
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from planwatch.api.models import ApiToken

from .factories import make_user

NAP = "/api/v1/plans/nap-2021-2025/"


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json", secure=True)
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi(schema):
    assert schema["openapi"].startswith("3.1")
    validate_schema(schema)  # drf-spectacular's check against the OpenAPI 3.1 JSON Schema


def test_the_schema_is_generated_without_warnings(tmp_path, db):
    # --fail-on-warn: every field and parameter has a type the generator could tell.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))


def test_the_schema_documents_every_endpoint(schema):
    paths = set(schema["paths"])
    for template in TEMPLATES.values():
        assert template in paths
    assert schema["components"]["securitySchemes"]["token"]["name"] == "Authorization"


def test_the_schema_is_english_unless_asked(client, db):
    english = client.get("/api/v1/openapi.json", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Period start" in english or "period start" in english.lower()
    dutch = client.get("/api/v1/openapi.json?lang=nl").content.decode()
    assert dutch != english
    response = client.get("/api/v1/openapi.json?lang=xx")
    assert response.status_code == 400
    assert response.json()["errors"]["lang"]


def test_the_yaml_schema_and_its_etag(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response.content.startswith(b"openapi: 3.1")
    again = client.get("/api/v1/schema/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("url", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_documentation_needs_no_internet(client, db, url):
    page = client.get(url).content.decode()
    assert "<script>" not in page  # no inline script: the policy allows none
    if url == "/api/v1/docs/":  # Swagger UI's start-up script is a file of its own
        assert '<script src="/api/v1/docs/?script="></script>' in page
        page += client.get(f"{url}?script=").content.decode()
    assert "/api/v1/openapi.json" in page
    scripts = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert scripts
    for address in scripts:
        assert not address.startswith(("http:", "https:", "//")), address
        if address.startswith("/static/"):
            assert finders.find(address.removeprefix("/static/")), address


# Every answer matches the schema -------------------------------------------------------------

TEMPLATES = {
    "/api/v1/": "/api/v1/",
    "/api/v1/me/": "/api/v1/me/",
    "/api/v1/plans/": "/api/v1/plans/",
    NAP: "/api/v1/plans/{plan}/",
    NAP + "sections/": "/api/v1/plans/{plan}/sections/",
    NAP + "measures/": "/api/v1/plans/{plan}/measures/",
    NAP + "measures/112/": "/api/v1/plans/{plan}/measures/{number}/",
    NAP + "rounds/": "/api/v1/plans/{plan}/rounds/",
    NAP + "rounds/interim-2023/": "/api/v1/plans/{plan}/rounds/{round}/",
    NAP + "statuses/": "/api/v1/plans/{plan}/statuses/",
    NAP + "assessments/": "/api/v1/plans/{plan}/assessments/",
    NAP + "budget-lines/": "/api/v1/plans/{plan}/budget-lines/",
    NAP + "budget-totals/": "/api/v1/plans/{plan}/budget-totals/",
    NAP + "indicators/": "/api/v1/plans/{plan}/indicators/",
    NAP + "indicators/fgm-women-concerned/": "/api/v1/plans/{plan}/indicators/{code}/",
    NAP + "indicators/fgm-women-concerned/observations/": (
        "/api/v1/plans/{plan}/indicators/{code}/observations/"
    ),
}

ANSWERS = [
    *[(url, 200) for url in TEMPLATES if url != "/api/v1/me/"],
    ("/api/v1/me/", 401),
    ("/api/v1/me/", 200),
    (NAP + "measures/?page_size=1000", 200),
    (NAP + "measures/?pillar=abc", 400),
    (NAP + "statuses/?round=nope", 404),
    (NAP + "budget-lines/?year=x", 400),
    (NAP + "measures/999/", 404),
    (NAP + "rounds/nope/", 404),
    (NAP + "indicators/nope/", 404),
    (NAP + "indicators/fgm-women-concerned/observations/?page_size=1000", 200),
]


def _template(url: str) -> str:
    path = url.split("?")[0]
    if path in TEMPLATES:
        return TEMPLATES[path]
    pattern = {
        "measures/999/": "/api/v1/plans/{plan}/measures/{number}/",
        "rounds/nope/": "/api/v1/plans/{plan}/rounds/{round}/",
        "indicators/nope/": "/api/v1/plans/{plan}/indicators/{code}/",
    }
    return pattern[path.removeprefix(NAP)]


@pytest.mark.parametrize(("url", "status"), ANSWERS)
def test_every_answer_matches_the_schema(client, nap, schema, url, status):
    headers = {}
    if url == "/api/v1/me/" and status == 200:
        _token, key = ApiToken.issue(make_user(password=None), "schema")
        headers["HTTP_AUTHORIZATION"] = f"Token {key}"
    response = client.get(url, **headers)
    assert response.status_code == status, response.content
    operation = schema["paths"][_template(url)]["get"]
    declared = operation["responses"][str(status)]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**declared, "components": schema["components"]})
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_query_parameters_in_the_schema_are_the_ones_accepted(schema, client, nap):
    """Every documented query parameter is accepted; an undocumented one is refused."""
    for url, template in TEMPLATES.items():
        parameters = [
            p["name"]
            for p in schema["paths"][template]["get"].get("parameters", [])
            if p["in"] == "query"
        ]
        for name in parameters:
            response = client.get(f"{url}?{name}=")
            assert response.status_code in (200, 401), (url, name, response.content)
        assert client.get(f"{url}?undocumented=1").status_code in (400, 401), url
