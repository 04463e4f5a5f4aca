from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "planwatch.translations"
    verbose_name = _("translations")

    def ready(self) -> None:
        from planwatch.datasets.signals import dataset_loaded

        from .services import record_dataset

        def on_dataset_loaded(sender, plan, **kwargs) -> None:
            record_dataset(plan)  # where the plan's translations came from

        dataset_loaded.connect(
            on_dataset_loaded, dispatch_uid="translations-record-dataset", weak=False
        )
