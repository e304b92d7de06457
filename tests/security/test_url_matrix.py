"""The authorization matrix: every named URL, requested by every role, against the outcome its
row in tests/security/url_matrix/ decides. A URL without a row fails, so no page is added
without deciding who may see it; a POST that is refused must also leave the database as it
was."""

from __future__ import annotations

import hashlib
from functools import cache

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security.url_matrix import AWAITING_FIX, CHECKS, ROLES, SECRETS, Check, Expect

pytestmark = pytest.mark.django_db

OUR_NAMESPACES = {"profiles", "messaging", "workrooms", "invitations", "disputes"}
# The admin's pages in the matrix: its index, and the dispute and user pages.
ADMIN_PAGES = ("index", "disputes_dispute_", "profiles_user_", "auth_user_")
ROLE_USERS = {
    "stranger": "stranger",
    "client": "client",
    "freelancer": "freelancer",
    "mediator": "mediator",
    "revoked_mediator": "mediator",
    "staff": "staff",
    "dispute_viewer": "viewer",
    "superuser": "superuser",
}
# The tables a POST may change: ours, allauth's addresses, and who holds which permission.
STATE_APPS = ("profiles", "messaging", "workrooms", "invitations", "disputes", "account", "auth")
VOLATILE_COLUMNS = {"last_login"}  # signing in writes it
STATIC_MODELS = {"auth.Permission"}


def _walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            scope = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from _walk(pattern.url_patterns, scope)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern.name


def url_names() -> set[str]:
    """The named URLs the matrix must cover."""
    names = set()
    for namespace, name in _walk(get_resolver().url_patterns):
        if namespace in OUR_NAMESPACES:
            names.add(f"{namespace}:{name}")
        elif namespace == "":  # the project's own (dashboard, healthz) and allauth's
            names.add(name)
        elif namespace == "admin" and name.startswith(ADMIN_PAGES):
            names.add(f"admin:{name}")
    return names


def test_every_url_has_a_row():
    covered = {check.name for check in CHECKS}
    missing = sorted(url_names() - covered)
    assert not missing, "\n".join(
        f"add a row deciding who may see {name} (tests/security/url_matrix/)" for name in missing
    )


def test_every_row_names_a_url():
    stale = sorted({check.name for check in CHECKS} - url_names())
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def test_every_row_decides_every_role_and_awaiting_fix_names_real_rows():
    keys = {check.key for check in CHECKS}
    for check in CHECKS:
        assert set(check.expect) == set(ROLES), check.key
    assert len(keys) == len(CHECKS), "two rows for one request"
    unknown = [key for key in AWAITING_FIX if key[0] not in keys or key[1] not in ROLES]
    assert not unknown, f"AWAITING_FIX names rows that do not exist: {unknown}"


def test_the_world_is_what_the_table_assumes(world):
    world.dispute.refresh_from_db()
    assert world.dispute.status == "mediation"
    assert world.dispute.mediator_id == world.mediator.pk
    assert world.proposal.proposed_by_id == world.client.pk
    assert world.evidence.preview and world.version.thumbnail
    assert world.open_dispute.status == "open"
    assert not world.private_sample.is_public and world.public_sample.is_public


# --- The matrix ------------------------------------------------------------------------------


def sign_in(client, world, role: str, on_commit) -> object | None:
    """Sends the role's session cookie (signed in once per module, see conftest)."""
    if role == "anonymous":
        return None
    person = ROLE_USERS[role]
    user = getattr(world, person)
    if role == "revoked_mediator":
        # Taken away the way the admin does it, committed: whatever runs on commit runs.
        with on_commit(execute=True):
            user.user_permissions.remove(Permission.objects.get(codename="mediate_dispute"))
    client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[person]
    return user


@cache
def _state_queries() -> tuple[tuple[str, str], ...]:
    """A SELECT of every row of each table a request could change, all columns but volatile ones."""
    tables = set(connection.introspection.table_names())
    quote = connection.ops.quote_name
    queries = []
    for label in STATE_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            meta = model._meta
            if meta.db_table not in tables or meta.label in STATIC_MODELS:
                continue  # PostgreSQL-only tables on SQLite; rows no request writes
            columns = ", ".join(
                quote(f.column) for f in meta.concrete_fields if f.attname not in VOLATILE_COLUMNS
            )
            # Names from the models' own metadata, quoted by the backend: no outside input.
            sql = f"SELECT {columns} FROM {quote(meta.db_table)}"  # noqa: S608
            queries.append((meta.label, sql))
    return tuple(queries)


def snapshot() -> dict[str, str]:
    """A digest of every row of the tables a request could change, per model."""
    state = {}
    with connection.cursor() as cursor:
        for label, sql in _state_queries():
            cursor.execute(sql)
            rows = sorted(map(repr, cursor.fetchall()))  # in no order: some keys are composite
            state[label] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return state


def changed_models(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


def url_for(check: Check, world) -> str:
    query = check.query(world) if callable(check.query) else check.query
    return reverse(check.name, kwargs=check.args(world)) + query


def request(client, check: Check, world, user, url: str | None = None, method: str | None = None):
    method = (method or check.method).lower()
    url = url or url_for(check, world)
    if method == "post":
        data = check.data(world, user) if check.data else {}
        return client.post(url, data=data, headers=check.headers)
    return getattr(client, method)(url, headers=check.headers)


def outcome(response) -> str:
    where = f" to {response['Location']}" if response.status_code in (301, 302) else ""
    return f"{response.status_code}{where}"


def _redirect_problems(response, expected: Expect) -> list[str]:
    location = response["Location"]
    login, admin_login = resolve_url(settings.LOGIN_URL), reverse("admin:login")
    wanted = {"login": login, "admin_login": admin_login}.get(expected.to)
    if wanted and not location.startswith(wanted):
        return [f"redirected to {location}, not to log in"]
    if not wanted and location.startswith((login, admin_login)):
        return [f"sent to log in ({location})"]
    return []


def _state_problems(expected: Expect, changed: list[str] | None) -> list[str]:
    if changed is None or expected.changes is None:
        return []
    if expected.changes and not changed:
        return ["nothing changed"]
    if not expected.changes and changed:
        return [f"changed {', '.join(changed)}"]
    return []


def _secrets_shown(response, role: str) -> list[str]:
    if response.status_code != 200 or response.streaming:
        return []
    content = response.content.decode(errors="replace")
    return [
        f"shows {secret!r}"
        for secret, readers in SECRETS.items()
        if role not in readers and secret in content
    ]


def problems_with(response, expected: Expect, changed: list[str] | None, role: str) -> list[str]:
    if response.status_code != expected.status:
        found = [f"status {outcome(response)}"]
    elif expected.status == 302:
        found = _redirect_problems(response, expected)
    else:
        found = []
    return found + _state_problems(expected, changed) + _secrets_shown(response, role)


def _cases():
    for check in CHECKS:
        for role in ROLES:
            reason = AWAITING_FIX.get((check.key, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(check, role, id=f"{check.id}-{check.method}-{role}", marks=marks)


@pytest.mark.parametrize(("check", "role"), list(_cases()))
def test_who_may_see_what(world, check, role, client, django_capture_on_commit_callbacks):
    user = sign_in(client, world, role, django_capture_on_commit_callbacks)
    before = snapshot() if check.method == "POST" else None
    response = request(client, check, world, user)
    changed = changed_models(before, snapshot()) if before is not None else None
    expected = check.expect[role]
    found = problems_with(response, expected, changed, role)
    assert not found, f"{check.method} {check.id} as {role}: expected {expected!r}; " + "; ".join(
        found
    )


# POST-only URLs: the role whose POST succeeds gets 405 for a GET, and nothing changes.
POST_ONLY = {
    check.name: check
    for check in CHECKS
    if check.method == "POST"
    and not any(c.name == check.name and c.method == "GET" for c in CHECKS)
}


@pytest.mark.parametrize("check", list(POST_ONLY.values()), ids=list(POST_ONLY))
def test_post_only_urls_refuse_get(world, check, client, django_capture_on_commit_callbacks):
    # The role the POST is meant for: one whose POST changes something, or else is answered.
    role = (
        next(r for r in ROLES if check.expect[r].changes)
        if any(e.changes for e in check.expect.values())
        else next(r for r in ROLES if r != "anonymous" and check.expect[r].status < 400)
    )
    user = sign_in(client, world, role, django_capture_on_commit_callbacks)
    before = snapshot()
    response = request(client, check, world, user, method="GET")
    assert response.status_code == 405, f"GET {check.id} as {role}: {outcome(response)}"
    assert changed_models(before, snapshot()) == []
