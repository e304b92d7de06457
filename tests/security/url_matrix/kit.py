"""The matrix's vocabulary: the roles, the outcomes (`Expect`) and their shorthands, a request
(`Check`), and the builders of a request's arguments and form data from the world."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.security.world import World

ROLES = (
    "anonymous",
    "stranger",
    "client",
    "freelancer",
    "mediator",
    "revoked_mediator",
    "staff",
    "dispute_viewer",
    "superuser",
)


@dataclass(frozen=True)
class Expect:
    """One outcome. `to`: where a 302 must go ("login", "admin_login", or "" for anywhere but a
    login page). `changes`, for a POST: whether the database must change (True), must not
    (False), or is not the point (None: the role's own data, e.g. marking nothing read)."""

    status: int
    to: str = ""
    changes: bool | None = False

    def __repr__(self) -> str:
        where = f" to {self.to}" if self.to else ""
        change = {True: ", changes", False: ", changes nothing", None: ""}[self.changes]
        return f"{self.status}{where}{change}"


OK = Expect(200)
LOGIN = Expect(302, to="login")
ADMIN_LOGIN = Expect(302, to="admin_login")
FORBIDDEN = Expect(403)
NOT_FOUND = Expect(404)
DONE = Expect(302, changes=True)  # the action happened; back to its page
REFUSED = Expect(302)  # not this person's step: back to the page with a message, nothing changed
REDIRECT = Expect(302, changes=None)
CREATED = Expect(201, changes=True)


def who(default: Expect, *, anonymous: Expect = LOGIN, **roles: Expect) -> dict[str, Expect]:
    """Every role gets `default` unless named; an anonymous visitor is sent to log in."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    table = {role: roles.get(role, default) for role in ROLES}
    table["anonymous"] = anonymous
    return table


def both(expect: Expect) -> dict[str, Expect]:
    """The client and the freelancer: the members, the parties."""
    return {"client": expect, "freelancer": expect}


def party_and_mediator(expect: Expect) -> dict[str, Expect]:
    return {"client": expect, "freelancer": expect, "mediator": expect}


def admin(default: Expect, **roles: Expect) -> dict[str, Expect]:
    """The admin: whoever is not staff is sent to its login page; staff get `default`."""
    outside = {name: ADMIN_LOGIN for name in ("stranger", "client", "freelancer")}
    return who(default, anonymous=ADMIN_LOGIN, **{**outside, **roles})


Args = Callable[[World], dict[str, Any]]
Data = Callable[[World, Any], dict[str, Any]]


@dataclass(frozen=True)
class Check:
    name: str  # the URL's name, "namespace:name"
    expect: dict[str, Expect]
    args: Args = lambda w: {}
    method: str = "GET"
    data: Data | None = None
    query: str | Callable[[World], str] = ""
    label: str = ""  # tells two checks of one URL apart
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.name}[{self.label}]" if self.label else self.name

    @property
    def key(self) -> str:
        """What AWAITING_FIX names a row by: "GET disputes:detail", "POST messaging:block"."""
        return f"{self.method} {self.id}"


def _later(days: float) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# --- Arguments -------------------------------------------------------------------------------


def room(w: World) -> dict:
    return {"workroom_id": w.room.pk}


def dispute(w: World) -> dict:
    return {"dispute_id": w.dispute.pk}


def handle(attr: str) -> Args:
    return lambda w: {"handle": getattr(w, attr).handle}


def sample(attr: str) -> Args:
    return lambda w: {
        "handle": w.freelancer.handle,
        "sample_id": getattr(w, attr).pk,
        "name": getattr(w, attr).image_name,
    }


def conversation(attr: str) -> Args:
    def args(w: World) -> dict:
        thing = getattr(w, attr)
        return {"conversation_id": getattr(thing, "conversation_id", thing.pk)}

    return args


def fresh_profile(user):
    from profiles.models import Profile

    return Profile.objects.get(user=user)


def admin_dispute(w: World) -> dict:
    return {"object_id": w.dispute.pk}


def admin_evidence(w: World) -> dict:
    return {"object_id": w.dispute.pk, "evidence_id": w.evidence.pk}


def admin_user(w: World) -> dict:
    return {"object_id": w.client.pk}


def troll(w: World) -> dict:
    return {"object_id": w.troll.pk}


# --- Form data -------------------------------------------------------------------------------


def deadline_form(w: World, user) -> dict:
    return {
        "title": "Handover",
        "description": "",
        "due_at": _later(10),
        "amount": "150",
        "currency": "USD",
    }


def call_form(days: float) -> Data:
    return lambda w, user: {"starts_at": _later(days), "duration_minutes": "30", "agenda": "Demo"}


def job_form(prefix: str = "") -> dict:
    fields = {
        "title": "Booking widget",
        "description": "A small widget.",
        "skills": "Django",
        "budget_type": "fixed",
        "budget_amount": "900",
        "currency": "USD",
    }
    return {f"{prefix}{name}": value for name, value in fields.items()}


def dispute_form(w: World, user) -> dict:
    return {
        "reason": "quality",
        "description": "The delivered pages do not match the mockups.",
        "desired_outcome": "A revision.",
        "amount": "",
        "currency": "",
    }


def profile_form(w: World, user) -> dict:
    from profiles.forms import ProfileForm

    if user is None:
        return {"title": "Checked by the matrix"}
    return bound_initial(ProfileForm(profile=user.profile))


def bound_initial(form) -> dict:
    """What the browser would post back for an unchanged form, with the title changed."""
    data: dict[str, Any] = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif hasattr(value, "strftime") and hasattr(bound.widget, "format") and bound.widget.format:
            data[name] = value.strftime(bound.widget.format)
        else:
            data[name] = str(value)
    data["title"] = "Checked by the matrix"
    return data


def nothing(w: World, user) -> dict:
    return {}


def form(**values: Any) -> Data:
    return lambda w, user: dict(values)
