from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor, Government
from planwatch.lib.i18n import current_language, translated
from planwatch.plans.models import Plan, Provision, Section, Tag


class MeasureFilter(forms.Form):
    """The measure list's filters. They live in the URL, so a filtered list can be shared."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    government = forms.ChoiceField(label=_("Government"), required=False)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    objective = forms.ChoiceField(label=_("Objective"), required=False)
    form = forms.ChoiceField(label=_("Form of violence"), required=False)
    group = forms.ChoiceField(label=_("Target group"), required=False)
    article = forms.ChoiceField(label=_("Istanbul Convention article"), required=False)
    tag = forms.ChoiceField(label=_("Form of violence or target group"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("number")),
            ("-number", _("number, descending")),
            ("title", _("title")),
            ("status", _("status")),
        ],
    )

    def __init__(self, plan: Plan, *args, version: str | None = None, **kwargs) -> None:
        """``version``: the data version the page is built from. With it the choices are read
        from the cache (one set per plan, language and version) instead of seven queries."""
        super().__init__(*args, **kwargs)
        if version is None:
            choices = self.choices_of(plan)
        else:
            key = f"measure-filter:{plan.pk}:{current_language()}:{version}"
            choices = cache.get(key)
            if choices is None:
                choices = self.choices_of(plan)
                cache.set(key, choices, 60 * 60)
        for name, options in choices.items():
            self.fields[name].choices = options

    @staticmethod
    def choices_of(plan: Plan) -> dict[str, list[tuple]]:
        every = [("", str(_("all")))]
        fields: dict[str, list[tuple]] = {}
        pillars = Section.objects.filter(plan=plan, parent__isnull=True).order_by("order")
        fields["pillar"] = every + [
            (p.pillar, f"{p.pillar}. {translated(p, 'title').text}") for p in pillars
        ]
        fields["status"] = every + [(code, str(label)) for code, label in plan.status_choices()]
        fields["government"] = every + [
            (g.code, str(g))
            for g in Government.objects.filter(actors__measures__plan=plan).distinct()
        ]
        fields["actor"] = every + sorted(
            ((a.slug, a.label) for a in Actor.objects.filter(measures__plan=plan).distinct()),
            key=lambda choice: choice[1].lower(),
        )
        tags = list(Tag.objects.filter(measures__plan=plan).distinct())
        fields["tag"] = every + [(t.slug, f"{t.get_kind_display()}: {t}") for t in tags]
        fields["form"] = every + [(t.slug, str(t)) for t in tags if t.kind == "form"]
        fields["group"] = every + [(t.slug, str(t)) for t in tags if t.kind == "group"]
        objectives = Section.objects.filter(plan=plan, parent__isnull=False).order_by("order")
        fields["objective"] = every + [
            (o.code, f"{o.code} {translated(o, 'title').text}"[:90]) for o in objectives
        ]
        articles = (
            Provision.objects.filter(framework__slug="istanbul-convention", measures__plan=plan)
            .distinct()
            .order_by("order")
        )
        fields["article"] = every + [
            (a.code, f"{a.code}. {translated(a, 'title').text}"[:90]) for a in articles
        ]
        return fields
