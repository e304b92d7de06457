"""Demo people for `manage.py seed_demo` (docs/architecture.md, "Demo data")."""

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify
from django_countries import countries

from demo.clock import DemoClock
from demo.images import portrait_png, screen_png
from demo.totp import DEMO_TOTP_SECRETS
from profiles import services
from profiles.models import ResponseTimeRecord, User

DEMO_PASSWORD = "tandem-demo"  # noqa: S105 - the published demo password


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    handle: str
    role: str
    staff: bool = False
    # Well before anything they did in the demo (demo.clock's calendar goes back 60 days).
    joined_days_ago: int = 120


DEMO_PEOPLE = [
    DemoPerson("client@example.com", "Morgan Lee", "morgan-lee", User.Role.CLIENT),
    DemoPerson(
        "freelancer@example.com", "Sam Rivera", "sam-rivera", User.Role.FREELANCER, False, 300
    ),
    DemoPerson("freelancer2@example.com", "Alex Chen", "alex-chen", User.Role.FREELANCER),
    DemoPerson("admin@example.com", "Ada Admin", "ada-admin", "", staff=True, joined_days_ago=400),
]


@transaction.atomic
def seed_people(clock: DemoClock | None = None) -> dict[str, User]:
    """The four demo logins, verified, with the demo password (and Ada's authenticator).

    Re-running changes nothing."""
    clock = clock or DemoClock()
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
                date_joined=clock.days_ago(person.joined_days_ago),
            )
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        if secret := DEMO_TOTP_SECRETS.get(person.email):
            # Ada signs in with a code as well, as staff must in production (docs/accounts.md).
            Authenticator.objects.get_or_create(
                user=user,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": encrypt(secret)}},
            )
        people[person.email] = user
    return people


def demo_logins() -> list[str]:
    """What `seed_demo` prints: each login, and how to get past Ada's second factor."""
    lines = []
    for person in DEMO_PEOPLE:
        role = "admin" if person.staff else person.role
        lines.append(f"{person.email:<26} {DEMO_PASSWORD}   ({person.name}, {role})")
    for email, secret in DEMO_TOTP_SECRETS.items():
        lines.append(f"{email} then asks for a code: admin TOTP secret {secret}")
        lines.append(f"  (add it to an authenticator app, or: python manage.py totp_code {email})")
    return lines


# --- Profiles --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoProfile:
    title: str
    overview: str
    timezone: str
    country: str
    languages: tuple[str, ...]
    skills: tuple[str, ...] = ()
    rate: str | None = None
    currency: str = "USD"
    availability: str = ""
    hours: tuple[str, str] = ("09:00", "17:00")
    samples: tuple[tuple[str, str, str], ...] = ()  # title, description, link
    # Minutes each of their recent replies took, in working time (the response-time figure).
    replies: tuple[int, ...] = ()
    photo: bool = True


SAM_OVERVIEW = """I build web products end to end with Django and React: data models that hold up, \
APIs that are pleasant to use, and interfaces people understand without a manual.

Over the last eight years I have shipped booking systems, internal tools and customer portals for \
clinics, logistics companies and two early-stage startups. I care about the boring parts that \
make software last: migrations that run without downtime, tests that catch real bugs, background \
jobs that retry safely, and PostgreSQL queries that stay fast when the data grows.

I work in small, reviewable steps and write down what I did and why, so your team can carry on \
without me. I am in Lisbon, overlap comfortably with European and US East Coast hours, and \
answer messages the same working day."""

ALEX_OVERVIEW = """Product designer for B2B software. I turn messy workflows into calm, usable \
screens, from the first research interviews to a design system engineers enjoy using.

Recent work: an onboarding redesign that halved support tickets for a payroll tool, a component \
library in Figma shared by three product teams, and usability testing for a logistics \
dashboard. I prototype early, test with real users and hand over specs that leave nothing to \
guess."""

MORGAN_OVERVIEW = """Lee & Partners Studio is a small brand and digital studio in New York. We \
hire freelance developers and designers for client projects: websites, booking flows and the \
occasional mobile app. We write clear briefs, pay on time and like to work in short, focused \
iterations."""

SAM_SAMPLES = (
    (
        "Physio booking platform",
        "Online booking for a chain of 14 physiotherapy clinics: Django, PostgreSQL and React, "
        "with reminders by SMS and a calendar sync that survives double bookings. Bookings "
        "grew 40% in the first quarter after launch.",
        "https://example.com/case-studies/physio-booking",
    ),
    (
        "Real-time logistics dashboard",
        "A live map and exception queue for a freight forwarder: Django Channels, Celery and "
        "PostGIS. Dispatchers see late shipments within seconds instead of at the end of the day.",
        "",
    ),
    (
        "Customer portal for an insurance broker",
        "Self-service documents, claims and renewals, replacing e-mail back-and-forth. Built "
        "with accessibility in mind (WCAG 2.1 AA) and a test suite that runs in three minutes.",
        "https://example.com/case-studies/broker-portal",
    ),
)

ALEX_SAMPLES = (
    (
        "Payroll onboarding redesign",
        "Research, flows and high-fidelity screens for a payroll tool's first-run experience. "
        "Support tickets about setup dropped by half.",
        "https://example.com/work/payroll-onboarding",
    ),
    (
        "Shared design system",
        "A Figma component library with tokens, documentation and usage guidelines, adopted "
        "by three product teams.",
        "",
    ),
)

DEMO_PROFILES: dict[str, DemoProfile] = {
    "freelancer@example.com": DemoProfile(
        title="Full-stack Django developer",
        overview=SAM_OVERVIEW,
        timezone="Europe/Lisbon",
        country="PT",
        languages=("English", "Spanish", "Portuguese"),
        skills=(
            "Django",
            "Python",
            "PostgreSQL",
            "React",
            "TypeScript",
            "Celery",
            "Docker",
            "AWS",
        ),
        rate="85",
        availability="full_time",
        hours=("09:00", "17:30"),
        samples=SAM_SAMPLES,
        replies=(45, 70, 110, 35, 150, 90, 60),
    ),
    "freelancer2@example.com": DemoProfile(
        title="Product designer for B2B software",
        overview=ALEX_OVERVIEW,
        timezone="America/Toronto",
        country="CA",
        languages=("English", "Mandarin"),
        skills=("Product design", "Figma", "UX research", "Design systems", "Prototyping"),
        rate="75",
        currency="CAD",
        availability="part_time",
        samples=ALEX_SAMPLES,
        replies=(240, 380, 190, 600),
    ),
    "client@example.com": DemoProfile(
        title="Founder, Lee & Partners Studio",
        overview=MORGAN_OVERVIEW,
        timezone="America/New_York",
        country="US",
        languages=("English",),
    ),
    "admin@example.com": DemoProfile(
        title="Trust and safety, Tandem",
        overview="I look after disputes and conduct reports on Tandem.",
        timezone="Europe/London",
        country="GB",
        languages=("English", "French"),
        photo=False,
    ),
}

# One freelancer per entry: name | title, then | skills, then
# | rate currency | availability | timezone country | languages [| no photo]
MORE_FREELANCERS_TABLE = """
    Priya Sharma | Data scientist, forecasting and NLP
        | Python, Machine learning, NLP, pandas, SQL
        | 95 USD | full_time | Asia/Kolkata IN | English, Hindi
    Kofi Mensah | Backend engineer: Go and distributed systems
        | Go, PostgreSQL, Kubernetes, gRPC, Redis
        | 90 USD | part_time | Africa/Accra GH | English
    Lena Fischer | Brand identity designer
        | Brand identity, Logo design, Typography, Illustrator
        | 70 EUR | full_time | Europe/Berlin DE | German, English
    Diego Alvarez | React Native developer for iOS and Android
        | React Native, TypeScript, iOS, Android, Expo
        | 65 USD | full_time | America/Mexico_City MX | Spanish, English
    Hana Suzuki | UX researcher and usability tester
        | UX research, Usability testing, Interviews, Figma
        | 80 USD | part_time | Asia/Tokyo JP | Japanese, English
    Tom Becker | DevOps engineer: AWS, Terraform, CI/CD
        | AWS, Terraform, Docker, CI/CD, Linux
        | 100 EUR | full_time | Europe/Vienna AT | German, English | no photo
    Amara Okafor | Technical writer for developer tools
        | Technical writing, Documentation, Markdown, APIs
        | 60 USD | full_time | Africa/Lagos NG | English, Yoruba
    Lucas Martin | Django and Wagtail developer
        | Django, Wagtail, Python, HTML, CSS
        | 55 EUR | full_time | Europe/Paris FR | French, English
    Sofia Rossi | Motion designer and animator
        | Motion design, After Effects, Illustration, Video editing
        | 65 EUR | part_time | Europe/Rome IT | Italian, English
    Mateus Silva | Full-stack developer: Node.js and Vue
        | Node.js, Vue.js, TypeScript, MongoDB, Express
        | 50 USD | full_time | America/Sao_Paulo BR | Portuguese, English | no photo
    Emily Walker | SEO and content strategist
        | SEO, Content strategy, Copywriting, Google Analytics
        | 70 GBP | part_time | Europe/London GB | English
    Noah Williams | iOS engineer, Swift and SwiftUI
        | Swift, SwiftUI, iOS, Core Data
        | 110 USD | full_time | America/Los_Angeles US | English
    Chloé Dubois | Illustrator for books and brands
        | Illustration, Procreate, Character design, Photoshop
        | 45 EUR | full_time | Europe/Brussels BE | French, Dutch, English
    Arjun Patel | Data engineer: pipelines, dbt and Airflow
        | Data engineering, dbt, Airflow, SQL, Python
        | 85 USD | not_available | Asia/Kolkata IN | English, Gujarati | no photo
    Olivia Brown | Copywriter for SaaS and fintech
        | Copywriting, Content writing, Email marketing, Editing
        | 55 USD | full_time | America/Chicago US | English
    Mikael Lindqvist | Rust and WebAssembly engineer
        | Rust, WebAssembly, C++, Performance tuning
        | 120 EUR | part_time | Europe/Stockholm SE | Swedish, English | no photo
    Fatima Zahra | Flutter developer
        | Flutter, Dart, Firebase, Android, iOS
        | 45 USD | full_time | Africa/Casablanca MA | Arabic, French, English
    Jack Thompson | Shopify developer and e-commerce consultant
        | Shopify, Liquid, JavaScript, Conversion optimisation
        | 75 AUD | full_time | Australia/Sydney AU | English
    Yuki Tanaka | 3D artist for products and games
        | 3D modelling, Blender, Texturing, Rendering
        | 60 USD | part_time | Asia/Tokyo JP | Japanese | no photo
    Elena Popescu | QA engineer: test automation with Playwright
        | Test automation, Playwright, Cypress, Python
        | 50 EUR | full_time | Europe/Bucharest RO | Romanian, English
    Carlos Mendes | Growth marketer for early-stage startups
        | Growth marketing, Google Ads, SEO, Analytics
        | 65 USD | part_time | Europe/Lisbon PT | Portuguese, English, Spanish
    Grace Kim | Product manager for marketplaces
        | Product management, Roadmapping, User stories, Scrum
        | 95 USD | not_available | America/New_York US | English, Korean
    Omar Haddad | Security consultant and penetration tester
        | Security audits, Penetration testing, OWASP, Linux
        | 130 USD | part_time | Asia/Dubai AE | Arabic, English | no photo
    Anna Kowalska | Frontend developer: accessible React interfaces
        | React, Accessibility, TypeScript, CSS, Next.js
        | 60 EUR | full_time | Europe/Warsaw PL | Polish, English
    Ravi Kumar | Power BI and Tableau dashboards
        | Power BI, Tableau, Data visualization, Excel, SQL
        | 40 USD | full_time | Asia/Kolkata IN | English, Tamil
    Isabella Garcia | Translator, English–Spanish, legal and medical
        | Translation, Proofreading, Legal research
        | 35 USD | full_time | Europe/Madrid ES | Spanish, English, Catalan
    Ben Cohen | Python developer: FastAPI and LLM applications
        | Python, FastAPI, LLM applications, PostgreSQL
        | 105 USD | full_time | Asia/Jerusalem IL | Hebrew, English | no photo
    Mia Jensen | UI designer for mobile apps
        | UI design, Figma, Prototyping, Design systems
        | 70 EUR | part_time | Europe/Copenhagen DK | Danish, English
    Samuel Osei | Laravel and PHP developer
        | PHP, Laravel, MySQL, Vue.js
        | 40 USD | full_time | Africa/Accra GH | English
    Hannah Schmidt | Video editor for YouTube and courses
        | Video editing, Premiere Pro, Motion design, Color grading
        | 45 EUR | full_time | Europe/Berlin DE | German, English | no photo
    Leo Nguyen | Machine learning engineer, computer vision
        | Machine learning, Computer vision, PyTorch, Python
        | 115 USD | part_time | Asia/Ho_Chi_Minh VN | Vietnamese, English
    Zoe Martin | Bookkeeper for small businesses
        | Bookkeeping, Excel, Financial modelling, Xero
        | 38 GBP | full_time | Europe/London GB | English
"""


@dataclass(frozen=True)
class ExtraFreelancer:
    name: str
    title: str
    skills: tuple[str, ...]
    rate: str
    currency: str
    availability: str
    timezone: str
    country: str
    languages: tuple[str, ...]
    photo: bool


def _parse_table(table: str) -> list[ExtraFreelancer]:
    entries = [" ".join(chunk.split()) for chunk in re.split(r"\n(?=    \S)", table.strip("\n"))]
    people = []
    for entry in entries:
        name, title, skills, price, availability, place, languages, *flags = (
            part.strip() for part in entry.split("|")
        )
        rate, currency = price.split()
        timezone_name, country = place.split()
        people.append(
            ExtraFreelancer(
                name=name,
                title=title,
                skills=tuple(s.strip() for s in skills.split(",")),
                rate=rate,
                currency=currency,
                availability=availability,
                timezone=timezone_name,
                country=country,
                languages=tuple(s.strip() for s in languages.split(",")),
                photo="no photo" not in flags,
            )
        )
    return people


MORE_FREELANCERS = _parse_table(MORE_FREELANCERS_TABLE)


def _overview_for(name: str, title: str, skills: tuple[str, ...], country: str) -> str:
    first = name.split()[0]
    lead, *rest = skills
    return (
        f"Hi, I'm {first}. {title}, working with clients around the world"
        f"{' from ' + countries.name(country) if country else ''}. "
        f"Most of my work involves {lead}"
        f"{', as well as ' + ', '.join(rest[:3]) if rest else ''}. "
        "I like clear goals, short feedback loops and honest estimates, and I keep you posted "
        "without being asked. Tell me what you're trying to achieve and I'll tell you how I "
        "would approach it, what it might cost and what could go wrong."
    )


def _demo_email(name: str) -> str:
    return f"{slugify(name).replace('-', '.')}@example.com"


def _upload(data: bytes, name: str) -> ContentFile:
    return ContentFile(data, name=name)


def seed_profile(user: User, spec: DemoProfile, *, now) -> None:
    """Fill one demo profile; each part only if it is still empty, so a re-run changes nothing."""
    profile = services.profile_ensure(user=user)
    if not profile.title:
        data = {
            "title": spec.title,
            "overview": spec.overview,
            "timezone": spec.timezone,
            "country": spec.country,
            "languages": list(spec.languages),
            "work_start": time.fromisoformat(spec.hours[0]),
            "work_end": time.fromisoformat(spec.hours[1]),
        }
        if user.is_freelancer:
            data.update(
                hourly_rate=Decimal(spec.rate) if spec.rate else None,
                rate_currency=spec.currency,
                availability=spec.availability,
            )
        profile = services.profile_update(
            profile=profile, data=data, skills=list(spec.skills) if spec.skills else None
        )
    if spec.photo and not profile.photo:
        services.profile_set_photo(
            profile=profile, upload=_upload(portrait_png(user.name), "portrait.png")
        )
    if spec.samples and not profile.work_samples.exists():
        for index, (title, description, link) in enumerate(spec.samples):
            accent = SAMPLE_COLOURS[index % len(SAMPLE_COLOURS)]
            services.work_sample_create(
                profile=profile,
                title=title,
                description=description,
                link=link,
                image=_upload(screen_png(title, accent), "screen.png"),
            )
    if spec.replies and not ResponseTimeRecord.objects.filter(user=user).exists():
        # Answers spread over the past weeks, each started at 10:00 on a working day of theirs.
        tz = profile.tzinfo
        for index, minutes in enumerate(spec.replies):
            day = (now - timedelta(days=3 + index * 4)).astimezone(tz).date()
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            started = datetime.combine(day, time(10), tzinfo=tz)
            services.response_time_record(
                user=user,
                kind=ResponseTimeRecord.Kind.MESSAGE,
                started_at=started,
                responded_at=started + timedelta(minutes=minutes),
            )


SAMPLE_COLOURS = [(13, 107, 104), (47, 95, 168), (167, 52, 90), (156, 74, 23)]


@transaction.atomic
def seed_profiles(people: dict[str, User], clock: DemoClock | None = None) -> list[User]:
    """Profiles for the four demo logins and about 30 more freelancers to search through."""
    clock = clock or DemoClock()
    now = clock.now
    for email, spec in DEMO_PROFILES.items():
        if email in people:
            seed_profile(people[email], spec, now=now)
    extra = []
    for index, person in enumerate(MORE_FREELANCERS):
        email = _demo_email(person.name)
        user = User.objects.filter(email=email).first()
        if user is None:
            # No password: these people are there to be found, not to log in.
            user = User.objects.create_user(
                email,
                None,
                name=person.name,
                role=User.Role.FREELANCER,
                date_joined=clock.days_ago(90 + index * 3),
            )
        spec = DemoProfile(
            title=person.title,
            overview=_overview_for(person.name, person.title, person.skills, person.country),
            timezone=person.timezone,
            country=person.country,
            languages=person.languages,
            skills=person.skills,
            rate=person.rate,
            currency=person.currency,
            availability=person.availability,
            photo=person.photo,
            replies=(60 + index * 37 % 400, 90 + index * 53 % 900, 30 + index * 71 % 1500)
            if index % 3
            else (),
        )
        seed_profile(user, spec, now=now)
        extra.append(user)
    return extra
