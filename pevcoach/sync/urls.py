from django.urls import path

from pevcoach.sync import views

app_name = "sync"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
    path("sync/conflicts/", views.conflicts, name="conflicts"),
    path("sync/conflicts/<uuid:pk>/", views.resolve, name="resolve"),
]
