from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "minyi.reference"
    label = "reference"
    verbose_name = "基础数据"

    def ready(self) -> None:
        from minyi.reference import snapshots

        snapshots.connect()
