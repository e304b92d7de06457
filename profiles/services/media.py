"""A profile's images: the photo and the work samples (a portfolio piece with an optional image).

Uploads are checked and re-encoded by core.uploads (a refused file raises core.exceptions.Invalid
or TooLarge); thumbnails are made after commit by profiles.tasks; a replaced or removed file is
deleted after commit, so a rolled-back change keeps its files.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from core.uploads import (
    PHOTO,
    WORK_SAMPLE,
    CheckedUpload,
    check_upload,
    delete_stored_on_commit,
)
from profiles import tasks
from profiles.models import MAX_WORK_SAMPLES, Profile, WorkSample


def delete_files_on_commit(*names: str) -> None:
    """A profile's photo and work-sample files, deleted once the change commits."""
    delete_stored_on_commit(Profile._meta.get_field("photo").storage, *names)


# --- The photo -------------------------------------------------------------------------------


@transaction.atomic
def profile_set_photo(*, profile: Profile, upload) -> Profile:
    """Check and re-encode a photo, store it under a new name, thumbnail it after commit.

    A refused file raises core.exceptions.Invalid or TooLarge (core.uploads)."""
    checked = check_upload(upload, PHOTO)
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    old = (profile.photo.name, profile.photo_thumb.name)
    profile.photo.save(checked.storage_name, checked.content, save=False)
    profile.photo_thumb = ""
    profile.save(update_fields=["photo", "photo_thumb", "updated_at"])
    delete_files_on_commit(*old)
    tasks.profile_photo_thumbnail.delay_on_commit(profile.pk, profile.photo.name)
    return profile


@transaction.atomic
def profile_remove_photo(*, profile: Profile) -> Profile:
    profile = Profile.objects.select_for_update().get(pk=profile.pk)
    old = (profile.photo.name, profile.photo_thumb.name)
    profile.photo = ""
    profile.photo_thumb = ""
    profile.save(update_fields=["photo", "photo_thumb", "updated_at"])
    delete_files_on_commit(*old)
    return profile


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
        delete_files_on_commit(*old)
        if sample.image:
            tasks.work_sample_thumbnail.delay_on_commit(sample.pk, sample.image.name)
    return sample


@transaction.atomic
def work_sample_delete(*, sample: WorkSample) -> None:
    delete_files_on_commit(sample.image.name, sample.image_thumb.name)
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
