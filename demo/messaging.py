"""Demo conversations for `manage.py seed_demo`: a direct conversation between Morgan and Sam."""

import uuid
from datetime import timedelta

from django.db import transaction

from demo.clock import DemoClock
from messaging import services
from messaging.models import Conversation, Message

DEMO_NAMESPACE = uuid.UUID("6f1c1d2e-6b7a-4c0e-9a51-2a7c3f5d9e10")

# Morgan first wrote to Sam before they opened the Website rebuild workroom (demo.workrooms).
FIRST_CONTACT = 12 * 24 * 60
PLAN_SENT = 11 * 24 * 60

# (minutes before now, who, body): who is "client" or "freelancer".
DIRECT_SCRIPT = [
    (
        FIRST_CONTACT,
        "client",
        "Hi Sam! I loved the booking platform in your portfolio. We're rebuilding our "
        "studio's website in Django and I'd like to talk about it.",
    ),
    (
        FIRST_CONTACT - 42,
        "freelancer",
        "Hi Morgan, thanks for reaching out! Happy to help. What does the current site "
        "run on, and what's the main pain point?",
    ),
    (
        FIRST_CONTACT - 55,
        "client",
        "It's an old WordPress install. Editing case studies is painful and it's slow on phones.",
    ),
    (
        FIRST_CONTACT - 70,
        "freelancer",
        "Got it. A Django site with a small CMS for case studies would fix both. I can "
        "sketch a plan and a rough timeline by tomorrow.",
    ),
    (
        PLAN_SENT,
        "freelancer",
        "Here's the plan: 1) content model and admin, 2) templates and responsive "
        "layout, 3) migration of the 40 case studies, 4) launch. About four weeks.",
    ),
    (
        PLAN_SENT - 30,
        "client",
        "That sounds right. I'll send you an invitation to the job so we can set it up "
        "properly on Tandem.",
    ),
    (
        90,
        "client",
        "Quick one: could you also look at the contact form? It sends us a lot of spam.",
    ),
    (
        70,
        "freelancer",
        "Sure, I'll add a honeypot field and rate limiting to the form. Small change, "
        "I'll fold it into milestone 2.",
    ),
]


@transaction.atomic
def seed_conversations(people: dict, clock: DemoClock | None = None) -> None:
    client = people["client@example.com"]
    freelancer = people["freelancer@example.com"]
    conversation = services.conversation_open_direct(user=client, other=freelancer)
    now = (clock or DemoClock()).now
    for index, (minutes_ago, who, body) in enumerate(DIRECT_SCRIPT):
        sender = client if who == "client" else freelancer
        result = services.message_send(
            conversation_id=conversation.pk,
            sender=sender,
            body=body,
            client_id=uuid.uuid5(DEMO_NAMESPACE, f"direct-{index}"),
            rate_limited=False,
        )
        if result.created:
            Message.objects.filter(pk=result.message.pk).update(
                created_at=now - timedelta(minutes=minutes_ago)
            )
    # Sending marks the sender's own position read, so Sam's last reply is Morgan's one unread.
    last = conversation.messages.order_by("-seq").first()
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=last.created_at)
