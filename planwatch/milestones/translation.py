from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import ConfidenceLevel, Milestone, MilestoneUpdate, Rebaselining


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ("description",)


@register(ConfidenceLevel)
class ConfidenceLevelTranslation(TranslationOptions):
    fields = ("name", "criteria")


# History is registered after translation so the historical tables get every language column.
for model in (ConfidenceLevel, Milestone, MilestoneUpdate, Rebaselining):
    track_history(model)
