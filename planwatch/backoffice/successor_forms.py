"""Forms of the successor plan's work pages and of a measure's change."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor
from planwatch.lib.i18n import translated
from planwatch.plans.models import MeasureMapping, Section

from .forms import AmountField

Kind = MeasureMapping.Kind
STATES = [("", _("any")), ("decided", _("decided")), *Kind.choices]


class MappingFilter(forms.Form):
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    state = forms.ChoiceField(label=_("State of the mapping"), required=False, choices=STATES)

    def __init__(self, old_plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        pillars = Section.objects.filter(plan=old_plan, parent=None).order_by("pillar")
        self.fields["pillar"].choices = [("", _("any"))] + [
            (s.pillar, f"{s.pillar}. {translated(s, 'title').text}") for s in pillars
        ]
        actors = Actor.objects.filter(measures__plan=old_plan).distinct().order_by("slug")
        self.fields["actor"].choices = [("", _("any"))] + [(a.slug, str(a)) for a in actors]


class MappingForm(forms.Form):
    kind = forms.ChoiceField(label=_("What became of the measure"), choices=Kind.choices)
    targets = forms.CharField(
        label=_("New measures"),
        required=False,
        help_text=_("The numbers of the new plan's measures, separated by commas: 12, 14."),
    )
    reason = forms.CharField(
        label=_("Public reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the measure is dropped; shown on the public pages."),
    )

    def clean_targets(self) -> list[int]:
        text = self.cleaned_data["targets"].strip()
        parts = [p for p in re.split(r"[\s,;]+", text) if p]
        if any(not p.isdigit() for p in parts):
            raise forms.ValidationError(_("Write measure numbers only, separated by commas."))
        return [int(p) for p in parts]


class PublishSuccessorForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm: publish the new plan and what became of each measure."),
    )


class ChangeForm(forms.Form):
    """A change of a measure's commitment; empty means "unchanged" only for the texts."""

    title = forms.CharField(label=_("Title"), max_length=400)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    lead = forms.CharField(
        label=_("Lead actors"), help_text=_("Short names (slugs), separated by commas.")
    )
    partners = forms.CharField(
        label=_("Partner actors"),
        required=False,
        help_text=_("Short names (slugs), separated by commas."),
    )
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = AmountField(label=_("Budget (euro)"), required=False)
    dropped = forms.BooleanField(label=_("Dropped from the plan"), required=False)
    reason = forms.CharField(
        label=_("Public reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the change on the measure's public page."),
    )

    @staticmethod
    def slugs(text: str) -> list[str]:
        return [p for p in re.split(r"[\s,;]+", text or "") if p]
