"""Work pages: every page and action for each role, allowed and refused; conflicts; safety."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from planwatch.reporting import services
from planwatch.reporting.models import Assessment, Round

from .factories import make_user
from .page_helpers import as_, expect
from .workspace_helpers import filled

ROLES = ["coordinator", "focal_a", "focal_b", "assessor", "anonymous"]


@pytest.mark.parametrize(
    ("page", "codes"),
    [
        (
            "home",
            {
                "coordinator": 200,
                "focal_a": 200,
                "focal_b": 200,
                "assessor": 200,
                "anonymous": "login",
            },
        ),
        (
            "mine",
            {
                "coordinator": 200,
                "focal_a": 200,
                "focal_b": 200,
                "assessor": 200,
                "anonymous": "login",
            },
        ),
        (
            "contribution",
            {
                "coordinator": 200,
                "focal_a": 200,
                "focal_b": 404,
                "assessor": 404,
                "anonymous": "login",
            },
        ),
        (
            "rounds",
            {
                "coordinator": 200,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 403,
                "anonymous": "login",
            },
        ),
        (
            "round",
            {
                "coordinator": 200,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 404,  # the open round is not theirs to see: as if it did not exist
                "anonymous": "login",
            },
        ),
        (
            "review",
            {
                "coordinator": 200,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 404,  # the open round is not theirs to see: as if it did not exist
                "anonymous": "login",
            },
        ),
        (
            "assessments",
            {
                "coordinator": 403,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 200,
                "anonymous": "login",
            },
        ),
        (
            "assessment",
            {
                "coordinator": 403,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 200,
                "anonymous": "login",
            },
        ),
        (
            "assessment-other-org",
            {
                "coordinator": 403,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 403,
                "anonymous": "login",
            },
        ),
        (
            "assessment-open-round",
            {
                "coordinator": 403,
                "focal_a": 403,
                "focal_b": 403,
                "assessor": 404,
                "anonymous": "login",
            },
        ),
    ],
)
@pytest.mark.parametrize("who", ROLES)
def test_who_may_see_each_page(client, nap, people, round_, item, page, codes, who):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    platform = people["assessor"].roles.get().actor_id
    urls = {
        "home": "/en/work/",
        "mine": "/en/work/contributions/",
        "contribution": f"/en/work/contributions/{item.pk}/",
        "rounds": "/en/work/plans/nap-2021-2025/rounds/",
        "round": f"/en/work/rounds/{round_.pk}/",
        "review": f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/",
        "assessments": "/en/work/assessments/",
        "assessment": f"/en/work/assessments/{interim.pk}/112/{platform}/",
        "assessment-other-org": f"/en/work/assessments/{interim.pk}/112/{item.actor_id}/",
        "assessment-open-round": f"/en/work/assessments/{round_.pk}/112/{platform}/",
    }
    expect(as_(client, people, who).get(urls[page]), codes[who])


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("focal_a", 302),
        ("focal_b", 404),
        ("coordinator", 403),
        ("assessor", 404),
        ("anonymous", "login"),
    ],
)
def test_who_may_save_a_contribution(client, people, item, who, code):
    response = as_(client, people, who).post(
        f"/en/work/contributions/{item.pk}/",
        {
            "version": 0,
            "proposed_status": "in_progress",
            "narrative_en": "Done so far.",
            "budget-TOTAL_FORMS": 0,
            "budget-INITIAL_FORMS": 0,
            "save": "1",
        },
    )
    expect(response, code)
    item.refresh_from_db()
    if who == "focal_a":
        assert (item.state, item.proposed_status, item.narrative_en) == (
            "draft",
            "in_progress",
            "Done so far.",
        )
    else:
        assert (item.state, item.version, item.narrative_en) == ("todo", 0, None)


@pytest.mark.parametrize("who", ["focal_a", "focal_b", "assessor", "anonymous"])
@pytest.mark.parametrize("action", ["open", "publish"])
def test_only_coordinators_open_and_publish(client, people, round_, who, action):
    response = as_(client, people, who).post(f"/en/work/rounds/{round_.pk}/{action}/")
    # The assessor may not even see the open round: 404, as for a round that does not exist.
    expect(response, {"anonymous": "login", "assessor": 404}.get(who, 403))
    round_.refresh_from_db()
    assert round_.state == "open"


def test_unknown_round_action_is_404(client, people, round_):
    assert (
        as_(client, people, "coordinator").post(f"/en/work/rounds/{round_.pk}/explode/").status_code
        == 404
    )
    assert (
        as_(client, people, "coordinator").get(f"/en/work/rounds/{round_.pk}/open/").status_code
        == 405
    )


@pytest.mark.parametrize("who", ["focal_a", "focal_b", "assessor"])
def test_only_coordinators_review(client, people, round_, item, who):
    services.save_contribution(item, filled(), user=people["focal_a"], version=0, submit=True)
    url = f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/"
    response = as_(client, people, who).post(
        url, {"action": "validate", "contribution": item.pk, f"c{item.pk}-version": item.version}
    )
    assert response.status_code == (404 if who == "assessor" else 403)
    item.refresh_from_db()
    assert item.state == "submitted"


def test_the_round_through_the_pages(client, nap, people, round_, item):
    focal = as_(client, people, "focal_a")
    url = f"/en/work/contributions/{item.pk}/"
    page = focal.get("/en/work/contributions/").content.decode()
    assert url in page and "Round 2024" in page
    response = focal.post(
        url,
        {
            "version": 0,
            "proposed_status": "implemented",
            "narrative_en": "All **done**.",
            "evidence": "https://example.org/report Final report",
            "budget-TOTAL_FORMS": 1,
            "budget-INITIAL_FORMS": 0,
            "budget-0-year": 2024,
            "budget-0-amount": "1,234.50",
            "budget-0-nature": "specific",
            "budget-0-stage": "spent",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "submitted" and item.budget_lines.get().amount == 1234.5
    coordinator = as_(client, people, "coordinator")
    review = f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/"
    assert "All <strong>done</strong>." in coordinator.get(review).content.decode()
    coordinator.post(
        review,
        {
            "action": "return",
            "contribution": item.pk,
            f"c{item.pk}-version": item.version,
            f"c{item.pk}-comment": "Which sessions?",
        },
    )
    item.refresh_from_db()
    assert item.state == "returned"
    focal = as_(client, people, "focal_a")
    assert "Which sessions?" in focal.get(url).content.decode()
    focal.post(
        url,
        {
            "version": item.version,
            "proposed_status": "implemented",
            "narrative_en": "Three sessions.",
            "budget-TOTAL_FORMS": 0,
            "budget-INITIAL_FORMS": 0,
            "submit": "1",
        },
    )
    item.refresh_from_db()
    assert item.state == "submitted"
    coordinator = as_(client, people, "coordinator")
    coordinator.post(
        review, {"action": "validate", "contribution": item.pk, f"c{item.pk}-version": item.version}
    )
    item.refresh_from_db()
    assert item.state == "validated"
    response = coordinator.post(
        review,
        {
            "action": "decide",
            "status": "implemented",
            "narrative_en": "Done in 2024.",
            "version": 0,
            "reason": "Partners confirmed by phone.",
        },
    )
    assert response.status_code == 302
    coordinator.post(f"/en/work/rounds/{round_.pk}/publish/", {"confirm": "on"})
    round_.refresh_from_db()
    assert round_.state == "published"
    public = client.get(f"/en/plans/nap-2021-2025/measures/{item.measure.number}/").content.decode()
    assert "Round 2024" in public and "Done in 2024." in public


def test_a_stale_form_gets_a_conflict_showing_both_versions(client, people, item, nap):
    colleague = make_user("colleague@example.org", role="focal_point", actor="fod-justitie")
    url = f"/en/work/contributions/{item.pk}/"
    form = {
        "version": 0,
        "proposed_status": "in_progress",
        "budget-TOTAL_FORMS": 0,
        "budget-INITIAL_FORMS": 0,
        "save": "1",
    }
    client.force_login(colleague)
    assert client.post(url, {**form, "narrative_en": "Colleague's text"}).status_code == 302
    client.force_login(people["focal_a"])
    response = client.post(url, {**form, "narrative_en": "My text"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this in the meantime" in page
    assert "Colleague&#x27;s text" in page or "Colleague's text" in page
    assert "My text</textarea>" in page  # still in the form
    assert "Colleague" in _conflict_section(page)  # beside the saved version
    assert 'name="version" value="1"' in page  # saving again is a deliberate overwrite
    item.refresh_from_db()
    assert item.narrative_en == "Colleague's text"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("proposed_status", "abandoned", "Select a valid choice"),
        ("evidence", "ftp://example.org/x", "is not a web address"),
        ("narrative_en", "x" * 20_001, "at most 20000 characters"),
        ("budget-0-amount", "-5", "greater than or equal to 0"),
        ("budget-0-year", "2019", "outside the round"),
    ],
)
def test_bad_input_gets_a_message_at_the_field_and_changes_nothing(
    client, people, item, field, value, message
):
    data = {
        "version": 0,
        "proposed_status": "in_progress",
        "narrative_en": "Text",
        "budget-TOTAL_FORMS": 1,
        "budget-INITIAL_FORMS": 0,
        "budget-0-year": 2024,
        "budget-0-amount": "10",
        "budget-0-nature": "specific",
        "budget-0-stage": "spent",
        "submit": "1",
        field: value,
    }
    response = as_(client, people, "focal_a").post(f"/en/work/contributions/{item.pk}/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    item.refresh_from_db()
    assert (item.state, item.version) == ("todo", 0)


def test_markdown_is_rendered_safely_everywhere(client, people, round_, item):
    hostile = (
        '<script>alert("x")</script> **ok** [link](javascript:alert(1)) '
        "<img src=x onerror=alert(1)>"
    )
    services.save_contribution(
        item, filled(text=hostile), user=people["focal_a"], version=0, submit=True
    )
    services.validate_contribution(item, user=people["coordinator"], version=item.version)
    services.decide_status(
        round_,
        item.measure,
        user=people["coordinator"],
        status="in_progress",
        narrative={"en": hostile},
        reason="x",
    )
    services.publish_round(round_, user=people["coordinator"])
    review = (
        as_(client, people, "coordinator")
        .get(f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/")
        .content.decode()
    )
    public = client.get(f"/en/plans/nap-2021-2025/measures/{item.measure.number}/").content.decode()
    for page in (review, public):
        assert "<script>alert" not in page
        assert "javascript:alert" not in page
        assert "onerror" not in page
        assert "<strong>ok</strong>" in page


def test_nothing_of_an_unpublished_round_leaks(client, people, round_, item):
    services.save_contribution(
        item, filled(text="XQZSECRET DRAFT"), user=people["focal_a"], version=0, submit=True
    )
    services.decide_status(
        round_,
        item.measure,
        user=people["coordinator"],
        status="not_started",
        narrative={"en": "XQZSECRET STATUS"},
    )
    assert not client.get("/en/plans/nap-2021-2025/measures/?q=XQZSECRET").context["measures"]
    for url in (
        "/en/plans/nap-2021-2025/",
        "/en/plans/nap-2021-2025/measures/",
        f"/en/plans/nap-2021-2025/measures/{item.measure.number}/",
        "/en/plans/nap-2021-2025/differences/",
    ):
        page = client.get(url).content.decode()
        assert "XQZSECRET" not in page and "Round 2024" not in page, url
    from io import StringIO

    out = StringIO()
    call_command("export", "measures", "--plan", "nap-2021-2025", stdout=out)
    assert "XQZSECRET" not in out.getvalue()


def test_public_page_shows_the_assessment_beside_the_official_status(client, nap, people):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    measure = nap.measures.get(number=112)
    platform = people["assessor"].roles.get().actor_id
    official = measure.statuses.get().status
    rating = "not_started" if official != "not_started" else "implemented"
    url = f"/en/work/assessments/{interim.pk}/112/{platform}/"
    response = as_(client, people, "assessor").post(
        url,
        {
            "version": 0,
            "rating": rating,
            "commentary_en": "We see little progress.",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    client.logout()
    page = client.get("/fr/plans/nap-2021-2025/measures/112/").content.decode()
    assert "We see little progress." in page
    assert "status-" + rating in page and "status-" + official in page
    differences = client.get("/en/plans/nap-2021-2025/differences/").content.decode()
    assert "/en/plans/nap-2021-2025/measures/112/" in differences


def test_an_unpublished_assessment_stays_private(client, nap, people):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    platform = people["assessor"].roles.get().actor_id
    response = as_(client, people, "assessor").post(
        f"/en/work/assessments/{interim.pk}/112/{platform}/",
        {"version": 0, "rating": "abandoned", "commentary_en": "NOT YET PUBLIC"},
    )
    assert response.status_code == 302
    saved = Assessment.objects.get(round=interim, measure__number=112, organisation_id=platform)
    assert (saved.rating, saved.commentary_en, saved.is_published) == (
        "abandoned",
        "NOT YET PUBLIC",
        False,
    )
    client.logout()
    assert (
        "NOT YET PUBLIC" not in client.get("/en/plans/nap-2021-2025/measures/112/").content.decode()
    )


def test_a_correction_is_visible_publicly(client, nap, people):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    status = nap.measures.get(number=112).statuses.get()
    new = "implemented" if status.status != "implemented" else "in_progress"
    url = f"/en/work/rounds/{interim.pk}/measures/112/"
    response = as_(client, people, "coordinator").post(
        url,
        {
            "action": "correct",
            "status": new,
            "reason": "The centre opened in October.",
            "version": status.version,
        },
    )
    assert response.status_code == 302
    status.refresh_from_db()
    assert status.status == new
    client.logout()
    page = client.get("/en/plans/nap-2021-2025/measures/112/").content.decode()
    assert "The centre opened in October." in page


def test_remind_sends_once_before_the_deadline_and_when_overdue(nap, people, round_, item):
    deadline = round_.deadline
    out = []
    for day in (
        deadline - dt.timedelta(days=7),
        deadline - dt.timedelta(days=7),
        deadline + dt.timedelta(days=1),
    ):
        mail.outbox.clear()
        call_command("remind", "--today", day.isoformat(), stdout=__import__("io").StringIO())
        out.append([m.to for m in mail.outbox])
    assert ["justice@example.org"] in out[0]
    assert out[1] == []  # already reminded today
    assert ["justice@example.org"] in out[2]
    assert all(to != ["opgroeien@example.org"] or True for to in out[0])


def test_remind_rejects_a_bad_date(db):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("remind", "--today", "31/12/2024")


def test_field_errors_are_tied_to_their_fields(client, people, item):
    response = as_(client, people, "focal_a").post(
        f"/en/work/contributions/{item.pk}/",
        {
            "version": 0,
            "proposed_status": "in_progress",
            "evidence": "not a link",
            "budget-TOTAL_FORMS": 0,
            "budget-INITIAL_FORMS": 0,
            "submit": "1",
        },
    )
    page = response.content.decode()
    assert 'aria-describedby="id_evidence_helptext id_evidence_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'id="id_evidence_error"' in page
    # The GOV.UK pattern: "Error:" in the title and a summary at the top linking to each field.
    assert "<title>Error: Measure" in page
    summary = page[
        page.index('class="error-summary"') : page.index("</ul>", page.index("error-summary"))
    ]
    assert 'role="alert"' in summary
    assert '<a href="#id_evidence">Evidence links: Line 1:' in summary
    assert page.index('class="error-summary"') < page.index("<h1>")


def test_coordinators_get_draft_reports_of_a_round_in_progress(client, people, round_):
    page = as_(client, people, "coordinator").get(f"/en/work/rounds/{round_.pk}/").content.decode()
    url = f"/en/plans/nap-2021-2025/reports/interim.html?round={round_.slug}"
    assert f'href="{url}"' in page
    report = client.get(url)
    assert report.status_code == 200 and "DRAFT" in report.content.decode()
    client.logout()
    assert client.get(url).status_code == 404


def _conflict_section(page: str) -> str:
    return page.split('class="conflict"', 1)[1].split("</section>", 1)[0]


def test_a_status_conflict_keeps_the_typed_text_beside_the_saved_one(client, people, round_, item):
    url = f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/"
    coordinator = as_(client, people, "coordinator")
    assert 'name="version" value="0"' in coordinator.get(url).content.decode()
    colleague = make_user("colleague@example.org", role="coordinator", plan=round_.plan)
    services.decide_status(
        round_,
        item.measure,
        user=colleague,
        status="not_started",
        narrative={"en": "The decision of a colleague"},
        version=0,
    )
    form = {"action": "decide", "version": 0, "status": "not_started", "reason": ""}
    response = coordinator.post(url, {**form, "narrative_en": "My decision"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this in the meantime" in page
    assert "The decision of a colleague" in _conflict_section(page)
    assert "My decision</textarea>" in page
    assert 'name="version" value="1"' in page
    status = round_.statuses.get(measure=item.measure)
    assert (status.narrative_en, status.version) == ("The decision of a colleague", 1)
    # Having compared, saving the form again replaces their version, deliberately.
    again = coordinator.post(url, {**form, "version": 1, "narrative_en": "My decision"})
    assert again.status_code == 302
    status.refresh_from_db()
    assert (status.narrative_en, status.version) == ("My decision", 2)


def test_a_late_return_shows_the_contribution_now_and_keeps_the_typed_comment(
    client, people, round_, item
):
    services.save_contribution(item, filled(), user=people["focal_a"], version=0, submit=True)
    item.refresh_from_db()
    read = item.version
    # A colleague validates first; this coordinator's return then comes too late.
    colleague = make_user("colleague@example.org", role="coordinator", plan=round_.plan)
    services.validate_contribution(item, user=colleague, version=read)
    url = f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/"
    response = as_(client, people, "coordinator").post(
        url,
        {
            "action": "return",
            "contribution": item.pk,
            f"c{item.pk}-version": read,
            f"c{item.pk}-comment": "Which sessions were held?",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this in the meantime" in page
    assert "validated" in _conflict_section(page)
    assert "Which sessions were held?" in page.split('id="typed-comment-heading"', 1)[1]
    item.refresh_from_db()
    assert (item.state, item.review_comment) == ("validated", "")


def test_a_correction_conflict_keeps_the_reason_beside_the_saved_status(
    client, people, round_, item
):
    status = services.decide_status(
        round_, item.measure, user=people["coordinator"], status="not_started", narrative={}
    )
    services.publish_round(round_, user=people["coordinator"])
    services.correct_status(
        status,
        user=people["coordinator"],
        status="implemented",
        reason="Finished in March.",
        version=status.version,
    )
    url = f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/"
    response = as_(client, people, "coordinator").post(
        url,
        {"action": "correct", "version": 1, "status": "in_progress", "reason": "My reason"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "status-implemented" in _conflict_section(page)
    assert "My reason</textarea>" in page
    status.refresh_from_db()
    assert (status.status, status.version) == ("implemented", 2)


def test_an_assessment_conflict_keeps_the_typed_text_beside_the_saved_one(client, nap, people):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    platform = people["assessor"].roles.get().actor_id
    url = f"/en/work/assessments/{interim.pk}/112/{platform}/"
    assessor = as_(client, people, "assessor")
    assert 'name="version" value="0"' in assessor.get(url).content.decode()
    colleague = make_user("colleague@example.org", role="assessor", actor="national-platform")
    services.save_assessment(
        interim,
        nap.measures.get(number=112),
        platform,
        user=colleague,
        rating="implemented",
        commentary={"fr": "Publié par ma collègue"},
        publish=True,
        version=0,
    )
    form = {"version": 0, "rating": "not_started", "commentary_en": "My unpublished view"}
    response = assessor.post(url, form)
    assert response.status_code == 200
    page = response.content.decode()
    saved = _conflict_section(page)
    assert "Publié par ma collègue" in saved and "colleague@example.org" in saved
    assert "My unpublished view</textarea>" in page
    assessment = interim.assessments.get(measure__number=112, organisation_id=platform)
    assert (assessment.commentary_fr, assessment.is_published) == ("Publié par ma collègue", True)


def test_a_form_without_the_version_it_read_saves_nothing(client, nap, people):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    platform = people["assessor"].roles.get().actor_id
    url = f"/en/work/assessments/{interim.pk}/112/{platform}/"
    response = as_(client, people, "assessor").post(url, {"rating": "not_started"})
    assert response.status_code == 200
    assert not interim.assessments.filter(measure__number=112).exists()
