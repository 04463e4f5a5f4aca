from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_LIFETIME, LIFETIME_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, so that you know which one to revoke later."),
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=LIFETIME_CHOICES,
        coerce=int,
        required=False,
        empty_value=DEFAULT_LIFETIME.days,
        initial=DEFAULT_LIFETIME.days,
        help_text=_("After this the token is refused; create a new one then."),
    )
