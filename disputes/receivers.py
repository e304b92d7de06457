"""Reactions to other apps' signals (messaging does not know disputes exist, nor does the
user model know who mediates)."""

from functools import partial

from django.contrib.auth.models import Group
from django.db import transaction

from disputes.services import mediator_access_recheck, message_recorded
from messaging.models import Conversation

# A change to one of these can take away the right to mediate (disputes.permissions).
ACCESS_FIELDS = frozenset({"is_active", "is_staff", "is_superuser"})


def on_message_stored(sender, *, message, conversation, **kwargs):
    if conversation.kind != Conversation.Kind.DISPUTE:
        return
    message_recorded(message=message, conversation=conversation)


def recheck_after_commit(user_ids) -> None:
    """Re-check these people's disputes once the change is committed, against its final state
    (the admin saves the flags, then the groups, then the permissions: a half-saved form must
    not unassign anyone). `None`: every active dispute. A failure is logged, never raised into
    the request that changed the user; the periodic sweep retries."""
    ids = None if user_ids is None else sorted(set(user_ids))
    if ids == []:
        return
    transaction.on_commit(partial(mediator_access_recheck, user_ids=ids), robust=True)


def on_user_saved(sender, *, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw or (update_fields is not None and not ACCESS_FIELDS & set(update_fields)):
        return  # a login's last_login, a profile edit: nothing that decides mediating
    recheck_after_commit([instance.pk])


def on_user_access_changed(sender, *, instance, action, reverse, pk_set, **kwargs):
    """A user's permissions or groups lost something (from either side of the relation)."""
    if action not in ("post_remove", "post_clear"):
        return  # adding a permission or a group takes nothing away
    if not reverse:
        recheck_after_commit([instance.pk])
    else:  # a group or a permission lost users: `pk_set`, or all of them on clear
        recheck_after_commit(pk_set if action == "post_remove" else None)


def on_group_permissions_changed(sender, *, instance, action, reverse, pk_set, **kwargs):
    """A group lost a permission (or a permission lost groups): its members are re-checked."""
    if action not in ("post_remove", "post_clear"):
        return
    if not reverse:
        recheck_after_commit(instance.user_set.values_list("pk", flat=True))
    elif action == "post_remove":
        members = Group.objects.filter(pk__in=pk_set).values_list("user__pk", flat=True)
        recheck_after_commit([pk for pk in members if pk is not None])
    else:
        recheck_after_commit(None)


def on_group_deleted(sender, **kwargs):
    # Its members were removed without an m2m signal: re-check every active dispute.
    recheck_after_commit(None)
