from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from disputes import receivers, services
        from messaging.signals import message_stored
        from profiles import account_parts

        message_stored.connect(
            receivers.on_message_stored, dispatch_uid="disputes.on_message_stored"
        )
        account_parts.register(
            "disputes", export=services.account_export, blockers=services.account_blockers
        )
        # Whoever loses the right to mediate leaves their disputes (disputes.services.revocation).
        User = get_user_model()
        post_save.connect(receivers.on_user_saved, sender=User, dispatch_uid="disputes.user_saved")
        for relation in (User.user_permissions.through, User.groups.through):
            m2m_changed.connect(
                receivers.on_user_access_changed,
                sender=relation,
                dispatch_uid=f"disputes.access_changed.{relation._meta.label}",
            )
        m2m_changed.connect(
            receivers.on_group_permissions_changed,
            sender=Group.permissions.through,
            dispatch_uid="disputes.group_permissions_changed",
        )
        post_delete.connect(
            receivers.on_group_deleted, sender=Group, dispatch_uid="disputes.group_deleted"
        )
