"""Workrooms' answers to messaging's signals (docs/conventions.md: signals only where one app
reacts to another that does not know it)."""

from workrooms.services.video import call_held_record, call_notes_record


def on_call_ended(sender, *, conversation, **kwargs):
    call_held_record(
        conversation=conversation,
        summary=kwargs["summary"],
        started_by=kwargs["started_by"],
        started_at=kwargs["started_at"],
        connected_at=kwargs["connected_at"],
        ended_at=kwargs["ended_at"],
        seconds=kwargs["seconds"],
    )


def on_call_notes_posted(sender, *, conversation, user, notes, **kwargs):
    call_notes_record(conversation=conversation, user=user, notes=notes)
