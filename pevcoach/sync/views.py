import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from pevcoach.sync import services

# What the service worker keeps at install: the shell every page needs.
SHELL = ["front/app.css", "front/app.js", "sync/sync.js", "sync/record.js", "front/photo.js",
         "sync/icon-192.png", "sync/icon-512.png"]


@cache_control(no_cache=True)
def service_worker(request):
    assets = [static(name) for name in SHELL]
    version = hashlib.sha256("|".join(assets).encode()).hexdigest()[:12]
    body = render(request, "sync/sw.js", {"assets": mark_safe(json.dumps(assets)), "version": version}).content  # noqa: S308
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@cache_control(max_age=86400)
def manifest(request):
    return JsonResponse({
        "name": "PEV Coach",
        "short_name": "PEV Coach",
        "description": _("Coaching for immunization teams"),
        "lang": "fr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": "#0b6e4f",
        "background_color": "#f6f8f7",
        "icons": [
            {"src": static("sync/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("sync/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("sync/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }, content_type="application/manifest+json")


def offline(request):
    return render(request, "sync/offline.html")


@login_required
def conflicts(request):
    return render(request, "sync/conflicts.html", {
        "conflicts": services.conflicts_visible_to(request.user).filter(status="open").select_related(
            "relationship", "author"),
    })


@login_required
@require_POST
def resolve(request, pk):
    conflict = get_object_or_404(services.conflicts_visible_to(request.user), pk=pk)
    try:
        services.resolve_conflict(by=request.user, conflict=conflict, keep=request.POST.get("keep"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("sync:conflicts")
