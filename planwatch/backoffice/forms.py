from decimal import Decimal

from django import forms
from django.utils.formats import number_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from planwatch.documents.imports.values import ValueProblem, parse_decimal
from planwatch.lib.figures import Qualifier
from planwatch.lib.i18n import current_language, languages, translated
from planwatch.milestones.confidence import choices as confidence_choices
from planwatch.plans.models import Plan
from planwatch.reporting.models import Assessment, BudgetLine, Contribution
from planwatch.reporting.services import BudgetInput, ContributionInput, parse_evidence

TEXT_LIMIT = 20_000


def language_fields(form: forms.Form, prefix: str, label: str, first: str) -> list[str]:
    """One text area per language, the person's language first; the others are optional and
    shown behind a "Translations" disclosure (``core/_form.html`` reads ``form.translations``)."""
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
    form.translations = names[1:]
    return names


class TranslationsMixin:
    """What ``core/_form.html`` needs to put the other languages' fields in a disclosure, open
    when one of them holds text or an error."""

    translations: list[str] = []

    @property
    def translations_first(self) -> str:
        return self.translations[0] if self.translations else ""

    @property
    def translations_last(self) -> str:
        return self.translations[-1] if self.translations else ""

    @property
    def translations_open(self) -> bool:
        return any(self[name].errors or self[name].value() for name in self.translations)


class VersionedForm(forms.Form):
    # The version the person read; 0 when there was no record yet (a status, an assessment).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ContributionForm(TranslationsMixin, VersionedForm):
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


class AmountInput(forms.TextInput):
    """A text box, not ``type=number``: a browser rewrites what is typed in a number box
    (``1234,56`` became 123456) before the server sees it. ``inputmode`` still brings up the
    numeric keyboard on phones. A stored amount is shown in the person's language."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int):
            return number_format(Decimal(value), decimal_pos=2, force_grouping=True)
        return super().format_value(value)


class AmountField(forms.DecimalField):
    """An amount as people type it: ``1.234,56``, ``1 234,56``, ``1234,56``, ``1234.56`` or
    ``1,234.56``, read by the importer's parser (documents.imports.values). Text that could mean
    two amounts (``1.234``) is refused with a message saying how to write it, never guessed."""

    widget = AmountInput

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = parse_decimal(value, language=current_language())
            except ValueProblem as problem:
                raise forms.ValidationError(problem.message, code="invalid") from problem
        return super().to_python(value)

    def widget_attrs(self, widget):
        # DecimalField would add ``step`` and ``min``/``max``, which only mean something on a
        # number box.
        return forms.Field.widget_attrs(self, widget)


class BudgetLineForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2200)
    amount = AmountField(
        label=_("Amount (EUR)"),
        min_value=0,
        max_value=BudgetLine.MAX_AMOUNT,
        decimal_places=2,
        max_digits=14,
    )
    # Blank is exact, so that an untouched extra row still counts as empty.
    qualifier = forms.ChoiceField(
        label=_("Exactness"),
        choices=[("", _("exact")), *Qualifier.choices[1:]],
        required=False,
    )
    # A blank first choice, so that an untouched extra row counts as empty.
    nature = forms.ChoiceField(label=_("Nature"), choices=[("", "—"), *BudgetLine.Nature.choices])
    stage = forms.ChoiceField(label=_("Stage"), choices=[("", "—"), *BudgetLine.Stage.choices])

    def to_input(self) -> BudgetInput | None:
        if not self.has_changed() or self.cleaned_data.get("DELETE"):
            return None
        return BudgetInput(
            **{key: self.cleaned_data[key] for key in ("year", "amount", "nature", "stage")},
            qualifier=self.cleaned_data.get("qualifier") or Qualifier.EXACT,
        )


BudgetFormSet = forms.formset_factory(BudgetLineForm, extra=2, can_delete=True, max_num=50)


class ReturnForm(VersionedForm):
    comment = forms.CharField(
        label=_("What needs fixing"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StatusForm(TranslationsMixin, VersionedForm):
    status = forms.ChoiceField(label=_("Status for this round"))
    reason = forms.CharField(
        label=_("Reason (needed when you depart from the proposed status)"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    confidence = forms.TypedChoiceField(
        label=_("Delivery confidence (optional)"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Separate from the status; the levels' criteria are public."),
    )

    def __init__(self, plan: Plan, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = plan.status_choices()
        self.fields["confidence"].choices = [("", "—"), *confidence_choices(plan)]
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
    start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))
    deadline = forms.DateField(
        label=_("Deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The round's name in every language, the person's first: it heads every page and
        # report of the round.
        first = current_language()
        self.name_fields = []
        for lang in [first, *[code for code in languages() if code != first]]:
            name = f"name_{lang}"
            self.fields[name] = forms.CharField(
                label=_("Name (%(language)s)")
                % {"language": get_language_info(lang)["name_translated"]},
                max_length=300,
                widget=forms.TextInput(attrs={"lang": lang}),
            )
            self.name_fields.append(name)
        self.order_fields(["slug", *self.name_fields])

    def names(self) -> dict[str, str]:
        return {name.rsplit("_", 1)[1]: self.cleaned_data[name] for name in self.name_fields}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period ends before it starts."))
        return data


class AssessmentForm(TranslationsMixin, VersionedForm):
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


# Filters of the work lists (sent by GET; a bad value is reported at its field and ignored) ----


def _pillar_choices(plan: Plan) -> list[tuple[str, str]]:

    pillars = plan.sections.filter(parent__isnull=True).order_by("pillar")
    return [("", _("all pillars"))] + [
        (str(s.pillar), f"{s.pillar}. {translated(s, 'title').text}") for s in pillars
    ]


def _actor_choices(actors) -> list[tuple[str, str]]:
    return [("", _("all actors"))] + [(str(a.pk), a.label) for a in actors]


class FilterForm(forms.Form):
    def values(self) -> dict:
        """The valid filters (an invalid one is left out, its error shown at the field)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


class QueueFilter(FilterForm):
    """The review queue of a round: by contribution state, actor, pillar, and the measures
    that still need a decided status."""

    state = forms.ChoiceField(label=_("Contributions"), required=False)
    actor = forms.TypedChoiceField(label=_("Actor"), required=False, coerce=int, empty_value=None)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)
    needs_decision = forms.BooleanField(label=_("Needs a decision"), required=False)

    def __init__(self, plan: Plan, actors, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("in any state")), *Contribution.State.choices]
        self.fields["actor"].choices = _actor_choices(actors)
        self.fields["pillar"].choices = _pillar_choices(plan)


class MineFilter(FilterForm):
    """A focal point's contributions: by round and state."""

    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, rounds, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        self.fields["round"].choices = [("", _("all rounds"))] + [
            (str(r.pk), translated(r, "name").text or r.slug) for r in rounds
        ]
        self.fields["state"].choices = [("", _("in any state")), *Contribution.State.choices]


class AssessmentFilter(FilterForm):
    """An assessor's list of a published round: assessed or not, pillar, responsible actor."""

    round = forms.TypedChoiceField(label=_("Round"), required=False, coerce=int, empty_value=None)
    assessed = forms.ChoiceField(
        label=_("Assessment"),
        required=False,
        choices=[("", _("assessed or not")), ("no", _("not yet assessed")), ("yes", _("assessed"))],
    )
    actor = forms.TypedChoiceField(label=_("Actor"), required=False, coerce=int, empty_value=None)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)

    def __init__(self, rounds, plan: Plan | None, actors, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)

        self.fields["round"].choices = [
            (str(r.pk), f"{translated(r.plan, 'title').text} — {translated(r, 'name').text}")
            for r in rounds
        ]
        self.fields["actor"].choices = _actor_choices(actors)
        self.fields["pillar"].choices = _pillar_choices(plan) if plan else [("", "—")]
