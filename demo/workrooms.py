"""Demo workrooms for `manage.py seed_demo` (docs/architecture.md, "Demo data").

Morgan (client) and Sam (freelancer) share three rooms: **Website rebuild** (active, with a
conversation, files with versions, a submitted, an upcoming and an overdue deadline, an
accepted call that starts five minutes after the seed, so its video call can be joined at
once, and the history of all that), **Mobile app prototype** (active) and **Brand
guidelines** (closed). Everything goes through the services, so the activity and the chat's
system lines are the real ones. Idempotent: a room that exists is left alone (each is built in
one transaction), and messages carry fixed client_ids. Times are relative to the moment a room
is first created: its story is spread over the days before.
"""

import uuid
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from demo.clock import (
    BRAND_DUE_DAYS_AGO,
    BRAND_OPENED_DAYS_AGO,
    MOBILE_OPENED_DAYS_AGO,
    OPEN_STARTS_DAYS_AGO,
    RESOLVED_STARTS_DAYS_AGO,
    WEBSITE_OPENED_DAYS_AGO,
    DemoClock,
    Story,
)
from messaging import services as messaging
from messaging.models import Conversation, Message, Notification
from workrooms import services
from workrooms.models import Activity, Call, Deadline, FileVersion, SharedFile, Workroom

DEMO_NAMESPACE = uuid.UUID("0b6d1c53-2f0e-4b8e-9d57-5e0c1d3b7a21")

WEBSITE_SCRIPT = [
    ("client", "Welcome to our workroom, Sam! Everything for the rebuild lives here now."),
    ("freelancer", "Thanks Morgan. I've put the sitemap in Files; have a look when you can."),
    ("client", "Looks good. Can we merge 'Studio' and 'About' into one page?"),
    ("freelancer", "Yes, that simplifies the menu. I'll upload a revised sitemap."),
    ("freelancer", "Revised sitemap is up as version 2: Studio and About are one page now."),
    ("client", "Perfect. I've set the milestones in Deadlines with the amounts we agreed."),
    ("freelancer", "Great. The content model and admin are ready for review."),
    ("client", "I'll review it tomorrow morning. Here's a homepage mockup from our designer."),
    ("freelancer", "Lovely. I'll follow its spacing and type scale in the templates."),
    ("client", "The contact form fix slipped, didn't it? No stress, just keep me posted."),
    ("freelancer", "It did, sorry: the spam filter took longer to test. Tomorrow at the latest."),
    ("client", "Thanks! Let's go through milestone 2 on the call this week."),
]

MOBILE_SCRIPT = [
    ("client", "Sam, this room is for the mobile prototype we talked about."),
    ("freelancer", "Got it. I'll start with the booking flow and share screens here."),
    ("client", "Sounds good. The first screens by the end of next week would be ideal."),
]

BRAND_SCRIPT = [
    ("client", "Final brand guidelines are approved. Thank you for the careful work!"),
    ("freelancer", "My pleasure, Morgan. Closing this one out on my side too."),
]


def pdf_bytes(text: str) -> bytes:
    body = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET"
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        + f"4 0 obj<</Length {len(body)}>>stream\n{body}\nendstream endobj\n".encode()
        + b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n"
        b"%%EOF\n"
    )


def _mockup_png() -> bytes:
    image = Image.new("RGB", (640, 400), (246, 247, 247))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 640, 56), fill=(13, 107, 104))
    draw.rectangle((40, 96, 380, 128), fill=(23, 33, 35))
    draw.rectangle((40, 148, 320, 164), fill=(185, 195, 197))
    draw.rectangle((40, 176, 300, 192), fill=(185, 195, 197))
    draw.rectangle((40, 224, 180, 264), fill=(13, 107, 104))
    draw.rectangle((420, 96, 600, 300), fill=(225, 241, 239))
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _file(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _say(workroom: Workroom, people: dict, key: str, script, story: Story, start: int = 0) -> None:
    for index, (who, body) in enumerate(script[start:], start=start):
        sender = people["client"] if who == "client" else people["freelancer"]
        result = messaging.message_send(
            conversation_id=workroom.conversation_id,
            sender=sender,
            body=body,
            client_id=uuid.uuid5(DEMO_NAMESPACE, f"{key}-{index}"),
            rate_limited=False,
        )
        if result.message is None:  # the conduct check objected: a demo script bug
            raise RuntimeError(f"Demo message {key}-{index} was not stored: {result.warning}")
        story.step()


def _spread_history(workroom: Workroom, *, story: Story, start, end) -> None:
    """Spread the room's story (each step's messages, activity, file versions and
    notifications together) between `start` and `end`, in the order it happened, so the demo
    reads like a project that has been going on."""
    story.retell(
        [
            (Workroom.objects.filter(pk=workroom.pk), ("created_at",)),
            (Message.objects.filter(conversation_id=workroom.conversation_id), ("created_at",)),
            (Activity.objects.filter(workroom=workroom), ("created_at",)),
            (SharedFile.objects.filter(workroom=workroom), ("created_at", "updated_at")),
            (FileVersion.objects.filter(shared_file__workroom=workroom), ("created_at",)),
            (
                Deadline.objects.filter(workroom=workroom),
                ("created_at", "submitted_at", "reviewed_at"),
            ),
            (Call.objects.filter(workroom=workroom), ("created_at", "updated_at")),
            (Notification.objects.all(), ("created_at",)),
        ],
        start=start,
        end=end,
    )
    last = Message.objects.filter(conversation_id=workroom.conversation_id).order_by("-seq").first()
    Conversation.objects.filter(pk=workroom.conversation_id).update(
        created_at=Workroom.objects.get(pk=workroom.pk).created_at,
        last_message_at=last.created_at if last else None,
    )


def _room(people: dict, title: str) -> Workroom | None:
    return Workroom.objects.filter(
        client=people["client"], freelancer=people["freelancer"], title=title
    ).first()


@transaction.atomic
def _seed_website(people: dict, clock: DemoClock) -> None:
    if _room(people, "Website rebuild"):
        return
    client, freelancer = people["client"], people["freelancer"]
    now = clock.now
    story = Story()
    room = services.workroom_open(client=client, freelancer=freelancer, title="Website rebuild")
    story.step()
    _say(room, people, "website", WEBSITE_SCRIPT[:2], story, start=0)
    sitemap_v1 = services.file_share(
        workroom=room,
        by=freelancer,
        uploaded_file=_file("sitemap.pdf", pdf_bytes("Sitemap, first draft"), "application/pdf"),
        description="Pages and how they link",
    )
    story.step()
    _say(room, people, "website", WEBSITE_SCRIPT[:4], story, start=2)
    sitemap_v2 = services.file_share(
        workroom=room,
        by=freelancer,
        uploaded_file=_file(
            "sitemap.pdf", pdf_bytes("Sitemap, Studio and About merged"), "application/pdf"
        ),
    )
    story.step()
    assert sitemap_v1.shared_file_id == sitemap_v2.shared_file_id
    _say(room, people, "website", WEBSITE_SCRIPT[:6], story, start=4)
    content = services.deadline_set(
        workroom=room,
        by=client,
        title="Content model and admin",
        description="Case studies, team and services editable in the admin.",
        due_at=now + timedelta(days=1, hours=3),
        amount=Decimal("1200.00"),
        currency="EUR",
    )
    story.step()
    services.deadline_set(
        workroom=room,
        by=client,
        title="Templates and responsive layout",
        description="All pages from the sitemap, fast on phones.",
        due_at=now + timedelta(days=6),
        amount=Decimal("1800.00"),
        currency="EUR",
    )
    story.step()
    # Set days ago, with a date that has since passed.
    services.deadline_set(
        workroom=room,
        by=client,
        title="Contact form spam fix",
        description="Honeypot field and rate limiting on the contact form.",
        due_at=now - timedelta(days=1, hours=2),
        amount=Decimal("300.00"),
        currency="EUR",
        now=now - timedelta(days=5),
    )
    story.step()
    _say(room, people, "website", WEBSITE_SCRIPT[:7], story, start=6)
    services.deadline_submit(
        workroom=room,
        deadline=content,
        by=freelancer,
        note="The admin is on the staging site; the sitemap shows the final page list.",
        versions=[sitemap_v2],
    )
    story.step()
    _say(room, people, "website", WEBSITE_SCRIPT[:8], story, start=7)
    services.file_share(
        workroom=room,
        by=client,
        uploaded_file=_file("homepage-mockup.png", _mockup_png(), "image/png"),
        description="From our designer: the homepage above the fold",
    )
    story.step()
    _say(room, people, "website", WEBSITE_SCRIPT[:11], story, start=8)
    # Five minutes after the seed: Join is open (from 10 minutes before the start until its
    # end), so Morgan and Sam can try the video call straight from `make run`.
    starts = (now + timedelta(minutes=5)).replace(second=0, microsecond=0)
    call = services.call_propose(
        workroom=room,
        by=client,
        starts_at=starts,
        duration_minutes=45,
        agenda="1. Feedback on the content model\n2. Milestone 2 scope\n3. Launch date",
        confirm=True,
    )
    story.step()
    services.call_accept(workroom=room, call=call, by=freelancer)
    story.step()
    _say(room, people, "website", WEBSITE_SCRIPT, story, start=11)
    _spread_history(room, story=story, start=clock.days_ago(WEBSITE_OPENED_DAYS_AGO), end=now)


@transaction.atomic
def _seed_mobile(people: dict, clock: DemoClock) -> None:
    if _room(people, "Mobile app prototype"):
        return
    story = Story()
    room = services.workroom_open(
        client=people["client"], freelancer=people["freelancer"], title="Mobile app prototype"
    )
    story.step()
    _say(room, people, "mobile", MOBILE_SCRIPT, story)
    services.deadline_set(
        workroom=room,
        by=people["client"],
        title="Clickable booking flow",
        due_at=clock.now + timedelta(days=10),
        amount=Decimal("2500.00"),
        currency="EUR",
    )
    # Before the dispute opened in it (demo.disputes), so the chat's days read in order.
    _spread_history(
        room,
        story=story,
        start=clock.days_ago(MOBILE_OPENED_DAYS_AGO),
        end=clock.days_ago(OPEN_STARTS_DAYS_AGO) - timedelta(hours=1),
    )


@transaction.atomic
def _seed_brand(people: dict, clock: DemoClock) -> None:
    if _room(people, "Brand guidelines"):
        return
    client, freelancer = people["client"], people["freelancer"]
    story = Story()
    room = services.workroom_open(client=client, freelancer=freelancer, title="Brand guidelines")
    story.step()
    version = services.file_share(
        workroom=room,
        by=freelancer,
        uploaded_file=_file(
            "brand-guidelines.pdf", pdf_bytes("Brand guidelines"), "application/pdf"
        ),
        description="Final version",
    )
    story.step()
    due = clock.days_ago(BRAND_DUE_DAYS_AGO)
    deadline = services.deadline_set(
        workroom=room,
        by=client,
        title="Brand guidelines",
        due_at=due,
        amount=Decimal("900.00"),
        currency="EUR",
        now=clock.days_ago(BRAND_OPENED_DAYS_AGO - 1),
    )
    story.step()
    services.deadline_submit(
        workroom=room, deadline=deadline, by=freelancer, note="Final PDF", versions=[version]
    )
    story.step()
    services.deadline_review(workroom=room, deadline=deadline, by=client, approve=True)
    story.step()
    _say(room, people, "brand", BRAND_SCRIPT, story)
    services.workroom_set_status(workroom=room, by=client, status=Workroom.Status.CLOSED)
    # Between the accepted invitation (demo.invitations) and the dispute (demo.disputes).
    _spread_history(
        room,
        story=story,
        start=clock.days_ago(BRAND_OPENED_DAYS_AGO),
        end=clock.days_ago(RESOLVED_STARTS_DAYS_AGO + 1),
    )


def seed_workrooms(people: dict, clock: DemoClock | None = None) -> None:
    """`people` is demo.profiles.seed_people()'s dict, keyed by e-mail."""
    cast = {"client": people["client@example.com"], "freelancer": people["freelancer@example.com"]}
    clock = clock or DemoClock()
    _seed_website(cast, clock)
    _seed_mobile(cast, clock)
    _seed_brand(cast, clock)
