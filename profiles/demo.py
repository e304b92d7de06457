"""Demo people for `manage.py seed_demo` (ARCHITECTURE.md, "Demo data")."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from profiles.models import User

DEMO_PASSWORD = "tandem-demo"  # noqa: S105 - the published demo password


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    handle: str
    role: str
    staff: bool = False


DEMO_PEOPLE = [
    DemoPerson("client@example.com", "Morgan Lee", "morgan-lee", User.Role.CLIENT),
    DemoPerson("freelancer@example.com", "Sam Rivera", "sam-rivera", User.Role.FREELANCER),
    DemoPerson("freelancer2@example.com", "Alex Chen", "alex-chen", User.Role.FREELANCER),
    DemoPerson("admin@example.com", "Ada Admin", "ada-admin", "", staff=True),
]


@transaction.atomic
def seed_people() -> dict[str, User]:
    """The four demo logins, verified, with the demo password. Re-running changes nothing."""
    people = {}
    for person in DEMO_PEOPLE:
        user = User.objects.filter(email=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email,
                DEMO_PASSWORD,
                name=person.name,
                handle=person.handle,
                role=person.role,
                is_staff=person.staff,
                is_superuser=person.staff,
            )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        people[person.email] = user
    return people
