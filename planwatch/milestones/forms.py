"""The milestones part of the contribution form: one row per milestone of the measure, with its
forecast, completion date and the reason for a move."""

from django import forms
from django.utils.translation import gettext_lazy as _

from planwatch.lib.i18n import translated
from planwatch.reporting.models import Contribution

from .models import Milestone
from .services import MilestoneInput

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MilestoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    forecast = _date_field(_("Forecast date"))
    completed = _date_field(_("Completion date"))
    reason = forms.CharField(
        label=_("Reason for the move"), required=False, max_length=2000, widget=forms.TextInput
    )

    def to_input(self) -> MilestoneInput:
        data = self.cleaned_data
        return MilestoneInput(
            data["milestone"], data.get("forecast"), data.get("completed"), data.get("reason", "")
        )


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=0, max_num=100)


def milestone_formset(item: Contribution, data=None):
    """The formset, with each form's ``milestone`` object attached for its label."""
    milestones = list(Milestone.objects.filter(measure_id=item.measure_id))
    proposals = {u.milestone_id: u for u in item.milestone_updates.filter(applied=False)}
    initial = []
    for milestone in milestones:
        proposal = proposals.get(milestone.pk)
        initial.append(
            {
                "milestone": milestone.pk,
                "forecast": proposal.forecast if proposal else milestone.expected,
                "completed": proposal.completed if proposal else milestone.completed,
                "reason": proposal.reason if proposal else "",
            }
        )
    formset = MilestoneFormSet(data, initial=initial, prefix="milestones")
    by_id = {m.pk: m for m in milestones}
    for form, milestone in zip(formset.forms, milestones, strict=False):
        form.milestone = by_id.get(milestone.pk)
        form.description = translated(milestone, "description").text
    return formset


def milestone_inputs(formset) -> list[MilestoneInput] | None:
    if not formset.forms:
        return None
    return [form.to_input() for form in formset.forms]
