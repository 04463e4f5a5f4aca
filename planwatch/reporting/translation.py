from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import (
    Assessment,
    BudgetLine,
    Contribution,
    EvidenceLink,
    HeadlineFigure,
    MeasureStatus,
    PublishedBudgetTotal,
    Round,
    StatusCorrection,
)


@register(Round)
class RoundTranslation(TranslationOptions):
    fields = ("name",)


@register(MeasureStatus)
class MeasureStatusTranslation(TranslationOptions):
    fields = ("narrative",)


@register(BudgetLine)
class BudgetLineTranslation(TranslationOptions):
    fields = ("label",)


@register(PublishedBudgetTotal)
class PublishedBudgetTotalTranslation(TranslationOptions):
    fields = ("label",)


@register(Contribution)
class ContributionTranslation(TranslationOptions):
    fields = ("narrative",)


@register(Assessment)
class AssessmentTranslation(TranslationOptions):
    fields = ("commentary",)


# History is registered after translation so the historical tables get every language column.
for model in (
    Round,
    HeadlineFigure,
    MeasureStatus,
    BudgetLine,
    PublishedBudgetTotal,
    Contribution,
    EvidenceLink,
    Assessment,
    StatusCorrection,
):
    track_history(model)
