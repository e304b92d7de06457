"""The check itself, and the reasons it gives."""

from __future__ import annotations

from dataclasses import dataclass

from messaging.conduct.contact import asked_for, contact_app, email_address
from messaging.conduct.payment import payment_off_platform
from messaging.conduct.phone import phone_number
from messaging.conduct.text import MessageText


@dataclass(frozen=True)
class Reason:
    code: str  # one of: payment_off_platform, contact_email, contact_phone, contact_app
    text: str  # plain language, to the sender

    def as_dict(self) -> dict[str, str]:
        """As a policy.warning frame and a PolicyFlag list it."""
        return {"code": self.code, "text": self.text}


_CONTACT_TAIL = (
    " Sharing contact details to move the conversation off Tandem breaks our terms, and what "
    "is agreed outside Tandem is not in the record a mediator sees."
)
PAYMENT = Reason(
    "payment_off_platform",
    "This message seems to suggest paying outside Tandem. That breaks our terms, and what is "
    "agreed outside Tandem is not in the record a mediator sees.",
)
EMAIL = Reason(
    "contact_email",
    "This message seems to share an e-mail address, or ask for one." + _CONTACT_TAIL,
)
PHONE = Reason(
    "contact_phone",
    "This message seems to share a phone number, or ask to call or text outside Tandem."
    + _CONTACT_TAIL,
)
APP = Reason(
    "contact_app",
    "This message seems to suggest moving the conversation to another app, such as WhatsApp, "
    "Telegram or Discord." + _CONTACT_TAIL,
)


def check_message(body: str) -> list[Reason]:
    """Reasons this message may take payment or contact off the platform; [] when it is fine.
    At most one Reason per code, in the order of the codes above."""
    if not body or body.isspace():
        return []
    msg = MessageText(body)
    asked = asked_for(msg)
    reasons = []
    if payment_off_platform(msg):
        reasons.append(PAYMENT)
    if "email" in asked or email_address(msg):
        reasons.append(EMAIL)
    if "phone" in asked or phone_number(msg):
        reasons.append(PHONE)
    if "app" in asked or contact_app(msg):
        reasons.append(APP)
    return reasons
