from django.core.management.base import BaseCommand

from invitations.services import invitations_sweep


class Command(BaseCommand):
    help = (
        "Send the '24 hours left' reminders and expire pending invitations past their time "
        "(Celery beat does this every five minutes; beat does not run under `make run`)."
    )

    def handle(self, *args, **options):
        result = invitations_sweep()
        self.stdout.write(
            f"Reminded {result['reminded']} and expired {result['expired']} invitation(s)."
        )
