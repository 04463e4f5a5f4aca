from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planwatch.lib.admin import ContentAdmin, ReadOnlyAdmin

from .models import (
    Framework,
    Measure,
    MeasureActor,
    MeasureChange,
    MeasureMapping,
    Plan,
    Provision,
    Section,
    Tag,
)


@admin.register(Plan)
class PlanAdmin(ContentAdmin):
    list_display = ["slug", "title", "start", "end", "declared_measures"]


@admin.register(Section)
class SectionAdmin(ContentAdmin):
    list_display = ["code", "title", "pillar", "plan"]
    list_filter = ["plan", "pillar"]


class MeasureActorInline(admin.TabularInline):
    model = MeasureActor
    extra = 0
    autocomplete_fields = ["actor"]


@admin.register(Measure)
class MeasureAdmin(ContentAdmin):
    list_display = ["number", "title", "section", "plan"]
    list_filter = ["plan", "section__pillar"]
    search_fields = ["title_nl", "title_fr", "title_en", "title_de"]
    inlines = [MeasureActorInline]
    filter_horizontal = ["tags", "provisions"]
    raw_id_fields = ["related"]
    list_select_related = ["section", "plan"]


@admin.register(MeasureActor)
class MeasureActorAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "actor", "role"]
    list_select_related = ["measure", "actor"]


@admin.register(Tag)
class TagAdmin(ContentAdmin):
    list_display = ["slug", "kind", "name"]
    list_filter = ["kind"]


@admin.register(Framework)
class FrameworkAdmin(ContentAdmin):
    list_display = ["slug", "name"]


@admin.register(Provision)
class ProvisionAdmin(ContentAdmin):
    list_display = ["code", "title", "framework"]
    list_filter = ["framework"]
    search_fields = ["code", "title_nl", "title_fr", "title_en"]


@admin.register(MeasureMapping)
class MeasureMappingAdmin(ContentAdmin):
    list_display = ["measure", "kind", "successor"]
    list_filter = ["successor", "kind"]
    raw_id_fields = ["measure", "targets"]
    list_select_related = ["measure", "successor"]


@admin.register(MeasureChange)
class MeasureChangeAdmin(ReadOnlyAdmin):
    list_display = ["measure", "field", "on", "by"]
    list_filter = ["field"]
    list_select_related = ["measure", "by"]
