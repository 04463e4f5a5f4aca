from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import BudgetLine, HeadlineFigure, MeasureStatus, PublishedBudgetTotal, Round


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


# History is registered after translation so the historical tables get every language column.
for model in (Round, HeadlineFigure, MeasureStatus, BudgetLine, PublishedBudgetTotal):
    track_history(model)
