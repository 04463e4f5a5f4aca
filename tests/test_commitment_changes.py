"""Versioned commitments: each change of a measure during its plan is public (page, API,
export), made through one service by the plan's coordinators, with a reason."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from planwatch.documents.exports import SOURCES, export
from planwatch.plans.models import Measure, MeasureChange
from planwatch.reporting.commitments import change_measure

from .factories import make_plan, make_user


@pytest.fixture
def measure(nap) -> Measure:
    return Measure.objects.get(plan=nap, number=12)


def test_each_change_is_recorded_with_before_and_after(measure, coordinator, english):
    old_title = measure.title_en
    changes = change_measure(
        coordinator,
        measure,
        reason="Agreed at the interministerial conference.",
        on=dt.date(2024, 3, 1),
        lang="en",
        title="A sharper title",
        deadline=dt.date(2025, 6, 30),
        budget=Decimal("125000.50"),
    )
    assert [(c.field, c.before, c.after) for c in changes] == [
        ("title", old_title, "A sharper title"),
        ("deadline", "", "2025-06-30"),
        ("budget", "", "125000.50"),
    ]
    measure.refresh_from_db()
    assert measure.title_en == "A sharper title" and measure.budget == Decimal("125000.50")
    assert all(c.reason_en == "Agreed at the interministerial conference." for c in changes)


def test_actors_change(measure, coordinator, english):
    (change,) = change_measure(
        coordinator, measure, reason="New lead.", lead=["igvm"], partners=["fod-justitie"]
    )
    assert change.field == "actors" and change.after == "lead: igvm; partners: fod-justitie"
    assert list(measure.measure_actors.values_list("actor__slug", "role")) == [
        ("igvm", "lead"),
        ("fod-justitie", "partner"),
    ]


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"title": "x"}, "reason", "public reason"),
        ({"title": " "}, "title", "needs a title"),
        ({"lead": ["nobody"]}, "lead", "Unknown actor"),
        ({"lead": []}, "lead", "at least one lead"),
        ({"budget": Decimal("-1")}, "budget", "between 0"),
    ],
)
def test_a_wrong_change_is_refused_and_changes_nothing(
    measure, coordinator, english, values, field, message
):
    reason = "" if field == "reason" else "Why not."
    with pytest.raises(ValidationError) as exc:
        change_measure(coordinator, measure, reason=reason, **values)
    assert message in " ".join(exc.value.message_dict[field])
    assert not MeasureChange.objects.exists()


def test_nothing_changed_is_said(measure, coordinator, english):
    with pytest.raises(ValidationError, match="Nothing changed"):
        change_measure(coordinator, measure, reason="x", title=measure.title_en, lang="en")


def test_who_may_change(nap, measure, focal_a):
    for user in (
        focal_a,
        AnonymousUser(),
        make_user(role="coordinator", plan=make_plan(measures=1)),
    ):
        with pytest.raises(PermissionDenied):
            change_measure(user, measure, reason="x", dropped=True)
    assert not Measure.objects.get(pk=measure.pk).dropped


def test_a_dropped_measure_stays_visible_and_marked(client, nap, measure, coordinator, english):
    change_measure(coordinator, measure, reason="Taken over by the regions.", dropped=True)
    listing = client.get("/en/plans/nap-2021-2025/measures/").content.decode()
    row = listing[listing.index('href="/en/plans/nap-2021-2025/measures/12/"') :][:400]
    assert "dropped" in row
    page = client.get("/en/plans/nap-2021-2025/measures/12/").content.decode()
    assert "Dropped during the plan." in page and "Taken over by the regions." in page
    assert "What changed" in page
    plan_page = client.get("/en/plans/nap-2021-2025/").content.decode()
    assert "1 measure was dropped during the plan" in plan_page
    rows = list(SOURCES["measures"](nap))
    assert [r["dropped"] for r in rows if r["number"] == 12] == [True]
    assert sum(r["dropped"] for r in rows) == 1


def test_changes_are_an_export_source_and_in_the_api(client, nap, measure, coordinator):
    change_measure(coordinator, measure, reason="Later.", lang="en", deadline=dt.date(2026, 1, 1))
    out = io.BytesIO()
    export(out, "changes", "csv", nap)
    text = out.getvalue().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("measure,date,field,language,before,after,reason_")
    assert f"12,{timezone.localdate().isoformat()},deadline,,,2026-01-01," in text
    assert client.get("/en/plans/nap-2021-2025/downloads/changes.xlsx").status_code == 200
    answer = client.get("/api/v1/plans/nap-2021-2025/changes/?measure=12").json()
    assert answer["results"][0]["after"] == "2026-01-01"
    assert answer["results"][0]["reason"]["en"] == "Later."
    assert client.get("/api/v1/plans/nap-2021-2025/changes/?field=nonsense").status_code == 400
    package = json.loads(_datapackage(client))
    assert "changes" in [r["name"] for r in package["resources"]]


def _datapackage(client) -> bytes:
    import zipfile

    data = client.get("/en/plans/nap-2021-2025/downloads/datapackage.zip")
    with zipfile.ZipFile(
        io.BytesIO(b"".join(data.streaming_content) if data.streaming else data.content)
    ) as z:
        return z.read("nap-2021-2025/datapackage.json")


def test_the_work_page_and_the_command(client, nap, measure, coordinator, focal_a):
    url = "/en/work/plans/nap-2021-2025/measures/12/change/"
    client.force_login(focal_a)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data["dropped"] = ""
    response = client.post(url, {**data, "budget": "1.234,5x", "reason": "Costs."})
    assert response.status_code == 200 and not MeasureChange.objects.exists()
    response = client.post(url, {**data, "budget": "2500,00", "reason": "Costs."})
    assert response.status_code == 302
    assert Measure.objects.get(pk=measure.pk).budget == Decimal("2500.00")
    call_command(
        "plan", "change", "nap-2021-2025", "12", "--drop", "--reason", "Obsolete.",
        "--user", coordinator.email,
    )  # fmt: skip
    assert Measure.objects.get(pk=measure.pk).dropped
    with pytest.raises(CommandError, match="may not"):
        call_command(
            "plan", "change", "nap-2021-2025", "12", "--restore", "--reason", "x",
            "--user", focal_a.email,
        )  # fmt: skip
