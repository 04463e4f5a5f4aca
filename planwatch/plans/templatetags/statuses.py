"""A measure's status on a page: ``{% load statuses %}``."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from planwatch.plans.models import Status

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    return str(dict(Status.choices).get(code, code))


@register.filter
def status_badge(status) -> str:
    """A measure's status as a coloured label (a MeasureStatus, or a mapping with ``status``),
    or "no status recorded". Shown hundreds of times on some pages, so without a template."""
    code = status.get("status") if isinstance(status, dict) else getattr(status, "status", None)
    if not code:
        return format_html('<span class="label">{}</span>', _("no status recorded"))
    label = Status(code).label if code in Status.values else code
    return format_html('<span class="status status-{}">{}</span>', code, label)
