from django.contrib import admin
from django.urls import include, path

from pevcoach.accounts.views import admin_login
from pevcoach.api.api import api

# The admin's own login asks only for the password: /admin/ signs in through ours (with two-step sign-in).
admin.site.login = admin_login

urlpatterns = [
    path("", include("pevcoach.front.urls")),
    path("", include("pevcoach.sync.urls")),
    path("", include("pevcoach.accounts.urls")),
    path("units/", include("pevcoach.orgunits.urls")),
    path("coaching/", include("pevcoach.coaching.urls")),
    path("indicators/", include("pevcoach.indicators.urls")),
    path("dashboards/", include("pevcoach.dashboards.urls")),
    path("audit/", include("pevcoach.audit.urls")),
    path("", include("pevcoach.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler404 = "pevcoach.api.errors.not_found"
handler500 = "pevcoach.api.errors.server_error"

# Media files (evidence photos) are personal data: never served as public files, even in DEBUG; the
# coaching app serves each photo to those who may see its evidence (coaching:evidence_photo).
