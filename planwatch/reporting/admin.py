from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from planwatch.lib.admin import ContentAdmin, ReadOnlyAdmin, VersionedAdmin

from .models import (
    Assessment,
    BudgetLine,
    Contribution,
    Event,
    EvidenceLink,
    HeadlineFigure,
    MeasureStatus,
    Notification,
    PublishedBudgetTotal,
    Round,
    RoundExtension,
    StatusCorrection,
)


class HeadlineFigureInline(admin.TabularInline):
    model = HeadlineFigure
    extra = 0


@admin.register(Round)
class RoundAdmin(ContentAdmin):
    list_display = ["slug", "name", "plan", "start", "end", "state", "is_final"]
    list_filter = ["plan", "state", "is_final"]
    inlines = [HeadlineFigureInline]


@admin.register(MeasureStatus)
class MeasureStatusAdmin(VersionedAdmin):
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


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0


@admin.register(Contribution)
class ContributionAdmin(VersionedAdmin):
    list_display = ["measure", "actor", "round", "state", "proposed_status", "updated_at"]
    list_filter = ["round__plan", "round", "state"]
    search_fields = ["actor__slug", "narrative_nl", "narrative_fr", "narrative_en"]
    raw_id_fields = ["measure"]
    autocomplete_fields = ["actor"]
    list_select_related = ["measure", "actor", "round"]
    inlines = [EvidenceLinkInline]


@admin.register(EvidenceLink)
class EvidenceLinkAdmin(SimpleHistoryAdmin):
    list_display = ["url", "label", "contribution"]
    search_fields = ["url", "label"]
    raw_id_fields = ["contribution"]
    list_select_related = ["contribution__measure", "contribution__actor", "contribution__round"]


@admin.register(Assessment)
class AssessmentAdmin(VersionedAdmin):
    list_display = ["measure", "organisation", "round", "rating", "is_published", "updated_at"]
    list_filter = ["round__plan", "round", "rating", "is_published"]
    raw_id_fields = ["measure"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["measure", "organisation", "round"]


@admin.register(StatusCorrection)
class StatusCorrectionAdmin(SimpleHistoryAdmin):
    list_display = ["status", "old_status", "new_status", "corrected_at", "corrected_by"]
    list_filter = ["status__round"]
    raw_id_fields = ["status"]
    list_select_related = ["status__measure", "status__round", "corrected_by"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The audit trail: written by the services, never changed by hand."""

    list_display = ["at", "action", "user", "plan", "round", "measure", "actor"]
    list_filter = ["action", "plan"]
    search_fields = ["action", "user__email", "reason"]
    date_hierarchy = "at"
    list_select_related = ["user", "plan", "round", "measure", "actor"]


@admin.register(RoundExtension)
class RoundExtensionAdmin(admin.ModelAdmin):
    """A closed round reopened for one actor until a date (granted on the round's work page)."""

    list_display = ["round", "actor", "until", "granted_by", "granted_at"]
    list_filter = ["round"]
    list_select_related = ["round", "actor", "granted_by"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The e-mails sent, one per person and event: kept so that nothing is sent twice."""

    list_display = ["sent_at", "kind", "user", "key"]
    list_filter = ["kind"]
    search_fields = ["user__email", "key"]
    list_select_related = ["user"]
