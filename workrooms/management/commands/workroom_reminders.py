from django.core.management.base import BaseCommand

from workrooms.services import reminders_send


class Command(BaseCommand):
    help = "Send the deadline and call reminders that are due (Celery beat does this every minute)."

    def handle(self, *args, **options):
        sent = reminders_send()
        self.stdout.write(f"Sent {sent} reminder(s).")
