"""The successor plan: a draft copy of the NAP, the mapping of each old measure, publication,
the comparison page and the links between both plans' measure pages; drafts stay hidden."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from planwatch.plans.models import Measure, MeasureMapping, Plan
from planwatch.reporting.successor import (
    create_successor,
    publication_problems,
    publish_successor,
    set_mapping,
)

from .factories import make_user

Kind = MeasureMapping.Kind


@pytest.fixture
def successor(nap, coordinator) -> Plan:
    return create_successor(
        coordinator, nap, slug="nap-2026-2030", title="NAP 2026-2030", lang="en"
    )


def mapping(plan: Plan, number: int) -> MeasureMapping:
    return MeasureMapping.objects.get(successor=plan, measure__number=number)


def test_the_copy_is_complete(nap, successor):
    assert not successor.is_public and successor.predecessor == nap
    assert successor.title_en == "NAP 2026-2030"
    assert successor.sections.count() == nap.sections.count()
    assert successor.measures.count() == nap.measures.count() > 100
    old = nap.measures.get(number=12)
    new = successor.measures.get(number=12)
    assert (new.title_nl, new.title_fr, new.description_de) == (
        old.title_nl,
        old.title_fr,
        old.description_de,
    )
    assert new.section.code == old.section.code and new.section.plan == successor
    assert list(new.measure_actors.values_list("actor__slug", "role")) == list(
        old.measure_actors.values_list("actor__slug", "role")
    )
    assert set(new.tags.all()) == set(old.tags.all())
    assert set(new.provisions.all()) == set(old.provisions.all())
    # The coordinators of the old plan coordinate the new one.
    assert successor.roles.filter(kind="coordinator").count() == 1


def test_every_old_measure_is_continued_as_its_copy_by_default(nap, successor):
    mappings = MeasureMapping.objects.filter(successor=successor).prefetch_related("targets")
    assert mappings.count() == nap.measures.count()
    for m in mappings:
        assert m.kind == Kind.CONTINUED
        assert [t.number for t in m.targets.all()] == [m.measure.number]
    assert publication_problems(successor) == []


def test_a_successor_needs_a_free_slug_and_a_title(nap, coordinator, successor, english):
    with pytest.raises(ValidationError, match="already exists"):
        create_successor(coordinator, nap, slug="nap-2026-2030", title="x")
    with pytest.raises(ValidationError, match="title"):
        create_successor(coordinator, nap, slug="other", title=" ")
    with pytest.raises(ValidationError, match="slug"):
        create_successor(coordinator, nap, slug="no spaces", title="x")
    assert Plan.objects.count() == 2


def test_each_kind_of_mapping(nap, coordinator, successor, english):
    set_mapping(coordinator, mapping(successor, 2), kind=Kind.CONTINUED, targets=[2, 4])
    set_mapping(coordinator, mapping(successor, 7), kind=Kind.MERGED, targets=[4])
    set_mapping(coordinator, mapping(successor, 8), kind=Kind.COMPLETED)
    set_mapping(coordinator, mapping(successor, 9), kind=Kind.DROPPED, reason="Done by law.")
    assert [t.number for t in mapping(successor, 2).targets.all()] == [2, 4]
    assert mapping(successor, 8).targets.count() == 0
    assert mapping(successor, 9).reason_en == "Done by law."
    assert Measure.objects.get(plan=successor, number=4).continues.count() == 3  # its own, 2 and 7


@pytest.mark.parametrize(
    "kind, targets, reason, field, message",
    [
        ("continued", [], "", "targets", "Name the new measure"),
        ("merged", [2, 4], "", "targets", "one new measure"),
        ("dropped", [], " ", "reason", "public reason"),
        ("continued", [999], "", "targets", "no measure 999"),
        ("nonsense", [], "", "kind", "Choose"),
    ],
)
def test_a_wrong_mapping_is_refused_and_changes_nothing(
    successor, coordinator, english, kind, targets, reason, field, message
):
    with pytest.raises(ValidationError) as exc:
        set_mapping(coordinator, mapping(successor, 11), kind=kind, targets=targets, reason=reason)
    assert message in " ".join(exc.value.message_dict[field])
    assert mapping(successor, 11).kind == Kind.CONTINUED


def test_an_undecided_measure_blocks_publication_with_a_clear_message(
    successor, coordinator, english
):
    set_mapping(coordinator, mapping(successor, 13), kind=Kind.UNDECIDED)
    with pytest.raises(ValidationError) as exc:
        publish_successor(coordinator, successor)
    assert "1 measure of the old plan is not mapped" in exc.value.messages[0]
    assert "Measure 13: say what became of it." in exc.value.messages
    successor.refresh_from_db()
    assert not successor.is_public
    set_mapping(coordinator, mapping(successor, 13), kind=Kind.COMPLETED)
    publish_successor(coordinator, successor)
    successor.refresh_from_db()
    assert successor.is_public
    with pytest.raises(ValidationError, match="published"):
        set_mapping(coordinator, mapping(successor, 13), kind=Kind.CONTINUED, targets=[13])


def test_who_may_prepare_map_and_publish(nap, successor, focal_a):
    other = make_user(role="coordinator", plan=successor)  # coordinates the new plan only
    admin = make_user(is_superuser=True)
    for user in (focal_a, other, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            create_successor(user, nap, slug="x", title="x")
        with pytest.raises(PermissionDenied):
            set_mapping(user, mapping(successor, 2), kind=Kind.COMPLETED)
        with pytest.raises(PermissionDenied):
            publish_successor(user, successor)
    set_mapping(admin, mapping(successor, 2), kind=Kind.COMPLETED)
    assert mapping(successor, 2).kind == Kind.COMPLETED


def published(coordinator, successor) -> Plan:
    set_mapping(coordinator, mapping(successor, 2), kind=Kind.CONTINUED, targets=[2, 4])
    set_mapping(coordinator, mapping(successor, 7), kind=Kind.MERGED, targets=[8])
    set_mapping(coordinator, mapping(successor, 9), kind=Kind.COMPLETED)
    set_mapping(
        coordinator, mapping(successor, 10), kind=Kind.DROPPED, reason="Covered by a new law."
    )
    return publish_successor(coordinator, successor)


DRAFT_URLS = [
    "/en/plans/nap-2026-2030/",
    "/en/plans/nap-2026-2030/measures/",
    "/en/plans/nap-2026-2030/measures/2/",
    "/en/plans/nap-2026-2030/comparison/",
    "/en/plans/nap-2026-2030/coverage/",
    "/en/plans/nap-2026-2030/differences/",
    "/en/plans/nap-2026-2030/indicators/",
    "/en/plans/nap-2026-2030/data/",
    "/en/plans/nap-2026-2030/downloads/measures.csv",
    "/en/plans/nap-2026-2030/downloads/changes.json",
    "/en/plans/nap-2026-2030/downloads/datapackage.zip",
    "/en/plans/nap-2026-2030/reports/coverage.html",
    "/api/v1/plans/nap-2026-2030/",
    "/api/v1/plans/nap-2026-2030/measures/",
]


def test_a_draft_plan_is_hidden_on_every_public_surface(client, nap, successor):
    for url in DRAFT_URLS:
        assert client.get(url).status_code == 404, url
    assert "nap-2026-2030" not in client.get("/api/v1/plans/").content.decode()
    assert "nap-2026-2030" not in client.get("/catalog.ttl").content.decode()
    # The old plan's measure page does not reveal the draft either.
    page = client.get("/en/plans/nap-2021-2025/measures/2/").content.decode()
    assert "nap-2026-2030" not in page
    assert "nap-2026-2030" not in client.get("/en/plans/nap-2021-2025/").content.decode()


def test_draft_plans_are_refused_by_the_public_commands(nap, successor, tmp_path):
    for command, args in [
        ("export", ["measures", "--plan", "nap-2026-2030", "--format", "csv"]),
        ("publish_static", ["--plan", "nap-2026-2030", "--out", str(tmp_path / "site")]),
        ("render_reports", ["--plan", "nap-2026-2030"]),
    ]:
        with pytest.raises(CommandError, match="nap-2026-2030"):
            call_command(command, *args)


def test_a_published_successor_shows_everywhere(client, nap, coordinator, successor):
    published(coordinator, successor)
    for url in DRAFT_URLS:
        assert client.get(url).status_code == 200, url
    plan_page = client.get("/en/plans/nap-2021-2025/").content.decode()
    assert 'href="/en/plans/nap-2026-2030/"' in plan_page
    assert 'href="/en/plans/nap-2026-2030/comparison/"' in plan_page
    new_page = client.get("/en/plans/nap-2026-2030/").content.decode()
    assert 'href="/en/plans/nap-2021-2025/"' in new_page


def test_both_measure_pages_link_measure_to_measure(client, nap, coordinator, successor):
    published(coordinator, successor)
    old = client.get("/en/plans/nap-2021-2025/measures/2/").content.decode()
    assert "Continued as" in old
    assert 'href="/en/plans/nap-2026-2030/measures/2/"' in old
    assert 'href="/en/plans/nap-2026-2030/measures/4/"' in old
    new = client.get("/en/plans/nap-2026-2030/measures/4/").content.decode()
    assert "Continues" in new
    assert 'href="/en/plans/nap-2021-2025/measures/2/"' in new
    assert 'href="/en/plans/nap-2021-2025/measures/4/"' in new
    merged = client.get("/en/plans/nap-2021-2025/measures/7/").content.decode()
    assert "Merged into" in merged and 'href="/en/plans/nap-2026-2030/measures/8/"' in merged
    dropped = client.get("/en/plans/nap-2021-2025/measures/10/").content.decode()
    assert "Dropped from" in dropped and "Covered by a new law." in dropped
    completed = client.get("/en/plans/nap-2021-2025/measures/9/").content.decode()
    assert "Completed" in completed


def test_the_comparison_page_lists_per_pillar(client, nap, coordinator, successor):
    published(coordinator, successor)
    # Measure 10's copy continues nothing now: it is new in the new plan.
    page = client.get("/en/plans/nap-2026-2030/comparison/").content.decode()
    one = page[page.index('id="pillar-1"') : page.index('id="pillar-2"')]
    two = page[page.index('id="pillar-2"') : page.index('id="pillar-3"')]
    assert "Merged" in one and 'href="/en/plans/nap-2021-2025/measures/7/"' in one
    assert "Carried over" in one and 'href="/en/plans/nap-2026-2030/measures/4/"' in one
    assert "Dropped" not in one and "Completed" not in one
    assert "Dropped" in two and "Covered by a new law." in two
    assert "Completed" in two and 'href="/en/plans/nap-2021-2025/measures/9/"' in two
    assert "New" in two and 'href="/en/plans/nap-2026-2030/measures/10/"' in two


def test_the_work_page_lists_filters_and_edits_the_mapping(client, nap, coordinator, successor):
    client.force_login(coordinator)
    url = "/en/work/plans/nap-2026-2030/successor/"
    page = client.get(url + "?state=continued&pillar=1").content.decode()
    assert 'href="/en/work/plans/nap-2026-2030/successor/2/"' in page
    assert "/successor/112/" not in page  # pillar 5
    assert "/successor/2/" not in client.get(url + "?state=dropped").content.decode()
    before = MeasureMapping.objects.filter(kind=Kind.CONTINUED).count()
    client.get(url + "2/")  # GET never writes
    assert MeasureMapping.objects.filter(kind=Kind.CONTINUED).count() == before
    response = client.post(url + "2/", {"kind": "dropped", "targets": "", "reason": ""})
    assert response.status_code == 200
    assert "Give the public reason why the measure is dropped." in response.content.decode()
    assert mapping(successor, 2).kind == Kind.CONTINUED
    response = client.post(url + "2/", {"kind": "continued", "targets": "two", "reason": ""})
    assert "Write measure numbers only" in response.content.decode()
    response = client.post(url + "2/", {"kind": "dropped", "targets": "", "reason": "Obsolete."})
    assert response.status_code == 302
    assert mapping(successor, 2).kind == Kind.DROPPED


def test_publication_from_the_work_page_waits_for_every_measure(
    client, nap, coordinator, successor
):
    client.force_login(coordinator)
    set_mapping(coordinator, mapping(successor, 4), kind=Kind.UNDECIDED)
    page = client.get("/en/work/plans/nap-2026-2030/successor/").content.decode()
    assert "The plan cannot be published yet: 1 measure of the old plan is not mapped." in page
    assert "Measure 4: say what became of it." in page
    response = client.post("/en/work/plans/nap-2026-2030/successor/publish/", {"confirm": "on"})
    assert response.status_code == 302
    successor.refresh_from_db()
    assert not successor.is_public
    set_mapping(coordinator, mapping(successor, 4), kind=Kind.COMPLETED)
    response = client.post("/en/work/plans/nap-2026-2030/successor/publish/", {"confirm": "on"})
    assert response.url == "/en/plans/nap-2026-2030/comparison/"
    successor.refresh_from_db()
    assert successor.is_public


def test_who_may_see_the_work_page(client, nap, successor, focal_a):
    url = "/en/work/plans/nap-2026-2030/successor/"
    assert client.get(url).status_code == 302  # to the log-in page
    client.force_login(focal_a)
    assert client.get(url).status_code == 404  # a draft is not revealed
    assert client.post(url + "2/", {"kind": "completed"}).status_code == 404
    assert client.post(url + "publish/", {"confirm": "on"}).status_code == 404
    client.force_login(make_user(role="coordinator", plan=nap))
    assert client.get(url).status_code == 200


def test_the_commands(nap, coordinator, capsys):
    call_command(
        "plan", "successor", "--from", "nap-2021-2025", "--slug", "next", "--title", "Next",
        "--user", coordinator.email,
    )  # fmt: skip
    call_command(
        "plan", "map", "next", "2", "--kind", "merged", "--to", "4", "--user", coordinator.email
    )
    assert mapping(Plan.objects.get(slug="next"), 2).kind == Kind.MERGED
    with pytest.raises(CommandError, match="public reason"):
        call_command("plan", "map", "next", "4", "--kind", "dropped", "--user", coordinator.email)
    call_command("plan", "map", "next", "4", "--kind", "undecided", "--user", coordinator.email)
    with pytest.raises(CommandError, match="Measure 4: say what became of it."):
        call_command("plan", "publish", "next", "--user", coordinator.email)
    call_command("plan", "map", "next", "4", "--kind", "completed", "--user", coordinator.email)
    call_command("plan", "publish", "next", "--user", coordinator.email)
    assert Plan.objects.get(slug="next").is_public


def test_the_commands_check_who_runs_them(nap, focal_a):
    with pytest.raises(CommandError, match="may not"):
        call_command(
            "plan", "successor", "--from", "nap-2021-2025", "--slug", "next", "--title", "Next",
            "--user", focal_a.email,
        )  # fmt: skip
    with pytest.raises(CommandError, match="No user"):
        call_command("plan", "publish", "nap-2021-2025", "--user", "nobody@example.org")
    assert not Plan.objects.filter(slug="next").exists()
