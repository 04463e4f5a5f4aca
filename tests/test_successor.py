"""The successor plan: a draft copy of the NAP, the mapping of each old measure, publication,
the comparison page and the links between both plans' measure pages; drafts stay hidden."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError

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


def test_a_successor_needs_a_free_slug_and_a_title(nap, coordinator, successor):
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
        ("completed", [7], "", "targets", "has no new measure"),
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
    assert "1 measure(s) of the old plan are not mapped" in exc.value.messages[0]
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
