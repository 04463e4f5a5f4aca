from django import forms
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor, Government
from planwatch.lib.i18n import translated
from planwatch.plans.models import Plan, Section, Tag


class MeasureFilter(forms.Form):
    """The measure list's filters. They live in the URL, so a filtered list can be shared."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    government = forms.ChoiceField(label=_("Government"), required=False)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    tag = forms.ChoiceField(label=_("Form of violence or target group"), required=False)

    def __init__(self, plan: Plan, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("all"))]
        pillars = Section.objects.filter(plan=plan, parent__isnull=True).order_by("order")
        self.fields["pillar"].choices = every + [
            (p.pillar, f"{p.pillar}. {translated(p, 'title').text}") for p in pillars
        ]
        self.fields["status"].choices = every + plan.status_choices()
        self.fields["government"].choices = every + [
            (g.code, str(g))
            for g in Government.objects.filter(actors__measures__plan=plan).distinct()
        ]
        self.fields["actor"].choices = every + sorted(
            ((a.slug, a.label) for a in Actor.objects.filter(measures__plan=plan).distinct()),
            key=lambda choice: choice[1].lower(),
        )
        self.fields["tag"].choices = every + [
            (t.slug, f"{t.get_kind_display()}: {t}")
            for t in Tag.objects.filter(measures__plan=plan).distinct()
        ]
