from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from profiles.models import Profile
from workrooms.services import workroom_open


@pytest.fixture
def room(client_user, freelancer_user):
    return workroom_open(client=client_user, freelancer=freelancer_user, title="Website rebuild")


@pytest.fixture
def stranger(make_user):
    return make_user(role="client", name="Eve Stranger")


@pytest.fixture
def later():
    return timezone.now() + timedelta(days=3)


def upload(name="brief.txt", content=b"The brief.\n", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def set_timezone(user, name):
    from django.core.cache import cache

    Profile.objects.update_or_create(user=user, defaults={"timezone": name})
    cache.clear()
