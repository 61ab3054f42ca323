from django.urls import path

from pevcoach.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/read-all/", views.read_all, name="read_all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("n/<str:code>", views.open_link, name="open"),  # short: it goes into SMS
]
