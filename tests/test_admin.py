"""The admin is for coordinators; every change there is kept in the history with its author."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from planwatch.ops.management.commands.demo import create_demo_accounts

from .factories import make_user


@pytest.fixture
def coordinator(db):
    return get_user_model().objects.create_superuser("coordinator@example.org", password="x")


@pytest.fixture
def staff_without_rights(db):
    return get_user_model().objects.create_user("staff@example.org", password="x", is_staff=True)


ADMIN_PAGES = [
    "/admin/",
    "/admin/plans/measure/",
    "/admin/reporting/budgetline/",
    "/admin/indicators/indicator/",
    "/admin/actors/actor/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_is_sent_to_log_in(client, nap, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", ADMIN_PAGES[1:])
def test_staff_without_permission_is_refused(client, nap, staff_without_rights, url):
    client.force_login(staff_without_rights)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_coordinator_sees_the_admin(client, nap, coordinator, url):
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_a_change_in_the_admin_is_in_the_history_with_its_author(client, nap, coordinator):
    client.force_login(coordinator)
    measure = nap.measures.get(number=112)
    url = f"/admin/plans/measure/{measure.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "all"):
            value = [obj.pk for obj in value.all()]
        elif isinstance(value, list):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = value
    data["title_en"] = "A changed title"
    roles = list(measure.measure_actors.all())
    data.update(
        {
            "measure_actors-TOTAL_FORMS": len(roles),
            "measure_actors-INITIAL_FORMS": len(roles),
            "measure_actors-MIN_NUM_FORMS": 0,
            "measure_actors-MAX_NUM_FORMS": 1000,
        }
    )
    for i, role in enumerate(roles):
        data.update(
            {
                f"measure_actors-{i}-id": role.pk,
                f"measure_actors-{i}-measure": measure.pk,
                f"measure_actors-{i}-actor": role.actor_id,
                f"measure_actors-{i}-role": role.role,
                f"measure_actors-{i}-order": role.order,
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert measure.title_en == "A changed title"
    latest = measure.history.first()
    assert latest.history_user == coordinator
    change = latest.diff_against(latest.prev_record)
    assert "title_en" in change.changed_fields
    history_page = client.get(f"/admin/plans/measure/{measure.pk}/history/")
    assert history_page.status_code == 200
    assert "coordinator@example.org" in history_page.content.decode()


def test_no_demo_accounts_outside_demo_mode(nap, settings):
    assert not get_user_model().objects.exists()
    settings.DEMO = False
    with pytest.raises(CommandError, match="only in demo mode"):
        create_demo_accounts()


# Every record, in the admin ------------------------------------------------------------------

# Models kept out of the admin on purpose, with the reason.
NOT_IN_ADMIN = {
    "core.DataVersion": "an internal token naming the data's state, changed on every save",
}


def planwatch_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("planwatch.") and not model.__name__.startswith("Historical")
    ]


def test_every_model_is_in_the_admin_with_its_history():
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin
    from simple_history.models import registered_models

    tracked = set(registered_models.values())
    missing = []
    for model in planwatch_models():
        label = model._meta.label
        if label in NOT_IN_ADMIN:
            assert model not in admin.site._registry
            continue
        model_admin = admin.site._registry.get(model)
        if model_admin is None:
            missing.append(label)
        elif model in tracked:
            assert isinstance(model_admin, SimpleHistoryAdmin), f"{label} hides its history"
    assert not missing, f"not in the admin: {missing}"


@pytest.fixture
def every_record(nap_reports, coordinator):
    """At least one record of each kind the admin lists."""
    from planwatch.accounts.models import ResetRequest
    from planwatch.api.models import ApiToken
    from planwatch.reporting.models import (
        Event,
        MeasureStatus,
        Notification,
        RoundExtension,
        StatusCorrection,
    )

    status = MeasureStatus.objects.filter(round=nap_reports).first()
    StatusCorrection.objects.create(
        status=status, old_status="in_progress", new_status="implemented", reason="Typo"
    )
    Event.objects.create(
        action="reporting.status.corrected", plan=nap_reports.plan, round=nap_reports
    )
    ApiToken.objects.create(user=coordinator, name="script", key_hash="0" * 64, hint="pw_0")
    make_user("assessor@example.org", role="assessor", actor="national-platform")
    ResetRequest.objects.create(address="192.0.2.1", email_hash="0" * 64)
    RoundExtension.objects.create(
        round=nap_reports, actor=status.measure.actors.first(), until=nap_reports.end
    )
    from planwatch.milestones.models import (
        ConfidenceLevel,
        Milestone,
        MilestoneUpdate,
        Rebaselining,
    )

    milestone = Milestone.objects.first()
    MilestoneUpdate.objects.create(
        milestone=milestone,
        contribution=nap_reports.contributions.filter(measure=milestone.measure).first()
        or nap_reports.contributions.first(),
        forecast=milestone.baseline,
    )
    Rebaselining.objects.create(
        milestone=milestone,
        old_baseline=milestone.baseline,
        new_baseline=milestone.baseline,
        reason="Test",
        made_on=milestone.baseline,
    )
    ConfidenceLevel.objects.create(plan=nap_reports.plan, level=1, name_en="Certain")
    Notification.objects.create(user=coordinator, kind="digest", key="round-1-2026-12-04")
    from planwatch.reporting.commitments import change_measure
    from planwatch.reporting.successor import create_successor

    create_successor(coordinator, nap_reports.plan, slug="next", title="Next")
    change_measure(coordinator, status.measure, reason="Later.", budget=1000)
    return nap_reports


def test_every_changelist_and_change_page_loads_for_a_superuser(client, every_record, coordinator):
    from django.contrib import admin

    client.force_login(coordinator)
    for model in admin.site._registry:
        if not model.__module__.startswith("planwatch."):
            continue
        meta = model._meta
        listing = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert listing.status_code == 200, meta.label
        record = model.objects.first()
        assert record is not None, f"no {meta.label} to show"
        page = client.get(f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/change/")
        assert page.status_code == 200, meta.label
        if hasattr(model, "history"):
            history = client.get(f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/history/")
            assert history.status_code == 200, meta.label


def test_events_are_read_only_in_the_admin(client, every_record, coordinator):
    from planwatch.reporting.models import Event

    client.force_login(coordinator)
    event = Event.objects.get(action="reporting.status.corrected", round=every_record)
    page = client.get(f"/admin/reporting/event/{event.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert client.get("/admin/reporting/event/add/").status_code == 403
    changed = client.post(
        f"/admin/reporting/event/{event.pk}/change/", {"action": "forged", "reason": "x"}
    )
    assert changed.status_code == 403
    assert (
        client.post(f"/admin/reporting/event/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    bulk = client.post(
        "/admin/reporting/event/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    event.refresh_from_db()
    assert event.action == "reporting.status.corrected"
    assert bulk.status_code in (200, 302)


def test_a_change_in_the_admin_counts_as_a_save_for_the_version_check(
    client, every_record, coordinator
):
    from planwatch.reporting.models import Contribution

    client.force_login(coordinator)
    contribution = Contribution.objects.filter(state="validated", round=every_record).first()
    url = f"/admin/reporting/contribution/{contribution.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: form.initial.get(name) for name in form.fields if form.initial.get(name) is not None
    }
    data["narrative_en"] = "Corrected by the administrator."
    links = list(contribution.evidence.all())
    data.update(
        {
            "evidence-TOTAL_FORMS": len(links),
            "evidence-INITIAL_FORMS": len(links),
            "evidence-MIN_NUM_FORMS": 0,
            "evidence-MAX_NUM_FORMS": 1000,
        }
    )
    for i, link in enumerate(links):
        data.update(
            {
                f"evidence-{i}-id": link.pk,
                f"evidence-{i}-contribution": contribution.pk,
                f"evidence-{i}-url": link.url,
                f"evidence-{i}-label": link.label,
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    before = contribution.version
    contribution.refresh_from_db()
    assert contribution.narrative_en == "Corrected by the administrator."
    assert contribution.version == before + 1
    assert contribution.history.first().history_user == coordinator
