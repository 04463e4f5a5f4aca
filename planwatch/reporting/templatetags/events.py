"""The audit trail on a page: ``{% load events %}``."""

from django import template
from django.utils.translation import gettext_lazy

register = template.Library()

EVENT_LABELS = {
    "reporting.round.created": gettext_lazy("round created"),
    "translations.text.saved": gettext_lazy("translation saved"),
    "reporting.round.opened": gettext_lazy("round opened"),
    "reporting.round.published": gettext_lazy("round published"),
    "reporting.round.closed": gettext_lazy("round closed"),
    "reporting.round.reopened": gettext_lazy("round reopened for one actor"),
    "reporting.contribution.withdrawn": gettext_lazy("submission withdrawn"),
    "reporting.contribution.saved": gettext_lazy("contribution saved as draft"),
    "reporting.contribution.submitted": gettext_lazy("contribution submitted"),
    "reporting.contribution.returned": gettext_lazy("contribution returned"),
    "reporting.contribution.validated": gettext_lazy("contribution validated"),
    "reporting.status.decided": gettext_lazy("status decided"),
    "reporting.status.corrected": gettext_lazy("published status corrected"),
    "reporting.assessment.saved": gettext_lazy("assessment saved"),
    "reporting.assessment.published": gettext_lazy("assessment published"),
    "milestones.milestone.updated": gettext_lazy("milestone dates validated"),
}


@register.filter
def event_label(action: str) -> str:
    return str(EVENT_LABELS.get(action, action))
