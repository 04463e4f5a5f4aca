"""A figure's qualifier: how sure a number is ("more than 23,000", "about 300").

Observations, targets and budget lines store a :class:`Qualifier` beside their value; the number
itself is the bound or the estimate the source gave (23,000 for "more than 23,000").
:func:`qualified` writes a formatted number with its qualifier in each language ("meer dan
23.000", "plus de 23 000", "mehr als 23.000", "more than 23,000").

A report's figures kept exactly as printed (``HeadlineFigure``, ``PublishedBudgetTotal``) use
:class:`Printed`, which adds "almost": "almost €102 million" shows as such there, and counts as
``less_than`` wherever a figure is stored for what it means (:func:`meaning`). The dataset accepts
``almost`` on budget lines, observations and targets too and stores it as ``less_than``.

A sum of amounts is only as exact as its parts (:func:`of_sum`): a sum with a "more than" or
"at least" part and no upper-bound part is a lower bound ("at least €180 million").
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext, gettext_noop, override
from django.utils.translation import gettext_lazy as _

from planwatch.lib.i18n import current_language


class Qualifier(models.TextChoices):
    """How exact a stored figure is."""

    EXACT = "exact", _("exact")
    MORE_THAN = "more_than", _("more than")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")
    LESS_THAN = "less_than", _("less than")
    AT_MOST = "at_most", _("at most")


class Printed(models.TextChoices):
    """How a report printed a figure: a :class:`Qualifier`, or "almost"."""

    EXACT = "exact", _("exact")
    MORE_THAN = "more_than", _("more than")
    AT_LEAST = "at_least", _("at least")
    ABOUT = "about", _("about")
    LESS_THAN = "less_than", _("less than")
    AT_MOST = "at_most", _("at most")
    ALMOST = "almost", _("almost")


LOWER_BOUNDS = frozenset({Qualifier.MORE_THAN, Qualifier.AT_LEAST})
UPPER_BOUNDS = frozenset({Qualifier.LESS_THAN, Qualifier.AT_MOST})

# The qualifier with its number, so that each language can put the number where it goes.
FORMATS = {
    "more_than": gettext_noop("more than %(value)s"),
    "at_least": gettext_noop("at least %(value)s"),
    "about": gettext_noop("about %(value)s"),
    "less_than": gettext_noop("less than %(value)s"),
    "at_most": gettext_noop("at most %(value)s"),
    "almost": gettext_noop("almost %(value)s"),
}


def meaning(printed: str) -> str:
    """The stored qualifier of a printed one: "almost" is an upper bound (``less_than``)."""
    return Qualifier.LESS_THAN.value if printed == Printed.ALMOST else str(printed)


def qualified(text: str, qualifier: str | None, lang: str | None = None) -> str:
    """A formatted number with its qualifier in ``lang``: ``qualified("23.000", "more_than",
    "nl")`` is "meer dan 23.000". An exact figure is the number alone."""
    form = FORMATS.get(qualifier or "")
    if not form:
        return text
    with override(lang or current_language()):
        return gettext(form) % {"value": text}


def is_lower_bound(qualifier: str) -> bool:
    return qualifier in LOWER_BOUNDS


def of_sum(qualifiers: Iterable[str]) -> str:
    """The qualifier of a sum of figures with these qualifiers: exact when all are exact,
    ``at_least`` with lower bounds only, ``at_most`` with upper bounds only, else ``about``."""
    kinds = {meaning(q or Qualifier.EXACT) for q in qualifiers} - {Qualifier.EXACT}
    if not kinds:
        return Qualifier.EXACT.value
    if kinds <= LOWER_BOUNDS:
        return Qualifier.AT_LEAST.value
    if kinds <= UPPER_BOUNDS:
        return Qualifier.AT_MOST.value
    return Qualifier.ABOUT.value
