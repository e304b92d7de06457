"""Each app's part of a person's account: what it exports, what stops a deletion, what it erases.

profiles owns accounts, but messaging, workrooms, invitations and disputes import profiles, never
the other way round (docs/architecture.md, "Apps and who owns what"). So each app registers its
own service functions here from its `AppConfig.ready()`, and profiles' export and deletion ask
every registered part without importing a single one of them. Parts run in the order the apps
are installed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class Blocker:
    """Something that stops an account from being deleted now, said to its owner: why, what,
    and where to go to settle it."""

    reason: str
    title: str
    url: str


Export = Callable[..., dict[str, Any]]
Blockers = Callable[..., list[Blocker]]
Erase = Callable[..., None]


@dataclass(frozen=True)
class AccountPart:
    name: str
    export: Export | None = None
    blockers: Blockers | None = None
    erase: Erase | None = None


_parts: dict[str, AccountPart] = {}


def register(
    name: str,
    *,
    export: Export | None = None,
    blockers: Blockers | None = None,
    erase: Erase | None = None,
) -> None:
    """An app's part, under the key its data has in the export. Each is called with `user=`."""
    _parts[name] = AccountPart(name=name, export=export, blockers=blockers, erase=erase)


def parts() -> list[AccountPart]:
    return list(_parts.values())


def absolute_url(path: str) -> str:
    """A link in an exported file works outside the site, so it carries the site's address."""
    return settings.SITE_URL + path
