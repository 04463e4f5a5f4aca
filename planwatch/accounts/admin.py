from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from planwatch.lib.admin import ReadOnlyAdmin

from .models import ResetRequest, Role, User


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["actor"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "name"]
    inlines = [RoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["name", "language"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "plan", "actor", "language"]
    list_filter = ["kind", "plan"]
    autocomplete_fields = ["user", "actor"]


@admin.register(ResetRequest)
class ResetRequestAdmin(ReadOnlyAdmin):
    """Recent password-reset requests, kept an hour to throttle them; written by the reset page
    only. The e-mail address typed is stored as a hash."""

    list_display = ["requested_at", "address"]
    search_fields = ["address"]
    date_hierarchy = "requested_at"
