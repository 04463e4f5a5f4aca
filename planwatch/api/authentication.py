"""``Authorization: Token <key>``: personal API tokens (see models.ApiToken)."""

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken

KEYWORDS = (b"token", b"bearer")


class TokenAuthentication(BaseAuthentication):
    """A request without an ``Authorization`` header is anonymous; a request with a token that is
    unknown, revoked, expired or whose account is disabled is refused with 401 and says why."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(
                _("Malformed Authorization header: send “Authorization: Token <your token>”.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(_("Unknown API token.")) from None
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=ApiToken.digest(key)).first()
        )
        if token is None:
            raise AuthenticationFailed(_("Unknown API token."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(
                _("This API token was revoked on %(date)s. Create a new one in your account.")
                % {"date": date_format(localtime(token.revoked_at), "DATE_FORMAT")}
            )
        if token.is_expired:
            raise AuthenticationFailed(
                _("This API token expired on %(date)s. Create a new one in your account.")
                % {"date": date_format(localtime(token.expires_at), "DATE_FORMAT")}
            )
        if not token.user.is_active:
            raise AuthenticationFailed(_("The account this API token belongs to is disabled."))
        token.touch()
        return token.user, token

    def authenticate_header(self, request) -> str:
        # Makes DRF answer 401 (not 403) to a refused token, and tells the client the scheme.
        return 'Token realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A personal API token, sent as "Authorization: Token pw_…".',
        }
