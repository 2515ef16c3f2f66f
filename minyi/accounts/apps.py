from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minyi.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self):
        from minyi.accounts import signals  # noqa: F401  (connects the audit receivers)
