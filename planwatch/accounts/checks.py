"""Start-up checks about accounts: no demo account may be live in production."""

from django.core import checks
from django.db import DatabaseError

from .models import User

REMOVE_HINT = "Remove them with: planwatch demo --remove-accounts"


def demo_accounts_problem() -> str:
    """Why the active demo accounts forbid production (empty when there are none, or when the
    database is not set up yet: then there are none either)."""
    try:
        emails = list(User.objects.demo().values_list("email", flat=True)[:10])
    except DatabaseError:
        return ""
    if not emails:
        return ""
    return (
        f'Demo accounts with the password "demo" are active ({", ".join(emails)}): anyone '
        f"could log in with them. {REMOVE_HINT}"
    )


@checks.register(checks.Tags.security, deploy=True)
def check_demo_accounts(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if problem := demo_accounts_problem():
        return [checks.Error(problem, id="planwatch.E001")]
    return []
