from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Planwatch: backup and restore, the health check. Above the domain apps; it
    reads no domain model, only the database and the data folder as a whole."""

    name = "planwatch.ops"
    verbose_name = _("Operations")
