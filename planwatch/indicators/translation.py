from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Indicator, Observation, Target


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ("name", "description", "source")


# History is registered after translation so the historical tables get every language column.
for model in (Indicator, Observation, Target):
    track_history(model)
