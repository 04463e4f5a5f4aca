"""The work pages as the people who fill them meet them: amounts typed their way, every word in
their language, a task list per role, filters, and a fixed number of queries per page."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

import planwatch
from planwatch.reporting import services
from planwatch.reporting.models import Round

from .factories import make_plan, make_user
from .workspace_helpers import filled, make_workspace, uploads


@pytest.fixture
def ws(nap):
    return make_workspace(nap)


def as_(client, ws, role):
    client.logout()
    client.force_login(ws.people[role])
    return client


def budget_post(item, amount: str, **extra) -> dict:
    return {
        "version": item.version,
        "proposed_status": "in_progress",
        "narrative_en": "Text",
        "narrative_nl": "Tekst",
        "narrative_fr": "Texte",
        "narrative_de": "Text",
        "budget-TOTAL_FORMS": 1,
        "budget-INITIAL_FORMS": 0,
        "budget-0-year": 2024,
        "budget-0-amount": amount,
        "budget-0-nature": "specific",
        "budget-0-stage": "spent",
        "save": "1",
        **extra,
    }


# Amounts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("fr", "1.234,56"),
        ("fr", "1 234,56"),
        ("fr", "1\u00a0234,56"),
        ("fr", "1\u202f234,56"),
        ("fr", "1234,56"),
        ("fr", "1234.56"),
        ("nl", "1.234,56"),
        ("nl", "1234,56"),
        ("de", "1.234,56"),
        ("de", "1234,56 €"),
        ("en", "1,234.56"),
        ("en", "1234.56"),
    ],
)
def test_an_amount_typed_the_way_people_write_it_is_stored_exactly(client, ws, lang, typed):
    item = ws.items["todo"]
    response = as_(client, ws, "focal_point").post(
        f"/{lang}/work/contributions/{item.pk}/", budget_post(item, typed)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(item.budget_lines.values_list("amount", flat=True)) == [Decimal("1234.56")]


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("fr", "1\u00a0234,56"), ("nl", "1.234,56"), ("de", "1.234,56"), ("en", "1,234.56")],
)
def test_a_stored_amount_is_shown_back_in_the_persons_language(client, ws, lang, shown):
    draft = ws.items["draft"]
    page = as_(client, ws, "focal_point").get(f"/{lang}/work/contributions/{draft.pk}/")
    html = page.content.decode()
    amount = re.search(r'<input type="text" name="budget-0-amount"[^>]*>', html).group(0)
    assert f'value="{shown}"' in amount
    assert 'inputmode="decimal"' in amount
    # Read-only and review pages write the amount with its currency, in the language's form.
    euro = {"fr": f"{shown}\u00a0€", "de": f"{shown}\u00a0€", "nl": f"€\u00a0{shown}"}
    euro["en"] = f"€{shown}"
    submitted = ws.items["submitted"]
    for url in (
        f"/{lang}/work/contributions/{submitted.pk}/",
        f"/{lang}/work/rounds/{ws.round.pk}/measures/{submitted.measure.number}/",
    ):
        page = as_(client, ws, "coordinator").get(url).content.decode()
        assert euro[lang] in page, url


def test_published_amounts_are_shown_in_each_language_on_the_public_page(client, ws):
    services.publish_round(ws.round, user=ws.people["coordinator"])
    number = ws.items["validated"].measure.number
    client.logout()
    expected = {
        "fr": "1\u00a0234,56\u00a0€",
        "nl": "€\u00a01.234,56",
        "de": "1.234,56\u00a0€",
        "en": "€1,234.56",
    }
    for lang, euro in expected.items():
        page = client.get(f"/{lang}/plans/{ws.plan.slug}/measures/{number}/").content.decode()
        assert euro in page, lang


@pytest.mark.parametrize(
    ("lang", "typed", "message"),
    [
        ("fr", "1.234", "ambiguous"),
        ("nl", "12,345", "ambiguous"),
        ("en", "1,234", "ambiguous"),
        ("fr", "12,5,6", "not a number"),
        ("fr", "1234,567", "2 decimal places"),
        ("fr", "abc", "not a number"),
    ],
)
def test_an_amount_that_could_mean_two_things_is_refused_never_rescaled(
    client, ws, english, lang, typed, message
):
    item = ws.items["draft"]
    before = item.version
    response = as_(client, ws, "focal_point").post(
        f"/en/work/contributions/{item.pk}/", budget_post(item, typed)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert '<a href="#id_budget-0-amount">Amount (EUR), line 1:' in page
    item.refresh_from_db()
    assert item.version == before
    assert list(item.budget_lines.values_list("amount", flat=True)) == [Decimal("1234.56")]


def test_no_number_box_for_amounts_on_work_pages(client, ws):
    page = as_(client, ws, "focal_point").get(f"/fr/work/contributions/{ws.items['todo'].pk}/")
    html = page.content.decode()
    numbers = re.findall(r'<input type="number" name="([^"]+)"', html)
    assert numbers and all(name.endswith("-year") for name in numbers)
    assert 'name="budget-0-amount"' in html and 'step="0.01"' not in html


# Forms: error summary, labels, languages -------------------------------------------------------


def test_every_budget_field_has_a_label(client, ws):
    html = as_(client, ws, "focal_point").get(f"/en/work/contributions/{ws.items['todo'].pk}/")
    html = html.content.decode()
    for name in ("year", "amount", "nature", "stage", "DELETE"):
        assert f'<label class="visually-hidden" for="id_budget-0-{name}">' in html, name


def test_the_persons_language_comes_first_and_the_others_behind_a_disclosure(client, ws):
    html = as_(client, ws, "focal_point").get(f"/fr/work/contributions/{ws.items['todo'].pk}/")
    html = html.content.decode()
    first = html.index('name="narrative_fr"')
    details = html.index('<details class="translations"')
    assert first < details < html.index('name="narrative_nl"') < html.index("</details>")
    assert '<details class="translations">' in html  # closed while the others are empty
    html = as_(client, ws, "coordinator").get(
        f"/de/work/rounds/{ws.round.pk}/measures/{ws.items['submitted'].measure.number}/"
    )
    html = html.content.decode()
    assert html.index('name="narrative_de"') < html.index('<details class="translations"')


def test_a_round_is_created_with_a_name_in_every_language(client, ws):
    data = {
        "slug": "round-2025",
        "name_nl": "Ronde 2025",
        "name_fr": "Cycle 2025",
        "name_de": "Runde 2025",
        "name_en": "Round 2025",
        "start": "2025-01-01",
        "end": "2025-12-31",
    }
    url = f"/en/work/plans/{ws.plan.slug}/rounds/"
    missing = as_(client, ws, "coordinator").post(url, {**data, "name_de": ""})
    assert missing.status_code == 200
    assert '<a href="#id_name_de">Name (German): This field is required.' in (
        missing.content.decode()
    )
    assert client.post(url, data).status_code == 302
    round_ = Round.objects.get(plan=ws.plan, slug="round-2025")
    assert (round_.name_nl, round_.name_fr, round_.name_de, round_.name_en) == (
        "Ronde 2025",
        "Cycle 2025",
        "Runde 2025",
        "Round 2025",
    )


# Task lists -------------------------------------------------------------------------------------


def test_my_work_of_a_focal_point_is_a_task_list(client, ws, english):
    html = as_(client, ws, "focal_point").get("/en/work/").content.decode()
    base = f"/en/work/contributions/?round={ws.round.pk}&amp;state="
    for state, label in (("returned", "Returned"), ("todo", "To do"), ("submitted", "Submitted")):
        count = ws.round.contributions.filter(actor__slug="fod-justitie", state=state).count()
        link = rf'<a\s+href="{re.escape(base + state)}"\s*>{label}: <strong>{count}</strong></a>'
        assert re.search(link, html), link
    # The returned contribution is a link of its own, with the coordinator's comment.
    returned = ws.items["returned"]
    assert f'href="/en/work/contributions/{returned.pk}/"' in html
    assert "How many people took part?" in html
    assert "Deadline" in html and "How a reporting round runs" in html
    # The lines filter the list.
    page = client.get(f"/en/work/contributions/?round={ws.round.pk}&state=returned")
    assert [c.pk for c in page.context["contributions"]] == [returned.pk]


def test_published_rounds_never_show_work_to_do(client, ws, english):
    ws.round.contributions.update(state="todo")
    services.publish_round(ws.round, user=ws.people["coordinator"])
    html = as_(client, ws, "focal_point").get("/en/work/").content.decode()
    assert "To do:" not in html
    page = client.get("/en/work/contributions/?state=todo")
    assert list(page.context["contributions"]) == []
    html = client.get("/en/work/contributions/").content.decode()
    assert "Not submitted (the round is closed)" in html
    assert ">To do<" not in html
    html = client.get(f"/en/work/contributions/{ws.items['todo'].pk}/").content.decode()
    assert "Not submitted (the round is closed)" in html and ">To do<" not in html


def test_a_round_reopened_for_one_actor_shows_its_work_again(client, ws, english):
    coordinator = ws.people["coordinator"]
    services.close_round(ws.round, user=coordinator)
    html = as_(client, ws, "focal_point").get("/en/work/").content.decode()
    assert "To do:" not in html
    services.reopen_for_actor(
        ws.round,
        ws.items["todo"].actor,
        user=coordinator,
        until=dt.date.today() + dt.timedelta(days=3),
        reason="Late data.",
    )
    html = client.get("/en/work/").content.decode()
    assert "To do:" in html and "How many people took part?" in html
    page = client.get("/en/work/contributions/?state=returned")
    assert [c.pk for c in page.context["contributions"]] == [ws.items["returned"].pk]


def test_overdue_rounds_come_first(client, ws, english):
    coordinator = ws.people["coordinator"]
    late = services.create_round(
        ws.plan,
        user=coordinator,
        slug="late",
        name={"en": "Late round"},
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        deadline=dt.date(2024, 1, 31),
    )
    services.open_round(late, user=coordinator)
    html = as_(client, ws, "focal_point").get("/en/work/").content.decode()
    assert html.index("Late round") < html.index("Round 2024")
    assert "overdue" in html[html.index("Late round") : html.index("Round 2024")]


def test_my_work_of_a_coordinator_puts_the_review_first(client, ws, english):
    response = as_(client, ws, "coordinator").get("/en/work/")
    html = response.content.decode()
    waiting = html.index("Waiting for my review: <strong>1</strong>")
    assert f'href="/en/work/rounds/{ws.round.pk}/?state=submitted"' in html
    number = ws.items["submitted"].measure.number
    assert html.index(f'href="/en/work/rounds/{ws.round.pk}/measures/{number}/"') > waiting
    assert waiting < html.index('class="progress"')
    # The bar is drawn for the eye; its numbers are written out for everyone.
    task = response.context["coordinated"][0]
    total = ws.round.contributions.count()
    assert task.progress.total == total
    assert f"({total} contributions)" in html
    assert "Validated: 1" in html and "Submitted: 1" in html and "Returned: 1" in html
    assert '<div class="progress" aria-hidden="true">' in html
    assert "Progress per actor" in html


def test_the_review_queue_filters_and_orders_by_what_needs_action(client, ws, english):
    submitted = ws.items["submitted"].measure.number
    url = f"/en/work/rounds/{ws.round.pk}/"
    queue = as_(client, ws, "coordinator").get(url).context["measures"]
    numbers = [m.number for m in queue]
    assert numbers[0] == submitted
    assert len(numbers) == ws.plan.measures.count()

    def numbers_for(query: str) -> set[int]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        return {m.number for m in response.context["measures"]}

    assert numbers_for("state=submitted") == {submitted}
    assert numbers_for("state=returned") == {ws.items["returned"].measure.number}
    justice = ws.items["todo"].actor_id
    assert numbers_for(f"actor={justice}") == set(
        ws.round.contributions.filter(actor_id=justice).values_list("measure__number", flat=True)
    )
    assert numbers_for("pillar=4") == set(
        ws.plan.measures.filter(section__pillar=4).values_list("number", flat=True)
    )
    services.decide_status(
        ws.round,
        ws.plan.measures.get(number=submitted),
        user=ws.people["coordinator"],
        status="in_progress",
        narrative={"en": "Going."},
        reason="Work has started.",
        version=0,
    )
    assert submitted not in numbers_for("needs_decision=on")
    # A bad filter is said at its field, and the others still apply.
    response = client.get(f"{url}?pillar=99&state=submitted")
    assert response.context["filters"].errors
    assert {m.number for m in response.context["measures"]} == {submitted}


def test_my_work_of_an_assessor_counts_what_is_assessed(client, ws, english):
    html = as_(client, ws, "assessor").get("/en/work/").content.decode()
    measures = ws.plan.measures.count()
    assert f"not yet assessed: <strong>{measures - 1}</strong>" in html
    assert "assessed: <strong>1</strong>" in html
    assessed = client.get(f"/en/work/assessments/?round={ws.published.pk}&assessed=yes")
    assert [m.number for m, _cells in assessed.context["rows"]] == [
        ws.items["submitted"].measure.number
    ]
    remaining = client.get(f"/en/work/assessments/?round={ws.published.pk}&assessed=no")
    assert len(remaining.context["rows"]) == measures - 1
    pillar = client.get(f"/en/work/assessments/?round={ws.published.pk}&pillar=2")
    assert {m.number for m, _cells in pillar.context["rows"]} == set(
        ws.plan.measures.filter(section__pillar=2).values_list("number", flat=True)
    )


# Every word in the person's language ------------------------------------------------------------

STATE_CODES = [
    "todo",
    "draft",
    "submitted",
    "returned",
    "validated",
    "in_progress",
    "not_started",
    "implemented",
    "ongoing",
    "abandoned",
    "insufficient_information",
    "focal_point",
    "published",
    "interim",
    "coverage",
]


class VisibleText(HTMLParser):
    """The text a person reads or hears: text outside script and style, and the attributes
    screen readers speak."""

    SPOKEN = {"aria-label", "title", "alt", "placeholder", "value"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self._skip += 1
        for name, value in attrs:
            is_button = tag in ("button", "input") and dict(attrs).get("type") in (
                "submit",
                "button",
                None,
            )
            if name in self.SPOKEN and value and (name != "value" or is_button):
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def french_colons(url: str, role: str, html: str) -> list[str]:
    """French puts a no-break space before a colon ("Jalons : …"), never "Jalons: …"."""
    heading = visible_text(" ".join(re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)))
    if re.search(r"\w:(\s|$)", heading):
        return [f"{url} ({role}): a colon without its space in {heading!r}"]
    return []


def english_messages(lang: str) -> list[str]:
    """The interface's English messages of at least two words whose translation differs."""
    path = Path(planwatch.__file__).parent / "locale" / lang / "LC_MESSAGES" / "django.po"
    messages = set()
    for entry in polib.pofile(str(path)):
        if entry.obsolete or "%" in entry.msgid or "{" in entry.msgid:
            continue
        if entry.msgstr and entry.msgstr != entry.msgid and len(entry.msgid.split()) >= 2:
            messages.add(entry.msgid)
    return sorted(messages, key=len, reverse=True)


@pytest.mark.parametrize("lang", ["nl", "fr", "de"])
def test_work_pages_speak_the_persons_language(client, ws, lang):
    english = english_messages(lang)
    codes = re.compile(r"\b(" + "|".join(STATE_CODES) + r")\b")
    problems = []
    for role in ("focal_point", "coordinator", "assessor"):
        as_(client, ws, role)
        pages = [(path, None) for path in ws.pages(role)]
        if role == "focal_point":
            item = ws.items["todo"]
            pages.append((f"work/contributions/{item.pk}/", budget_post(item, "1.234")))
            for name, content in uploads(ws).values():
                upload = SimpleUploadedFile(name, content)
                pages.append((f"work/imports/rounds/{ws.round.pk}/upload/", {"file": upload}))
        for path, data in pages:
            url = f"/{lang}/{path}"
            response = client.post(url, data) if data else client.get(url)
            assert response.status_code == 200, url
            text = visible_text(response.content.decode())
            # Measure titles and names come from the data in this language; user texts
            # (narratives, comments) are left out of the check.
            text = text.replace("How many people took part?", "").replace("Work has started.", "")
            text = text.replace("Partly done.", "")
            if lang == "fr":
                problems += french_colons(url, role, response.content.decode())
            for code in codes.findall(text):
                problems.append(f"{url} ({role}): raw code {code!r}")
            for message in english:
                if message in text:
                    problems.append(f"{url} ({role}): English {message!r}")
    assert not problems, "\n".join(problems)


# A fixed number of queries ----------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context)


def busy_round(measures: int) -> dict:
    """A plan of ``measures`` measures with an open round in which every state occurs, a
    coordinator, a focal point of one actor and an assessor."""
    plan = make_plan(measures=measures, observations=1)
    actor = plan.measures.first().actors.first()
    coordinator = make_user(role="coordinator", plan=plan)
    focal = make_user(role="focal_point", actor=actor)
    from planwatch.actors.models import Actor

    organisation = Actor.objects.create(slug=f"{plan.slug}-org", name_en="Organisation")
    assessor = make_user(role="assessor", actor=organisation)
    round_ = services.create_round(
        plan,
        user=coordinator,
        slug="open",
        name={"en": "Open"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=dt.date(2030, 1, 1),
    )
    services.open_round(round_, user=coordinator)
    mine = list(round_.contributions.filter(actor=actor).order_by("measure__number"))
    for item in mine[: len(mine) // 2]:
        services.save_contribution(item, filled(), user=focal, version=0, submit=True)
    for item in mine[: len(mine) // 4]:
        services.return_contribution(item, user=coordinator, version=item.version, comment="Why?")
    published = plan.rounds.get(slug="r1")
    from planwatch.milestones.models import Milestone

    Milestone.objects.bulk_create(
        Milestone(measure=m, key="m", description_en=f"M {m.number}", baseline=dt.date(2025, 1, 1))
        for m in plan.measures.all()
    )
    for measure in plan.measures.order_by("number")[: measures // 2]:
        services.save_assessment(
            published,
            measure,
            organisation.pk,
            user=assessor,
            rating="implemented",
            commentary={"en": "Yes."},
            publish=True,
            version=None,
        )
    return {
        "coordinator": coordinator,
        "focal_point": focal,
        "assessor": assessor,
        "round": round_,
        "published": published,
        "plan": plan,
    }


WORK_PAGES = {
    "focal point: my work": ("focal_point", "/en/work/", 7),
    "focal point: my measures": ("focal_point", "/en/work/contributions/", 5),
    "focal point: returned": ("focal_point", "/en/work/contributions/?state=returned", 5),
    "coordinator: my work": ("coordinator", "/en/work/", 8),
    "coordinator: review queue": ("coordinator", "/en/work/rounds/{round}/", 9),
    "coordinator: queue filtered": (
        "coordinator",
        "/en/work/rounds/{round}/?state=submitted&needs_decision=on&pillar=2",
        9,
    ),
    "coordinator: milestones": ("coordinator", "/en/work/plans/{plan}/milestones/", 8),
    "coordinator: milestones filtered": (
        "coordinator",
        "/en/work/plans/{plan}/milestones/?pillar=2&state=on_time",
        8,
    ),
    "assessor: my work": ("assessor", "/en/work/", 8),
    "assessor: assessments": ("assessor", "/en/work/assessments/?round={published}", 14),
}


@pytest.mark.parametrize("page", sorted(WORK_PAGES))
def test_work_pages_use_a_fixed_number_of_queries(client, db, page):
    role, url, expected = WORK_PAGES[page]
    counts = []
    for size in (8, 80):
        data = busy_round(size)
        client.force_login(data[role])
        counts.append(
            _queries(
                client,
                url.format(
                    round=data["round"].pk, published=data["published"].pk, plan=data["plan"].slug
                ),
            )
        )
        client.logout()
    assert counts == [expected, expected]
