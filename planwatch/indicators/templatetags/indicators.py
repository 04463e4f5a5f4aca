"""An indicator's figures on a page: ``{% load indicators %}``."""

from django import template

from planwatch.indicators.models import Dimension, Direction
from planwatch.lib import figures

register = template.Library()


@register.filter
def public_value(observation) -> str:
    """An observation's value as public output shows it (small counts suppressed), with its
    qualifier ("more than 23,000")."""
    indicator = observation.indicator
    if indicator.is_suppressed(observation.value):
        return f"< {indicator.suppress_below}"
    value = indicator.value_text(observation.value)
    return figures.qualified(value, getattr(observation, "qualifier", None))


@register.filter
def value_of(value, indicator) -> str:
    """A value of ``indicator`` in the page's language, a percentage with its sign:
    ``{{ target.value|value_of:indicator }}``."""
    return "" if value is None else indicator.value_text(value)


@register.filter
def dimension_label(code: str) -> str:
    return str(dict(Dimension.choices).get(code, code))


@register.filter
def breakdown(indicator, dims: dict) -> str:
    """An observation's breakdown in the page's language: {{ indicator|breakdown:obs.dims }}."""
    return indicator.breakdown(dims)


@register.filter
def direction_label(code: str) -> str:
    """A target's direction in words."""
    return str(Direction(code).label) if code in Direction.values else ""
