"""SMS length rules, as plain functions: GSM-7 or UCS-2, segments, and a clean cut.

A segment holds 160 GSM-7 characters (the extension characters ^{}[]~|€\\ count
twice), or 70 UCS-2 characters as soon as one character is outside GSM-7. A message
of several segments loses room to the concatenation header: 153 and 67 a part.
French accents that GSM-7 lacks (ê, ç, â, œ…) are first replaced by their plain
letter, as RapidPro does, so a French SMS keeps its 160 characters.
"""

import unicodedata

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
REPLACEMENTS = {
    "’": "'", "‘": "'", "‚": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-", "…": "...",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "œ": "oe", "Œ": "OE", "ç": "c", "\t": " ",
}
ELLIPSIS = "..."


def is_gsm7(text):
    return all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text)


def to_gsm7(text):
    """Replace what GSM-7 lacks by its closest plain form when there is one; keep the rest."""
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
        elif char in REPLACEMENTS:
            out.append(REPLACEMENTS[char])
        else:
            plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            out.append(plain if plain and is_gsm7(plain) else char)
    return "".join(out)


def units(text, gsm=None):
    """Length as the network counts it: septets for GSM-7, UTF-16 code units otherwise."""
    if gsm is None:
        gsm = is_gsm7(text)
    if gsm:
        return sum(2 if c in GSM7_EXTENDED else 1 for c in text)
    return len(text.encode("utf-16-le")) // 2


def capacity(segments, gsm):
    if segments <= 1:
        return 160 if gsm else 70
    return segments * (153 if gsm else 67)


def segments(text):
    gsm = is_gsm7(text)
    length = units(text, gsm)
    if length <= capacity(1, gsm):
        return 1
    per_part = 153 if gsm else 67
    return -(-length // per_part)


def _cut(text, room, gsm):
    """The longest start of `text` within `room` units, ended at a word boundary when one is near."""
    taken, used = [], 0
    for char in text:
        cost = units(char, gsm)
        if used + cost > room:
            break
        taken.append(char)
        used += cost
    cut = "".join(taken)
    if len(cut) < len(text):
        space = cut.rfind(" ")
        if space > len(cut) // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:.-")


def fit(message, link="", *, max_segments=1):
    """The SMS to send: `message` then `link`, shortened cleanly to `max_segments` segments.

    The link is never cut; the message loses its last words and ends with '...'.
    """
    message = " ".join(to_gsm7(message).split())
    full = " ".join(part for part in (message, link) if part)
    gsm = is_gsm7(full)
    room = capacity(max_segments, gsm)
    if units(full, gsm) <= room:
        return full
    tail = f"{ELLIPSIS} {link}" if link else ELLIPSIS
    left = room - units(tail, gsm)
    if left <= 0:
        return _cut(message, room - len(ELLIPSIS), gsm) + ELLIPSIS
    return _cut(message, left, gsm) + tail
