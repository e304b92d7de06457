from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "invitations"

    def ready(self):
        from invitations import account
        from profiles import account_parts

        account_parts.register(
            "invitations", export=account.account_export, erase=account.account_erase
        )
