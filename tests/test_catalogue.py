"""The DCAT-AP catalogue of the open data (/catalog.ttl, /catalog.jsonld), validated with
pySHACL against the DCAT-AP 3.0.0 shapes."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from planwatch.documents.exports import FORMATS, SOURCES

ROOT = Path(__file__).resolve().parent.parent
SHAPES = Path("shared", "standards", "dcat-ap-3.0.0", "dcat-ap-SHACL.ttl")
SITE = "https://planwatch.example.org"
DATASET = URIRef(f"{SITE}/catalog#plan-nap-2021-2025")
LANGUAGES = {"nl", "fr", "de", "en"}


def shapes_file() -> Path | None:
    """The DCAT-AP shapes, kept outside the repository (their README asks so), in the folder
    ``shared/`` beside it: beside the clone in CI, beside the main checkout for a git
    worktree."""
    candidates = [ROOT.parent / SHAPES]
    git = ROOT / ".git"
    if git.is_file():  # a worktree: "gitdir: <main>/.git/worktrees/<name>"
        gitdir = Path(git.read_text().split(":", 1)[1].strip())
        candidates.append(gitdir.parents[2].parent / SHAPES)
    return next((path for path in candidates if path.exists()), None)


@pytest.fixture
def served(client, nap, settings):
    settings.SITE_URL = SITE
    settings.PLANWATCH_ORGANISATION = "Instituut voor de gelijkheid van vrouwen en mannen"
    settings.PLANWATCH_CONTACT_EMAIL = "opendata@example.org"
    response = client.get("/catalog.ttl")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    return Graph().parse(data=response.content.decode(), format="turtle")


def texts(graph: Graph, subject, predicate) -> dict[str, str]:
    return {o.language: str(o) for o in graph.objects(subject, predicate)}


def test_json_ld_says_the_same(client, served):
    response = client.get("/catalog.jsonld")
    assert response["Content-Type"] == "application/ld+json"
    assert isomorphic(Graph().parse(data=response.content, format="json-ld"), served)


def test_the_plan_is_a_dataset_in_four_languages(served):
    catalogue = URIRef(f"{SITE}/catalog")
    assert (catalogue, ns.RDF.type, ns.DCAT.Catalog) in served
    assert (catalogue, ns.DCAT.dataset, DATASET) in served
    assert set(texts(served, catalogue, ns.DCTERMS.title)) == LANGUAGES
    titles = texts(served, DATASET, ns.DCTERMS.title)
    assert set(titles) == LANGUAGES
    assert titles["fr"] != titles["nl"]
    descriptions = texts(served, DATASET, ns.DCTERMS.description)
    assert set(descriptions) == LANGUAGES
    assert len(set(descriptions.values())) == 4  # translated, not copied
    publisher = served.value(DATASET, ns.DCTERMS.publisher)
    institute = "Instituut voor de gelijkheid"
    assert texts(served, publisher, ns.FOAF.name)["nl"].startswith(institute)
    site_publisher = served.value(catalogue, ns.DCTERMS.publisher)
    assert str(served.value(site_publisher, ns.FOAF.name)).startswith(institute)
    period = served.value(DATASET, ns.DCTERMS.temporal)
    assert str(served.value(period, ns.DCAT.startDate)) == "2021-01-01"
    assert str(served.value(period, ns.DCAT.endDate)) == "2025-12-31"
    themes = {str(t).rsplit("/", 1)[1] for t in served.objects(DATASET, ns.DCAT.theme)}
    assert themes == {"SOCI", "GOVE", "JUST"}
    for theme in served.objects(DATASET, ns.DCAT.theme):
        assert set(texts(served, theme, ns.SKOS.prefLabel)) == LANGUAGES
    contact = served.value(DATASET, ns.DCAT.contactPoint)
    assert contact is not None
    assert URIRef("mailto:opendata@example.org") in set(served.objects(contact, None))
    assert (
        DATASET,
        ns.DCAT.landingPage,
        URIRef(f"{SITE}/nl/plans/nap-2021-2025/data/"),
    ) in served


def test_every_download_is_a_distribution(client, served):
    distributions = set(served.objects(DATASET, ns.DCAT.distribution))
    assert len(distributions) == len(SOURCES) * len(FORMATS) + 1  # and the data package
    licence = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    media = set()
    for distribution in distributions:
        url = str(served.value(distribution, ns.DCAT.downloadURL))
        assert url.startswith(f"{SITE}/nl/plans/nap-2021-2025/downloads/")
        assert set(texts(served, distribution, ns.DCTERMS.title)) == LANGUAGES
        assert set(texts(served, distribution, ns.DCTERMS.description)) == LANGUAGES
        assert (distribution, ns.DCTERMS.license, licence) in served
        media.add(str(served.value(distribution, ns.DCAT.mediaType)).split("media-types/")[1])
        # The address is one the portal answers.
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200, url
    assert media == {
        "text/csv",
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/zip",
    }


def test_addresses_follow_the_request_without_the_setting(client, nap, settings):
    settings.SITE_URL = ""
    graph = Graph().parse(data=client.get("/catalog.ttl").content.decode(), format="turtle")
    assert (URIRef("http://testserver/catalog"), ns.DCAT.dataset, None) in graph
    assert (None, ns.DCTERMS.title, Literal("Planwatch open data", lang="en")) in graph


@pytest.mark.parametrize("contact", ["opendata@example.org", ""])
def test_it_validates_against_the_dcat_ap_shapes(client, nap, settings, contact):
    shapes = shapes_file()
    if shapes is None:
        message = f"DCAT-AP shapes not found at {ROOT.parent / SHAPES}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from pyshacl import validate

    settings.PLANWATCH_CONTACT_EMAIL = contact
    data = Graph().parse(data=client.get("/catalog.ttl").content.decode(), format="turtle")
    conforms, _report, text = validate(data, shacl_graph=str(shapes), shacl_graph_format="turtle")
    assert conforms, text[:3000]
