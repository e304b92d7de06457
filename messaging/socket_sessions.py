"""A websocket lives no longer than the sign-in it was opened with.

A socket is authenticated once, at its handshake. What ends that sign-in later closes the
person's sockets with 4401 (docs/websocket-protocol.md, "Connecting"), on every server process,
through their user group (`messaging.events.publish_session_end`):

- a logout closes the sockets of that session only (Django's `user_logged_out`);
- a password change (allauth's views, Django's admin or `changepassword`, anything that saves a
  new password hash: the other sessions stop verifying, and Django's `update_session_auth_hash`
  gives the session that changed it a new key) and a deactivation close all of them. The tab
  that changed the password loads a new page with its new cookie, and so a new socket;
- a session that expires or is deleted in any other way, and whatever a lost event would miss,
  is caught by the socket itself: `session_valid_until` at connect and again when the session
  is due to expire or every WEBSOCKET_SESSION_CHECK_SECONDS, whichever comes first.

Receivers here because messaging must react to profiles' user and to Django's sign-in without
either knowing it (docs/conventions.md, signals only there).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from importlib import import_module
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    load_backend,
    user_logged_out,
)
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from messaging import events
from profiles.selectors import second_factor_missing

logger = logging.getLogger(__name__)

# The close code a browser sees when the socket has no sign-in (live.js stops and says so).
CLOSE_UNAUTHENTICATED = 4401


def session_valid_until(session_key: str | None, user_id: int) -> float | None:
    """When (time.time()) the session stops signing this person in; None if it no longer
    does: gone or expired, another person's, the person inactive or deleted, or their password
    changed since (Django's own get_user rules, read-only: nothing is flushed or saved)."""
    if not session_key:
        return None
    found = _session_data(session_key)
    if found is None:
        return None
    data, expires_at = found
    if data.get(SESSION_KEY) != str(user_id):
        return None
    backend_path = data.get(BACKEND_SESSION_KEY)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)  # None when inactive or deleted
    if user is None:
        return None
    session_hash = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if not session_hash or not any(constant_time_compare(session_hash, h) for h in hashes):
        return None
    if second_factor_missing(user):  # staff who must enrol reach no page, and no socket
        return None
    return expires_at


def _session_data(session_key: str) -> tuple[dict[str, Any], float] | None:
    """The session's data and when it expires. Stores with a table (db, cached_db) are read
    from the table, the record, whose expiry is the session's own; others from the store."""
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    store = store_class(session_key)
    get_model_class = getattr(store_class, "get_model_class", None)
    if get_model_class is None:
        data = store.load()
        return (data, store.get_expiry_date().timestamp()) if data else None
    row = (
        get_model_class()
        .objects.filter(session_key=session_key, expire_date__gt=timezone.now())
        .values_list("session_data", "expire_date")
        .first()
    )
    if row is None:
        return None
    return store.decode(row[0]), row[1].timestamp()


def seconds_until_check(valid_until: float) -> float:
    """How long a socket waits before checking its session again."""
    every: float = settings.WEBSOCKET_SESSION_CHECK_SECONDS
    return max(0.0, min(valid_until - time.time(), every))


class SignInBoundSocket:
    """LiveConsumer's part that ends the socket with its sign-in. The consumer sets
    `session_key`, `session_tag` and `user_id` at connect, then calls `_check_session_at`."""

    user_id: int
    session_key: str | None
    session_tag: str
    # Until the sign-in is known to hold (connect) and after it ended, nothing is handled:
    # `ended` drops every frame and event, `valid_until` is when to check again.
    ended = False
    valid_until = -math.inf
    _session_timer: asyncio.TimerHandle | None = None
    _session_task: asyncio.Future[bool] | None = None

    if TYPE_CHECKING:  # what the consumer brings (Channels' close, its groups)

        async def close(
            self, code: int | bool | None = None, reason: str | None = None
        ) -> None: ...

        async def _leave_groups(self) -> None: ...

    async def _end(self) -> None:
        """The sign-in is over: close with 4401 and leave every group; anything still on its
        way to this socket, frame or event, is dropped."""
        if self.ended:
            return
        self.ended = True
        self._stop_session_checks()
        await self.close(code=CLOSE_UNAUTHENTICATED)
        await self._leave_groups()

    async def session_end(self, event: events.Event) -> None:
        """A logout (this session, or another one of the person's), a password change or a
        deactivation (every session): messaging.events.publish_session_end."""
        if event.get("session") in (None, self.session_tag):
            await self._end()

    def _check_session_at(self, valid_until: float, delay: float | None = None) -> None:
        """Check the session again when it is due to expire, or sooner (a deletion or an event
        lost on its way would otherwise keep the socket open)."""
        self.valid_until = valid_until
        if delay is None:
            delay = seconds_until_check(valid_until)
        if self._session_timer is not None:
            self._session_timer.cancel()
        self._session_timer = asyncio.get_running_loop().call_later(delay, self._session_due)

    def _session_due(self) -> None:
        self._session_timer = None
        self._session_task = asyncio.ensure_future(self._session_holds())

    async def _session_holds(self) -> bool:
        """Whether the sign-in still holds; ends the socket if not."""
        try:
            valid_until = await database_sync_to_async(session_valid_until)(
                self.session_key, self.user_id
            )
        except Exception:
            # The database is down: keep the socket until the expiry it knows, try again later.
            logger.exception("session check failed for user %s", self.user_id)
            self._check_session_at(self.valid_until, settings.WEBSOCKET_SESSION_CHECK_SECONDS)
            return time.time() < self.valid_until
        if valid_until is None:
            await self._end()
            return False
        self._check_session_at(valid_until)
        return True

    def _stop_session_checks(self) -> None:
        if self._session_timer is not None:
            self._session_timer.cancel()
            self._session_timer = None
        task, self._session_task = self._session_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()


# --- what ends a sign-in --------------------------------------------------------------------


@receiver(user_logged_out, dispatch_uid="messaging.sockets_end_on_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is not None and session_key:
        events.publish_session_end(user.pk, session_key)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="messaging.sign_in_changes")
def _note_sign_in_change(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Whether this save changes the password hash or deactivates the person, compared with
    the row as stored (so every path counts: set_password, the admin's form, a raw hash)."""
    instance._ends_sign_ins = False
    update_fields = kwargs.get("update_fields")
    if raw or instance._state.adding:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return  # a login's last_login, a profile's name: one query fewer
    stored = sender._default_manager.filter(pk=instance.pk).values_list("password", "is_active")
    before = stored.first()
    if before is not None:
        password, was_active = before
        instance._ends_sign_ins = password != instance.password or (
            was_active and not instance.is_active
        )


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="messaging.sign_ins_end")
def _sign_ins_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "_ends_sign_ins", False):
        instance._ends_sign_ins = False
        events.publish_session_end(instance.pk)


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="messaging.user_deleted")
def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    events.publish_session_end(instance.pk)
