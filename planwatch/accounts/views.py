"""Password reset: Django's views, throttled, equally timed, and ending what the old password
allowed."""

import time

from django.contrib.auth import views as auth
from django.http import HttpResponse
from django.shortcuts import render

from . import throttle
from .forms import ResetForm
from .lockout import client_address
from .signals import password_reset


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
