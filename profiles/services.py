from datetime import datetime, time
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone as dj_timezone

from core.images import REENCODED_SUFFIX, make_thumbnail
from core.money import RATE_MAX, clean_amount, normalize_currency
from core.uploads import PHOTO, WORK_SAMPLE, CheckedUpload, check_upload
from profiles.models import (
    MAX_WORK_SAMPLES,
    Profile,
    ProfileSkill,
    ResponseTimeRecord,
    Skill,
    User,
    WorkSample,
    normalize_skill,
)
from profiles.response_times import business_seconds
from profiles.search import search_documents_refresh
from profiles.skills import check_skill_name_length, clean_skill_names, display_skill_name
from profiles.timezones import TIMEZONE_CACHE_SECONDS, timezone_cache_key, zone


def handle_for_new_user(*, name: str, email: str) -> str:
    """A free, valid handle derived from the display name; never from the e-mail address."""
    return User.objects.free_handle(name=name, email=email)


def user_signup(*, user: User, name: str, role: str) -> User:
    """Complete a user that allauth's sign-up built: display name, role and a public handle.

    The handle is retried on a unique-constraint race with a concurrent sign-up.
    """
    user.name = name.strip()
    user.role = role
    for attempt in range(5):
        user.handle = handle_for_new_user(name=user.name, email=user.email)
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:
            if attempt == 4 or User.objects.filter(email__iexact=user.email).exists():
                raise
    return user


# --- Profiles --------------------------------------------------------------------------------

USER_FIELDS = frozenset({"name", "handle"})
PROFILE_FIELDS = frozenset(
    {
        "title",
        "overview",
        "hourly_rate",
        "rate_currency",
        "availability",
        "timezone",
        "country",
        "languages",
        "work_start",
        "work_end",
        "work_days",
    }
)
MAX_LANGUAGES = 10


def profile_ensure(*, user: User) -> Profile:
    """The user's profile, made if missing (users are given one on creation, see User.save)."""
    profile, _ = Profile.objects.get_or_create(user=user)
    return profile


def skill_get_or_create(*, name: str) -> Skill:
    """One Skill per normalised name: “ django ”, “Django” and “DJANGO” are the same skill."""
    display = display_skill_name(name)
    key = normalize_skill(display)
    if not key:
        raise ValidationError("A skill needs a name.", code="empty")
    check_skill_name_length(display)
    skill = Skill.objects.filter(normalized=key).first()
    if skill is not None:
        return skill
    try:
        with transaction.atomic():
            return Skill.objects.create(name=display)
    except IntegrityError:  # made by a concurrent request in the meantime
        return Skill.objects.get(normalized=key)


def profile_set_skills(*, profile: Profile, names) -> list[Skill]:
    """Replace the profile's skills, keeping the order given (the first ones are shown first)."""
    skills = [skill_get_or_create(name=name) for name in clean_skill_names(names)]
    current = list(
        ProfileSkill.objects.filter(profile=profile)
        .order_by("position")
        .values_list("skill_id", flat=True)
    )
    if current != [skill.pk for skill in skills]:
        ProfileSkill.objects.filter(profile=profile).delete()
        ProfileSkill.objects.bulk_create(
            [
                ProfileSkill(profile=profile, skill=skill, position=index)
                for index, skill in enumerate(skills)
            ]
        )
    return skills


def _clean_languages(value) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    seen, result = set(), []
    for item in value or []:
        name = " ".join(str(item).split())[:40]
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            result.append(name)
    if len(result) > MAX_LANGUAGES:
        raise ValidationError(
            {"languages": f"List at most {MAX_LANGUAGES} languages."}, code="too_many"
        )
    return result


def _clean_rate(value) -> Decimal | None:
    try:
        return clean_amount(value, maximum=RATE_MAX, noun="rate")
    except ValidationError as error:
        raise ValidationError({"hourly_rate": error.messages}, code=error.code) from None


def _clean_work_days(value) -> list[int]:
    try:
        days = sorted({int(day) for day in value or []})
    except (TypeError, ValueError):
        raise ValidationError({"work_days": "Pick your working days."}, code="invalid") from None
    if not days or days[0] < 0 or days[-1] > 6:
        raise ValidationError({"work_days": "Pick at least one working day."}, code="invalid")
    return days


def _remember_timezone(profile: Profile) -> None:
    key, value = timezone_cache_key(profile.pk), profile.timezone
    transaction.on_commit(lambda: cache.set(key, value, TIMEZONE_CACHE_SECONDS))


@transaction.atomic
def profile_update(*, profile: Profile, data: dict, skills=None) -> Profile:
    """Save what the person changed on their profile (name and handle included).

    Validates everything before writing anything, and reports every problem at once as a
    ValidationError keyed by field, so a form can put each message next to its field.
    """
    unknown = set(data) - USER_FIELDS - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"profile_update does not change {sorted(unknown)}")
    profile = Profile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    user = profile.user
    errors: dict[str, list] = {}

    user_fields = []
    if "name" in data:
        user.name = " ".join(str(data["name"]).split())
        user_fields.append("name")
    if "handle" in data:
        user.handle = str(data["handle"]).strip().lower()
        user_fields.append("handle")
    if user_fields:
        try:
            user.full_clean(
                exclude=[f.name for f in User._meta.fields if f.name not in user_fields]
            )
        except ValidationError as error:
            errors.update(error.message_dict)

    old_timezone = profile.timezone
    for field in PROFILE_FIELDS & set(data):
        value = data[field]
        try:
            if field == "languages":
                value = _clean_languages(value)
            elif field == "work_days":
                value = _clean_work_days(value)
            elif field in {"title", "overview"}:
                value = (value or "").strip()
            elif field == "hourly_rate":
                value = _clean_rate(value)
            elif field == "rate_currency":
                value = normalize_currency(value)
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        setattr(profile, field, value)
    try:
        # Profile.clean() words the working-hours rule for a person; the database constraints
        # stay as the last line of defence.
        profile.full_clean(exclude=["user", "photo", "photo_thumb"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if skills is not None:
        try:
            skills = clean_skill_names(skills)
        except ValidationError as error:
            errors.setdefault("skills", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)

    if user_fields:
        user.save(update_fields=user_fields)
    profile.save()
    if skills is not None:
        profile_set_skills(profile=profile, names=skills)
    search_documents_refresh(profile_ids=[profile.pk])
    if profile.timezone != old_timezone:
        _remember_timezone(profile)
    return profile


def profile_reindex(*, profile: Profile) -> None:
    """After a change made outside profile_update (the admin): search document, timezone cache."""
    search_documents_refresh(profile_ids=[profile.pk])
    _remember_timezone(profile)


@transaction.atomic
def skill_rename(*, skill: Skill, name: str) -> Skill:
    """Change how a skill is shown (e.g. “Javascript” → “JavaScript”); search follows."""
    skill.name = " ".join(name.split())
    clash = Skill.objects.filter(normalized=normalize_skill(skill.name)).exclude(pk=skill.pk)
    if clash.exists():
        raise ValidationError({"name": "Another skill already has this name."})
    skill.save()
    search_documents_refresh(
        profile_ids=ProfileSkill.objects.filter(skill=skill).values_list("profile_id", flat=True)
    )
    return skill


def _delete_files_on_commit(*names: str) -> None:
    storage = Profile._meta.get_field("photo").storage
    names = tuple(name for name in names if name)
    if names:
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


@transaction.atomic
def profile_set_photo(*, profile: Profile, upload) -> Profile:
    """Check and re-encode a photo, store it under a new name, thumbnail it after commit.

    A refused file raises core.exceptions.Invalid or TooLarge (core.uploads)."""
    from profiles import tasks  # tasks call back into services

    checked = check_upload(upload, PHOTO)
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    old = (profile.photo.name, profile.photo_thumb.name)
    profile.photo.save(checked.storage_name, checked.content, save=False)
    profile.photo_thumb = ""
    profile.save(update_fields=["photo", "photo_thumb", "updated_at"])
    _delete_files_on_commit(*old)
    tasks.profile_photo_thumbnail.delay_on_commit(profile.pk, profile.photo.name)
    return profile


@transaction.atomic
def profile_remove_photo(*, profile: Profile) -> Profile:
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    old = (profile.photo.name, profile.photo_thumb.name)
    profile.photo = ""
    profile.photo_thumb = ""
    profile.save(update_fields=["photo", "photo_thumb", "updated_at"])
    _delete_files_on_commit(*old)
    return profile


PHOTO_THUMB_SIZE = (256, 256)
SAMPLE_THUMB_SIZE = (640, 400)


def _thumbnail(*, model, pk: int, source_field: str, thumb_field: str, source: str, size):
    """Make the thumbnail of `source` once; keep it only if the row still shows that source."""
    storage = model._meta.get_field(source_field).storage
    if not model.objects.filter(pk=pk, **{source_field: source}).exists():
        return  # replaced or removed since the task was queued
    try:
        with storage.open(source, "rb") as file:
            data = make_thumbnail(file.read(), size=size)
    except FileNotFoundError:
        return
    name = storage.save(source.rsplit(".", 1)[0] + "-thumb" + REENCODED_SUFFIX, ContentFile(data))
    updated = model.objects.filter(pk=pk, **{source_field: source}).update(**{thumb_field: name})
    if not updated:
        storage.delete(name)


def profile_photo_make_thumbnail(*, user_id: int, photo_name: str) -> None:
    _thumbnail(
        model=Profile,
        pk=user_id,
        source_field="photo",
        thumb_field="photo_thumb",
        source=photo_name,
        size=PHOTO_THUMB_SIZE,
    )


def work_sample_make_thumbnail(*, sample_id: int, image_name: str) -> None:
    _thumbnail(
        model=WorkSample,
        pk=sample_id,
        source_field="image",
        thumb_field="image_thumb",
        source=image_name,
        size=SAMPLE_THUMB_SIZE,
    )


# --- Work samples ----------------------------------------------------------------------------


def _encode_sample_image(upload) -> CheckedUpload | None:
    """A sample's image checked and re-encoded; refusals raise core.exceptions errors."""
    return check_upload(upload, WORK_SAMPLE) if upload is not None else None


def _store_sample_image(sample: WorkSample, checked: CheckedUpload) -> None:
    sample.image.save(checked.storage_name, checked.content, save=False)
    sample.image_thumb = ""


@transaction.atomic
def work_sample_create(
    *,
    profile: Profile,
    title: str,
    description: str,
    link: str = "",
    is_public: bool = True,
    image=None,
) -> WorkSample:
    from profiles import tasks

    encoded = _encode_sample_image(image)  # before taking the lock: decoding takes a while
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    count = WorkSample.objects.filter(profile=profile).count()
    if count >= MAX_WORK_SAMPLES:
        raise ValidationError(
            f"You have {MAX_WORK_SAMPLES} work samples, the most a profile can show. "
            "Remove one to add another.",
            code="too_many",
        )
    last = WorkSample.objects.filter(profile=profile).aggregate(m=Max("position"))["m"]
    sample = WorkSample(
        profile=profile,
        title=title.strip(),
        description=description.strip(),
        link=link.strip(),
        is_public=is_public,
        position=0 if last is None else last + 1,
    )
    sample.full_clean(exclude=["image", "image_thumb"])
    if encoded is not None:
        _store_sample_image(sample, encoded)
    sample.save()
    if sample.image:
        tasks.work_sample_thumbnail.delay_on_commit(sample.pk, sample.image.name)
    return sample


@transaction.atomic
def work_sample_update(
    *,
    sample: WorkSample,
    title: str,
    description: str,
    link: str = "",
    is_public: bool = True,
    image=None,
    remove_image: bool = False,
) -> WorkSample:
    from profiles import tasks

    encoded = _encode_sample_image(image)
    sample = WorkSample.objects.select_for_update().get(pk=sample.pk)
    old = (sample.image.name, sample.image_thumb.name)
    sample.title, sample.description = title.strip(), description.strip()
    sample.link, sample.is_public = link.strip(), is_public
    sample.full_clean(exclude=["image", "image_thumb"])
    if encoded is not None:
        _store_sample_image(sample, encoded)
    elif remove_image:
        sample.image, sample.image_thumb = "", ""
    sample.save()
    if sample.image.name != old[0]:
        _delete_files_on_commit(*old)
        if sample.image:
            tasks.work_sample_thumbnail.delay_on_commit(sample.pk, sample.image.name)
    return sample


@transaction.atomic
def work_sample_delete(*, sample: WorkSample) -> None:
    _delete_files_on_commit(sample.image.name, sample.image_thumb.name)
    sample.delete()


@transaction.atomic
def work_sample_move(*, sample: WorkSample, offset: int) -> None:
    """Move a sample up (offset -1) or down (+1) among the profile's samples."""
    Profile.objects.select_for_update().get(pk=sample.profile_id)
    ordered = list(
        WorkSample.objects.filter(profile_id=sample.profile_id).order_by("position", "pk")
    )
    index = next(i for i, s in enumerate(ordered) if s.pk == sample.pk)
    target = index + offset
    if 0 <= target < len(ordered):
        ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])


# --- Response times --------------------------------------------------------------------------


def response_time_record(
    *, user: User, kind: str, started_at: datetime, responded_at: datetime
) -> ResponseTimeRecord:
    """Record how long something waited for `user`, counted in their working hours.

    Messaging calls this when someone answers a message; invitations when a freelancer answers
    an invitation. `started_at` is when it reached them, `responded_at` when they answered.
    """
    if kind not in ResponseTimeRecord.Kind.values:
        raise ValueError(f"unknown response kind {kind!r}")
    if dj_timezone.is_naive(started_at) or dj_timezone.is_naive(responded_at):
        raise ValueError("response times need aware datetimes")
    if responded_at < started_at:
        raise ValueError("responded_at is before started_at")
    hours = (
        Profile.objects.filter(user=user)
        .values("timezone", "work_start", "work_end", "work_days")
        .first()
    ) or {"timezone": "", "work_start": time(9), "work_end": time(17), "work_days": [0, 1, 2, 3, 4]}
    seconds = business_seconds(
        start=started_at,
        end=responded_at,
        tz=zone(hours["timezone"]),
        day_start=hours["work_start"],
        day_end=hours["work_end"],
        work_days=hours["work_days"],
    )
    return ResponseTimeRecord.objects.create(
        user=user,
        kind=kind,
        started_at=started_at,
        responded_at=responded_at,
        business_seconds=seconds,
    )
