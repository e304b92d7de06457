"""Celery tasks of profiles: thin wrappers around the thumbnail makers and the purge of a deleted
account's sessions, safe to run twice."""

from celery import shared_task

from profiles import sessions, thumbnails


@shared_task
def profile_photo_thumbnail(user_id: int, photo_name: str) -> None:
    thumbnails.profile_photo_make_thumbnail(user_id=user_id, photo_name=photo_name)


@shared_task
def work_sample_thumbnail(sample_id: int, image_name: str) -> None:
    thumbnails.work_sample_make_thumbnail(sample_id=sample_id, image_name=image_name)


@shared_task
def account_sessions_purge(user_id: int) -> None:
    sessions.sessions_purge(user_id=user_id)
