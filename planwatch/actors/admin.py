from django.contrib import admin

from planwatch.lib.admin import ContentAdmin

from .models import Actor, Government


@admin.register(Government)
class GovernmentAdmin(ContentAdmin):
    list_display = ["code", "name", "level", "order"]
    list_filter = ["level"]


@admin.register(Actor)
class ActorAdmin(ContentAdmin):
    list_display = ["slug", "name", "short", "kind", "government"]
    list_filter = ["kind", "government"]
    search_fields = ["slug", "name_nl", "name_fr", "name_en", "short_nl", "short_fr"]
