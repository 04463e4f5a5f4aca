"""``Cache-Control: private, no-store`` on every answer that belongs to one person: the work pages,
the log-in pages, the admin, and anything answered to someone logged in (a page, or the API with
a personal token), so that no shared cache and no browser history keeps it."""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Path parts after the language prefix (or at the root) that are always private.
PRIVATE_PARTS = ("work", "accounts", "admin")


def is_private(request: HttpRequest) -> bool:
    parts = request.path_info.split("/", 3)
    if len(parts) > 2 and (parts[1] in PRIVATE_PARTS or parts[2] in PRIVATE_PARTS):
        return True
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class PrivateAnswersMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request):
            patch_cache_control(response, private=True, no_store=True)
        return response
