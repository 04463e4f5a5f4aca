"""The progress method against Open SDG's own implementation and publication.

What was found (December 2026): Open SDG's methodology page
(open-sdg/open-sdg, ``docs/progress-methodology.md`` at commit
26d2e38700e4fee329fea4823e908c4298064693) gives the formulas, the thresholds and the rules for
zeros, signs and base years, but no worked example with numbers. The reference implementation,
sdg-build's ``sdg/ProgressMeasure.py`` (open-sdg/sdg-build at commit
139fede74ba534d2ed8b9eee4cd878b41f54cb67), has one test (``tests/ProgressMeasure_test.py`` at
commit 44027aee6e685f5f5b792a521c6ca392ed096da2) that runs the calculation on its test data
without asserting any result; its one test indicator with a target is
``tests/assets/progress-calculation/data/indicator_3-3-3.csv`` with
``indicator-config/3-3-3.yml`` (both at commit 513547703ec3e9ebccec0713210527748787e79b).

So these tests take from them only facts: that indicator's numbers and settings, and the rules
of ``ProgressMeasure.py`` (R = sign · direction · CAGR_observed / |CAGR_required|; a target
achieved whatever the pace, counted inclusively; thresholds 0.95, 0.6 and 0, each inclusive at
its lower end; a baseline or target of 0 replaced by 0.001, a current value of 0 kept; a
negative baseline flips the sign; a baseline and current value of opposite signs cannot be
assessed). ``reference_ratio`` below restates those published equations in our own words, and
``assess`` must agree with it on a grid of cases.

Deliberate differences (also on the methods page): Planwatch's baseline is the earliest
observation where Open SDG takes 2015 (or the first year after it); a period is dated by its end
where Open SDG takes its first year (the same elapsed years for periods of equal length); an
indicator without a target is "no target" where Open SDG compares its growth with fixed rates;
each indicator has one series (Open SDG averages scores of several).
"""

import datetime as dt
import html
import itertools

import pytest

from planwatch.indicators.progress import DEFAULTS, Category, Point, assess


def at(year: int, value: float) -> Point:
    return Point(dt.date(year, 12, 31), value, str(year))


def reference_ratio(base: float, current: float, target: float, years: int, horizon: int, up: bool):
    """R as Open SDG's methodology writes it, for ``years`` observed and ``horizon`` to the
    target's year; None where the method cannot assess."""
    base = 0.001 if base == 0 else base
    target = 0.001 if target == 0 else target
    if base * current < 0:
        return None
    sign = -1 if base < 0 else 1
    direction = 1 if up else -1
    observed = (current / base) ** (1 / years) - 1
    required = (target / base) ** (1 / horizon) - 1
    return sign * direction * observed / abs(required)


def reference_category(ratio: float | None) -> str:
    if ratio is None:
        return Category.INSUFFICIENT_DATA
    if ratio >= 0.95:
        return Category.ON_TRACK
    if ratio >= 0.6:
        return Category.MODERATE
    if ratio >= 0:
        return Category.LIMITED
    return Category.DETERIORATION


def test_sdg_builds_test_indicator_3_3_3():
    """Its headline series (the rows without a sex): 1.55 in 2015, 1.82 in 2019 (the latest);
    its settings: direction negative, target 0 (so 0.001), target year 2030 (the default).
    CAGR observed (1.82 / 1.55)^(1/4) − 1 = 4.096 %, required (0.001 / 1.55)^(1/15) − 1 =
    −38.72 %, R = −1 × 0.04096 / 0.3872 = −0.1058: deterioration."""
    progress = assess(at(2015, 1.55), at(2019, 1.82), at(2030, 0), "decrease")
    assert progress.ratio == pytest.approx(-0.105788, rel=1e-4)
    assert progress.category == Category.DETERIORATION


def test_indicator_3_3_3_from_planwatchs_own_baseline():
    """Planwatch starts from the earliest observation, 1.51 in 2010: R = −1 × ((1.82 / 1.51)^(1/9)
    − 1) / |(0.001 / 1.51)^(1/20) − 1| = −0.0684. The category is the same."""
    progress = assess(at(2010, 1.51), at(2019, 1.82), at(2030, 0), "decrease")
    assert progress.ratio == pytest.approx(-0.068400, rel=1e-4)
    assert progress.category == Category.DETERIORATION


def test_a_target_reached_exactly_is_achieved():
    """ProgressMeasure.is_target_achieved: current ≤ target downwards, ≥ target upwards."""
    assert assess(at(2015, 10), at(2020, 5), at(2030, 5), "decrease").category == (
        Category.TARGET_ACHIEVED
    )
    assert assess(at(2015, 10), at(2020, 20), at(2030, 20), "increase").category == (
        Category.TARGET_ACHIEVED
    )


def test_a_negative_baseline_flips_the_sign():
    """−10 in 2015, −5 in 2020, towards −1 in 2030 (upwards): CAGR observed 0.5^(1/5) − 1 =
    −12.94 %, required 0.1^(1/15) − 1 = −14.23 %; R = −1 × 1 × −0.1294 / 0.1423 = 0.9097."""
    progress = assess(at(2015, -10), at(2020, -5), at(2030, -1), "increase")
    assert progress.ratio == pytest.approx(0.909668, rel=1e-4)
    assert progress.category == Category.MODERATE


def test_values_of_opposite_signs_cannot_be_assessed():
    assert assess(at(2015, -10), at(2020, 5), at(2030, 20), "increase").category == (
        Category.INSUFFICIENT_DATA
    )


def test_a_current_value_of_zero_is_kept():
    """Only the baseline and the target are replaced: 50 → 0 is a CAGR of −100 %, against
    2^(1/15) − 1 = 4.729 % required: R = −21.144."""
    progress = assess(at(2015, 50), at(2020, 0), at(2030, 100), "increase")
    assert progress.ratio == pytest.approx(-21.144276, rel=1e-6)
    assert progress.category == Category.DETERIORATION


BASES = (1.55, 50, 100, -10)
FACTORS = (0.2, 0.6, 0.95, 1, 1.05, 1.3, 2)  # current = base × factor
TARGET_FACTORS = (0, 0.5, 1.5, 3)  # target = base × factor
YEARS = ((2015, 2019, 2030), (2015, 2020, 2030), (2010, 2023, 2025))


@pytest.mark.parametrize(
    ("base", "factor", "target_factor", "years"),
    list(itertools.product(BASES, FACTORS, TARGET_FACTORS, YEARS)),
)
def test_assess_agrees_with_the_reference_formula(base, factor, target_factor, years):
    start, now, due = years
    current, target = base * factor, base * target_factor
    up = target > base
    direction = "increase" if up else "decrease"
    progress = assess(at(start, base), at(now, current), at(due, target), direction)
    achieved = current >= target if up else current <= target
    if achieved:
        assert progress.category == Category.TARGET_ACHIEVED
        return
    ratio = reference_ratio(base, current, target, now - start, due - start, up)
    assert progress.category == reference_category(ratio)
    if ratio is not None:
        assert progress.ratio == pytest.approx(ratio, rel=1e-9)


def test_the_thresholds_are_the_reference_ones():
    """ProgressMeasure.get_progress_thresholds for a quantitative target."""
    assert {k: DEFAULTS[k] for k in ("on_track", "moderate", "limited")} == {
        "on_track": 0.95,
        "moderate": 0.6,
        "limited": 0,
    }


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("nl", "Waar Planwatch afwijkt van Open SDG"),
        ("fr", "En quoi Planwatch s'écarte d'Open SDG"),
        ("de", "Wo Planwatch von Open SDG abweicht"),
        ("en", "Where Planwatch departs from Open SDG"),
    ],
)
def test_the_methods_page_says_where_planwatch_departs(client, nap, lang, heading):
    page = html.unescape(
        client.get(f"/{lang}/plans/nap-2021-2025/progress-method/").content.decode()
    )
    assert heading in page
    assert "2015-16" in page and "sdg-build" in page
