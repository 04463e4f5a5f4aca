from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin


class ContentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Admin for translated content with its change history."""
