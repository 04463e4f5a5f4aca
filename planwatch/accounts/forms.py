from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from .models import canonical_email


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self) -> str:
        return canonical_email(self.cleaned_data["username"])


class ResetForm(PasswordResetForm):
    def clean_email(self) -> str:
        return canonical_email(self.cleaned_data["email"])
