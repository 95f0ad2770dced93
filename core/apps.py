from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle technique"

    def ready(self):
        # Path converters are registered before any URL conf is read.
        from core import exports  # noqa: F401 - registers <export_format:...>
