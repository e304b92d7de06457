from django.apps import AppConfig


class WorkroomsConfig(AppConfig):
    name = "workrooms"

    def ready(self):
        from messaging.calls import call_ended, call_notes_posted
        from profiles import account_parts
        from workrooms import services
        from workrooms.receivers import on_call_ended, on_call_notes_posted

        account_parts.register(
            "workrooms", export=services.account_export, blockers=services.account_blockers
        )
        call_ended.connect(on_call_ended, dispatch_uid="workrooms.on_call_ended")
        call_notes_posted.connect(on_call_notes_posted, dispatch_uid="workrooms.on_call_notes")
