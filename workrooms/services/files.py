"""Sharing files (each name keeps every version) and deleting them."""

from django.db import transaction
from django.utils import timezone

from core.exceptions import Invalid, NotAllowed
from core.uploads import WORKROOM_FILE, check_upload, store_checked
from workrooms.models import Activity, FileVersion, SharedFile, Workroom

from ._common import guarded, locked_in, record


@transaction.atomic
def file_share(*, workroom: Workroom, by, uploaded_file, description: str = "") -> FileVersion:
    """Share a file; a file with the name of one already shared becomes its next version.
    A refused file raises core.exceptions.Invalid or TooLarge (core.uploads)."""
    workroom = guarded(workroom, by)
    checked = check_upload(uploaded_file, WORKROOM_FILE)
    name = checked.display_name
    description = (description or "").strip()[:500]

    now = timezone.now()
    shared = (
        SharedFile.objects.select_for_update()
        .filter(workroom=workroom, name=name, deleted_at__isnull=True)
        .first()
    )
    new_file = shared is None
    if new_file:
        shared = SharedFile.objects.create(
            workroom=workroom, name=name, description=description, uploaded_by=by, updated_at=now
        )
    version = FileVersion(
        shared_file=shared,
        number=shared.version_count + 1,
        size=checked.size,
        content_type=checked.content_type,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    store_checked(version, checked, preview_field="thumbnail")

    shared.version_count = version.number
    shared.current_version = version
    shared.updated_at = now
    if description:
        shared.description = description
    shared.save(update_fields=["version_count", "current_version", "updated_at", "description"])
    if new_file:
        summary = f"{by.name} shared {name}."
        kind = Activity.Kind.FILE_SHARED
    else:
        summary = f"{by.name} uploaded version {version.number} of {name}."
        kind = Activity.Kind.FILE_VERSION
    record(
        workroom,
        actor=by,
        kind=kind,
        summary=summary,
        panel="files",
        tell=workroom.other_member(by),
        file=shared.pk,
        version=version.number,
        sha256=version.sha256,
    )
    return version


@transaction.atomic
def file_delete(*, workroom: Workroom, by, shared_file: SharedFile) -> SharedFile:
    """The uploader deletes a file: it stays in the history, its downloads answer 404."""
    workroom = guarded(workroom, by)
    shared = locked_in(workroom, SharedFile, shared_file)
    if shared.deleted:
        raise Invalid("This file was already deleted.")
    if shared.uploaded_by_id != by.pk:
        raise NotAllowed("Only the person who shared a file can delete it.")
    shared.deleted_at = timezone.now()
    shared.deleted_by = by
    shared.save(update_fields=["deleted_at", "deleted_by"])
    record(
        workroom,
        actor=by,
        kind=Activity.Kind.FILE_DELETED,
        summary=f"{by.name} deleted {shared.name}.",
        panel="files",
        file=shared.pk,
    )
    return shared
