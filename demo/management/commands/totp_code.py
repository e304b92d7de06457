from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.totp import DEMO_TOTP_SECRETS, seconds_left, totp_code


class Command(BaseCommand):
    help = (
        "Print the current two-factor code of a demo login (admin@example.com), for trying "
        "the demo without an authenticator app. Knows only the demo's published secrets."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", nargs="?", default="admin@example.com")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        secret = DEMO_TOTP_SECRETS.get(email.lower())
        if secret is None:
            raise CommandError(f"{email} is not a demo login with a published two-factor secret.")
        self.stdout.write(totp_code(secret))
        self.stderr.write(f"valid for {int(seconds_left())} more seconds")
