"""Content in several languages, with a visible fallback.

Translated model fields are stored one column per language by django-modeltranslation
(``title_nl``, ``title_fr``, …), so each language stays searchable in SQL. Reading goes through
:func:`translated`, which also tells which language the text came from, so that pages can say
"shown in Dutch" when the chosen language is missing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language


@dataclass(frozen=True)
class Text:
    text: str
    lang: str  # the language the text is in ("" when there is no text at all)
    wanted: str  # the language that was asked for

    @property
    def is_fallback(self) -> bool:
        return bool(self.text) and self.lang != self.wanted

    def __str__(self) -> str:
        return self.text


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def fallback_chain(lang: str) -> list[str]:
    """The wanted language first, then the plan-wide fallback order."""
    return [lang] + [code for code in settings.CONTENT_FALLBACK if code != lang]


def current_language() -> str:
    lang = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return lang if lang in languages() else settings.LANGUAGE_CODE


def translated(obj: object, field: str, lang: str | None = None) -> Text:
    wanted = lang or current_language()
    for code in fallback_chain(wanted):
        value = getattr(obj, f"{field}_{code}", None)
        if value:
            return Text(value, code, wanted)
    return Text("", "", wanted)


def translated_value(values: dict, field: str, lang: str | None = None) -> Text:
    """Like :func:`translated`, from a ``.values()`` row holding ``<field>_<code>`` keys."""
    wanted = lang or current_language()
    for code in fallback_chain(wanted):
        if value := values.get(f"{field}_{code}"):
            return Text(value, code, wanted)
    return Text("", "", wanted)


def all_translations(obj: object, field: str) -> dict[str, str]:
    """Every language that has a value, in the order of settings.LANGUAGES."""
    return {code: value for code in languages() if (value := getattr(obj, f"{field}_{code}", None))}
