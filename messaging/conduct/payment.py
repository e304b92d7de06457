"""Paying off the platform: said outright, skipping the fees, a payment service with intent
toward a person, or payment details (wallet addresses, IBANs, cashtags)."""

from __future__ import annotations

import re

from messaging.conduct.text import MessageText, blank, find_names, loose

_PAY_NAMES = tuple(
    loose(w)
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


def payment_off_platform(msg: MessageText) -> bool:
    return (
        _said_outright(msg)
        or _skipping_fees(msg)
        or _service_with_intent(msg)
        or _wallet_address(msg)
        or _base58_address(msg)
        or _iban(msg)
        or _cashtag(msg)
    )


def _said_outright(msg: MessageText) -> bool:
    """ "Pay me directly", "outside the platform": unless the sentence pays through Tandem."""
    for anchors, pattern in _PAY_OUTRIGHT:
        if msg.has(*anchors):
            for m in msg.near(anchors, pattern):
                lo, hi = msg.sentence(m.start(), m.end())
                if not _ON_PLATFORM.search(msg.low, lo, hi):
                    return True
    return False


def _skipping_fees(msg: MessageText) -> bool:
    """ "Let's skip the fees" with paying a person in the same sentence."""
    if msg.has(*_FEES_ANCHORS):
        for m in msg.near(_FEES_ANCHORS, _FEES):
            lo, hi = msg.sentence(m.start(), m.end())
            if _PERSON_PAY.search(msg.low, lo, hi):
                return True
    return False


def _service_with_intent(msg: MessageText) -> bool:
    """A payment service or bank term with payment intent toward a person in its sentence, and
    no sign of work on an integration."""
    low = msg.low
    mentions = list(find_names(msg, _PAY_NAMES))
    for anchors, pattern in _PAY_TERMS:
        if msg.has(*anchors):
            mentions += msg.near(anchors, pattern, 40)
    for m in mentions:
        lo, hi = msg.sentence(m.start(), m.end())
        if _PAY_WORK.search(msg.text, lo, hi):
            continue
        sentence = blank(low[lo:hi], m.start(), m.end(), lo)
        if _PAY_INTENT.search(sentence) or low.startswith(" me", m.end()):
            return True
    return False


# Payment details (wallet addresses, IBANs, cashtags) count unless they sit in code or
# configuration.


def _in_config(msg: MessageText, start: int, end: int) -> bool:
    lo, hi = msg.sentence(start, end)
    sentence = blank(msg.text[lo:hi], start, end, lo)
    return bool(_CODE_CONTEXT.search(sentence)) and not _PERSON_PAY.search(sentence)


def _wallet_address(msg: MessageText) -> bool:
    for anchors, pattern in _WALLET:
        if msg.has(*anchors):
            for m in msg.near(anchors, pattern, 80):
                if not _in_config(msg, m.start(), m.end()):
                    return True
    return False


def _base58_address(msg: MessageText) -> bool:
    if msg.digits < 2 or not msg.long_token:
        return False
    for m in _BASE58.finditer(msg.text):
        word = m.group()
        mixed = not word.isupper() and not word.islower() and any(c.isdigit() for c in word)
        if mixed and not _in_config(msg, m.start(), m.end()):
            return True
    return False


def _iban(msg: MessageText) -> bool:
    """An IBAN is written in capitals as banks print them (in any case after the word "IBAN"),
    and holds a long run of digits: looked for only around such a run."""
    text, low = msg.text, msg.low
    iban = _IBAN_ANY_CASE if "iban" in low else _IBAN
    for number in msg.numbers:
        for m in iban.finditer(text, max(0, number.start() - 12), number.end() + 40):
            said = "iban" in low[max(0, m.start() - 30) : m.start()]
            if (said or _iban_valid(m.group())) and not _in_config(msg, m.start(), m.end()):
                return True
    return False


def _cashtag(msg: MessageText) -> bool:
    text = msg.text
    if "$" not in text or not msg.has("cash", "send", "pay", "to $", "my $", "is $", "at $"):
        return False
    for m in _CASHTAG.finditer(text):
        before = _CASHTAG_BEFORE.search(msg.low, max(0, m.start() - 40), m.start())
        if before and not _in_config(msg, m.start(), m.end()):
            return True
    return False


def _iban_valid(candidate: str) -> bool:
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1
