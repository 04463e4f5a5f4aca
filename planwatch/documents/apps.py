from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "planwatch.documents"

    def ready(self) -> None:
        from planwatch.reporting.signals import round_published

        from .reports.published import on_round_published

        round_published.connect(on_round_published, dispatch_uid="documents-render-reports")
