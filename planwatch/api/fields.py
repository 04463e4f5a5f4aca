"""Serializer fields shared by the API's serializers."""

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from planwatch.lib.i18n import languages


class Translations(serializers.Serializer):
    """One text per language; null where the language has none (no fallback is applied: the
    client chooses its own)."""

    def get_fields(self):
        return {code: serializers.CharField(allow_null=True) for code in languages()}


@extend_schema_field(Translations)
class TranslatedField(serializers.Field):
    """A content field stored one column per language (``title_nl``, ``title_fr``, …), given as
    ``{"nl": …, "fr": …, "de": …, "en": …}``."""

    def __init__(self, base: str | None = None, of: str | None = None, **kwargs) -> None:
        """``base``: the field's name without language (default: the serializer field's name);
        ``of``: a dotted path to the object that holds it (default: the object serialized)."""
        self.base = base
        super().__init__(source=of or "*", read_only=True, **kwargs)

    def bind(self, field_name: str, parent) -> None:
        super().bind(field_name, parent)
        self.base = self.base or field_name

    def to_representation(self, obj) -> dict[str, str | None]:
        return translations(obj, self.base)


def translations(obj, base: str) -> dict[str, str | None]:
    return {code: getattr(obj, f"{base}_{code}", None) or None for code in languages()}


def plain_number(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 12.5000 -> "12.5", 1E+2 -> "100"."""
    return format(Decimal(value).normalize(), "f")


@extend_schema_field(OpenApiTypes.STR)
class NumberText(serializers.Field):
    """A decimal as a plain string, without the trailing zeros of the database column."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return plain_number(value)
