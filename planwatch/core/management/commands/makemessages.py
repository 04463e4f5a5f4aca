"""Django's makemessages, also collecting the reports' ``t("message", lang)`` calls, so that the
report texts live in the catalogues only (planwatch/documents/reports/text.py)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=t"]
