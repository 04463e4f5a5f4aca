"""Query parameters: every one is checked by a Django form, and anything wrong (an unknown or
repeated parameter, a value out of range) is answered 400 with a message per parameter."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import APIException

from planwatch.actors.models import Government
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
    """The form's cleaned data, or 400 with a message for every wrong parameter."""
    errors = name_errors(query, [*form.fields, *extra])
    if "page" in extra:
        errors.update(paging_errors(query))
    if not form.is_valid():
        errors.update({name: list(messages) for name, messages in form.errors.items()})
    if errors:
        raise BadQuery(errors)
    return form.cleaned_data


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


class StatusFilter(forms.Form):
    round = forms.ChoiceField(required=False)
    measure = forms.IntegerField(required=False, min_value=1, max_value=MAX_NUMBER)
    status = forms.ChoiceField(required=False)

    def __init__(self, rounds, status_choices, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "")] + [(slug, slug) for slug in rounds]
        self.fields["status"].choices = [("", "")] + list(status_choices)


class AssessmentFilter(forms.Form):
    round = forms.ChoiceField(required=False)
    measure = forms.IntegerField(required=False, min_value=1, max_value=MAX_NUMBER)

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
