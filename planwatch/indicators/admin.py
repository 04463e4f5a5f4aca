from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planwatch.lib.admin import ContentAdmin

from .models import Indicator, Observation, Target


@admin.register(Indicator)
class IndicatorAdmin(ContentAdmin):
    list_display = ["code", "name", "unit", "kind", "plan", "suppress_below"]
    list_filter = ["plan", "unit", "kind"]
    filter_horizontal = ["measures"]


@admin.register(Observation)
class ObservationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value", "dims"]
    list_filter = ["indicator"]
    list_select_related = ["indicator"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value", "direction"]
