"""Contact off the platform by app (an invitation to talk there) or by e-mail, and what the
message asks the other person for."""

from __future__ import annotations

import re
from collections.abc import Iterator

from messaging.conduct.text import MessageText, blank, find_names, loose

_APP_NAMES = tuple(
    loose(w) for w in ("whatsapp", "telegram", "skype", "discord", "viber", "imessage", "snapchat")
)
# Matched as written: "wechat" loosely would be "we chat"; "signal" is an ordinary word.
_APP_TERMS_ANCHORS = ("wechat", "we-chat", "signal")
_APP_TERMS = re.compile(
    r"\bwe-?chat\b"
    r"|(?:(?<=\bon\s)|(?<=\bmy\s)|(?<=\bvia\s)|(?<=\buse\s)|(?<=\bover\s)|(?<=\bhave\s)"
    r"|(?<=\busing\s))signal\b(?!\s*(?:handler|handling|strength|processing))"
)
_APP_LINK_ANCHORS = (
    "t.me/", "telegram.me/", "wa.me/", "discord.gg/", "discord.com/invite", "join.skype.com",
    "chat.whatsapp.com",
)  # fmt: skip
_APP_LINK = re.compile(
    r"(?<![\w.])(?:https?://)?(?:www\.)?(?:t\.me|telegram\.me|wa\.me|discord\.gg|"
    r"discord\.com/invite|join\.skype\.com|chat\.whatsapp\.com)/[\w+\-/]+"
)
_CONTACT_VERB = (
    r"(?:add|message|msg|text|txt|ping|call|reach|contact|find|hit|dm|pm|write|talk|chat|catch|"
    r"hmu|connect|speak|move|continue|switch|go|take|shift|communicate|discuss|meet|join|"
    r"follow|send|sms)"
)
# Before the app's name: "add me on", "let's move this to", "I'm on", "are you on".
_APP_INVITE = re.compile(
    r"\b" + _CONTACT_VERB + r"\b[^.!?\n]{0,40}?\b(?:on|via|through|thru|over|in|to|using|at)\s*$"
    r"|\b(?:i'?m|i\s+am|we'?re|we\s+are|are\s+you|you)\s+"
    r"(?:also\s+|available\s+|active\s+|reachable\s+)*(?:on|via|in|using)\s*$"
)
# Right after it: "whatsapp me", "discord: name#1234", "telegram @handle".
_APP_HANDLE = re.compile(
    r"\s*(?:me\b|as\s+@?[\w.]+|[:\-]?\s*@[\w.]{3,}|[:\-]\s*(?:\+?\d|live:))"
    r"|[^.!?\n]{0,60}?(?:\s@[a-z][\w.]{2,}|\b[\w.]{2,32}#\d{4}\b|\blive:[\w.\-]+)"
)
# "my telegram is", "your WhatsApp number", "do you have WeChat?".
_APP_OWNER = re.compile(r"\b(?:my|your|ur|have|use|got)\s*$")
_APP_OWNED = re.compile(
    r"\s*(?:id|number|no|handle|user\s*name|name|account|\?|:|or\s+\w+\s*\?"
    r"|is\s+(?:@|\+?\d|live:|the\s+same|same|[a-z][\w.]*[_\d.][\w.]*))"
)
# Signs that the app is the subject of the work (a bot, an integration), not a place to talk.
_APP_WORK = re.compile(
    r"\b(?:api|apis|sdk|bot|bots|chatbot|webhooks?|library|lib|plugin|integrat\w*|button|export|"
    r"json|module|package|endpoint|widget|template|oauth|token|app\s+id)\b|\.py\b|\bpip\b"
    r"|\bnpm\b"
)
# Weaker signs of work, which a personal invitation ("join my server") outweighs.
_APP_WORK_WEAK = re.compile(
    r"\b(?:business|channel|community|server|notifications?|pay|share|parse|moderation|emoji|"
    r"embed|members|users|customers)\b"
)
_APP_PERSONAL = re.compile(r"\b(?:my|me|us)\b")


def contact_app(msg: MessageText) -> bool:
    low = msg.low
    if msg.has(*_APP_LINK_ANCHORS):
        for m in msg.near(_APP_LINK_ANCHORS, _APP_LINK, 40):
            if not m.group().endswith("bot") and not _app_work(msg, m.start(), m.end(), False):
                return True
    mentions = list(find_names(msg, _APP_NAMES))
    if msg.has(*_APP_TERMS_ANCHORS):
        mentions += msg.near(_APP_TERMS_ANCHORS, _APP_TERMS, 20)
    for m in mentions:
        lo, hi = msg.sentence(m.start(), m.end())
        before = low[max(lo, m.start() - 80) : m.start()]
        strong = bool(_APP_HANDLE.match(low, m.end(), hi))
        invited = (
            strong
            or _APP_INVITE.search(before)
            or (_APP_OWNER.search(before) and _APP_OWNED.match(low, m.end(), hi))
        )
        if invited and not _app_work(msg, m.start(), m.end(), strong):
            return True
    return False


def _app_work(msg: MessageText, start: int, end: int, strong: bool) -> bool:
    """Whether the app is the subject of the work, said in its sentence or the ones either side.

    A strong invitation (a handle, "whatsapp me") only gives way to work said in its own sentence.
    """
    lo, hi = msg.sentence(start, end)
    sentence = blank(msg.low[lo:hi], start, end, lo)
    if _APP_WORK.search(sentence):
        return True
    if strong:
        return False
    wlo, whi = msg.around(lo, hi)
    if _APP_WORK.search(msg.low, wlo, lo) or _APP_WORK.search(msg.low, hi, whi):
        return True
    return bool(_APP_WORK_WEAK.search(sentence)) and not _APP_PERSONAL.search(sentence)


# --- E-mail --------------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b", re.I)
_AT = r"(?:\s*[\[({<]\s*at\s*[\])}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_PROVIDER = (
    r"(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|aol|proton|protonmail|"
    r"pm|gmx|yandex|mail|zoho|seznam|web|qq|163|126|rediffmail|libero|orange|wp|o2|tutanota)"
)
_OBFUSCATED_ANCHORS = (" at ", "(at)", "[at]", "{at}", "<at>", "( at )", "[ at ]", "{ at }")
_AT_DOMAIN = re.compile(
    r"\s*[\[({<]?\s*at\s*[\])}>]?\s*[a-z0-9][\w-]*(?:\s*[\[({<]\s*dot|\s+dot\s|\.[a-z]{2})"
    r"|\s+at\s+" + _PROVIDER + r"\.[a-z]{2}"
)
_OBFUSCATED_EMAIL = re.compile(
    r"(?<![\w.])[a-z0-9][\w.+-]*(?:" + _DOT + r"[\w+-]+)*"
    r"(?:" + _AT + r"[a-z0-9][\w-]*(?:" + _DOT + r"[\w-]+)*" + _DOT + r"[a-z]{2,6}"
    r"|\s*[\[({<]\s*at\s*[\])}>]\s*[a-z0-9][\w-]*(?:\.[\w-]+)*\.[a-z]{2,6}"
    r"|\s+at\s+" + _PROVIDER + r"(?:\.[a-z]{2,6}){1,2})\b"
)
_EMAIL_CONFIG = re.compile(
    r"(?i:\b(?:sender|senders|from[\s_-]*(?:address|email|e-mail)|from:|reply-to|smtp|config\w*|"
    r"settings?|env|environment|variable|noreply|no-reply|donotreply|do-not-reply|mailer|"
    r"placeholder|dummy|fixture|default|template|footer|transactional|newsletter|mailing|bounce\w*|"
    r"deliverability|dkim|spf|dmarc|mailgun|sendgrid|postmark|mailchimp|customers|checkout|"
    r"recipients?|inbox\s+placement)\b|\bexample\.(?:com|org|net)\b|\.(?:test|invalid|"
    r"local|localhost)\b|\.py\b|\.env\b)|\b[A-Z]{2,}_[A-Z_]+",
)
_EMAIL_CODE_BEFORE = re.compile(r"""(?:=\s*["']?|["'(]|\bfrom\s*)$""")
_EMAIL_PERSONAL = re.compile(
    r"\b(?:my|me)\b|\b(?:reach|contact|write|email|e-mail|mail|drop)\s+(?:me|us)\b"
)
_ASK_CONTACT = re.compile(
    r"\b(?:what'?s|what\s+is|give\s+me|send\s+me|share|drop\s+me|can\s+i\s+(?:get|have)|"
    r"tell\s+me)\s+your\s+(?:personal\s+|private\s+)?"
    r"(?:(?P<email>e-?mail|email\s+address|gmail|mail)|(?P<phone>phone|number|cell|mobile|"
    r"phone\s+number)|(?P<app>whatsapp|telegram|skype|discord|wechat|signal|viber))\b"
)


def email_address(msg: MessageText) -> bool:
    text, low = msg.text, msg.low
    for m in _email_candidates(msg):
        lo, hi = msg.sentence(m.start(), m.end())
        before = text[lo : m.start()]
        personal = _EMAIL_PERSONAL.search(low, max(lo, m.start() - 30), m.start())
        if _EMAIL_CODE_BEFORE.search(before) and not personal:
            continue  # a value in code: EMAIL = "x@y.com", send_mail("x@y.com")
        sentence = blank(text[lo:hi], m.start(), m.end(), lo)
        if personal or not (_EMAIL_CONFIG.search(sentence) or _EMAIL_CONFIG.search(m.group())):
            return True
    return False


def _email_candidates(msg: MessageText) -> Iterator[re.Match]:
    if "@" in msg.text:
        yield from msg.near(("@",), _EMAIL, 80)
    if msg.has(*_OBFUSCATED_ANCHORS):
        # "at" is a common word: look further only where a domain follows it.
        low = msg.low
        for lo, hi in msg.windows(_OBFUSCATED_ANCHORS, 0):
            if _AT_DOMAIN.match(low, lo):
                yield from _OBFUSCATED_EMAIL.finditer(low, max(0, lo - 60), min(len(low), hi + 60))


def asked_for(msg: MessageText) -> set[str]:
    """What contact details the message asks the other person for: "what's your WhatsApp?"."""
    if "your" not in msg.low:
        return set()
    return {
        kind
        for m in msg.near(("your",), _ASK_CONTACT, 30)
        for kind, value in m.groupdict().items()
        if value
    }
