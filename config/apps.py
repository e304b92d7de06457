from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Installed only for the project-wide management commands (seed_demo)."""

    name = "config"
    label = "tandem_config"
    verbose_name = "Tandem"
