from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "planwatch.portal"
