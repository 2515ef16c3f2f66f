from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "minyi.accounts"
    label = "accounts"
    verbose_name = "用户与角色"
