from django.apps import AppConfig
from django.urls import register_converter


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Socle technique"

    def ready(self):
        from core import converters

        # Registered here, once, before any app's URLconf is imported (on the first request).
        register_converter(converters.TokenConverter, "token")
        register_converter(converters.InseeCodeConverter, "insee")
        register_converter(converters.ExportFormatConverter, "export_format")
