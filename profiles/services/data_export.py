"""A person's own data as one JSON file ("Download my data", /account/data/).

profiles writes the account and the profile; every other app adds its own part through the
function it registered in profiles.account_parts, so this module imports none of them. Files
are listed (name, size, SHA-256 and a link that needs the person's sign-in), never embedded.
"""

import hashlib
import json
from typing import Any

from allauth.account.models import EmailAddress
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from profiles import account_parts
from profiles.models import Profile, ProfileSkill, ResponseTimeRecord, User, WorkSample

FORMAT = 1


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


def _sha256(field_file: FieldFile) -> str | None:
    digest = hashlib.sha256()
    try:
        with field_file.open("rb") as handle:
            for chunk in handle.chunks():
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def _file(field_file: FieldFile, name: str, path: str) -> dict[str, Any] | None:
    if not field_file:
        return None
    return {"name": name, "url": account_parts.absolute_url(path), "sha256": _sha256(field_file)}


def _account(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "handle": user.handle,
        "role": user.role,
        "date_joined": _iso(user.date_joined),
        "last_login": _iso(user.last_login),
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
    }


def _sample(sample: WorkSample, handle: str) -> dict[str, Any]:
    path = (
        reverse("profiles:sample_image", args=[handle, sample.pk, sample.image_name])
        if sample.image
        else ""
    )
    return {
        "title": sample.title,
        "description": sample.description,
        "link": sample.link,
        "public": sample.is_public,
        "created_at": _iso(sample.created_at),
        "image": _file(sample.image, sample.image_name, path),
    }


def _profile(user: User) -> dict[str, Any]:
    profile = Profile.objects.prefetch_related(
        Prefetch(
            "profile_skills",
            queryset=ProfileSkill.objects.select_related("skill").order_by("position", "pk"),
        ),
        Prefetch("work_samples", queryset=WorkSample.objects.order_by("position", "pk")),
    ).get(user=user)
    return {
        "title": profile.title,
        "overview": profile.overview,
        "skills": [ps.skill.name for ps in profile.profile_skills.all()],
        "hourly_rate": str(profile.hourly_rate) if profile.hourly_rate is not None else None,
        "rate_currency": profile.rate_currency,
        "availability": profile.availability,
        "timezone": profile.timezone,
        "country": str(profile.country or ""),
        "languages": profile.languages,
        "working_hours": [profile.work_start.isoformat(), profile.work_end.isoformat()],
        "working_days": profile.work_days,
        "photo": _file(profile.photo, profile.photo_name, profile.photo_url),
        "work_samples": [_sample(s, user.handle) for s in profile.work_samples.all()],
        "updated_at": _iso(profile.updated_at),
    }


def account_export(*, user: User) -> dict[str, Any]:
    """Everything Tandem holds that is this person's own, as plain data."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": _iso(timezone.now()),
        "account": _account(user),
        "profile": _profile(user),
        "response_times": [
            {
                "kind": r.kind,
                "waited_since": _iso(r.started_at),
                "answered_at": _iso(r.responded_at),
                "working_seconds": r.business_seconds,
            }
            for r in ResponseTimeRecord.objects.filter(user=user).order_by("responded_at", "pk")
        ],
    }
    for part in account_parts.parts():
        if part.export is not None:
            data[part.name] = part.export(user=user)
    return data


def account_export_file(*, user: User) -> tuple[str, bytes]:
    """The export as a download: its file name (`tandem-data-<date>.json`) and its bytes."""
    content = json.dumps(account_export(user=user), cls=DjangoJSONEncoder, indent=2)
    return f"tandem-data-{timezone.localdate().isoformat()}.json", content.encode("utf-8")
