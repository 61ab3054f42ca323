from django.urls import path

from pevcoach.front import views

app_name = "front"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
