"""Create the rooms and members of a live benchmark run and print them as JSON.

Run with Django settings in the environment (the harness runs it against its own database):
    python bench/live_setup.py ROOMS MEMBERS
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from messaging import services  # noqa: E402
from profiles.models import User  # noqa: E402


def member(room: int, index: int) -> dict:
    email = f"bench-{room}-{index}@bench.invalid"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email,
            name=f"Bench {room} {index}",
            handle=f"bench-{room}-{index}",
            role=User.Role.FREELANCER,
        )
        user.set_unusable_password()
        user.save()
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"user": user.pk, "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}


def main(rooms: int, members: int, tag: str) -> None:
    result = []
    for room in range(rooms):
        people = [member(f"{tag}{room}", index) for index in range(members)]
        users = User.objects.filter(pk__in=[p["user"] for p in people])
        conversation = services.conversation_create(
            kind="workroom", title=f"Bench {tag}{room}", members=list(users)
        )
        result.append({"conversation": conversation.pk, "members": people})
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "r")
