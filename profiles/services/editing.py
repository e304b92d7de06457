"""Editing a profile: its fields, the user's name and handle, its skills; and skills themselves."""

from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.money import RATE_MAX, clean_amount, normalize_currency
from profiles.models import Profile, ProfileSkill, Skill, User, normalize_skill
from profiles.search import search_documents_refresh
from profiles.skills import check_skill_name_length, clean_skill_names, display_skill_name
from profiles.timezones import TIMEZONE_CACHE_SECONDS, timezone_cache_key

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


# --- Skills ----------------------------------------------------------------------------------


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


# --- The profile's fields --------------------------------------------------------------------


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


def _clean_text(value) -> str:
    return (value or "").strip()


# How a profile field's value is cleaned before Profile.full_clean() checks it; the other
# fields are taken as given. A cleaner refuses with a ValidationError keyed by its field.
PROFILE_CLEANERS = {
    "languages": _clean_languages,
    "work_days": _clean_work_days,
    "title": _clean_text,
    "overview": _clean_text,
    "hourly_rate": _clean_rate,
    "rate_currency": normalize_currency,
}


def _merge(errors: dict[str, list], error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        errors.setdefault(field, []).extend(messages)


def _set_user_fields(user: User, data: dict, errors: dict[str, list]) -> list[str]:
    """Set the name and handle given, checked by the user model; returns the fields set."""
    fields = []
    if "name" in data:
        user.name = " ".join(str(data["name"]).split())
        fields.append("name")
    if "handle" in data:
        user.handle = str(data["handle"]).strip().lower()
        fields.append("handle")
    if fields:
        try:
            user.full_clean(exclude=[f.name for f in User._meta.fields if f.name not in fields])
        except ValidationError as error:
            _merge(errors, error)
    return fields


def _set_profile_fields(profile: Profile, data: dict, errors: dict[str, list]) -> None:
    """Set each profile field given, cleaned; then check the profile as a whole."""
    for field in PROFILE_FIELDS & set(data):
        clean = PROFILE_CLEANERS.get(field)
        try:
            value = clean(data[field]) if clean else data[field]
        except ValidationError as error:
            _merge(errors, error)
        else:
            setattr(profile, field, value)
    try:
        # Profile.clean() words the working-hours rule for a person; the database constraints
        # stay as the last line of defence.
        profile.full_clean(exclude=["user", "photo", "photo_thumb"], validate_constraints=False)
    except ValidationError as error:
        _merge(errors, error)


def _checked_skill_names(names, errors: dict[str, list]) -> list[str]:
    try:
        return clean_skill_names(names)
    except ValidationError as error:
        errors.setdefault("skills", []).extend(error.messages)
        return []


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
    old_timezone = profile.timezone
    errors: dict[str, list] = {}
    user_fields = _set_user_fields(profile.user, data, errors)
    _set_profile_fields(profile, data, errors)
    if skills is not None:
        skills = _checked_skill_names(skills, errors)
    if errors:
        raise ValidationError(errors)

    if user_fields:
        profile.user.save(update_fields=user_fields)
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
