from django.core.management.commands.shell import Command as DjangoShell


class Command(DjangoShell):
    def get_auto_imports(self) -> list[str]:
        # History tables are reached through `Model.history`; importing them by name fails.
        return [path for path in super().get_auto_imports() if ".Historical" not in path]
