"""The rows of the admin's dispute and user pages, and of allauth's account pages."""

from __future__ import annotations

from tests.security.url_matrix.kit import (
    DONE,
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    REFUSED,
    Check,
    Expect,
    admin,
    admin_dispute,
    admin_evidence,
    admin_user,
    form,
    nothing,
    troll,
    who,
)

# The admin: view_dispute staff see the queue and a dispute's summary, never its record (the
# thread, evidence files, internal notes, the dossier); mediators see and act on everything.
DISPUTE_READERS = {"mediator": OK, "dispute_viewer": OK, "superuser": OK}
RECORD_READERS = {"mediator": OK, "superuser": OK}


def mediate(action: str, data: dict, **roles: Expect) -> Check:
    # view_dispute staff may open the page, so their post is refused by the service.
    expect = admin(FORBIDDEN, dispute_viewer=REFUSED, mediator=REFUSED, superuser=REFUSED)
    expect.update(roles)
    return Check(
        f"admin:disputes_dispute_mediate_{action}",
        expect,
        admin_dispute,
        method="POST",
        data=form(**{f"{action}-{k}": v for k, v in data.items()}),
    )


ADMIN = [
    Check("admin:index", admin(OK)),
    Check("admin:disputes_dispute_changelist", admin(FORBIDDEN, **DISPUTE_READERS)),
    Check(
        "admin:disputes_dispute_changelist",
        # "Assign to me": the mediator has it already; a superuser takes it over.
        admin(FORBIDDEN, mediator=REFUSED, dispute_viewer=REFUSED, superuser=DONE),
        method="POST",
        data=lambda w, user: {"action": "assign_to_me", "_selected_action": [w.dispute.pk]},
        label="assign action",
    ),
    Check("admin:disputes_dispute_add", admin(FORBIDDEN)),
    Check("admin:disputes_dispute_change", admin(FORBIDDEN, **DISPUTE_READERS), admin_dispute),
    Check("admin:disputes_dispute_history", admin(FORBIDDEN, **DISPUTE_READERS), admin_dispute),
    Check("admin:disputes_dispute_delete", admin(FORBIDDEN), admin_dispute),
    Check(
        "admin:disputes_dispute_delete",
        admin(FORBIDDEN),
        admin_dispute,
        method="POST",
        data=form(post="yes"),
    ),
    Check(
        "admin:disputes_dispute_evidence_download",
        admin(FORBIDDEN, **RECORD_READERS),
        admin_evidence,
    ),
    Check(
        "admin:disputes_dispute_evidence_preview",
        admin(FORBIDDEN, **RECORD_READERS),
        admin_evidence,
    ),
    Check("admin:disputes_dispute_dossier", admin(FORBIDDEN, **RECORD_READERS), admin_dispute),
    Check(
        "admin:disputes_dispute_dossier_export", admin(FORBIDDEN, **RECORD_READERS), admin_dispute
    ),
    mediate("assign", {}, superuser=DONE),
    mediate("message", {"body": "Please both send your invoices."}, mediator=DONE),
    mediate("propose", {"terms": "Split it.", "amount": "200", "currency": "USD"}, mediator=DONE),
    mediate("note", {"body": "Asked for invoices."}, mediator=DONE, superuser=DONE),
    mediate("resolve", {"outcome": "Paid in full."}, mediator=DONE),
    mediate("close", {"outcome": "Closed without terms."}, mediator=DONE, superuser=DONE),
    # Users: superusers only (no other role holds a user permission).
    Check("admin:profiles_user_changelist", admin(FORBIDDEN, superuser=OK)),
    Check("admin:profiles_user_add", admin(FORBIDDEN, superuser=OK)),
    Check("admin:profiles_user_change", admin(FORBIDDEN, superuser=OK), admin_user),
    Check("admin:profiles_user_history", admin(FORBIDDEN, superuser=OK), admin_user),
    Check("admin:profiles_user_delete", admin(FORBIDDEN, superuser=OK), troll),
    Check(
        "admin:profiles_user_delete",
        admin(FORBIDDEN, superuser=DONE),
        troll,
        method="POST",
        data=form(post="yes"),
    ),
    Check(
        "admin:auth_user_password_change",
        admin(FORBIDDEN, superuser=OK),
        lambda w: {"id": w.client.pk},
    ),
    Check(
        "admin:auth_user_password_change",
        admin(FORBIDDEN, superuser=DONE),
        lambda w: {"id": w.client.pk},
        method="POST",
        data=form(password1="a-new-long-passphrase", password2="a-new-long-passphrase"),
    ),
]

# allauth's account pages: anyone may reach the ones a signed-out person needs; a signed-in
# person is sent on from those, and the account's own pages ask a signed-out visitor to log in.
ANYONE = who(OK, anonymous=OK)
SIGNED_OUT_ONLY = who(REDIRECT, anonymous=OK)

ACCOUNTS = [
    Check("account_login", SIGNED_OUT_ONLY),
    Check("account_signup", SIGNED_OUT_ONLY),
    Check("account_logout", who(OK, anonymous=REDIRECT)),
    Check(
        "account_logout",
        who(REDIRECT, anonymous=REDIRECT),
        method="POST",
        data=nothing,
    ),
    Check("account_inactive", ANYONE),
    Check("account_reauthenticate", who(OK)),
    Check("account_request_reauthentication_code", who(OK)),
    Check("account_confirm_reauthentication_code", who(REDIRECT)),  # no code was asked for
    Check("account_email", who(OK)),
    Check("account_email_verification_sent", ANYONE),
    Check("account_change_password", who(OK)),
    Check("account_set_password", who(REDIRECT)),
    Check("account_reset_password", ANYONE),
    Check("account_reset_password_done", ANYONE),
    Check(
        "account_reset_password_from_key",
        ANYONE,
        lambda w: {"uidb36": "0", "key": "not-a-key"},
    ),
    Check("account_reset_password_from_key_done", ANYONE),
    Check("account_confirm_login_code", who(REDIRECT)),  # no code was asked for
    Check("account_confirm_email", ANYONE, lambda w: {"key": "not-a-key"}),
]


# allauth's two-factor pages (allauth.mfa): one's own authenticators, behind a password retyped.
TWO_FACTOR = [
    Check("mfa_index", who(OK)),
    Check("mfa_authenticate", who(REDIRECT)),  # no sign-in is waiting for a second factor
    Check("mfa_reauthenticate", who(REDIRECT)),
    Check("mfa_activate_totp", who(REDIRECT)),  # the password is asked again first
    Check("mfa_generate_recovery_codes", who(REDIRECT)),
    # Nobody in the world has an authenticator yet.
    Check("mfa_deactivate_totp", who(NOT_FOUND)),
    Check("mfa_view_recovery_codes", who(NOT_FOUND)),
    Check("mfa_download_recovery_codes", who(NOT_FOUND)),
]
