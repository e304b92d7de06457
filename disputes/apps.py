from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"

    def ready(self):
        from disputes import services
        from disputes.receivers import on_message_stored
        from messaging.signals import message_stored
        from profiles import account_parts

        message_stored.connect(on_message_stored, dispatch_uid="disputes.on_message_stored")
        account_parts.register(
            "disputes", export=services.account_export, blockers=services.account_blockers
        )
