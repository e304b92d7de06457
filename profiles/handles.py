"""Public handles (/u/<handle>/): made from the display name, never from the e-mail address,
which stays private.

Pure rules, no database: whether a handle is free is asked by `User.objects.free_handle()`
(profiles.models), which tries these candidates in turn.
"""

import secrets
from collections.abc import Iterator

from django.utils.text import slugify

HANDLE_MAX = 30
# Random four-digit suffixes tried after the name's own handle before giving up on the name.
SUFFIXED_TRIES = 20


def _compact(text: str) -> str:
    return slugify(text).replace("-", "")


def _spells_out_email(handle: str, email: str) -> bool:
    """True when a handle carries the e-mail address, e.g. from a name like "sam at example com".

    A handle that merely shares the person's name with the address's local part is fine: it
    comes from the name, and the address itself stays private.
    """
    local, _, domain = (email or "").lower().partition("@")
    local, domain_label = _compact(local), _compact(domain.split(".")[0])
    compact = handle.replace("-", "")
    return bool(local and domain_label) and local in compact and domain_label in compact


def _base_handle(name: str, email: str) -> str:
    base = slugify(name or "")[:HANDLE_MAX].strip("-")
    if _spells_out_email(base, email) or len(base) < 3:
        base = "member"
    return base


def handle_candidates(*, name: str, email: str) -> Iterator[str]:
    """The handles to try, in order: the name's own, then with a random four-digit suffix."""
    base = _base_handle(name, email)
    yield base
    for _ in range(SUFFIXED_TRIES):
        suffix = str(secrets.randbelow(9000) + 1000)
        yield f"{base[: HANDLE_MAX - len(suffix) - 1].rstrip('-')}-{suffix}"


def last_resort_handle() -> str:
    """When every candidate is taken: random enough to be free without asking."""
    return f"member-{secrets.token_hex(6)}"
