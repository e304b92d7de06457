"""The message as the detectors read it: normalised, code blanked out, with cheap facts about
it, and the loose matching of service and app names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

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

# Seven digits or more, with separators between them. It starts at a digit, so the regex engine
# can skip ahead quickly; a leading "+" or "(" is taken in by `_number_start`.
_NUMBER = re.compile(r"\d(?:[ \-.()/]{0,3}\d){6,}\)?")


class MessageText:
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
        self.digits = count_digits(low)

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

    def near(
        self, anchors: tuple[str, ...], pattern: re.Pattern[str], width: int = 100
    ) -> Iterator[re.Match[str]]:
        """Matches of `pattern` within `width` characters of a literal anchor (a fast filter)."""
        for lo, hi in self.windows(anchors, width):
            yield from pattern.finditer(self.low, lo, hi)


def blank(text: str, start: int, end: int, lo: int) -> str:
    """`text` (a span of the message starting at `lo`) with [start, end) blanked out."""
    return text[: start - lo] + " " * (end - start) + text[end - lo :]


def count_digits(text: str) -> int:
    return len(text) - len(text.translate(_NOT_DIGITS))


# --- Loose names --------------------------------------------------------------------------

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
class Name:
    """A service or app name, with its loose pattern and the squashed key that gates it."""

    word: str
    key: str
    pattern: re.Pattern


def loose(word: str) -> Name:
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
    return Name(word, squashed[: double.start() + 1] if double else squashed, pattern)


def find_names(msg: MessageText, names: tuple[Name, ...]) -> Iterator[re.Match]:
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
