"""Forms of the coordinator's milestone pages: the list's filters, a milestone's description and
dates, a re-baselining."""

from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor
from planwatch.lib.i18n import current_language, languages
from planwatch.milestones.editing import DESCRIPTION_LIMIT
from planwatch.milestones.forms import DATE_FORMATS
from planwatch.milestones.slippage import STATE_LABELS, STATES
from planwatch.plans.models import Plan

from .forms import TranslationsMixin, _pillar_choices


def date_field(label, required: bool = True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class MilestoneFilter(forms.Form):
    measure = forms.IntegerField(label=_("Measure number"), required=False, min_value=1)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, plan: Plan, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pillar"].choices = _pillar_choices(plan)
        actors = Actor.objects.filter(measures__plan=plan).distinct().order_by("slug")
        self.fields["actor"].choices = [("", _("any"))] + [(a.slug, str(a)) for a in actors]
        self.fields["state"].choices = [("", _("any"))] + [(s, STATE_LABELS[s]) for s in STATES]


class DescriptionForm(TranslationsMixin, forms.Form):
    """A milestone's description in every language, the person's first; the others behind the
    "Translations" disclosure."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        first = current_language()
        self.description_fields = []
        for lang in [first, *[code for code in languages() if code != first]]:
            name = f"description_{lang}"
            self.fields[name] = forms.CharField(
                label=_("Description (%(language)s)")
                % {"language": get_language_info(lang)["name_translated"]},
                required=False,
                max_length=DESCRIPTION_LIMIT,
                widget=forms.TextInput(attrs={"lang": lang}),
            )
            self.description_fields.append(name)
        self.translations = self.description_fields[1:]

    def description(self) -> dict[str, str]:
        data = self.cleaned_data
        return {name.rsplit("_", 1)[1]: data.get(name) or "" for name in self.description_fields}


class NewMilestoneForm(DescriptionForm):
    measure = forms.IntegerField(label=_("Measure number"), min_value=1)
    baseline = date_field(_("Baseline date"), help_text=_("As planned when the milestone is set."))
    forecast = date_field(
        _("Forecast date"), required=False, help_text=_("Optional: the date expected now.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["measure", *self.description_fields, "baseline", "forecast"])


class RebaselineForm(forms.Form):
    baseline = date_field(_("New baseline date"))
    reason = forms.CharField(
        label=_("Public reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with the re-baselining on the measure's public page."),
    )
