from modeltranslation.translator import TranslationOptions, register
from simple_history import register as track_history

from .models import Actor, Government


@register(Government)
class GovernmentTranslation(TranslationOptions):
    fields = ("name", "short")


@register(Actor)
class ActorTranslation(TranslationOptions):
    fields = ("name", "short")


# History is registered after translation so the historical tables get every language column.
track_history(Government)
track_history(Actor)
