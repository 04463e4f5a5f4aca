from django import forms
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from planwatch.lib.i18n import current_language, languages
from planwatch.plans.models import Plan
from planwatch.reporting.models import Assessment, BudgetLine
from planwatch.reporting.services import BudgetInput, ContributionInput, parse_evidence

TEXT_LIMIT = 20_000


def language_fields(form: forms.Form, prefix: str, label: str, first: str) -> list[str]:
    """One text area per language, the person's language first; the others are optional."""
    names = []
    for lang in [first, *[code for code in languages() if code != first]]:
        name = f"{prefix}_{lang}"
        form.fields[name] = forms.CharField(
            label=f"{label} ({get_language_info(lang)['name_translated']})",
            required=False,
            max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 6 if lang == first else 3, "lang": lang}),
            help_text=_("Markdown: **bold**, *italic*, lists, links.") if lang == first else "",
        )
        names.append(name)
    return names


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ContributionForm(VersionedForm):
    proposed_status = forms.ChoiceField(label=_("Status you propose"), required=False)
    evidence = forms.CharField(
        label=_("Evidence links"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: the address, then optionally a space and a label."),
    )

    def __init__(self, plan: Plan, *args, language: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposed_status"].choices = [("", "—"), *plan.status_choices()]
        self.narrative_fields = language_fields(
            self, "narrative", str(_("What was done")), language or current_language()
        )
        self.order_fields(["version", "proposed_status", *self.narrative_fields, "evidence"])

    def clean_evidence(self) -> list[tuple[str, str]]:
        return parse_evidence(self.cleaned_data["evidence"])

    def to_input(self, budget: list[BudgetInput]) -> ContributionInput:
        data = self.cleaned_data
        return ContributionInput(
            proposed_status=data["proposed_status"],
            narrative={name.rsplit("_", 1)[1]: data[name] for name in self.narrative_fields},
            evidence=data["evidence"],
            budget=budget,
        )


class AmountField(forms.DecimalField):
    """An amount as people type it: "1.234,56" in Dutch, French and German, "1,234.56" in
    English, or plain "1234.56"."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
            thousands, decimal = (",", ".") if current_language() == "en" else (".", ",")
            grouped = thousands in text and len(text.rpartition(thousands)[2]) == 3
            if decimal in text or text.count(thousands) > 1 or grouped:
                text = text.replace(thousands, "").replace(decimal, ".")
            value = text
        return super().to_python(value)


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    amount = AmountField(
        label=_("Amount (EUR)"),
        min_value=0,
        max_value=BudgetLine.MAX_AMOUNT,
        decimal_places=2,
        max_digits=14,
    )
    # A blank first choice, so that an untouched extra row counts as empty.
    nature = forms.ChoiceField(label=_("Nature"), choices=[("", "—"), *BudgetLine.Nature.choices])
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *BudgetLine.Stage.choices])

    def to_input(self) -> BudgetInput | None:
        if not self.has_changed() or self.cleaned_data.get("DELETE"):
            return None
        return BudgetInput(
            **{key: self.cleaned_data[key] for key in ("year", "amount", "nature", "stage")}
        )


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True, max_num=50)


class ReturnForm(VersionedForm):
    comment = forms.CharField(
        label=_("What needs fixing"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    status = forms.ChoiceField(label=_("Status for this round"))
    reason = forms.CharField(
        label=_("Reason (needed when you depart from the proposed status)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, plan: Plan, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = plan.status_choices()
        self.narrative_fields = language_fields(
            self, "narrative", str(_("Narrative")), current_language()
        )

    def narrative(self) -> dict[str, str]:
        return {name.rsplit("_", 1)[1]: self.cleaned_data[name] for name in self.narrative_fields}


class CorrectionForm(VersionedForm):
    status = forms.ChoiceField(label=_("Corrected status"))
    reason = forms.CharField(
        label=_("Reason for the correction (shown publicly)"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, plan: Plan, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = plan.status_choices()


class RoundForm(forms.Form):
    slug = forms.SlugField(label=_("Short name (in addresses)"), max_length=80)
    name = forms.CharField(label=_("Name"), max_length=300)
    start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return data


class AssessmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    rating = forms.ChoiceField(label=_("Your rating"), choices=Assessment.RATINGS)
    publish = forms.BooleanField(label=_("Publish this assessment"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commentary_fields = language_fields(
            self, "commentary", str(_("Commentary")), current_language()
        )
        self.order_fields(["version", "rating", *self.commentary_fields, "publish"])

    def commentary(self) -> dict[str, str]:
        return {name.rsplit("_", 1)[1]: self.cleaned_data[name] for name in self.commentary_fields}
