from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Planwatch: the server (``serve``), the demo (``demo``), backup and restore, the
    health check. The top floor, above the domain apps: backup, restore and the health check
    read no domain model, only the database and the data folder as a whole; ``demo`` loads
    the NAP and its accounts through the domain apps."""

    name = "planwatch.ops"
    verbose_name = _("Operations")
