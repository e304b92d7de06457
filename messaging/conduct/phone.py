"""Phone numbers: seven digits or more in a phone-shaped group that is not a date, time, price,
version, IP address or id; spelled out in words; or "text me"."""

from __future__ import annotations

import re

from messaging.conduct.text import MessageText, count_digits

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


def phone_number(msg: MessageText) -> bool:
    if msg.has(*_TEXT_ME_ANCHORS) and next(msg.near(_TEXT_ME_ANCHORS, _TEXT_ME, 60), None):
        return True
    if _spelled_number(msg):
        return True
    return any(_is_phone(msg, found) for found in msg.numbers)


def _is_phone(msg: MessageText, found: re.Match[str]) -> bool:
    """Whether a run of seven digits or more is someone's phone number."""
    low = msg.low
    start, end = _number_start(low, found.start()), found.end()
    number = low[start:end]
    if len(number) > 60 or _DATE.fullmatch(number):
        return False  # a long list of numbers; a date
    if start and low[start - 1] in _NUMBER_BEFORE_BAD:
        return False
    if not _phone_shaped(number, low[max(0, start - 40) : start], low[end : end + 30]):
        return False  # blanking things out below only ever makes a number less phone-like
    if not _phone_shaped_when_blanked(low, start, end):
        return False
    slo, shi = msg.sentence(start, end)
    sentence = low[slo:shi]
    return not _PHONE_WORK.search(sentence) or bool(_PHONE_PERSONAL.search(sentence))


def _phone_shaped_when_blanked(low: str, start: int, end: int) -> bool:
    """Blank out dates, prices, versions, ids... in the neighbourhood of the number at
    [start, end), then look again: is a phone-shaped number still there?"""
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


def _spelled_number(msg: MessageText) -> bool:
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
    digits = count_digits(number)
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
