"""Log-in (switching to the person's language), the profile page, and password reset: Django's
views, throttled, equally timed, and ending what the old password allowed."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils.translation import gettext as _
from django.utils.translation import override

from . import throttle
from .forms import LoginForm, ProfileForm, ResetForm
from .lockout import client_address
from .signals import password_reset


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    """Remember the language for pages reached without one in the address (``/``)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


class LoginView(auth.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_success_url(self) -> str:
        url = super().get_success_url()
        language = self.request.user.language
        return translate_url(url, language) if language else url

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        language = form.get_user().language
        return _in_language(response, language) if language else response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        language = user.language or request.LANGUAGE_CODE
        with override(language):
            messages.success(request, _("Your profile is saved."))
        response = redirect(translate_url(request.path, language))
        return _in_language(response, language) if user.language else response
    return render(request, "accounts/profile.html", {"form": form})


class ResetView(auth.PasswordResetView):
    form_class = ResetForm

    def form_valid(self, form: ResetForm) -> HttpResponse:
        started = time.monotonic()
        if not throttle.allow_reset(client_address(self.request), form.cleaned_data["email"]):
            # Sends nothing, whoever the address belongs to: nothing to hide, no need to wait.
            return render(self.request, "accounts/password_reset_throttled.html", status=429)
        response = super().form_valid(form)
        throttle.wait_until_answer_time(started)
        return response


class ResetConfirmView(auth.PasswordResetConfirmView):
    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        password_reset.send(sender=type(form.user), user=form.user)
        return response
