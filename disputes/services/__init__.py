"""Writes for disputes. The parties' pages, the admin's mediation screens and the Celery sweep
all call these; each action locks the dispute row, checks who may act now (`disputes.rules`,
the same questions the pages ask), and writes exactly one `DisputeEvent` (the audit trail),
plus a system line in the thread and notifications.

Stages: open (the parties settle directly) → mediation (an admin mediates) → resolved, or
withdrawn (by the opener) or closed (by a mediator) from either active stage.

Refusals are `core.exceptions` errors: `NotFound` for someone who may not see the dispute (or
the workroom), `NotAllowed` (with the sentence shown to the person) for a step out of turn or
after the end, `Invalid` for a rule the input breaks; a mistake in a form's fields is a
`ValidationError` keyed by field.

One module per concern: `opening`, `evidence` (and the thread's messages on the record),
`proposals` (settlement between the parties, or the mediator's), `mediation`, `ending`
(resolve, close, withdraw), `deadlines` (the periodic sweep), `revocation` (a mediator who
may no longer mediate leaves their disputes), `account` (a party's export, and the open
disputes that stop deleting their account); `_common` holds what they share.
"""

from disputes.services.account import account_blockers, account_export, open_disputes_for
from disputes.services.deadlines import sweep_deadlines
from disputes.services.ending import dispute_close, dispute_resolve, dispute_withdraw
from disputes.services.evidence import evidence_add, message_recorded
from disputes.services.mediation import (
    dispute_escalate,
    internal_note_add,
    mediator_assign,
    mediator_message,
)
from disputes.services.opening import dispute_open
from disputes.services.proposals import proposal_answer, proposal_make
from disputes.services.revocation import mediator_access_recheck

__all__ = [
    "account_blockers",
    "account_export",
    "dispute_close",
    "dispute_escalate",
    "dispute_open",
    "dispute_resolve",
    "dispute_withdraw",
    "evidence_add",
    "internal_note_add",
    "mediator_access_recheck",
    "mediator_assign",
    "mediator_message",
    "message_recorded",
    "open_disputes_for",
    "proposal_answer",
    "proposal_make",
    "sweep_deadlines",
]
