"""Thumbnails of profile photos and work-sample images, made once after the upload commits.

profiles.tasks runs these. They live outside profiles.services so that the services can queue
the tasks and the tasks can run these without either importing the other back.
"""

from django.core.files.base import ContentFile

from core.images import REENCODED_SUFFIX, make_thumbnail
from profiles.models import Profile, WorkSample

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
