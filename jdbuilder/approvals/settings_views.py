"""Each person's choice of review e-mails (NotificationSettings): one page, their own row."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from jdbuilder.approvals.models import NotificationSettings
from jdbuilder.approvals.notify import PREFERENCES


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = list(PREFERENCES)
        # Each box is labelled with what it sends, as the model's help text says it.
        labels = {
            name: NotificationSettings._meta.get_field(name).help_text for name in PREFERENCES
        }
        help_texts = dict.fromkeys(PREFERENCES, "")
        widgets = {
            name: forms.CheckboxInput(attrs={"class": "form-check-input"}) for name in PREFERENCES
        }


def settings_of(user) -> NotificationSettings:
    """The user's settings, or (never saved yet) the defaults: every e-mail on."""
    try:
        return user.notification_settings
    except NotificationSettings.DoesNotExist:
        return NotificationSettings(user=user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which review e-mails the signed-in person receives."""
    instance = settings_of(request.user)
    # Not `request.POST or None`: with every box unticked the browser posts no field at all.
    data = request.POST if request.method == "POST" else None
    form = NotificationSettingsForm(data, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your e-mail choices are saved.")
        return redirect("approvals:notification_settings")
    return render(request, "approvals/notification_settings.html", {"form": form})
