"""seed_demo's profiles: the people docs/architecture.md describes, once, however often it runs.

Seeding draws and encodes about thirty pictures, so one test seeds twice and checks everything
in between, rather than every check seeding again.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from profiles import selectors
from profiles.models import Profile, ProfileSkill, ResponseTimeRecord, Skill, User, WorkSample

pytestmark = pytest.mark.django_db


def snapshot(storage_root):
    files = sorted(p.relative_to(storage_root) for p in storage_root.rglob("*") if p.is_file())
    return {
        "users": User.objects.count(),
        "profiles": Profile.objects.count(),
        "skills": Skill.objects.count(),
        "profile_skills": ProfileSkill.objects.count(),
        "samples": WorkSample.objects.count(),
        "records": ResponseTimeRecord.objects.count(),
        "files": files,
    }


def seed(capture):
    with capture(execute=True):  # thumbnails are made after commit
        call_command("seed_demo", stdout=StringIO())


def test_seed_demo_makes_the_documented_people_once(settings, django_capture_on_commit_callbacks):
    seed(django_capture_on_commit_callbacks)
    first = snapshot(settings.MEDIA_ROOT)

    # Sam: a complete full-stack Django developer, with photo, samples and a response time.
    sam = User.objects.get(email="freelancer@example.com")
    assert selectors.completeness_for_user(user=sam).percent == 100
    assert sam.profile.title == "Full-stack Django developer"
    assert "Django" in sam.profile.skills.values_list("name", flat=True)
    assert sam.profile.photo_thumb
    assert WorkSample.objects.filter(profile=sam.profile).count() >= 2
    assert selectors.response_time_summary(user=sam) is not None

    # Alex designs; Morgan runs a studio.
    alex = Profile.objects.get(user__email="freelancer2@example.com")
    morgan = Profile.objects.get(user__email="client@example.com")
    assert "designer" in alex.title.lower()
    assert "Figma" in alex.skills.values_list("name", flat=True)
    assert "Lee & Partners Studio" in morgan.title and morgan.photo and morgan.user.is_client

    # About thirty more freelancers, varied, who cannot log in.
    extra = User.objects.filter(role="freelancer").exclude(
        email__in=["freelancer@example.com", "freelancer2@example.com"]
    )
    assert 28 <= extra.count() <= 40
    assert not any(user.has_usable_password() for user in extra)
    profiles = Profile.objects.filter(user__in=extra)
    assert len(set(profiles.values_list("timezone", flat=True))) >= 10
    assert len(set(profiles.values_list("rate_currency", flat=True))) >= 3
    assert not profiles.filter(title="").exists()

    # Search has something to rank.
    assert "Sam Rivera" in [p.user.name for p in selectors.freelancer_search(q="django")][:3]

    # A second run changes nothing: no new rows, no new files.
    seed(django_capture_on_commit_callbacks)
    assert snapshot(settings.MEDIA_ROOT) == first
