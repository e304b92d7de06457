from typing import Any

from django.core.management.base import BaseCommand

from demo.disputes import seed_disputes
from demo.invitations import seed_invitations
from demo.messaging import seed_conversations
from demo.profiles import demo_logins, seed_people, seed_profiles
from demo.workrooms import seed_workrooms


class Command(BaseCommand):
    help = "Create the demo data (docs/architecture.md). Idempotent: a re-run changes nothing."

    def handle(self, *args: Any, **options: Any) -> None:
        people = seed_people()
        seed_profiles(people)
        seed_conversations(people)
        seed_workrooms(people)
        seed_invitations(people)
        seed_disputes(people)
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Log in with:"))
        for line in demo_logins():
            self.stdout.write(f"  {line}")
