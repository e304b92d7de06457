from django.apps import AppConfig


class WorkroomsConfig(AppConfig):
    name = "workrooms"

    def ready(self):
        from profiles import account_parts
        from workrooms import services

        account_parts.register(
            "workrooms", export=services.account_export, blockers=services.account_blockers
        )
