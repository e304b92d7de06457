from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data (`manage.py seed_demo`): the one app allowed to call every other app's
    services to build a story, so no domain app carries demo code."""

    name = "demo"
    verbose_name = "Demo data"
