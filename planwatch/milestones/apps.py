from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "planwatch.milestones"
    verbose_name = _("Milestones")
