from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pevcoach.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pevcoach.accounts.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="accounts_stamp_login")
