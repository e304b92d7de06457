"""Who may see what: the authorization matrix's table (tests/security/test_url_matrix.py runs it).

Every named URL of our apps, of the admin's dispute and user pages, and of allauth has at least
one `Check` in this package (`pages.py`, `admin.py`; the vocabulary is in `kit.py`): a request
(method, arguments from the one world in `tests/security/world.py`, form data) and what each
role must get. The outcomes are what the product should do, not what it happens to do; a row
still waiting for its fix is listed in `AWAITING_FIX` below (an expected failure, strict, so it
turns red the moment the fix lands and the entry must go).

Roles: `anonymous`; `stranger` (a signed-in client who shares nothing with anyone); the
`client` and the `freelancer` (members of every workroom, parties to every dispute, the two
ends of the direct conversation, the job's owner and the invitation's recipient); the
`mediator` (staff who may mediate, assigned to the dispute in mediation); the
`revoked_mediator` (that same mediator after the mediate permission was taken away);
`staff` (staff with no permission); the `dispute_viewer` (staff with only `view_dispute`);
the `superuser`.
"""

from tests.security.url_matrix.admin import ACCOUNTS, ADMIN, TWO_FACTOR
from tests.security.url_matrix.kit import ROLES, Check, Expect
from tests.security.url_matrix.pages import (
    ACCOUNT,
    CORE,
    DISPUTES,
    INVITATIONS,
    MESSAGING,
    PROFILES,
    WORKROOMS,
)
from tests.security.world import DISPUTE_THREAD, INTERNAL_NOTE

__all__ = ["AWAITING_FIX", "CHECKS", "ROLES", "SECRETS", "Check", "Expect"]

CHECKS: list[Check] = [
    *ACCOUNTS,
    *TWO_FACTOR,
    *CORE,
    *PROFILES,
    *ACCOUNT,
    *MESSAGING,
    *WORKROOMS,
    *INVITATIONS,
    *DISPUTES,
    *ADMIN,
]

# Pages only some roles may read, and the text that must appear on no other role's page.
SECRETS = {
    INTERNAL_NOTE: {"mediator", "superuser"},
    DISPUTE_THREAD: {"client", "freelancer", "mediator", "superuser"},
}

# Rows the product does not meet yet: ("METHOD check id", role) -> why. Each is an expected failure
# (strict): when its fix is merged the test passes, fails as "XPASS(strict)", and the entry goes.
AWAITING_FIX: dict[tuple[str, str], str] = {}
