"""Writes of profiles, one module per concern; every name callers use is importable from here.

- users: completing a sign-up, the public handle;
- editing: the profile's fields, name and handle, skills;
- media: the photo and the work samples;
- response_time: recording how long an answer took, in working hours;
- data_export, account_deletion: a person's own data as a file, and deleting their account
  (each other app adds its part through profiles.account_parts).
"""

from profiles.services.account_deletion import (
    AccountDeletionRefused,
    WrongConfirmation,
    account_delete,
    account_deletion_blockers,
    confirms_with_password,
)
from profiles.services.data_export import account_export, account_export_file
from profiles.services.editing import (
    profile_ensure,
    profile_reindex,
    profile_update,
    skill_get_or_create,
    skill_rename,
)
from profiles.services.media import (
    profile_remove_photo,
    profile_set_photo,
    work_sample_create,
    work_sample_delete,
    work_sample_move,
    work_sample_update,
)
from profiles.services.response_time import response_time_record
from profiles.services.users import handle_for_new_user, user_signup
from profiles.skills import clean_skill_names
from profiles.thumbnails import profile_photo_make_thumbnail, work_sample_make_thumbnail
from profiles.timezones import timezone_cache_key

__all__ = [
    "AccountDeletionRefused",
    "WrongConfirmation",
    "account_delete",
    "account_deletion_blockers",
    "account_export",
    "account_export_file",
    "clean_skill_names",
    "confirms_with_password",
    "handle_for_new_user",
    "profile_ensure",
    "profile_photo_make_thumbnail",
    "profile_reindex",
    "profile_remove_photo",
    "profile_set_photo",
    "profile_update",
    "response_time_record",
    "skill_get_or_create",
    "skill_rename",
    "timezone_cache_key",
    "user_signup",
    "work_sample_create",
    "work_sample_delete",
    "work_sample_make_thumbnail",
    "work_sample_move",
    "work_sample_update",
]
