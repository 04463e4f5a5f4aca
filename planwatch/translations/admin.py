from django.contrib import admin

from planwatch.lib.admin import ReadOnlyAdmin

from .models import TranslationRecord


@admin.register(TranslationRecord)
class TranslationRecordAdmin(ReadOnlyAdmin):
    """Written by the translation services only: where each translation came from."""

    list_display = ["unit", "language", "origin", "user", "at", "plan"]
    list_filter = ["plan", "language", "origin"]
    search_fields = ["unit"]
    list_select_related = ["plan", "user"]
