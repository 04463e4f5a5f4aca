from django.contrib import admin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin


class ContentAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Admin for translated content with its change history."""


class VersionedAdmin(ContentAdmin):
    """A record people edit concurrently (it has a ``version``): a change in the admin counts
    as a save, so a form opened before it gets the conflict page instead of overwriting it."""

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "version"]

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records only the application writes (the audit trail): administrators read them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
