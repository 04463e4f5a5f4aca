from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see who holds which token and can revoke it; the token itself is never
    stored, so it cannot be shown here."""

    list_display = [
        "name",
        "user",
        "hint",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email", "hint"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False  # tokens are created by their owner, who alone sees the key once

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            token.revoke()
