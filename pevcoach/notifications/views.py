"""Pages of one's own notifications: the list, the short links of SMS and e-mail, the preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pevcoach.notifications import services
from pevcoach.notifications.forms import PreferencesForm
from pevcoach.notifications.queries import notifications_of


@login_required
def notification_list(request):
    page = Paginator(notifications_of(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@login_required
def open_link(request, code):
    """The link in an SMS or e-mail, and in the list: mark read, then go to what it is about."""
    notification = get_object_or_404(notifications_of(request.user), code=code)
    services.mark_read(by=request.user, notification=notification)
    target = notification.url if url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None) else "/"
    return redirect(target or "notifications:list")


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(by=request.user)
    return redirect("notifications:list")


@login_required
def preferences(request):
    current = services.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, preferences=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_preferences(by=request.user, channels=form.channels(),
                                      quiet_start=form.cleaned_data["quiet_start"],
                                      quiet_end=form.cleaned_data["quiet_end"])
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
