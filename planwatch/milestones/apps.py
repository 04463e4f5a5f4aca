from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "planwatch.milestones"
    verbose_name = _("Milestones")

    def ready(self) -> None:
        # The contribution service (a floor below) asks its registered parts; see
        # reporting.services.base.CONTRIBUTION_PARTS.
        from planwatch.reporting.services.base import CONTRIBUTION_PARTS

        from .services import MilestonePart

        if not any(isinstance(part, MilestonePart) for part in CONTRIBUTION_PARTS):
            CONTRIBUTION_PARTS.append(MilestonePart())
