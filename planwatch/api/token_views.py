"""The page where a logged-in person creates and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import TokenForm
from .models import ApiToken


def _page(request: HttpRequest, form: TokenForm, new_key: str = "") -> HttpResponse:
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_key": new_key,
        },
    )
    # The page may show a token once: no cache may keep it.
    add_never_cache_headers(response)
    response["Cache-Control"] += ", no-store"
    return response


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = ApiToken.issue(
                request.user, form.cleaned_data["name"], form.cleaned_data["days"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Shown in this answer only; it is stored as a hash and cannot be shown again.
            return _page(request, TokenForm(), new_key=key)
    return _page(request, form)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens:list")
