from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Users and roles"

    def ready(self):
        # Connects the receivers that turn Django's and axes's sign-in signals into auth events.
        from accounts import events, session_timeout  # noqa: F401  # cycle: models exist only now
