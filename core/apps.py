from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app shares: errors, uploads, file responses, money, form helpers."""

    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
