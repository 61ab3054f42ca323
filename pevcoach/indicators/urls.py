from django.urls import path

from pevcoach.indicators import views

app_name = "indicators"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
]
