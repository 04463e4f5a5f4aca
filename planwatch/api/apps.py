from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "planwatch.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from planwatch.accounts.signals import password_reset

        # Registers the token scheme with drf-spectacular (imported for its side effect).
        from . import authentication  # noqa: F401

        password_reset.connect(end_tokens_on_password_reset, dispatch_uid="api.tokens.reset")


def end_tokens_on_password_reset(sender, user, **kwargs) -> None:
    """A new password chosen through a reset link ends the person's API tokens: whoever knew the
    old password may have made one."""
    from .models import ApiToken

    ApiToken.objects.revoke_all(user)
