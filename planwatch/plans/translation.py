from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import (
    Framework,
    Measure,
    MeasureActor,
    MeasureChange,
    MeasureMapping,
    Plan,
    Provision,
    Section,
    Tag,
)


@register(Plan)
class PlanTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title",)


@register(Tag)
class TagTranslation(TranslationOptions):
    fields = ("name",)


@register(Framework)
class FrameworkTranslation(TranslationOptions):
    fields = ("name",)


@register(Provision)
class ProvisionTranslation(TranslationOptions):
    fields = ("title", "chapter")


@register(Measure)
class MeasureTranslation(TranslationOptions):
    fields = ("title", "description")


@register(MeasureMapping)
class MeasureMappingTranslation(TranslationOptions):
    fields = ("reason",)


@register(MeasureChange)
class MeasureChangeTranslation(TranslationOptions):
    fields = ("reason",)


# History is registered after translation so the historical tables get every language column.
for model in (Plan, Section, Tag, Framework, Provision, MeasureActor, MeasureMapping):
    track_history(model)
track_history(Measure, m2m_fields=["tags", "provisions"])
