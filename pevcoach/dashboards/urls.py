from django.urls import path

from pevcoach.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("u/<int:pk>/", views.unit, name="unit"),
    path("u/<int:pk>/map/", views.gap_map, name="map"),
    path("u/<int:pk>/impact/", views.impact, name="impact"),
    path("u/<int:pk>/report.pdf", views.monthly_report, name="monthly_report"),
    path("s/<uuid:pk>/report.pdf", views.session_report, name="session_report"),
    path("exports/", views.exports_page, name="exports"),
    path("exports/<slug:kind>.<slug:fmt>", views.export, name="export"),
]
