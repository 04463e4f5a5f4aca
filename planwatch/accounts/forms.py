from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .models import User, canonical_email


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


# Which e-mails concern which role (the fields are User.notify_<kind>).
NOTIFICATIONS_BY_ROLE = {
    "focal_point": [
        "notify_round_opened",
        "notify_returned",
        "notify_validated",
        "notify_reminder",
    ],
    "coordinator": ["notify_digest"],
    "assessor": ["notify_published"],
}


class ProfileForm(forms.ModelForm):
    """The person's language and, for each kind of e-mail their roles bring, whether to get it."""

    class Meta:
        model = User
        fields = ["language", *[name for names in NOTIFICATIONS_BY_ROLE.values() for name in names]]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("the language of the page I open")),
            *[(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES],
        ]
        kinds = {role.kind for role in self.instance.roles.all()}
        wanted = {name for kind in kinds for name in NOTIFICATIONS_BY_ROLE.get(kind, [])}
        for name in list(self.fields):
            if name.startswith("notify_") and name not in wanted:
                del self.fields[name]

    @property
    def notification_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith("notify_")]
