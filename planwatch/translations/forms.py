from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from planwatch.lib.i18n import languages


class TranslationForm(forms.Form):
    text = forms.CharField(
        label=_("Translation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Leave empty to remove the translation: the text is then shown in another language."
        ),
    )


class ExportForm(forms.Form):
    lang = forms.ChoiceField(label=_("Into"), choices=[])
    only = forms.ChoiceField(
        label=_("Texts"),
        choices=[("all", _("all")), ("missing", _("missing")), ("outdated", _("outdated"))],
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=[("xliff", "XLIFF 1.2"), ("xlsx", "XLSX")]
    )

    def __init__(self, *args, allowed: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lang"].choices = allowed


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Translation file (.xlf or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlf,.xliff,.xlsx"}),
    )


def language_choices(codes: set[str]) -> list[tuple[str, str]]:
    names = dict(settings.LANGUAGES)
    return [(code, names[code]) for code in languages() if code in codes]
