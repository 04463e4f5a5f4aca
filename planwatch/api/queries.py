"""Query parameters: every one is checked by a Django form, and anything wrong (an unknown or
repeated parameter, a value out of range) is answered 400 with a message per parameter.

A well-formed filter that names something the plan does not have (a round, a measure, an actor,
a pillar…) is not a mistake in the request's form: it is answered 404, with a message naming
what was not found, as for a record in the path. A form lists such parameters in ``records``,
each with its message (or its message and the values that are well-formed: a status code the
plan does not use is not found, a word that is no status code at all is a bad request)."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException, NotFound

from planwatch.actors.models import Government
from planwatch.plans.models import Status
from planwatch.reporting.models import BudgetLine

# Parameters every list accepts besides its filters.
PAGING = ("page", "page_size")
# DRF's renderer switch (?format=json or api), handled before the view sees the request.
GLOBAL = ("format",)


class BadQuery(APIException):
    status_code = 400
    default_code = "bad_query"
    default_detail = gettext_lazy("Invalid query parameters.")

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.detail = {
            "detail": str(self.default_detail),
            "errors": {name: [str(m) for m in messages] for name, messages in errors.items()},
        }


def name_errors(query, allowed) -> dict[str, list[str]]:
    """Unknown and repeated parameters: a misspelt filter (``?pilar=2``) must not silently
    return everything."""
    allowed = set(allowed) | set(GLOBAL)
    errors: dict[str, list[str]] = {}
    for name in query:
        if name not in allowed:
            errors[name] = [
                _("Unknown parameter. Known parameters: %(names)s.")
                % {"names": ", ".join(sorted(allowed - set(GLOBAL))) or "-"}
            ]
        elif len(query.getlist(name)) > 1:
            errors[name] = [_("Give this parameter once.")]
    return errors


def check_names(query, allowed) -> None:
    if errors := name_errors(query, allowed):
        raise BadQuery(errors)


def validate(form: forms.Form, query, extra: tuple[str, ...] = PAGING) -> dict:
    """The form's cleaned data; else 400 with a message for every wrong parameter, or, when
    the only problem is a filter naming what the plan does not have, 404."""
    errors = name_errors(query, [*form.fields, *extra])
    if "page" in extra:
        errors.update(paging_errors(query))
    unknown = []
    if not form.is_valid():
        records = getattr(form, "records", {})
        for name, problems in form.errors.as_data().items():
            value = form.data.get(name, "")
            if message := _not_found(records.get(name), form.fields[name], value, problems):
                unknown.append(message)
            else:
                errors[name] = list(form.errors[name])
    if errors:
        raise BadQuery(errors)
    if unknown:
        raise NotFound(" ".join(unknown))
    return form.cleaned_data


def _not_found(record, field: forms.Field, value: str, problems) -> str | None:
    """The 404 message when a value was refused only because no such record exists, not
    because of its form (a pillar is still a whole number, a status one of the codes)."""
    if record is None or any(problem.code != "invalid_choice" for problem in problems):
        return None
    message, well_formed = record if isinstance(record, tuple) else (record, None)
    if well_formed is not None and value not in well_formed:
        return None
    if getattr(field, "coerce", None) is int:
        try:
            int(value)
        except ValueError:
            return None
    return str(message) % {"value": value}


def unknown_measure(plan, number: int | None) -> None:
    """404 when a ``measure`` filter names a number the plan does not have."""
    if number is not None and not plan.measures.filter(number=number).exists():
        raise NotFound(
            _("Plan “%(plan)s” has no measure %(number)s.") % {"plan": plan.slug, "number": number}
        )


MAX_PAGE = 10**9
MAX_PAGE_SIZE = 1000
# Measure numbers and record ids: the database's integer column (the schema documents these
# bounds, so a client learns them from it).
MAX_NUMBER = 2**31 - 1
MIN_YEAR, MAX_YEAR = 1900, 2200


def paging_errors(query) -> dict[str, list[str]]:
    """A page number or size that is not a whole number in range is refused rather than
    silently replaced."""
    errors = {}
    page = query.get("page")
    if page and not _whole(page, 1, MAX_PAGE):
        errors["page"] = [_("A page number: a whole number from 1.")]
    size = query.get("page_size")
    if size and not _whole(size, 1, MAX_PAGE_SIZE):
        errors["page_size"] = [_("A whole number from 1 to %(max)d.") % {"max": MAX_PAGE_SIZE}]
    return errors


def _whole(text: str, low: int, high: int) -> bool:
    return text.isascii() and text.isdigit() and low <= int(text) <= high


def unknown_government(code: str) -> None:
    """404 when a ``government`` filter names no government at all (one that exists but has no
    lines in the plan gives an empty list)."""
    if code and not Government.objects.filter(code=code).exists():
        raise NotFound(_("There is no government “%(code)s”.") % {"code": code})


# The measure list's filters (``reporting.queries.MeasureFilter``) that name something of the plan.
MEASURE_RECORDS = {
    "pillar": gettext_lazy("The plan has no pillar %(value)s."),
    "status": (gettext_lazy("The plan does not use the status “%(value)s”."), Status.values),
    "government": gettext_lazy(
        "No responsible actor of the plan belongs to government “%(value)s”."
    ),
    "actor": gettext_lazy("The plan has no responsible actor “%(value)s”."),
    "tag": gettext_lazy("No measure of the plan has the tag “%(value)s”."),
}
NO_ROUND = gettext_lazy("The plan has no published round “%(value)s”.")
NO_STATUS = MEASURE_RECORDS["status"]


class StatusFilter(forms.Form):
    round = forms.ChoiceField(required=False)
    measure = forms.IntegerField(required=False, min_value=1, max_value=MAX_NUMBER)
    status = forms.ChoiceField(required=False)
    records = {"round": NO_ROUND, "status": NO_STATUS}

    def __init__(self, rounds, status_choices, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "")] + [(slug, slug) for slug in rounds]
        self.fields["status"].choices = [("", "")] + list(status_choices)


class AssessmentFilter(forms.Form):
    round = forms.ChoiceField(required=False)
    measure = forms.IntegerField(required=False, min_value=1, max_value=MAX_NUMBER)
    records = {"round": NO_ROUND}

    def __init__(self, rounds, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "")] + [(slug, slug) for slug in rounds]


class BudgetLineFilter(forms.Form):
    year = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
    government = forms.CharField(required=False, max_length=40)
    level = forms.ChoiceField(required=False, choices=[("", "")] + Government.Level.choices)
    nature = forms.ChoiceField(required=False, choices=[("", "")] + BudgetLine.Nature.choices)
    stage = forms.ChoiceField(required=False, choices=[("", "")] + BudgetLine.Stage.choices)
    measure = forms.IntegerField(required=False, min_value=1, max_value=MAX_NUMBER)


class ObservationFilter(forms.Form):
    period = forms.CharField(required=False, max_length=30)
    year = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)


class NoFilter(forms.Form):
    pass
