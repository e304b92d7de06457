from typing import Any

from django.core.management.base import BaseCommand

from demo.clock import DemoClock
from demo.disputes import seed_disputes
from demo.invitations import seed_invitations
from demo.messaging import seed_conversations
from demo.profiles import demo_logins, seed_people, seed_profiles
from demo.workrooms import seed_workrooms


class Command(BaseCommand):
    help = "Create the demo data (docs/architecture.md). Idempotent: a re-run changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        # One clock for the whole seed, so every date in the demo agrees (demo/clock.py).
        clock = DemoClock()
        people = seed_people(clock)
        seed_profiles(people, clock)
        seed_conversations(people, clock)
        seed_workrooms(people, clock)
        seed_invitations(people, clock)
        seed_disputes(people, clock)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for line in demo_logins():
            self.stdout.write(f"  {line}")
