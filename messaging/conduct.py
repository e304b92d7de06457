"""The professional-conduct check: does a message propose paying, or talking, off Tandem?

`check_message(body)` returns the reasons a message may take payment or contact off the
platform, so the sender can be warned before it is sent. Nobody is blocked by this module; it
only explains. Every reason has a stable `code` and a plain-language `text` for the sender.

How it works, in three steps:

1. Normalise. NFKC folds fullwidth and compatibility forms (``ｐａｙｐａｌ``, ``＠``); zero-width
   and other invisible characters are removed; accents are stripped (``pàypál``); a few Cyrillic
   and Greek look-alikes become Latin letters. Code (back-ticked spans and fenced blocks) is blanked
   out: an address or a number inside code is configuration, not contact.
2. Find mentions: payment services, bank and crypto details, contact apps, e-mail addresses
   (also ``name at gmail dot com``), phone numbers (also spelled out in words). Service and app
   names are matched loosely, so ``p.a.y.p.a.l``, ``pay-pal``, ``PayPaI``, ``payp4l``,
   ``wh@tsapp`` and ``tele gram`` are found too.
3. Weigh the context of each mention, mostly within its sentence. A service or app name alone is
   not enough: a payment service needs payment intent toward a person (pay, send, transfer, my
   account, wallet, directly, fees...) and no sign of integration work (API, checkout, webhook,
   IPN, button, SDK, bot...); a contact app needs an invitation to talk there ("add me on",
   "my telegram is", "let's move to WhatsApp", a handle, a t.me link). An e-mail address counts
   unless it is plainly a configuration value (after ``=``, near "sender", "SMTP", "settings",
   "noreply", "example.com"...). A phone number needs at least seven digits in a phone-shaped
   group that is not a date, time, price, version, IP address or id.

Speed: a long message is mostly ordinary text, so every detector first asks a cheap question of
the whole message (is a literal anchor such as ``"@"``, ``"outside"`` or a squashed service name
present? are there seven digits?) and runs its full pattern only near what it found.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property


@dataclass(frozen=True)
class Reason:
    code: str  # one of: payment_off_platform, contact_email, contact_phone, contact_app
    text: str  # plain language, to the sender


_CONTACT_TAIL = (
    " Sharing contact details to move the conversation off Tandem breaks our terms, and work "
    "agreed outside the platform isn't protected."
)
PAYMENT = Reason(
    "payment_off_platform",
    "This message seems to suggest paying outside Tandem. Payments outside the platform aren't "
    "protected, and they break our terms.",
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

# ============================================================================================
# Normalisation
# ============================================================================================

_INVISIBLE = dict.fromkeys(
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF]
    + list(range(0x200B, 0x2010))
    + list(range(0x202A, 0x202F))
    + list(range(0x2060, 0x2070))
)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Cyrillic and Greek letters that look like Latin ones.
_LOOKALIKES = str.maketrans(
    "аеорсухіјѕԁԛԝАВЕКМНОРСТХІЈЅΑΒΕΖΗΙΚΜΝΟΡΤΥΧοαρν",
    "aeopcyxijsdqwABEKMHOPCTXIJSABEZHIKMNOPTYXoapv",
)


def normalise(body: str) -> str:
    """NFKC, no invisible characters, no combining marks, Latin look-alikes as Latin."""
    text = unicodedata.normalize("NFKC", body)
    if text.isascii():
        return text
    text = unicodedata.normalize("NFD", text.translate(_INVISIBLE))
    text = unicodedata.normalize("NFC", _COMBINING.sub("", text))
    return text.translate(_LOOKALIKES)


_CODE = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.S)
_SENTENCE_MARKS = (". ", "! ", "? ", "\n")
_REACH = 300  # how far context is looked for, either side of a mention, in a run-on sentence

# Separators people put between letters ("p.a.y.p.a.l", "tele gram"), and leetspeak: squashing
# them out of the whole message is a fast test for whether a loose name can be present at all.
_SEPARATORS = " \t\r\n.-_*·'’"
_LEET = {"@": "a", "4": "a", "3": "e", "0": "o", "1": "l", "!": "l", "|": "l", "i": "l"}
_LEET.update({"5": "s", "$": "s", "7": "t"})
_SQUASH = str.maketrans("".join(_LEET), "".join(_LEET.values()), _SEPARATORS)
_UNLEET = str.maketrans("".join(_LEET), "".join(_LEET.values()))
_NOT_DIGITS = str.maketrans("", "", "0123456789")


class _Message:
    """The message, normalised, with code blanked out; and cheap facts about it."""

    def __init__(self, body: str):
        # A leading space lets anchors such as " wise" also match at the start of the message.
        norm = " " + normalise(body)
        if "`" in norm:
            norm = _CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), norm)
        low = norm.lower()
        if len(low) != len(norm):  # a rare letter whose lower case is longer
            norm = low
        self.text = norm  # case kept: IBANs, CONFIG_NAMES
        self.low = low
        self.squashed = low.translate(_SQUASH)  # for: could a loosely written name be here?
        self.leet = low.translate(_UNLEET)  # the same, letter for letter with `low`
        self.digits = _count_digits(low)

    @cached_property
    def numbers(self) -> list[re.Match]:
        """Runs of seven digits or more, with or without separators between them."""
        return list(_NUMBER.finditer(self.low)) if self.digits >= 7 else []

    @cached_property
    def long_token(self) -> bool:
        """Whether any run of non-space characters is long enough to be a crypto address."""
        return max(map(len, self.text.split()), default=0) >= 26

    def has(self, *anchors: str) -> bool:
        return any(a in self.low for a in anchors)

    def sentence(self, start: int, end: int | None = None) -> tuple[int, int]:
        """The span of the sentence around [start, end), at most `_REACH` either side.

        A sentence ends at a newline, or at ".", "!" or "?" before a space: the dot in
        "gmail.com", "t.me" or "3.11" ends nothing. Found by looking outward from the mention,
        so a long message costs nothing until something in it needs its context.
        """
        low, end = self.low, start if end is None else end
        floor, ceiling = max(0, start - _REACH), min(len(low), end + _REACH)
        lo = 1 + max(
            low.rfind(". ", floor, start),
            low.rfind("! ", floor, start),
            low.rfind("? ", floor, start),
            low.rfind("\n", floor, start),
        )
        hi = ceiling
        for mark in _SENTENCE_MARKS:
            i = low.find(mark, end, hi)
            if i != -1:
                hi = i + 1
        return (lo or floor), hi

    def around(self, lo: int, hi: int) -> tuple[int, int]:
        """The sentence [lo, hi) with the sentences either side of it."""
        before = self.sentence(lo - 1)[0] if lo > 0 else lo
        after = self.sentence(hi)[1] if hi < len(self.low) else hi
        return before, after

    def windows(
        self, anchors: tuple[str, ...], width: int, within: str | None = None
    ) -> list[tuple[int, int]]:
        """The spans within `width` characters of the literal anchors, overlapping ones merged."""
        low, spans = within or self.low, []
        for anchor in anchors:
            i = low.find(anchor)
            while i != -1:
                spans.append((max(0, i - width), min(len(low), i + len(anchor) + width)))
                i = low.find(anchor, i + 1)
        spans.sort()
        merged: list[tuple[int, int]] = []
        for lo, hi in spans:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
            else:
                merged.append((lo, hi))
        return merged

    def near(self, anchors: tuple[str, ...], pattern: re.Pattern, width: int = 100):
        """Matches of `pattern` within `width` characters of a literal anchor (a fast filter)."""
        for lo, hi in self.windows(anchors, width):
            yield from pattern.finditer(self.low, lo, hi)


def _blank(text: str, start: int, end: int, lo: int) -> str:
    """`text` (a span of the message starting at `lo`) with [start, end) blanked out."""
    return text[: start - lo] + " " * (end - start) + text[end - lo :]


# ============================================================================================
# Loose names
# ============================================================================================

_SEP = r"[\s.\-_*·'’]{0,2}"
_LEET_CLASS = {
    "a": "[a@4]",
    "e": "[e3]",
    "i": "[i1!|l]",
    "l": "[l1i|]",
    "o": "[o0]",
    "s": "[s5$]",
    "t": "[t7]",
}


@dataclass(frozen=True)
class _Name:
    """A service or app name, with its loose pattern and the squashed key that gates it."""

    word: str
    key: str
    pattern: re.Pattern


def _loose(word: str) -> _Name:
    """`word` tolerating separators between letters, leetspeak, and a doubled letter single."""
    letters = word.replace(" ", "")
    first, parts = "", []
    for run in re.finditer(r"(.)\1*", letters):
        cls = _LEET_CLASS.get(run.group(1), re.escape(run.group(1)))
        first = first or cls
        parts.append(cls + f"(?:{_SEP}{cls}){{0,{len(run.group()) - 1}}}")
    # The first letter leads, so the regex engine can skip ahead to it quickly; the lookbehind
    # right after it asks that the name starts a word.
    rest = _SEP.join(parts)[len(first) :]
    pattern = re.compile(first + r"(?<![a-z0-9].)" + rest + r"(?![a-z])")
    # The key is a prefix every spelling shares once squashed: up to the first doubled letter.
    squashed = letters.translate(_SQUASH)
    double = re.search(r"(.)\1", squashed)
    return _Name(word, squashed[: double.start() + 1] if double else squashed, pattern)


def _find_names(msg: _Message, names: tuple[_Name, ...]) -> Iterator[re.Match]:
    for name in names:
        squashed = msg.squashed.count(name.key)
        if not squashed:
            continue
        if msg.leet.count(name.key) == squashed:
            # Every occurrence is written without separators: look only around them.
            for lo, hi in msg.windows((name.key,), 4, msg.leet):
                yield from name.pattern.finditer(msg.low, lo, hi)
        else:
            yield from name.pattern.finditer(msg.low)


# ============================================================================================
# Payment
# ============================================================================================

_PAY_NAMES = tuple(
    _loose(w)
    for w in (
        "paypal",
        "venmo",
        "zelle",
        "transferwise",
        "cashapp",
        "western union",
        "moneygram",
        "payoneer",
        "revolut",
        "skrill",
        "bitcoin",
        "ethereum",
        "binance",
        "crypto",
        "neteller",
        "webmoney",
    )
)
# Short names, bank details and the like: matched as written, near their literal anchors.
_PAY_TERMS = (
    (
        ("btc", "eth", "usdt", "usdc", "ltc", "litecoin", "trc", "erc", "bep"),
        re.compile(r"\b(?:btc|eth|usdt|usdc|ltc|litecoin|trc-?20|erc-?20|bep-?20)\b"),
    ),
    (
        ("gpay", "apple", "google", "paypal.me"),
        re.compile(r"\b(?:gpay|apple\s?pay|google\s?pay|paypal\.me)\b"),
    ),
    (
        # "Wise" is also an ordinary word: only as a way to pay.
        (" wise",),
        re.compile(
            r"\b(?:via|by|through|thru|with|on|using|use|my|your|to|in)\s+wise\b"
            r"|\bwise\s+(?:transfer|account|me|it|details|email|tag)\b"
        ),
    ),
    (
        ("iban", "swift", "bic", "routing", "sort", "account", "bank", "wire", "friends", "wallet"),
        re.compile(
            r"\biban\b|\bswift(?:\s*code)?\b|\bbic\b|\brouting\s+(?:number|no|#)|\bsort\s+code\b"
            r"|\baccount\s+(?:number|no\b|#)|\bbank\s+(?:wire|transfer|account|details|info)"
            r"|\bwire\s+transfer|\bwiring\b|\bfriends\s+(?:and|&)\s+family\b"
            r"|\b(?:crypto\s+|btc\s+|bitcoin\s+|eth\s+|usdt\s+)?wallet\s+address\b"
        ),
    ),
)

# Payment intent: words that point money at a person.
_PAY_INTENT = re.compile(
    r"\b(?:pay|paying|send|sending|sent|transfer|transferring|wire|deposit|tip|"
    r"upfront|up\s+front|advance|the\s+rest|balance|remaining|my|directly|direct|instead|"
    r"fees?|commission|cheaper|discount|middleman|accept|prefer|me|invoice\s+you)\b"
    r"|\b(?:ok|okay|fine|good|works?|easier|better)\s+(?:for|with)\s+(?:you|u)\b|\$\s?\d"
)
# Signs that the sentence is about building something with the service, or paying via Tandem.
_PAY_WORK = re.compile(
    r"\b(?:integrat\w*|checkout|check-out|api|apis|sdk|webhooks?|ipn|button|plugin|gateway|"
    r"sandbox|bot|bots|library|lib|endpoint|widget|stripe|shop|store|customers?|users|"
    r"subscriptions?|merchant|form|field|validation|template|component|page|csv|export|"
    r"import|dashboard|prices?|price\s+feed|reconcil\w*|migrat\w*|switching|keys|"
    r"implement\w*|option|options|feature|module|package|testnet|mainnet|smart\s+contract|"
    r"web3|ui|frontend|backend|database|schema|docs|documentation|comparison|"
    r"pay\s?outs?|pay\s+out|withdraw\w*)\b|\.(?:py|js|ts|php|rb)\b|\b[a-z]+_[a-z_]+"
    r"|(?<!not\s)(?<!n't\s)(?<!of\s)\b(?:through|via|on|in|with|from|by|can|does|will|let)"
    r"\s+tandem\b"
    r"|\btandem\s+(?:pays?|paid|payments?)\b",
    re.I,
)
# Off-platform payment said outright: fires on its own. (anchors, pattern)
_PAY_OUTRIGHT = (
    (
        ("direct",),
        re.compile(
            r"\bpay(?:ing|ment|ments)?\s+(?:me|you|him|her|us)\s+(?:\w+\s+){0,2}?direct(?:ly)?\b"
            r"|\b(?:send|sending|transfer|wire|give)\s+(?:it|the\s+money|money|"
            r"(?:the\s+)?payments?|(?:the\s+)?funds)\s+(?:to\s+me\s+)?direct(?:ly)?\b"
            r"|\bdirect(?:ly)?\s+(?:pay|payment|transfer)\b"
        ),
    ),
    (
        ("outside",),
        re.compile(
            r"\bpay(?:ing|ments?)?\s+(?:\w+\s+){0,2}?outside\b"
            r"|\boutside\s+(?:of\s+)?(?:the\s+)?(?:platform|tandem|upwork|fiverr|escrow|"
            r"freelancer\.com|peopleperhour|toptal|guru)\b"
        ),
    ),
    (("off",), re.compile(r"\boff[\s-]+(?:the\s+)?(?:platform|tandem|upwork|fiverr)\b")),
    (
        ("to my",),
        re.compile(
            r"\b(?:send|transfer|wire|pay|deposit)\s+(?:me\s+)?(?:the\s+|your\s+|all\s+)?"
            r"(?:money|payment|payments|funds|deposit|rest|balance|remaining(?:\s+\w+)?|amount|"
            r"advance|bonus|\$\s?[\d,.]+)\s+(?:\w+\s+)?to\s+my\b"
        ),
    ),
)
# "send the money to my account on Tandem": paying through the platform after all.
_ON_PLATFORM = re.compile(
    r"(?<!not\s)(?<!n't\s)(?<!of\s)\b(?:on|through|via|in|using|with)\s+"
    r"(?:tandem|the\s+platform|escrow)\b"
    r"|\btandem\s+(?:account|wallet|balance)\b"
)
_FEES_ANCHORS = ("fee", "commission", "cut", "middleman", "service charge")
_FEES = re.compile(
    r"\b(?:skip|avoid|save|dodge|bypass|cut\s+out|get\s+around|no|without|reduce)\s+"
    r"(?:on\s+)?(?:(?:the|all|these|those|platform|platform's|tandem|upwork|their|its|any)\s+)*"
    r"(?:fees?|commission|cut|middleman|service\s+charge)\b"
)
_PERSON_PAY = re.compile(
    r"\b(?:pay|send|transfer|wire)\s+(?:it\s+|me\s+|you\s+)?(?:\w+\s+){0,2}?"
    r"(?:to\s+)?(?:me|you|my)\b|\bpay\s+(?:me|you)\b",
    re.I,
)

_WALLET = (
    (("0x",), re.compile(r"(?<![\w])0x[0-9a-f]{40}(?![\w])")),
    (("bc1",), re.compile(r"(?<![\w])bc1[ac-hj-np-z02-9]{11,71}(?![\w])")),
)
# Legacy bitcoin (1..., 3...) and TRC-20 (T...) addresses: base58, mixed case, in `text`.
_BASE58 = re.compile(r"[13T](?<![\w][13T])[a-km-zA-HJ-NP-Z1-9]{25,34}(?![\w])")
_IBAN = re.compile(
    r"[A-Z](?<![\w][A-Z])[A-Z]\d\d(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?!\w)"
)
_IBAN_ANY_CASE = re.compile(_IBAN.pattern, re.I)
_CASHTAG = re.compile(r"\$(?<![\w$]\$)[A-Za-z][A-Za-z0-9_-]{2,19}\b")
_CASHTAG_BEFORE = re.compile(r"\b(?:to|my|is|at|cash\s?app|cashtag|send|pay)\b\W*$")
_CODE_CONTEXT = re.compile(
    r"(?i:\b(?:config\w*|settings?|env|environment|variable|testnet|mainnet|contract|deploy\w*|"
    r"fixture|test|tests|example|sample|placeholder|dummy|set)\b)|\b[A-Z]+_[A-Z_]+|=",
)


def _payment(msg: _Message) -> bool:
    low = msg.low
    for anchors, pattern in _PAY_OUTRIGHT:
        if msg.has(*anchors):
            for m in msg.near(anchors, pattern):
                lo, hi = msg.sentence(m.start(), m.end())
                if not _ON_PLATFORM.search(low, lo, hi):
                    return True
    if msg.has(*_FEES_ANCHORS):
        for m in msg.near(_FEES_ANCHORS, _FEES):
            lo, hi = msg.sentence(m.start(), m.end())
            if _PERSON_PAY.search(low, lo, hi):
                return True
    mentions = list(_find_names(msg, _PAY_NAMES))
    for anchors, pattern in _PAY_TERMS:
        if msg.has(*anchors):
            mentions += msg.near(anchors, pattern, 40)
    for m in mentions:
        lo, hi = msg.sentence(m.start(), m.end())
        if _PAY_WORK.search(msg.text, lo, hi):
            continue
        sentence = _blank(low[lo:hi], m.start(), m.end(), lo)
        if _PAY_INTENT.search(sentence) or low.startswith(" me", m.end()):
            return True
    return _payment_details(msg)


def _payment_details(msg: _Message) -> bool:
    """Wallet addresses, IBANs and cashtags: count unless they sit in code or configuration."""
    text, low = msg.text, msg.low

    def in_config(m_start: int, m_end: int) -> bool:
        lo, hi = msg.sentence(m_start, m_end)
        sentence = _blank(text[lo:hi], m_start, m_end, lo)
        return bool(_CODE_CONTEXT.search(sentence)) and not _PERSON_PAY.search(sentence)

    for anchors, pattern in _WALLET:
        if msg.has(*anchors):
            for m in msg.near(anchors, pattern, 80):
                if not in_config(m.start(), m.end()):
                    return True
    if msg.digits >= 2 and msg.long_token:
        for m in _BASE58.finditer(text):
            word = m.group()
            mixed = not word.isupper() and not word.islower() and any(c.isdigit() for c in word)
            if mixed and not in_config(m.start(), m.end()):
                return True
    # An IBAN is written in capitals as banks print them (in any case after the word "IBAN"), and
    # holds a long run of digits: look for one only around such a run.
    iban = _IBAN_ANY_CASE if "iban" in low else _IBAN
    for number in msg.numbers:
        for m in iban.finditer(text, max(0, number.start() - 12), number.end() + 40):
            said = "iban" in low[max(0, m.start() - 30) : m.start()]
            if (said or _iban_valid(m.group())) and not in_config(m.start(), m.end()):
                return True
    if "$" in text and msg.has("cash", "send", "pay", "to $", "my $", "is $", "at $"):
        for m in _CASHTAG.finditer(text):
            before = _CASHTAG_BEFORE.search(low, max(0, m.start() - 40), m.start())
            if before and not in_config(m.start(), m.end()):
                return True
    return False


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# ============================================================================================
# Contact apps
# ============================================================================================

_APP_NAMES = tuple(
    _loose(w) for w in ("whatsapp", "telegram", "skype", "discord", "viber", "imessage", "snapchat")
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


def _contact_app(msg: _Message) -> bool:
    low = msg.low
    if msg.has(*_APP_LINK_ANCHORS):
        for m in msg.near(_APP_LINK_ANCHORS, _APP_LINK, 40):
            if not m.group().endswith("bot") and not _app_work(msg, m.start(), m.end(), False):
                return True
    mentions = list(_find_names(msg, _APP_NAMES))
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


def _app_work(msg: _Message, start: int, end: int, strong: bool) -> bool:
    """Whether the app is the subject of the work, said in its sentence or the ones either side.

    A strong invitation (a handle, "whatsapp me") only gives way to work said in its own sentence.
    """
    lo, hi = msg.sentence(start, end)
    sentence = _blank(msg.low[lo:hi], start, end, lo)
    if _APP_WORK.search(sentence):
        return True
    if strong:
        return False
    wlo, whi = msg.around(lo, hi)
    if _APP_WORK.search(msg.low, wlo, lo) or _APP_WORK.search(msg.low, hi, whi):
        return True
    return bool(_APP_WORK_WEAK.search(sentence)) and not _APP_PERSONAL.search(sentence)


# ============================================================================================
# E-mail
# ============================================================================================

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


def _email(msg: _Message) -> bool:
    text, low = msg.text, msg.low
    for m in _email_candidates(msg):
        lo, hi = msg.sentence(m.start(), m.end())
        before = text[lo : m.start()]
        personal = _EMAIL_PERSONAL.search(low, max(lo, m.start() - 30), m.start())
        if _EMAIL_CODE_BEFORE.search(before) and not personal:
            continue  # a value in code: EMAIL = "x@y.com", send_mail("x@y.com")
        sentence = _blank(text[lo:hi], m.start(), m.end(), lo)
        if personal or not (_EMAIL_CONFIG.search(sentence) or _EMAIL_CONFIG.search(m.group())):
            return True
    return False


def _email_candidates(msg: _Message) -> Iterator[re.Match]:
    if "@" in msg.text:
        yield from msg.near(("@",), _EMAIL, 80)
    if msg.has(*_OBFUSCATED_ANCHORS):
        # "at" is a common word: look further only where a domain follows it.
        low = msg.low
        for lo, hi in msg.windows(_OBFUSCATED_ANCHORS, 0):
            if _AT_DOMAIN.match(low, lo):
                yield from _OBFUSCATED_EMAIL.finditer(low, max(0, lo - 60), min(len(low), hi + 60))


# ============================================================================================
# Phone numbers
# ============================================================================================

# Things that contain digits but are not phone numbers; blanked out near a candidate number.
_NOT_PHONE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w.+-])[\w.+-]+@[\w.-]+"
    r"|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|\b0x[0-9a-f]+\b"
    r"|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?![-/.]?\d)(?:[t ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)?"
    r"|\b\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?![-/.]?\d)"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
    r"|\b\d{1,3}(?:\.\d{1,3}){3}\b"
    r"|[$€£¥]\s?\d[\d,.]*"
    r"|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars?|euros?|bucks|k|%)(?!\w)"
    r"|\b(?:v|version|ver|python|django|node|ios|android|build|release|rev|php|java)\s*\d[\d.]*"
    r"|\b(?:order|invoice|inv|ticket|issue|pr|id|sku|ean|upc|isbn|barcode|tracking|ref|"
    r"reference|commit|port|ports|timeout|line|lines|row|rows|pid|error|account|acct|routing|"
    r"iban|swift|bic|contract|case|po|item|product|transaction|txn|meeting|serial)\b"
    r"(?:\s*(?:number|no\.?|num|nr|id|#|:))?(?:\s+is)?\s*[#:]?\s*\d[\d\s.-]*"
    r"|\b\w*(?:[a-z]_*\d|\d_*[a-z])\w*\b"
)
_DATE = re.compile(r"\d{4}([-/.])\d{1,2}\1\d{1,2}|\d{1,2}([-/.])\d{1,2}\2(?:\d{4}|\d{2})")
_DOTTED = re.compile(r"\b\d+(?:\.\d+){2,}\b")
# Seven digits or more, with separators between them. It starts at a digit, so the regex engine
# can skip ahead quickly; a leading "+" or "(" is taken in by `_number_start`.
_NUMBER = re.compile(r"\d(?:[ \-.()/]{0,3}\d){6,}\)?")
_WINDOW_NUMBER = re.compile(r"(?:\+\s?)?\(?\d[\d \-.()/]*\d\)?")
_NUMBER_BEFORE_BAD = set("-./#$€£¥=:+_") | set("abcdefghijklmnopqrstuvwxyz0123456789")
_PHONE_CUE_BEFORE = re.compile(
    r"(?:\b(?:phone|cell|cellphone|mobile|tel|telephone|whatsapp|viber|signal|call|text|sms|"
    r"ring|dial|reach|contact|number\s+is|my\s+(?:number|num))\b|\bmy\s+(?:no\.|#)|\+)"
    r"[^.!?\n\d]{0,25}$"
)
_PHONE_CUE_AFTER = re.compile(
    r"[^.!?\n\d]{0,15}\b(?:whatsapp|call|text|sms|phone|viber|signal|telegram)\b"
)
# A number given as an example while working on forms or tests, not as one's own.
_PHONE_WORK = re.compile(
    r"\b(?:form|field|input|validat\w*|format\w*|regex|placeholder|mask|tests?|testing|example|"
    r"e\.g|sample|dummy|fake|fixture|seed|mock|footer|header|website|site|page)\b"
)
_PHONE_PERSONAL = re.compile(r"\b(?:my|me|i'?m|reach|office)\b")
_DIGIT_WORD = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_SPELLED_ANCHORS = tuple(_DIGIT_WORD) + ("double", "triple")
_SPELLED = re.compile(
    r"(?<![a-z])(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple|\d{1,4})"
    r"\b[\s,.\-/]*){7,}"
)
_TEXT_ME_ANCHORS = ("text me", "txt me", "sms me", "imessage me")
_TEXT_ME = re.compile(
    r"\b(?:text|txt|sms|imessage)\s+me\b(?![^.!?\n]{0,30}\b(?:here|on\s+tandem|in\s+the\s+"
    r"(?:chat|workroom)|on\s+the\s+platform|through\s+(?:tandem|the\s+platform))\b)"
)


def _phone(msg: _Message) -> bool:
    if msg.has(*_TEXT_ME_ANCHORS) and next(msg.near(_TEXT_ME_ANCHORS, _TEXT_ME, 60), None):
        return True
    if _spelled_number(msg):
        return True
    low = msg.low
    for m in msg.numbers:
        start, end = _number_start(low, m.start()), m.end()
        number = low[start:end]
        if len(number) > 60 or _DATE.fullmatch(number):
            continue  # a long list of numbers; a date
        if start and low[start - 1] in _NUMBER_BEFORE_BAD:
            continue
        if not _phone_shaped(number, low[max(0, start - 40) : start], low[end : end + 30]):
            continue  # blanking things out below only ever makes a number less phone-like
        # Blank out dates, prices, versions, ids... in the neighbourhood, then look again.
        lo, hi = max(0, start - 30), min(len(low), end + 30)
        window = _NOT_PHONE.sub(lambda x: "§" * len(x.group()), low[lo:hi])
        window = _DOTTED.sub(_mask_version, window)
        for n in _WINDOW_NUMBER.finditer(window):
            if n.end() + lo <= start or n.start() + lo >= end:
                continue
            if n.start() and window[n.start() - 1] in _NUMBER_BEFORE_BAD:
                continue
            if n.end() < len(window) and (window[n.end()].isalnum() or window[n.end()] in "%€$"):
                continue
            if _phone_shaped(n.group(), window[: n.start()], window[n.end() :]):
                slo, shi = msg.sentence(start, end)
                sentence = low[slo:shi]
                if not _PHONE_WORK.search(sentence) or _PHONE_PERSONAL.search(sentence):
                    return True
    return False


def _number_start(low: str, start: int) -> int:
    """Where a number found at `start` really starts: "+44 ...", "(212) ...", "+1 (415) ..."."""
    i = start
    while i > 0 and start - i < 4 and low[i - 1] in "+( ":
        i -= 1
    while i < start and low[i] not in "+(":
        i += 1
    return i


def _count_digits(text: str) -> int:
    return len(text) - len(text.translate(_NOT_DIGITS))


def _spelled_number(msg: _Message) -> bool:
    """Seven or more digits given as words: "five five five, one two three, four five six seven"."""
    if not msg.has(*_SPELLED_ANCHORS):
        return False
    low = msg.low
    for anchor in _SPELLED_ANCHORS:
        i = low.find(anchor)
        while i != -1:
            m = _SPELLED.match(low, i)
            if m:
                sequence, words, factor = "", 0, 1
                for word in re.findall(r"[a-z]+|\d+", m.group()):
                    if word in ("double", "triple"):
                        factor = 2 if word == "double" else 3
                        continue
                    sequence += (word if word.isdigit() else _DIGIT_WORD[word]) * factor
                    words += not word.isdigit()
                    factor = 1
                if len(sequence) >= 7 and words >= 3 and not _counting(sequence):
                    return True
            i = low.find(anchor, i + 1)
    return False


def _counting(sequence: str) -> bool:
    """ "one two three four five six seven" is counting, not a phone number."""
    steps = {int(b) - int(a) for a, b in zip(sequence, sequence[1:], strict=False)}
    return steps in ({1}, {-1})


def _mask_version(m: re.Match) -> str:
    groups = m.group().split(".")
    return "§" * len(m.group()) if any(len(g) == 1 for g in groups[1:]) else m.group()


def _phone_shaped(number: str, before: str, after: str) -> bool:
    digits = _count_digits(number)
    if not 7 <= digits <= 15:
        return False
    if _PHONE_CUE_BEFORE.search(before[-40:]) or _PHONE_CUE_AFTER.match(after[:30]):
        return True
    groups = [g for g in re.split(r"[\s().\-/+]+", number) if g]
    if number.startswith("+"):
        return digits >= 8
    if number.startswith("(") and len(groups) >= 3:
        return True
    if len(groups) >= 3:
        if len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]):
            return False  # 1 234 567: a number with thousands separators
        return all(len(g) >= 2 for g in groups)
    if len(groups) == 2:
        return groups[0].startswith("0") and digits >= 9
    return False


# ============================================================================================
# The check
# ============================================================================================


def _asked(msg: _Message) -> set[str]:
    """What contact details the message asks the other person for: "what's your WhatsApp?"."""
    if "your" not in msg.low:
        return set()
    return {
        kind
        for m in msg.near(("your",), _ASK_CONTACT, 30)
        for kind, value in m.groupdict().items()
        if value
    }


def check_message(body: str) -> list[Reason]:
    """Reasons this message may take payment or contact off the platform; [] when it is fine.
    At most one Reason per code, in the order of the codes above."""
    if not body or body.isspace():
        return []
    msg = _Message(body)
    asked = _asked(msg)
    reasons = []
    if _payment(msg):
        reasons.append(PAYMENT)
    if "email" in asked or _email(msg):
        reasons.append(EMAIL)
    if "phone" in asked or _phone(msg):
        reasons.append(PHONE)
    if "app" in asked or _contact_app(msg):
        reasons.append(APP)
    return reasons
