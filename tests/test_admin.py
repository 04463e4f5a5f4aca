"""The admin is for coordinators; every change there is kept in the history with its author."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError

from planwatch.core.management.commands.demo import create_demo_accounts


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
