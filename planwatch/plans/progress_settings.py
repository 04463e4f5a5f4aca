"""A plan's progress settings (``Plan.progress_settings``): the thresholds of the progress method
(``indicators.progress``). They live with the plan, which checks them in ``Plan.clean``."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

DEFAULTS: dict[str, float] = {
    "on_track": 0.95,
    "moderate": 0.6,
    "limited": 0.0,
    "keep_tolerance": 0.05,
}


def settings_problems(raw: Any) -> list[str]:
    """What is wrong with a plan's ``progress_settings``: a mapping of known names to numbers,
    the thresholds in order (limited ≤ moderate ≤ on track), the tolerance not negative."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, Mapping):
        return [gettext("The progress settings must be a mapping of names to numbers.")]
    problems = []
    for key, value in raw.items():
        if key not in DEFAULTS:
            problems.append(
                gettext("Unknown progress setting %(key)r; known: %(known)s.")
                % {"key": key, "known": ", ".join(DEFAULTS)}
            )
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(gettext("The setting %(key)r must be a number.") % {"key": key})
    if problems:
        return problems
    merged = {**DEFAULTS, **raw}
    if not merged["limited"] <= merged["moderate"] <= merged["on_track"]:
        problems.append(gettext("The thresholds must run limited ≤ moderate ≤ on_track."))
    if merged["keep_tolerance"] < 0:
        problems.append(gettext("The keep tolerance cannot be negative."))
    return problems


def settings_of(plan: Any) -> dict[str, float]:
    """The plan's thresholds, the defaults where it sets none (or sets them wrongly)."""
    raw = getattr(plan, "progress_settings", None) or {}
    if settings_problems(raw):
        return dict(DEFAULTS)
    return {**DEFAULTS, **{key: float(value) for key, value in raw.items()}}
