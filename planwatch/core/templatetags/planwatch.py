from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from planwatch.lib.i18n import translated

register = template.Library()


@register.simple_tag
def tr(obj: object, field: str) -> str:
    """A translated field in the page's language, marked when it falls back to another one."""
    text = translated(obj, field)
    if not text.is_fallback:
        return text.text
    language = get_language_info(text.lang)["name_translated"]
    return format_html(
        '<span lang="{}">{}</span> <span class="fallback">({})</span>',
        text.lang,
        text.text,
        _("shown in %(language)s") % {"language": language},
    )


@register.filter
def euro(amount: Decimal | int | None) -> str:
    if amount is None:
        return ""
    return "€\u00a0" + number_format(Decimal(amount).quantize(Decimal(1)), force_grouping=True)


@register.filter
def number(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral():
        return number_format(value, decimal_pos=0, force_grouping=True)
    places = -value.normalize().as_tuple().exponent
    return number_format(value, decimal_pos=places, force_grouping=True)


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key) if mapping else None


@register.filter
def public_value(observation) -> str:
    """An observation's value as public output shows it (small counts suppressed)."""
    indicator = observation.indicator
    if indicator.is_suppressed(observation.value):
        return f"< {indicator.suppress_below}"
    return number(observation.value)
