"""How a name is written by someone who is not reading it from an identity document.

The classes come from ``docs/domain.md`` §8: call names (nama panggilan), marga dropped or moved
(§8.1), Balinese ``I``/``Ni``/``Ni Luh`` left out, ``bin``/``binti`` + father's name (§8.2.4),
OCR confusions of scanned forms, joined/split tokens (§8.2.5) and old spelling (§8.2.1). Each
function returns the name unchanged when it does not apply, so callers can try several.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Final

from padan.synth.pools import MARGA
from padan.synth.variants import to_modern_spelling, to_old_spelling

__all__ = [
    "NAME_SITUATIONS",
    "bali_prefix",
    "bin_binti",
    "call_name",
    "join_split",
    "marga_variant",
    "near_name",
    "ocr_confusion",
    "old_spelling",
]

_VOWELS: Final = "aeiou"
_VOWEL_GROUP: Final = re.compile(r"[aeiou]+", re.IGNORECASE)
# Tokens that are not a call name on their own: Muhammad and its forms, titles, prefixes.
_NOT_CALLED: Final = frozenset(
    (
        *("muhammad", "muhamad", "mohammad", "mohamad", "mochammad", "moh.", "muh.", "m."),
        *("m", "mhd.", "ahmad", "achmad", "abdul", "abd.", "i", "ni", "luh", "an.", "br", "boru"),
    )
)
_MARGA: Final = frozenset(name for group in ("batak", "papua", "kristen") for name in MARGA[group])
_JOINABLE: Final = ("Nur", "Sri", "Siti", "Dwi", "Tri", "Eka", "Abdul", "Putri", "Dewi")
_SPLITTABLE: Final = re.compile(r"^(Nur|Sri|Abdul|Abdur|Putri|Dewi|Siti)([a-z]{3,})$")
# OCR of scanned forms: glyphs that look alike (rn/m, l/1, O/0, I/l).
_OCR: Final = (("rn", "m"), ("m", "rn"), ("l", "1"), ("O", "0"), ("I", "l"), ("i", "1"))


def call_name(name: str, rng: random.Random) -> str:
    """A nama panggilan: one given token (``Putri`` for ``Putri Ayu Lestari``) or the last two
    syllables of a longer token (``Dika`` for ``Andika``, ``Wati`` for ``Rahmawati``)."""
    tokens = [t for t in name.split() if t.lower() not in _NOT_CALLED and t not in _MARGA]
    if not tokens:
        return name
    token = rng.choice(tokens[:2])
    groups = list(_VOWEL_GROUP.finditer(token))
    if len(groups) >= 3 and rng.random() < 0.6:
        start = max(0, groups[-2].start() - 1)
        short = token[start:]
        if len(short) >= 3:
            return short[:1].upper() + short[1:].lower()
    return token if token != name else name


def marga_variant(name: str, rng: random.Random) -> str:
    """The marga (Batak, Papua, NTT/Maluku/Minahasa) dropped, or written first."""
    tokens = name.split()
    if len(tokens) < 2 or tokens[-1] not in _MARGA:
        return name
    marga = tokens[-1]
    rest = tokens[:-1]
    if rest[-1] in ("Br", "Boru"):
        rest = rest[:-1]
    if not rest:
        return name
    if rng.random() < 0.6:
        return " ".join(rest)
    return " ".join([marga, *rest])


def bali_prefix(name: str, rng: random.Random) -> str:
    """``I``, ``Ni`` or ``Ni Luh`` left out (sometimes the birth-order name as well)."""
    for prefix in ("Ni Luh ", "I ", "Ni "):
        if name.startswith(prefix):
            rest = name[len(prefix) :].split()
            if len(rest) >= 2 and rng.random() < 0.25:
                rest = rest[1:]  # "I Wayan Sudarma" -> "Sudarma" as well as "Wayan Sudarma"
            return " ".join(rest) if rest else name
    return name


def bin_binti(name: str, father: str, sex: str, rng: random.Random) -> str:
    """``bin``/``binti`` and the father's name appended, as in marriage and court records."""
    if not father:
        return name
    words = father.split()
    given = " ".join(words[: 1 if len(words) < 3 or rng.random() < 0.5 else 2])
    word = "bin" if sex == "L" else "binti"
    if rng.random() < 0.3:
        word = word.upper() if rng.random() < 0.5 else word.capitalize()
    return f"{name} {word} {given}"


def ocr_confusion(name: str, rng: random.Random) -> str:
    """One OCR confusion of a scanned form (``rn``/``m``, ``l``/``1``, ``O``/``0``)."""
    options = [(a, b) for a, b in _OCR if a in name]
    if not options:
        upper = name.upper()
        options = [(a, b) for a, b in _OCR if a in upper]
        name = upper
    if not options:
        return name
    a, b = rng.choice(options)
    spots = [m.start() for m in re.finditer(re.escape(a), name)]
    i = rng.choice(spots)
    return name[:i] + b + name[i + len(a) :]


def join_split(name: str, rng: random.Random) -> str:
    """``Nur Hayati`` ↔ ``Nurhayati``, ``Abdul Rahman`` → ``Abdulrahman``: spacing of tokens."""
    tokens = name.split()
    joins = [i for i in range(len(tokens) - 1) if tokens[i] in _JOINABLE]
    splits = [i for i, t in enumerate(tokens) if _SPLITTABLE.match(t)]
    if not joins and not splits:
        return name
    if splits and (not joins or rng.random() < 0.5):
        i = rng.choice(splits)
        match = _SPLITTABLE.match(tokens[i])
        assert match is not None
        tokens[i : i + 1] = [match.group(1), match.group(2).capitalize()]
    else:
        i = rng.choice(joins)
        tokens[i : i + 2] = [tokens[i] + tokens[i + 1].lower()]
    return " ".join(tokens)


def old_spelling(name: str, rng: random.Random) -> str:
    """Old spelling (``oe``, ``dj``, ``tj``) written for a modern name, or the reverse."""
    modern = to_modern_spelling(name)
    if modern != name:
        return modern
    tokens = name.split()
    spots = [i for i, t in enumerate(tokens) if to_old_spelling(t) != t]
    if not spots:
        return name
    i = rng.choice(spots)
    tokens[i] = to_old_spelling(tokens[i])
    return " ".join(tokens)


def near_name(name: str, rng: random.Random) -> str:
    """A different name one letter away: ``Rizki``/``Rizka``, ``Putra``/``Putri``,
    ``Hasan``/``Hasin`` — what parents give twins and siblings."""
    tokens = name.split()
    i = len(tokens) - 1 if len(tokens) == 1 or rng.random() < 0.7 else 0
    token = tokens[i]
    if len(token) < 3 or not token.isalpha():
        return name
    if token[-1].lower() in "aio" and rng.random() < 0.6:
        ending = {"a": "i", "i": "a", "o": "i"}[token[-1].lower()]
        tokens[i] = token[:-1] + ending
    else:
        spots = [j for j in range(1, len(token)) if token[j] in _VOWELS]
        if not spots:
            return name
        j = rng.choice(spots)
        other = rng.choice([v for v in _VOWELS if v != token[j]])
        tokens[i] = token[:j] + other + token[j + 1 :]
    return " ".join(tokens)


_Simple = Callable[[str, random.Random], str]
#: In the order of :attr:`padan.synth.profiles.Profile.name_kinds` (``bin_binti`` needs the
#: father and sex, so the caller handles it at its place, index 3).
NAME_SITUATIONS: Final[tuple[tuple[str, _Simple | None], ...]] = (
    ("name_call", call_name),
    ("name_marga", marga_variant),
    ("name_bali_prefix", bali_prefix),
    ("name_bin_binti", None),
    ("name_ocr", ocr_confusion),
    ("name_join_split", join_split),
    ("name_old_spelling", old_spelling),
)
