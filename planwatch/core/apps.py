from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "planwatch.core"

    def ready(self) -> None:
        from .page_cache import connect_signals

        connect_signals()
