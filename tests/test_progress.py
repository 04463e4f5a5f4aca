"""The progress method (planwatch/indicators/progress.py): Statistics Canada's / Open SDG's ratio
of the observed to the required compound annual growth rate, worked through by hand."""

import datetime as dt

import pytest

from planwatch.indicators.progress import (
    DEFAULTS,
    Category,
    Point,
    assess,
    category_of,
    counts,
    plan_progress,
    share_text,
)
from planwatch.plans.progress_settings import settings_of, settings_problems
from tests.factories import make_progress_plan


def at(year: int, value: float) -> Point:
    return Point(dt.date(year, 12, 31), value, str(year))


def test_the_default_thresholds_are_the_published_ones():
    """Open SDG's table: R ≥ 95% on track, 60% ≤ R < 95% progress made but acceleration
    needed, 0% ≤ R < 60% limited progress, R < 0% deterioration."""
    assert (DEFAULTS["on_track"], DEFAULTS["moderate"], DEFAULTS["limited"]) == (0.95, 0.6, 0)
    assert category_of(0.95, DEFAULTS) == Category.ON_TRACK
    assert category_of(0.9499, DEFAULTS) == Category.MODERATE
    assert category_of(0.6, DEFAULTS) == Category.MODERATE
    assert category_of(0.5999, DEFAULTS) == Category.LIMITED
    assert category_of(0, DEFAULTS) == Category.LIMITED
    assert category_of(-0.0001, DEFAULTS) == Category.DETERIORATION


def test_worked_example_increase_on_track():
    """100 in 2015, 120 in 2020, target 150 in 2030: observed CAGR 1.2^(1/5) − 1 = 3.714 %,
    required 1.5^(1/15) − 1 = 2.740 %, R = 1.355; 20 of the 50 needed: 40 %."""
    progress = assess(at(2015, 100), at(2020, 120), at(2030, 150), "increase")
    assert progress.ratio == pytest.approx(1.35539, rel=1e-4)
    assert progress.category == Category.ON_TRACK
    assert progress.share == pytest.approx(0.4)
    assert share_text(progress) == "40"


def test_worked_example_moderate():
    """110 in 2020: observed 1.1^(1/5) − 1 = 1.924 %, R = 0.702."""
    progress = assess(at(2015, 100), at(2020, 110), at(2030, 150), "increase")
    assert progress.ratio == pytest.approx(0.70238, rel=1e-4)
    assert progress.category == Category.MODERATE


def test_worked_example_decrease():
    """50 in 2015, 45 in 2020, target 25 in 2030 (decrease): observed −2.085 %, required
    −4.516 %, R = −1 × −2.085 / 4.516 = 0.462: limited progress; 5 of 25 done: 20 %."""
    progress = assess(at(2015, 50), at(2020, 45), at(2030, 25), "decrease")
    assert progress.ratio == pytest.approx(0.46174, rel=1e-4)
    assert progress.category == Category.LIMITED
    assert progress.share == pytest.approx(0.2)


def test_moving_away_is_deterioration():
    progress = assess(at(2015, 100), at(2020, 90), at(2030, 150), "increase")
    assert progress.ratio == pytest.approx(-0.76102, rel=1e-4)
    assert progress.category == Category.DETERIORATION
    assert progress.share == pytest.approx(-0.2)


def test_reach_takes_its_direction_from_the_baseline():
    down = assess(at(2015, 50), at(2020, 45), at(2030, 25), "reach")
    assert down.ratio == pytest.approx(0.46174, rel=1e-4)
    up = assess(at(2015, 100), at(2020, 120), at(2030, 150), "reach")
    assert up.category == Category.ON_TRACK


def test_a_target_already_met_is_achieved_whatever_the_pace():
    assert assess(at(2015, 100), at(2020, 160), at(2030, 150), "increase").category == (
        Category.TARGET_ACHIEVED
    )
    # At most 25: met at the baseline already, and still met though moving up.
    assert assess(at(2015, 20), at(2020, 22), at(2030, 25), "decrease").category == (
        Category.TARGET_ACHIEVED
    )
    # Met no longer: 26 is above the 25 allowed.
    assert assess(at(2015, 20), at(2020, 26), at(2030, 25), "decrease").category == (
        Category.DETERIORATION
    )


def test_a_zero_baseline_is_replaced_by_a_thousandth():
    """The method's own rule: 0 → 0.001. 0 → 5 in five years against 0 → 10 in fifteen:
    (5000^(1/5) − 1) / (10000^(1/15) − 1) = 5.299."""
    progress = assess(at(2015, 0), at(2020, 5), at(2030, 10), "increase")
    assert progress.ratio == pytest.approx(5.29906, rel=1e-4)
    assert progress.category == Category.ON_TRACK
    assert progress.share == pytest.approx(0.5)


def test_no_baseline_or_one_point_cannot_be_assessed():
    assert assess(None, None, at(2030, 10)).category == Category.INSUFFICIENT_DATA
    one = at(2020, 5)
    assert assess(one, one, at(2030, 10)).category == Category.INSUFFICIENT_DATA
    # A target due before the baseline has no required rate.
    assert assess(at(2015, 1), at(2020, 2), at(2014, 10)).category == Category.INSUFFICIENT_DATA


def test_no_target():
    progress = assess(at(2015, 1), at(2020, 2), None)
    assert progress.category == Category.NO_TARGET
    assert progress.label == "no target"


def test_keep_is_achieved_within_the_tolerance():
    assert assess(at(2015, 100), at(2020, 104), at(2030, 100), "keep").category == (
        Category.TARGET_ACHIEVED
    )
    assert assess(at(2015, 100), at(2020, 94), at(2030, 100), "keep").category == (
        Category.DETERIORATION
    )
    wide = {"keep_tolerance": 0.1}
    assert assess(at(2015, 100), at(2020, 94), at(2030, 100), "keep", wide).category == (
        Category.TARGET_ACHIEVED
    )


def test_linear_pace_for_running_totals():
    """0 at the start of 2021, 300 at the end of 2022 (150 a year); 1000 by 2030 needs 100 a
    year: R = 1.5."""
    start = Point(dt.date(2020, 12, 31), 0)
    progress = assess(start, at(2022, 300), at(2030, 1000), "increase", linear=True)
    assert progress.ratio == pytest.approx(1.5)
    assert progress.category == Category.ON_TRACK
    assert progress.share == pytest.approx(0.3)


def test_the_thresholds_are_the_plans():
    strict = {"on_track": 1.5}
    progress = assess(at(2015, 100), at(2020, 120), at(2030, 150), "increase", strict)
    assert progress.category == Category.MODERATE


def test_settings_problems_are_named():
    assert settings_problems({}) == []
    assert settings_problems({"on_track": 0.9}) == []
    assert "Unknown progress setting 'fast'" in settings_problems({"fast": 1})[0]
    assert "must be a number" in settings_problems({"moderate": "x"})[0]
    assert "limited ≤ moderate ≤ on_track" in settings_problems({"moderate": 2})[0]
    assert "must be a mapping" in settings_problems([1])[0]


@pytest.mark.django_db
def test_a_plan_with_bad_settings_is_refused_by_validation_and_uses_the_defaults():
    from django.core.exceptions import ValidationError

    plan = make_progress_plan()
    plan.progress_settings = {"on_track": "fast"}
    with pytest.raises(ValidationError):
        plan.clean()
    assert settings_of(plan) == DEFAULTS


@pytest.mark.django_db
def test_the_factory_plan_has_every_category():
    plan = make_progress_plan()
    progress = {i.code: p for i, p in _by_indicator(plan).items()}
    assert progress["target-achieved"].category == Category.TARGET_ACHIEVED
    assert progress["on-track"].category == Category.ON_TRACK
    assert progress["moderate"].category == Category.MODERATE
    assert progress["limited"].category == Category.LIMITED
    assert progress["deterioration"].category == Category.DETERIORATION
    assert progress["insufficient-data"].category == Category.INSUFFICIENT_DATA
    assert progress["no-target"].category == Category.NO_TARGET
    assert progress["kept"].category == Category.TARGET_ACHIEVED
    assert progress["running-total"].category == Category.ON_TRACK
    assert progress["running-total"].ratio == pytest.approx(1.5, rel=1e-3)
    tally = {code: n for code, _label, n in counts(progress.values())}
    assert tally == {
        "target_achieved": 2,
        "on_track": 2,
        "moderate": 1,
        "limited": 1,
        "deterioration": 1,
        "insufficient_data": 1,
        "no_target": 2,  # "no-target" and the plan's own indicator "ind"
    }


def _by_indicator(plan):
    from planwatch.indicators.models import Indicator

    indicators = {i.pk: i for i in Indicator.objects.filter(plan=plan)}
    return {indicators[pk]: p for pk, p in plan_progress(plan).items()}


@pytest.mark.django_db
def test_plan_progress_takes_three_queries(django_assert_num_queries):
    plan = make_progress_plan()
    with django_assert_num_queries(3):
        plan_progress(plan)
