from typing import Any

from django.core.management.base import BaseCommand

from messaging.notifications import send_due_digests


class Command(BaseCommand):
    help = "Send the unread-message e-mails that are due (Celery beat does this every minute)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_digests()
        self.stdout.write(f"Sent {sent} digest e-mail(s).")
