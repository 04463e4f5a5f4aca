"""The plan writer's own history writer (``datasets/bulk.history``) writes the records
django-simple-history's bulk API writes (``bulk_history_create``): the same rows, column by
column. For deletions, which that API has no form for, it writes the record ``delete()`` writes.
"""

import datetime as dt

import pytest
from django.utils import timezone

from planwatch.actors.models import Actor
from planwatch.datasets import bulk
from planwatch.plans.models import Measure, MeasureActor
from tests.factories import make_user

REASON = "documents.import.plan"


def records(model, date) -> list[dict]:
    """The historical records of ``date``, without their own id, in the rows' order."""
    rows = model.history.filter(history_date=date).order_by("id").values()
    return [{k: v for k, v in row.items() if k != "history_id"} for row in rows]


def by_library(model, objs, kind, user, date):
    model.history.bulk_history_create(
        objs,
        update=kind == "~",
        default_user=user,
        default_change_reason=REASON,
        default_date=date,
    )


def by_bulk(model, objs, kind, user, date):
    bulk.history(model, objs, kind, user, REASON, date)


@pytest.mark.parametrize("kind", ["+", "~"])
@pytest.mark.parametrize("model", [Measure, MeasureActor, Actor])
@pytest.mark.parametrize("with_user", [True, False])
def test_the_same_records_as_bulk_history_create(nap, model, kind, with_user):
    objs = list(model.objects.order_by("id")[:25])
    assert objs
    for obj in objs[:5]:  # changed in memory, as an import changes them before writing
        if model is Measure:
            obj.title_fr = f"{obj.title_fr or ''} (modifié)"
        elif model is MeasureActor:
            obj.order += 1
        else:
            obj.short_de = "X"
    user = make_user(role=None) if with_user else None
    first = timezone.now() - dt.timedelta(days=1)
    second = first + dt.timedelta(seconds=1)
    by_library(model, objs, kind, user, first)
    by_bulk(model, objs, kind, user, second)
    library, ours = records(model, first), records(model, second)
    assert len(library) == len(objs)
    assert ours == [{**row, "history_date": second} for row in library]


def test_a_deletion_record_is_the_one_delete_writes(nap):
    user = make_user(role=None)
    first = timezone.now() - dt.timedelta(days=1)
    second = first + dt.timedelta(seconds=1)
    deleted = MeasureActor.objects.order_by("id").first()
    # What a delete() records: the row as it was, "-", with the user and reason given to it.
    deleted._history_user, deleted._history_date, deleted._change_reason = user, first, REASON
    deleted_pk = deleted.pk
    deleted.delete()
    deleted.pk = deleted_pk
    by_bulk(MeasureActor, [deleted], "-", user, second)
    library, ours = records(MeasureActor, first), records(MeasureActor, second)
    assert library and library[0]["history_type"] == "-"
    assert ours == [{**row, "history_date": second} for row in library]
