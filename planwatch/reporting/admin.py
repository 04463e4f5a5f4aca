from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planwatch.lib.admin import ContentAdmin

from .models import BudgetLine, HeadlineFigure, MeasureStatus, PublishedBudgetTotal, Round


class HeadlineFigureInline(admin.TabularInline):
    model = HeadlineFigure
    extra = 0


@admin.register(Round)
class RoundAdmin(ContentAdmin):
    list_display = ["slug", "name", "plan", "start", "end", "state"]
    list_filter = ["plan", "state"]
    inlines = [HeadlineFigureInline]


@admin.register(MeasureStatus)
class MeasureStatusAdmin(ContentAdmin):
    list_display = ["measure", "round", "status"]
    list_filter = ["round", "status"]
    raw_id_fields = ["measure"]
    list_select_related = ["measure", "round"]


@admin.register(BudgetLine)
class BudgetLineAdmin(ContentAdmin):
    list_display = ["government", "year", "to_year", "amount", "nature", "stage", "in_totals"]
    list_filter = ["plan", "government", "nature", "stage", "in_totals"]
    raw_id_fields = ["measure"]
    list_select_related = ["government"]


@admin.register(HeadlineFigure)
class HeadlineFigureAdmin(SimpleHistoryAdmin):
    list_display = ["round", "status", "qualifier", "percent"]


@admin.register(PublishedBudgetTotal)
class PublishedBudgetTotalAdmin(ContentAdmin):
    list_display = ["plan", "level", "year", "to_year", "nature", "qualifier", "amount"]
    list_filter = ["plan"]
