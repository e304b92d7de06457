from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"

    def ready(self):
        from disputes.receivers import on_message_stored
        from messaging.signals import message_stored

        message_stored.connect(on_message_stored, dispatch_uid="disputes.on_message_stored")
