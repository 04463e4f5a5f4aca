"""The plan's final evaluation round: marked through one service (reporting/final_round.py), the
round's work page (with its confirmation page) and ``planwatch round mark-final``; at most one per
plan (a database constraint); who may and who may not; bad cases change nothing."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from planwatch.reporting import final_round
from planwatch.reporting.models import Event, Round

from .factories import add_round, make_plan, make_user

pytestmark = pytest.mark.usefixtures("english")  # the services' messages, read in English


@pytest.fixture
def plan(db):
    plan = make_plan("final-plan", measures=6, pillars=2)
    add_round(plan, "r2", dt.date(2023, 11, 2), dt.date(2024, 12, 31), {1: "implemented"})
    add_round(plan, "r3", dt.date(2025, 1, 1), dt.date(2025, 12, 31), {1: "implemented"})
    return plan


@pytest.fixture
def people(plan):
    other = make_plan("other-plan", measures=2, pillars=1)
    return {
        "coordinator": make_user("coordinator@example.org", role="coordinator", plan=plan),
        "other_coordinator": make_user("other@example.org", role="coordinator", plan=other),
        "focal_point": make_user("focal@example.org", role="focal_point", actor="final-plan-a1"),
        "assessor": make_user("assessor@example.org", role="assessor", actor="final-plan-a2"),
        "admin": make_user("admin@example.org", is_superuser=True, is_staff=True),
    }


def the_round(plan, slug="r3") -> Round:
    return plan.rounds.get(slug=slug)


def finals(plan) -> list[str]:
    return list(plan.rounds.filter(is_final=True).values_list("slug", flat=True))


def events(plan) -> int:
    return Event.objects.filter(plan=plan, action="reporting.round.marked_final").count()


# The service ------------------------------------------------------------------------------------


def test_the_coordinator_marks_a_published_round_final(plan, people):
    round_ = the_round(plan)
    final_round.mark_final(round_, user=people["coordinator"])
    assert finals(plan) == ["r3"]
    assert final_round.final_round(plan) == round_
    event = Event.objects.get(plan=plan, action="reporting.round.marked_final")
    assert event.round == round_ and event.user == people["coordinator"]


def test_a_site_administrator_may_mark_it_too(plan, people):
    final_round.mark_final(the_round(plan), user=people["admin"])
    assert finals(plan) == ["r3"]


@pytest.mark.parametrize("who", ["other_coordinator", "focal_point", "assessor"])
def test_others_may_not_and_nothing_changes(plan, people, who):
    with pytest.raises(PermissionDenied):
        final_round.mark_final(the_round(plan), user=people[who])
    assert finals(plan) == [] and events(plan) == 0


def test_a_second_final_round_is_refused_with_its_name(plan, people):
    final_round.mark_final(the_round(plan, "r2"), user=people["coordinator"])
    with pytest.raises(ValidationError) as error:
        final_round.mark_final(the_round(plan), user=people["coordinator"])
    assert error.value.messages == ["The plan already has a final evaluation round: Round r2."]
    assert finals(plan) == ["r2"] and events(plan) == 1


def test_marking_the_final_round_again_is_refused(plan, people):
    final_round.mark_final(the_round(plan), user=people["coordinator"])
    with pytest.raises(ValidationError, match="already the plan's final evaluation round"):
        final_round.mark_final(the_round(plan), user=people["coordinator"])
    assert events(plan) == 1


@pytest.mark.parametrize("state", ["draft", "open", "closed"])
def test_an_unpublished_round_is_refused(plan, people, state):
    round_ = add_round(plan, "r4", dt.date(2026, 1, 1), dt.date(2026, 6, 30), state=state)
    with pytest.raises(ValidationError, match="Only a published round can be marked"):
        final_round.mark_final(round_, user=people["coordinator"])
    assert finals(plan) == [] and events(plan) == 0


def test_a_round_of_another_plan_is_refused(plan, people):
    other = make_plan("third-plan", measures=2, pillars=1)
    with pytest.raises(ValidationError, match="is not a round of this plan"):
        final_round.mark_final(the_round(plan), user=people["coordinator"], plan=other)
    assert finals(plan) == []


def test_the_database_holds_at_most_one_final_round_per_plan(plan, people):
    Round.objects.filter(plan=plan, slug="r2").update(is_final=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(plan=plan, slug="r3").update(is_final=True)
    # Other plans keep their own.
    other = make_plan("fourth-plan", measures=2, pillars=1)
    other.rounds.update(is_final=True)
    assert finals(plan) == ["r2"] and finals(other) == ["r1"]


# The work page ----------------------------------------------------------------------------------


def text(response) -> str:
    return response.content.decode().replace("&#x27;", "'")


def round_url(round_) -> str:
    return f"/en/work/rounds/{round_.pk}/"


def test_the_round_page_offers_the_button_and_a_confirmation(client, plan, people):
    round_ = the_round(plan)
    client.force_login(people["coordinator"])
    page = client.get(round_url(round_)).content.decode()
    assert "Mark as the final evaluation round" in page
    assert f'action="/en/work/rounds/{round_.pk}/final/"' in page
    confirm = client.get(f"{round_url(round_)}final/")
    assert confirm.status_code == 200
    assert "A plan has one final evaluation round." in confirm.content.decode()
    assert finals(plan) == []  # looking changes nothing
    refused = client.post(f"{round_url(round_)}final/", {})
    assert refused.status_code == 200
    assert "Tick the box to confirm that this round is the final one." in text(refused)
    assert finals(plan) == []
    done = client.post(f"{round_url(round_)}final/", {"confirm": "on"})
    assert done.status_code == 302 and done["Location"] == round_url(round_)
    assert finals(plan) == ["r3"] and events(plan) == 1
    page = client.get(round_url(round_)).content.decode().replace("&#x27;", "'")
    assert "This round is the plan's final evaluation round." in page
    assert f"/en/plans/{plan.slug}/reports/final.pdf" in page
    assert "Mark as the final evaluation round" not in page


def test_the_page_says_why_when_the_plan_already_has_one(client, plan, people):
    final_round.mark_final(the_round(plan, "r2"), user=people["coordinator"])
    client.force_login(people["coordinator"])
    response = client.post(f"{round_url(the_round(plan))}final/", {"confirm": "on"})
    assert response.status_code == 200
    assert "The plan already has a final evaluation round: Round r2." in text(response)
    assert finals(plan) == ["r2"]


def test_an_unpublished_round_shows_no_button_and_refuses(client, plan, people):
    round_ = add_round(plan, "r4", dt.date(2026, 1, 1), dt.date(2026, 6, 30), state="closed")
    client.force_login(people["coordinator"])
    assert "Mark as the final evaluation round" not in text(client.get(round_url(round_)))
    response = client.post(f"{round_url(round_)}final/", {"confirm": "on"})
    assert "Only a published round can be marked" in text(response)
    assert finals(plan) == []


@pytest.mark.parametrize(
    "who, code",
    [("other_coordinator", 403), ("focal_point", 403), ("assessor", 403), (None, 302)],
)
def test_others_cannot_use_the_page(client, plan, people, who, code):
    if who:
        client.force_login(people[who])
    url = f"{round_url(the_round(plan))}final/"
    assert client.get(url).status_code == code
    assert client.post(url, {"confirm": "on"}).status_code == code
    assert finals(plan) == []


# The command line -------------------------------------------------------------------------------


def mark(*args) -> str:
    out = io.StringIO()
    call_command("round", "mark-final", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_marks_the_round(plan, people):
    out = mark("--plan", plan.slug, "--round", "r3", "--user", " Coordinator@Example.org ")
    assert out == "Round 'r3' is now the final evaluation round of plan 'final-plan'.\n"
    assert finals(plan) == ["r3"] and events(plan) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["--plan", "nope", "--round", "r3"], "No plan 'nope'."),
        (["--plan", "final-plan", "--round", "nope"], "No round 'nope' in plan 'final-plan'."),
        (["--plan", "other-plan", "--round", "r3"], "No round 'r3' in plan 'other-plan'."),
    ],
)
def test_the_command_refuses_unknown_names(plan, people, args, message):
    with pytest.raises(CommandError, match=message):
        mark(*args, "--user", "coordinator@example.org")
    assert finals(plan) == []


def test_the_command_refuses_others_and_bad_cases(plan, people):
    base = ["--plan", plan.slug, "--round", "r3", "--user"]
    with pytest.raises(CommandError, match="No account 'nobody@example.org'"):
        mark(*base, "nobody@example.org")
    for who in ("other@example.org", "focal@example.org", "assessor@example.org"):
        with pytest.raises(CommandError, match="only its coordinators may"):
            mark(*base, who)
    assert finals(plan) == []
    add_round(plan, "r4", dt.date(2026, 1, 1), dt.date(2026, 6, 30), state="open")
    with pytest.raises(CommandError, match="Only a published round can be marked"):
        mark("--plan", plan.slug, "--round", "r4", "--user", "coordinator@example.org")
    mark(*base, "coordinator@example.org")
    with pytest.raises(CommandError, match="already has a final evaluation round: Round r3"):
        mark("--plan", plan.slug, "--round", "r2", "--user", "coordinator@example.org")
    assert finals(plan) == ["r3"] and events(plan) == 1
