"""Forms of the round's end: reopening for one actor, confirming the publication, marking the
plan's final evaluation round."""

from django import forms
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor
from planwatch.reporting.models import Round


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Actor) -> str:
        return obj.label


class ReopenForm(forms.Form):
    actor = ActorChoiceField(label=_("Actor"), queryset=Actor.objects.none())
    until = forms.DateField(
        label=_("Open for this actor until (that day included)"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the round's history."),
    )

    def __init__(self, round_: Round, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = (
            Actor.objects.filter(contributions__round=round_).distinct().order_by("slug")
        )


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I have read what is incomplete and publish the round as it is."),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )


class MarkFinalForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("This round is the plan's final evaluation round."),
        error_messages={"required": _("Tick the box to confirm that this round is the final one.")},
    )
