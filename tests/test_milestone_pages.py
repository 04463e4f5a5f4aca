"""The coordinator's milestone pages: who may open and post them, adding a milestone, changing
its description, deleting one (refused once it has a history), re-baselining through the one
service ``planwatch rebaseline`` uses, and what bad input says (nothing saved)."""

import datetime as dt

import pytest

from planwatch.milestones.models import Milestone, Rebaselining
from planwatch.milestones.services import MilestoneInput
from planwatch.reporting import services
from planwatch.reporting.models import Event

from .factories import make_plan, make_user
from .page_helpers import as_, expect

D = dt.date
BASE = "/en/work/plans/nap-2021-2025/milestones/"


@pytest.fixture
def milestone(nap):
    return Milestone.objects.create(
        measure=nap.measures.get(number=4),
        key="law",
        description_en="Law in force",
        baseline=D(2025, 6, 30),
    )


def snapshot() -> list:
    return [
        list(Milestone.objects.order_by("pk").values_list()),
        list(Rebaselining.objects.order_by("pk").values_list()),
        Event.objects.filter(action__startswith="milestones.").count(),
    ]


@pytest.mark.parametrize(
    "who, code",
    [
        ("coordinator", 200),
        ("focal_a", 403),
        ("assessor", 403),
        ("other_coordinator", 403),
        ("anonymous", "login"),
    ],
)
def test_who_may_open_and_post(client, people, milestone, who, code):
    people = {**people, "other_coordinator": make_user(role="coordinator", plan=make_plan())}
    as_(client, people, who)
    pages = ["", "?pillar=2&state=on_time", "new/?measure=4", f"{milestone.pk}/"]
    for page in [*pages, f"{milestone.pk}/rebaseline/", f"{milestone.pk}/delete/"]:
        expect(client.get(BASE + page), code)
    if code == 200:
        return
    before = snapshot()
    posts = {
        "new/": {"measure": 4, "description_en": "X", "baseline": "2026-01-01"},
        f"{milestone.pk}/": {"description_en": "Changed"},
        f"{milestone.pk}/rebaseline/": {"baseline": "2026-01-01", "reason": "Why"},
        f"{milestone.pk}/delete/": {},
    }
    for page, data in posts.items():
        expect(client.post(BASE + page, data), code)
    assert snapshot() == before


def test_the_list_filters_and_links(client, coordinator, milestone):
    client.force_login(coordinator)
    page = client.get(BASE + "?measure=4").content.decode()
    assert "Law in force" in page and f"{milestone.pk}/" in page
    assert "Add a milestone to measure 4" in page
    assert "Law in force" not in client.get(BASE + "?state=done").content.decode()
    assert "Law in force" in client.get(BASE + "?state=on_time").content.decode()
    bad = client.get(BASE + "?pillar=99&state=nonsense")
    assert bad.status_code == 200 and "Select a valid choice" in bad.content.decode()
    assert BASE in client.get("/en/work/").content.decode()
    assert BASE in client.get("/en/work/plans/nap-2021-2025/rounds/").content.decode()


def test_a_coordinator_adds_a_milestone(client, coordinator, nap):
    client.force_login(coordinator)
    data = {
        "measure": 7,
        "description_en": "Care centre opens",
        "description_fr": "Ouverture du centre",
        "baseline": "31/12/2026",
        "forecast": "",
    }
    response = client.post(BASE + "new/", data)
    assert response.status_code == 302
    made = Milestone.objects.get(measure__plan=nap, measure__number=7, key="care-centre-opens")
    assert (made.baseline, made.forecast, made.description_fr) == (
        D(2026, 12, 31),
        None,
        "Ouverture du centre",
    )
    assert Event.objects.get(action="milestones.milestone.created").user == coordinator
    # The same description again gets a key of its own.
    assert client.post(BASE + "new/", data).status_code == 302
    assert Milestone.objects.filter(measure__number=7, key="care-centre-opens-2").exists()


@pytest.mark.parametrize(
    "change, words",
    [
        ({"description_en": ""}, "Describe the milestone in one language at least."),
        ({"baseline": "31/13/2026"}, "Enter a valid date."),
        ({"baseline": ""}, "This field is required."),
        ({"baseline": "01/01/1789"}, "Give a date between 1990 and 2100."),
        ({"forecast": "soon"}, "Enter a valid date."),
        ({"measure": 9999}, "The plan has no measure with this number."),
    ],
)
def test_bad_input_for_a_new_milestone(english, client, coordinator, change, words):
    client.force_login(coordinator)
    data = {"measure": 7, "description_en": "Opens", "baseline": "2026-12-31", **change}
    before = snapshot()
    response = client.post(BASE + "new/", data)
    page = response.content.decode()
    assert response.status_code == 200 and words in page
    assert "<title>Error:" in page and 'class="error-summary"' in page
    assert snapshot() == before


def test_a_coordinator_changes_the_description(english, client, coordinator, milestone):
    client.force_login(coordinator)
    url = f"{BASE}{milestone.pk}/"
    before = snapshot()
    response = client.post(url, {"description_en": " "})
    assert "Describe the milestone" in response.content.decode() and snapshot() == before
    response = client.post(url, {"description_en": "Law published", "description_nl": "Wet"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.description_en, milestone.description_nl) == ("Law published", "Wet")
    assert milestone.baseline == D(2025, 6, 30)
    event = Event.objects.get(action="milestones.milestone.edited")
    assert event.data["description_en"] == ["Law in force", "Law published"]


def test_delete_only_without_history(english, client, coordinator, nap, milestone):
    client.force_login(coordinator)
    # The milestone's page links to a confirmation page; opening it deletes nothing.
    assert f"{milestone.pk}/delete/" in client.get(f"{BASE}{milestone.pk}/").content.decode()
    before = snapshot()
    confirm = client.get(f"{BASE}{milestone.pk}/delete/").content.decode()
    assert "This cannot be undone" in confirm and 'method="post"' in confirm
    assert snapshot() == before
    response = client.post(f"{BASE}{milestone.pk}/delete/", follow=True)
    assert "is deleted" in response.content.decode()
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
    assert Event.objects.filter(action="milestones.milestone.deleted").exists()

    # A milestone a focal point proposed dates for stays.
    kept = Milestone.objects.create(
        measure=milestone.measure, key="kept", description_en="Kept", baseline=D(2025, 6, 30)
    )
    round_ = services.create_round(
        nap,
        user=coordinator,
        slug="2025",
        name={"en": "Round 2025"},
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        deadline=None,
    )
    services.open_round(round_, user=coordinator)
    item = round_.contributions.filter(measure=kept.measure).select_related("actor").first()
    focal = make_user(role="focal_point", actor=item.actor.slug)
    moved = MilestoneInput(kept.pk, D(2025, 9, 1), None, "Later")
    services.save_contribution(
        item,
        services.ContributionInput("in_progress", {"en": "x"}, milestones=[moved]),
        user=focal,
        version=0,
    )
    page = client.get(f"{BASE}{kept.pk}/").content.decode()
    assert "it stays" in page and f"{kept.pk}/delete/" not in page
    before = snapshot()
    refused = client.get(f"{BASE}{kept.pk}/delete/", follow=True).content.decode()
    assert "has proposals in contributions" in refused and "This cannot be undone" not in refused
    response = client.post(f"{BASE}{kept.pk}/delete/", follow=True)
    assert "has proposals in contributions" in response.content.decode()
    assert snapshot() == before


def test_rebaselining_is_checked_logged_and_public(english, client, coordinator, milestone):
    client.force_login(coordinator)
    url = f"{BASE}{milestone.pk}/rebaseline/"
    before = snapshot()
    for data, words in (
        ({"baseline": "2026-03-31", "reason": ""}, "This field is required."),
        ({"baseline": "2026-03-31", "reason": "   "}, "This field is required."),
        ({"baseline": "31/02/2026", "reason": "Why"}, "Enter a valid date."),
        ({"baseline": "30/06/2025", "reason": "Why"}, "This is already the baseline."),
        ({"baseline": "01/01/2200", "reason": "Why"}, "Give a date between 1990 and 2100."),
    ):
        page = client.post(url, data).content.decode()
        assert words in page and "<title>Error:" in page, data
    assert snapshot() == before
    response = client.post(url, {"baseline": "31/03/2026", "reason": "The law was split."})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.baseline == D(2026, 3, 31)
    change = milestone.rebaselinings.get()
    assert (change.old_baseline, change.made_by) == (D(2025, 6, 30), coordinator)
    event = Event.objects.get(action="milestones.milestone.rebaselined")  # the service's event
    assert event.reason == "The law was split."
    assert "The law was split." in client.get(f"{BASE}{milestone.pk}/").content.decode()
    client.logout()
    public = client.get("/en/plans/nap-2021-2025/measures/4/").content.decode()
    assert "The law was split." in public and "re-baselined" in public


def test_dates_as_each_language_writes_them(client, coordinator, milestone):
    client.force_login(coordinator)
    assert "30 juin 2025" in client.get("/fr/work/plans/nap-2021-2025/milestones/").content.decode()
    assert "30 juni 2025" in client.get("/nl/work/plans/nap-2021-2025/milestones/").content.decode()


def test_a_draft_plans_milestone_pages_are_hidden(client, people, db):
    from planwatch.plans.models import Plan

    plan = make_plan()
    Plan.objects.filter(pk=plan.pk).update(is_public=False)
    client.force_login(people["focal_a"])
    assert client.get(f"/en/work/plans/{plan.slug}/milestones/").status_code == 404
