"""The round's end, the profile and the log-in language, through the pages: who may and who
may not, bad input gets a message and changes nothing; the coverage of figures on the public
pages, the API and the interim report; the demo round."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from planwatch.accounts.models import User
from planwatch.reporting import services, stats
from planwatch.reporting.models import Contribution, MeasureStatus, Round, RoundExtension

from .factories import make_user
from .page_helpers import as_, expect
from .workspace_helpers import filled


@pytest.mark.parametrize(
    "who, code",
    [
        ("coordinator", 200),
        ("focal_a", 403),
        ("focal_b", 403),
        ("assessor", 404),  # the open round is not theirs to see: as if it did not exist
        ("anonymous", "login"),
    ],
)
def test_round_end_pages_are_for_coordinators(client, people, round_, who, code):
    as_(client, people, who)
    for url in (f"/en/work/rounds/{round_.pk}/publish/", f"/en/work/rounds/{round_.pk}/reopen/"):
        expect(client.get(url), code)
    expect(client.post(f"/en/work/rounds/{round_.pk}/close/"), 302 if code == 200 else code)
    assert Round.objects.get(pk=round_.pk).state == ("closed" if code == 200 else "open")


def test_close_reopen_and_publish_through_the_pages(client, people, round_, item):
    as_(client, people, "coordinator")
    page = client.get(f"/en/work/rounds/{round_.pk}/").content.decode()
    assert "Close the round" in page
    response = client.post(f"/en/work/rounds/{round_.pk}/close/", follow=True)
    assert "Round closed" in response.content.decode()
    assert "Reopen for one actor" in response.content.decode()
    # Reopening: bad input is refused with a message and changes nothing.
    url = f"/en/work/rounds/{round_.pk}/reopen/"
    past = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    page = client.post(url, {"actor": item.actor_id, "until": past}).content.decode()
    assert "Choose today or a later date." in page
    page = client.post(url, {"actor": 999999, "until": "2099-01-01"}).content.decode()
    assert "Select a valid choice" in page
    assert not RoundExtension.objects.exists()
    until = dt.date.today() + dt.timedelta(days=5)
    response = client.post(
        url, {"actor": item.actor_id, "until": until.isoformat(), "reason": "Late data."}
    )
    assert response.status_code == 302
    assert RoundExtension.objects.get().until == until
    # Publishing needs the confirmation box ticked.
    url = f"/en/work/rounds/{round_.pk}/publish/"
    page = client.get(url).content.decode()
    measures = round_.plan.measures.count()
    assert f"Status decided for 0 of {measures} measures." in page
    assert f"{measures} measures would be published without a status." in page
    assert "FPS Justice" in page or "FOD Justitie" in page
    page = client.post(url, {}).content.decode()
    assert "Tick the box to confirm the publication." in page
    assert Round.objects.get(pk=round_.pk).state == "closed"
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "Round published" in response.content.decode()
    assert Round.objects.get(pk=round_.pk).state == "published"
    # The old one-click action no longer publishes anything else.
    assert "This round is already published." in client.get(url).content.decode()


def test_the_confirmation_page_speaks_french(client, people, round_):
    as_(client, people, "coordinator")
    page = client.get(f"/fr/work/rounds/{round_.pk}/publish/").content.decode()
    measures = round_.plan.measures.count()
    assert f"Statut fixé pour 0 des {measures} mesures." in page
    assert "mesures seraient publiées sans statut." in page


def test_withdraw_through_the_page(client, people, round_, item):
    services.save_contribution(item, filled(), user=people["focal_a"], version=0, submit=True)
    item.refresh_from_db()
    as_(client, people, "focal_a")
    page = client.get(f"/en/work/contributions/{item.pk}/").content.decode()
    assert "Withdraw the submission" in page
    url = f"/en/work/contributions/{item.pk}/withdraw/"
    response = client.post(url, {"version": "x"}, follow=True)
    assert "nothing was changed" in response.content.decode()
    response = client.post(url, {"version": item.version - 1}, follow=True)
    assert "nothing was withdrawn" in response.content.decode()
    assert Contribution.objects.get(pk=item.pk).state == "submitted"
    response = client.post(url, {"version": item.version}, follow=True)
    assert "the contribution is a draft again" in response.content.decode()
    assert Contribution.objects.get(pk=item.pk).state == "draft"
    # Again: nothing to withdraw.
    response = client.post(url, {"version": item.version + 1}, follow=True)
    assert "can no longer be withdrawn" in response.content.decode()


def test_a_reopened_contribution_says_until_when(client, people, round_, item):
    services.close_round(round_, user=people["coordinator"])
    until = timezone.localdate() + dt.timedelta(days=10)
    services.reopen_for_actor(round_, item.actor, user=people["coordinator"], until=until)
    page = as_(client, people, "focal_a").get(f"/en/work/contributions/{item.pk}/")
    assert f"reopened for you until {date_format(until, 'j F Y')}" in page.content.decode()
    other = round_.contributions.filter(actor__slug="opgroeien").first()
    page = as_(client, people, "focal_b").get(f"/en/work/contributions/{other.pk}/")
    assert "reopened for you" not in page.content.decode()


def test_others_cannot_withdraw(client, people, round_, item):
    services.save_contribution(item, filled(), user=people["focal_a"], version=0, submit=True)
    item.refresh_from_db()
    url = f"/en/work/contributions/{item.pk}/withdraw/"
    assert as_(client, people, "focal_b").post(url, {"version": item.version}).status_code == 404
    as_(client, people, "coordinator").post(url, {"version": item.version})
    expect(as_(client, people, "anonymous").post(url, {"version": item.version}), "login")
    assert as_(client, people, "coordinator").get(url).status_code == 405
    assert Contribution.objects.get(pk=item.pk).state == "submitted"


def test_a_closed_round_can_still_be_reviewed_on_its_page(client, people, round_, item):
    services.save_contribution(item, filled(), user=people["focal_a"], version=0, submit=True)
    services.close_round(round_, user=people["coordinator"])
    as_(client, people, "coordinator")
    page = client.get(f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/")
    assert "Validate" in page.content.decode()
    assert "Save the status" in page.content.decode()


# The profile and the log-in language ----------------------------------------------------------


def test_the_profile_sets_the_language_and_the_e_mails(client, people):
    as_(client, people, "focal_a")
    page = client.get("/en/accounts/profile/").content.decode()
    assert "A contribution is returned" in page
    assert "Daily digest" not in page  # a coordinator's e-mail
    response = client.post(
        "/en/accounts/profile/",
        {
            "language": "fr",
            "notify_round_opened": "on",
            "notify_returned": "on",
            "notify_reminder": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/fr/accounts/profile/"
    assert response.cookies["django_language"].value == "fr"
    user = User.objects.get(pk=people["focal_a"].pk)
    assert (user.language, user.notify_validated, user.notify_returned) == ("fr", False, True)
    assert user.notify_digest  # not on this person's form: unchanged
    page = client.get("/fr/accounts/profile/").content.decode()
    assert "Votre profil est enregistré." in page


def test_the_profile_refuses_a_bad_language_and_needs_a_log_in(client, people):
    as_(client, people, "coordinator")
    page = client.post("/en/accounts/profile/", {"language": "xx"}).content.decode()
    assert "Select a valid choice" in page
    assert User.objects.get(pk=people["coordinator"].pk).language == ""
    expect(as_(client, people, "anonymous").get("/en/accounts/profile/"), "login")


def test_the_pages_switch_to_the_persons_language_at_log_in(client, nap):
    make_user("fr@example.org", language="fr")
    make_user("unset@example.org")
    response = client.post(
        "/en/accounts/login/?next=/en/work/", {"username": "fr@example.org", "password": "pw"}
    )
    assert response["Location"] == "/fr/work/"
    client.logout()
    response = client.post(
        "/de/accounts/login/?next=/de/work/", {"username": "unset@example.org", "password": "pw"}
    )
    assert response["Location"] == "/de/work/"


def test_the_work_navigation_links_the_profile(client, people):
    as_(client, people, "assessor")
    assert 'href="/en/accounts/profile/"' in client.get("/en/work/").content.decode()


# What figures rest on -------------------------------------------------------------------------


@pytest.fixture
def thin_round(nap, people):
    """A published round where one measure has a status."""
    thin = services.create_round(
        nap,
        user=people["coordinator"],
        slug="thin",
        name={"en": "Thin round"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2030, 12, 31),
        deadline=None,
    )
    services.open_round(thin, user=people["coordinator"])
    MeasureStatus.objects.create(round=thin, measure=nap.measures.first(), status="implemented")
    services.publish_round(thin, user=people["coordinator"])
    return thin


def test_a_thin_round_says_how_little_it_rests_on(client, nap, thin_round):
    measures = nap.measures.count()
    split = stats.status_split(nap, thin_round)
    assert (split.total, split.measures, split.without_status) == (1, measures, measures - 1)
    page = client.get("/en/plans/nap-2021-2025/").content.decode()
    sentence = f"Status known for 1 of {measures} measures; {measures - 1} without a status"
    assert sentence in page
    page = client.get("/nl/plans/nap-2021-2025/").content.decode()
    assert f"Status bekend voor 1 van {measures} maatregelen; {measures - 1} zonder status" in page
    data = client.get("/api/v1/plans/nap-2021-2025/rounds/thin/").json()
    assert (data["split"]["total"], data["split"]["measures"]) == (1, measures)
    assert data["split"]["without_status"] == measures - 1
    assert sum(p["measures"] for p in data["pillars"]) == measures


def test_the_interim_report_says_what_its_figures_rest_on(nap, thin_round):
    from planwatch.documents.reports import build, render

    measures = nap.measures.count()
    french = render(build("interim", nap, thin_round, "fr"), "html").decode()
    assert f"Statut connu pour 1 des {measures} mesures ; {measures - 1} sans statut" in french
    dutch = render(build("interim", nap, thin_round, "nl"), "html").decode()
    assert f"Status bekend voor 1 van {measures} maatregelen;" in dutch


def test_the_coverage_sentence_uses_plural_forms(english):
    split = stats.Split([], total=1, measures=1)
    assert split.coverage == "Status known for the 1 measure."
    split = stats.Split([], total=0, measures=2)
    assert split.coverage == "Status known for 0 of 2 measures; 2 without a status in this round."


# The demo round -------------------------------------------------------------------------------


def test_the_demo_round_gives_each_demo_focal_point_work(nap, settings):
    from planwatch.reporting.demo import SLUG, create_demo_round

    coordinator = make_user("coordinator@demo.planwatch.invalid", role="coordinator", plan=nap)
    for email, actor in [
        ("justice@demo.planwatch.invalid", "fod-justitie"),
        ("opgroeien@demo.planwatch.invalid", "opgroeien"),
        ("fwb@demo.planwatch.invalid", "fwb-egalite"),
    ]:
        make_user(email, role="focal_point", actor=actor)
    public = stats.status_split(nap, Round.objects.latest_published(nap))
    demo = create_demo_round(nap, coordinator)
    assert demo.state == "open" and demo.deadline > dt.date.today()
    states = {
        actor: set(demo.contributions.filter(actor__slug=actor).values_list("state", flat=True))
        for actor in ("fod-justitie", "fwb-egalite", "opgroeien")
    }
    every = {"todo", "draft", "submitted", "returned", "validated"}
    assert states == {"fod-justitie": every, "fwb-egalite": every, "opgroeien": {"returned"}}
    returned = demo.contributions.filter(state="returned")
    assert all(c.review_comment for c in returned)
    assert not mail.outbox
    events = demo.events.count()
    assert create_demo_round(nap, coordinator) == demo
    assert demo.events.count() == events and Round.objects.filter(slug=SLUG).count() == 1
    # The public figures stay those of the published interim round.
    assert Round.objects.latest_published(nap).slug == "interim-2023"
    assert stats.status_split(nap, Round.objects.latest_published(nap)) == public
