"""The dossier: all correspondence between the parties, frozen when a dispute escalates.

The record is plain data from the apps that own it (messaging: every message with its edits,
deletions and file hashes; workrooms: files with every version's SHA-256, deadlines with their
submissions and reviews, calls, activity), written as canonical JSON and hashed. Two checks
make tampering evident: the snapshot must still match its own hash, and every row it froze
must still say what it said then, unless the change left its trace (an edit or a delete keeps
the earlier body as a revision, so a later edit is history, not tampering).
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from disputes.models import Dispute, DisputeEvent, Dossier, Evidence
from messaging.selectors import conversation_record, direct_conversation_between
from workrooms.selectors import stored_sha256, workroom_record

FORMAT = 1


def _iso(moment):
    return moment.isoformat() if moment else None


def _person(user) -> dict:
    return {"id": user.pk, "name": user.name, "email": user.email, "role": user.role}


def _conversations(dispute: Dispute) -> list[tuple[str, str, int]]:
    found = [("Workroom chat", "workroom", dispute.workroom.conversation_id)]
    direct = direct_conversation_between(user_a=dispute.opened_by, user_b=dispute.other_party)
    if direct is not None:
        found.append(("Direct messages", "direct", direct.pk))
    found.append(("Dispute thread", "dispute", dispute.conversation_id))
    return found


def _evidence(dispute: Dispute) -> list[dict]:
    return [
        {
            "id": e.pk,
            "caption": e.caption,
            "name": e.name,
            "size": e.size,
            "content_type": e.content_type,
            "sha256": e.sha256,
            "added_by": e.added_by.name,
            "created_at": _iso(e.created_at),
        }
        for e in Evidence.objects.filter(dispute=dispute).select_related("added_by")
    ]


def _events(dispute: Dispute) -> list[dict]:
    return [
        {
            "id": e.pk,
            "kind": e.kind,
            "actor": e.actor.name if e.actor_id else None,
            "summary": e.summary,
            "created_at": _iso(e.created_at),
        }
        for e in DisputeEvent.objects.filter(dispute=dispute).select_related("actor")
    ]


def build_record(dispute: Dispute, *, hash_files: bool = False) -> dict:
    room = workroom_record(workroom=dispute.workroom, hash_files=hash_files)
    return {
        "format": FORMAT,
        "created_at": _iso(timezone.now()),
        "dispute": {
            "id": dispute.pk,
            "reason": dispute.get_reason_display(),
            "description": dispute.description,
            "desired_outcome": dispute.desired_outcome,
            "amount": str(dispute.amount) if dispute.amount is not None else None,
            "currency": dispute.currency,
            "deadline": dispute.deadline.title if dispute.deadline_id else None,
            "opened_at": _iso(dispute.created_at),
            "escalated_at": _iso(dispute.escalated_at),
        },
        "parties": {
            "opened_by": _person(dispute.opened_by),
            "other_party": _person(dispute.other_party),
        },
        "workroom": {key: room[key] for key in ("id", "title", "status", "client", "freelancer")}
        | {"created_at": room["created_at"]},
        "conversations": [
            {
                "id": conversation_id,
                "title": title,
                "kind": kind,
                "messages": conversation_record(conversation_id=conversation_id),
            }
            for title, kind, conversation_id in _conversations(dispute)
        ],
        "files": room["files"],
        "deadlines": room["deadlines"],
        "calls": room["calls"],
        "activity": room["activity"],
        "evidence": _evidence(dispute),
        "events": _events(dispute),
    }


def canonical(record: dict) -> str:
    return json.dumps(
        record, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def dossier_record(*, dispute: Dispute) -> Dossier:
    """Freeze the record (called by the escalation, inside its transaction)."""
    content = canonical(build_record(dispute))
    return Dossier.objects.create(dispute=dispute, content=content, sha256=sha256_of(content))


def dossier_data(dossier: Dossier) -> dict:
    return json.loads(dossier.content)


@dataclass
class DossierCheck:
    hash_ok: bool
    differences: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.hash_ok and not self.differences


def _check_messages(then: dict, now: dict, differences: list[str]) -> None:
    current = {m["id"]: m for m in now["messages"]}
    for old in then["messages"]:
        label = f"{then['title']}: message #{old['seq']} by {old['sender'] or 'Tandem'}"
        new = current.get(old["id"])
        if new is None:
            differences.append(f"{label} no longer exists.")
            continue
        old_revisions, new_revisions = old["revisions"], new["revisions"]
        if new_revisions[: len(old_revisions)] != old_revisions:
            differences.append(f"{label}: its edit history was changed.")
            continue
        traced = len(new_revisions) > len(old_revisions)
        if (new["body"], new["deleted"]) != (old["body"], old["deleted"]) and not traced:
            differences.append(f"{label} was changed without an edit record.")
        for key in ("sender_id", "created_at", "kind", "attachments"):
            if new[key] != old[key]:
                differences.append(f"{label}: its {key.replace('_', ' ')} changed.")


def _check_files(then: list, now: list, differences: list[str]) -> None:
    current = {v["id"]: (f, v) for f in now for v in f["versions"]}
    for old_file in then:
        for old in old_file["versions"]:
            label = f"File {old_file['name']} version {old['number']}"
            found = current.get(old["id"])
            if found is None:
                differences.append(f"{label} no longer exists.")
                continue
            _, new = found
            if new["sha256"] != old["sha256"]:
                differences.append(f"{label}: its recorded SHA-256 changed.")
            if new.get("stored_sha256") != old["sha256"]:
                differences.append(f"{label}: the stored file no longer matches its SHA-256.")


# How an entry names its actor is shown, not recorded: a person who renames themselves or deletes
# their account ("Deleted user") has changed no history.
_DISPLAY_ONLY = frozenset({"actor"})


def _recorded(entry: dict) -> dict:
    return {key: value for key, value in entry.items() if key not in _DISPLAY_ONLY}


def _check_prefix(name: str, then: list, now: list, differences: list[str]) -> None:
    """Append-only histories: what was there must still be there, unchanged, in order."""
    for index, old in enumerate(then):
        if index >= len(now) or _recorded(now[index]) != _recorded(old):
            differences.append(f"The {name} differs from the snapshot from entry {index + 1} on.")
            return


def dossier_check(dossier: Dossier) -> DossierCheck:
    hash_ok = sha256_of(dossier.content) == dossier.sha256
    then = dossier_data(dossier)
    now = build_record(dossier.dispute, hash_files=True)
    differences: list[str] = []
    current_conversations = {c["id"]: c for c in now["conversations"]}
    for conversation in then["conversations"]:
        current = current_conversations.get(conversation["id"])
        if current is None:
            differences.append(f"{conversation['title']} no longer exists.")
            continue
        _check_messages(conversation, current, differences)
    _check_files(then["files"], now["files"], differences)
    _check_prefix("activity history", then["activity"], now["activity"], differences)
    _check_prefix("dispute's audit trail", then["events"], now["events"], differences)
    evidence_now = {e.pk: e for e in Evidence.objects.filter(dispute=dossier.dispute)}
    for old in then["evidence"]:
        evidence = evidence_now.get(old["id"])
        label = f"Evidence {old['name']}"
        if evidence is None:
            differences.append(f"{label} no longer exists.")
        elif evidence.sha256 != old["sha256"] or stored_sha256(evidence.file) != old["sha256"]:
            differences.append(f"{label} no longer matches its SHA-256.")
    return DossierCheck(hash_ok=hash_ok, differences=differences)
