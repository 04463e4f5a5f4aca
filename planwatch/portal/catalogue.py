"""The DCAT-AP catalogue of the portal's open data, so that open-data portals (data.gov.be
harvests DCAT-AP) can list it: each plan's data as a ``dcat:Dataset`` and each download (every
table in every format, and the data package) as a ``dcat:Distribution``, with titles and
descriptions in the four languages. Served as Turtle and JSON-LD at ``/catalog.ttl`` and
``/catalog.jsonld``; validated against the DCAT-AP 3.0.0 SHACL shapes in the tests.
"""

from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from planwatch.documents.exports import FORMATS, SOURCES
from planwatch.lib.i18n import translated
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

from .downloads import SOURCE_TEXTS

EU = "http://publications.europa.eu/resource/authority/"
THEMES = Namespace(EU + "data-theme/")
FILE_TYPES = Namespace(EU + "file-type/")
LANGUAGES = Namespace(EU + "language/")
LICENCE = URIRef(EU + "licence/CC_BY_4_0")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
IANA = Namespace("http://www.iana.org/assignments/media-types/")

# A plan's data is about society (violence, victims), government action and justice; with the
# labels the EU data-theme vocabulary gives them.
PLAN_THEMES = {
    "SOCI": {
        "nl": "Bevolking en samenleving",
        "fr": "Population et société",
        "de": "Bevölkerung und Gesellschaft",
        "en": "Population and society",
    },
    "GOVE": {
        "nl": "Overheid en publieke sector",
        "fr": "Gouvernement et secteur public",
        "de": "Regierung und öffentlicher Sektor",
        "en": "Government and public sector",
    },
    "JUST": {
        "nl": "Justitie, rechtsstelsel en openbare veiligheid",
        "fr": "Justice, système juridique et sécurité publique",
        "de": "Justiz, Rechtssystem und öffentliche Sicherheit",
        "en": "Justice, legal system and public safety",
    },
}
LANGUAGE_CODES = {"nl": "NLD", "fr": "FRA", "de": "DEU", "en": "ENG"}
# Each format: the EU file-type code and the IANA media type.
FILE_TYPE = {
    "csv": ("CSV", "text/csv"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("JSON", "application/json"),
    "zip": ("ZIP", "application/zip"),
}


def in_languages(text) -> Iterable[Literal]:
    """A lazily translated text (or a function of no argument that makes one) as one literal
    per language."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yield Literal(str(text() if callable(text) else text), lang=code)


def build(plans: Iterable[Plan], base: str) -> Graph:
    """The catalogue of ``plans``; ``base`` is the site's public address (``https://host``),
    from which every URL in it is made absolute."""
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dct", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    catalogue = URIRef(f"{base}/catalog")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    for title in in_languages(_("Planwatch open data")):
        graph.add((catalogue, DCTERMS.title, title))
    for text in in_languages(
        _(
            "The open data of the action plans this site monitors: measures, responsible "
            "actors, statuses per reporting round, budgets and indicators."
        )
    ):
        graph.add((catalogue, DCTERMS.description, text))
    graph.add((catalogue, FOAF.homepage, _document(graph, f"{base}/")))
    graph.add((catalogue, DCTERMS.publisher, _site_publisher(graph, base)))
    graph.add((catalogue, DCTERMS.license, _licence(graph)))
    for code in LANGUAGE_CODES.values():
        graph.add((catalogue, DCTERMS.language, _language(graph, code)))
    for plan in plans:
        graph.add((catalogue, DCAT.dataset, _dataset(graph, plan, base)))
    return graph


def _dataset(graph: Graph, plan: Plan, base: str) -> URIRef:
    dataset = URIRef(f"{base}/catalog#plan-{plan.slug}")
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.identifier, Literal(plan.slug)))
    for code, _name in settings.LANGUAGES:
        title = getattr(plan, f"title_{code}", "") or plan.title
        graph.add((dataset, DCTERMS.title, Literal(title, lang=code)))
    for text in in_languages(
        _(
            "Every measure of the plan, who is responsible for it, its status in each published "
            "reporting round, the budget lines, the indicators and their observations, and the "
            "independent assessments by civil society. Published data only."
        )
    ):
        graph.add((dataset, DCTERMS.description, text))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for word in (_("action plan"), _("gender-based violence"), _("open data")):
                graph.add((dataset, DCAT.keyword, Literal(str(word), lang=code)))
    graph.add((dataset, DCTERMS.publisher, _plan_publisher(graph, plan, base)))
    graph.add((dataset, DCTERMS.temporal, _period(graph, plan)))
    for theme, labels in PLAN_THEMES.items():
        concept = _concept(graph, THEMES[theme], SKOS.Concept)
        for code, label in labels.items():
            graph.add((concept, SKOS.prefLabel, Literal(label, lang=code)))
        graph.add((dataset, DCAT.theme, concept))
    for code, _name in settings.LANGUAGES:
        graph.add((dataset, DCTERMS.language, _language(graph, LANGUAGE_CODES[code])))
    landing = _url(base, "portal:data", plan.slug)
    graph.add((dataset, DCAT.landingPage, _document(graph, landing)))
    if contact := _contact(graph):
        graph.add((dataset, DCAT.contactPoint, contact))
    latest = Round.objects.latest_published(plan)
    if latest is not None and latest.published_on:
        graph.add((dataset, DCTERMS.modified, Literal(latest.published_on, datatype=XSD.date)))
    for name in SOURCES:
        title, text = SOURCE_TEXTS[name]
        for fmt in FORMATS:
            url = _url(base, "portal:download", plan.slug, name, fmt)
            graph.add(
                (dataset, DCAT.distribution, _distribution(graph, url, landing, fmt, title, text))
            )
    url = _url(base, "portal:datapackage", plan.slug)
    package = _distribution(
        graph,
        url,
        landing,
        "zip",
        _("Data package"),
        _(
            "All tables at once, with a description of every column, its type and the keys "
            "that link the tables (a Frictionless data package)."
        ),
    )
    graph.add((dataset, DCAT.distribution, package))
    return dataset


def _distribution(graph: Graph, url: str, landing: str, fmt: str, title, text) -> URIRef:
    distribution = URIRef(url)
    graph.add((distribution, RDF.type, DCAT.Distribution))
    for label in in_languages(lambda: f"{title} ({fmt.upper()})"):
        graph.add((distribution, DCTERMS.title, label))
    for description in in_languages(text):
        graph.add((distribution, DCTERMS.description, description))
    # DCAT-AP's shapes ask for these addresses to be typed as resources.
    graph.add((distribution, DCAT.accessURL, _concept(graph, URIRef(landing), RDFS.Resource)))
    graph.add((distribution, DCAT.downloadURL, _concept(graph, URIRef(url), RDFS.Resource)))
    code, media_type = FILE_TYPE[fmt]
    file_type = _concept(graph, FILE_TYPES[code], DCTERMS.MediaTypeOrExtent)
    graph.add((distribution, DCTERMS.format, file_type))
    graph.add((distribution, DCAT.mediaType, _concept(graph, IANA[media_type], DCTERMS.MediaType)))
    graph.add((distribution, DCTERMS.license, _licence(graph)))
    return distribution


def _url(base: str, name: str, *args) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return base + reverse(name, args=args)


def _concept(graph: Graph, node: URIRef, kind: URIRef) -> URIRef:
    graph.add((node, RDF.type, kind))
    return node


def _language(graph: Graph, code: str) -> URIRef:
    return _concept(graph, LANGUAGES[code], DCTERMS.LinguisticSystem)


def _document(graph: Graph, url: str) -> URIRef:
    return _concept(graph, URIRef(url), FOAF.Document)


def _licence(graph: Graph) -> URIRef:
    return _concept(graph, LICENCE, DCTERMS.LicenseDocument)


def _agent(graph: Graph, node, names: Iterable[Literal]):
    graph.add((node, RDF.type, FOAF.Agent))
    for name in names:
        graph.add((node, FOAF.name, name))
    return node


def _site_publisher(graph: Graph, base: str):
    name = settings.PLANWATCH_ORGANISATION or "Planwatch"
    return _agent(graph, URIRef(f"{base}/catalog#publisher"), [Literal(name)])


def _plan_publisher(graph: Graph, plan: Plan, base: str):
    """The plan's coordinator, who publishes its data."""
    actor = plan.coordinator
    names = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.append(Literal(translated(actor, "name").text, lang=code))
    return _agent(graph, URIRef(f"{base}/catalog#actor-{actor.slug}"), names)


def _period(graph: Graph, plan: Plan) -> BNode:
    period = BNode()
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((period, DCAT.startDate, Literal(plan.start, datatype=XSD.date)))
    graph.add((period, DCAT.endDate, Literal(plan.end, datatype=XSD.date)))
    return period


def _contact(graph: Graph) -> BNode | None:
    email = settings.PLANWATCH_CONTACT_EMAIL
    if not email:
        return None
    contact = BNode()
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal(settings.PLANWATCH_ORGANISATION or "Planwatch")))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{email}")))
    return contact


def public_base(request) -> str:
    """The site's public address: the setting, else the address the request came to."""
    return settings.SITE_URL or request.build_absolute_uri("/").rstrip("/")
