from django.contrib.auth import views as auth_views
from django.urls import path

from pevcoach.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.login_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("language/", views.switch_language, name="language"),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.change_password, name="password"),
    path("profile/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("profile/export/", views.export_my_data, name="export"),
    path("profile/two-step/", views.two_step, name="two_step"),
    path("people/", views.people, name="people"),
    path("people/import/", views.import_people, name="import"),
    path("people/invitations/", views.invitations, name="invitations"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/edit/", views.edit_person, name="edit_person"),
    path("people/<int:pk>/password/", views.reset_password, name="reset_password"),
    path("people/<int:pk>/export/", views.export_person, name="export_person"),
    path("people/<int:pk>/registration/", views.decide_registration, name="decide_registration"),
]
