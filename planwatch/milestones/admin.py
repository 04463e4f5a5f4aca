from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planwatch.lib.admin import ContentAdmin, ReadOnlyAdmin

from .models import ConfidenceLevel, Milestone, MilestoneUpdate, Rebaselining


@admin.register(Milestone)
class MilestoneAdmin(ContentAdmin):
    list_display = ["measure", "key", "description", "baseline", "forecast", "completed"]
    list_select_related = ["measure"]
    search_fields = ["measure__number", "description"]

    def get_readonly_fields(self, request, obj=None):
        # A baseline changes only through a re-baselining (logged, public, with a reason).
        return ["baseline"] if obj else []


@admin.register(MilestoneUpdate)
class MilestoneUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["milestone", "contribution", "forecast", "completed", "applied"]
    list_select_related = ["milestone__measure"]
    raw_id_fields = ["contribution", "milestone"]


@admin.register(Rebaselining)
class RebaseliningAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ["milestone", "old_baseline", "new_baseline", "made_on"]


@admin.register(ConfidenceLevel)
class ConfidenceLevelAdmin(ContentAdmin):
    list_display = ["plan", "level", "name"]
    list_filter = ["plan"]
