"""Writes for workrooms. Views, other apps (invitations: accepting opens a room), Celery tasks
and the admin call these, by the names below.

One module per concern: `rooms` (opening, status), `files`, `deadlines`, `calls`, `reminders`,
`account` (a person's export, and the contracts that stop deleting their account).
Every write to a room starts with `_common.guarded` (the room's row locked, `by` a member, the
room open, the role a rule needs). Every event writes an `Activity` row, posts a compact system
line into the room's chat and, after commit, publishes a `workroom.updated` frame on the room's
conversation group, so both members' open pages refetch the panel that changed.
"""

from ._common import WorkroomClosed
from .account import account_blockers, account_export, open_workrooms_for
from .calls import CallOverlap, call_accept, call_cancel, call_propose, call_reschedule
from .deadlines import deadline_review, deadline_set, deadline_submit, deadline_update
from .files import file_delete, file_share
from .reminders import reminders_send
from .rooms import workroom_open, workroom_set_status

__all__ = [
    "CallOverlap",
    "WorkroomClosed",
    "account_blockers",
    "account_export",
    "call_accept",
    "call_cancel",
    "call_propose",
    "call_reschedule",
    "deadline_review",
    "deadline_set",
    "deadline_submit",
    "deadline_update",
    "file_delete",
    "file_share",
    "open_workrooms_for",
    "reminders_send",
    "workroom_open",
    "workroom_set_status",
]
