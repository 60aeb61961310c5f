"""Spelling variants of names and typing errors in identifiers, as seen in real complaint records.

Classes of variation follow ``reference/name_spelling_rules.csv`` and ``docs/domain.md`` §8.2:
old spelling (Van Ophuijsen/Soewandi ``oe``, pre-1972 ``dj``/``tj``/``j``), Arabic-origin
transliterations (Muhammad → Moh./Muh./M.), dropped tokens, doubled/undoubled consonants,
``y``/``i`` endings, keyboard typos and case changes.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Final

from padan.synth.common import Pool

__all__ = ["mistype_digits", "name_variant", "to_modern_spelling", "to_old_spelling"]

_TO_OLD: Final = {"ny": "nj", "sy": "sj", "kh": "ch", "c": "tj", "j": "dj", "y": "j", "u": "oe"}
_TO_OLD_RE: Final = re.compile("ny|sy|kh|c|j|y|u")
_TO_NEW: Final = {"oe": "u", "tj": "c", "dj": "j", "nj": "ny", "sj": "sy", "ch": "kh", "j": "y"}
_TO_NEW_RE: Final = re.compile("oe|tj|dj|nj|sj|ch|j")
_OLD_MARKERS: Final = re.compile("oe|dj|tj", re.IGNORECASE)

# Common written forms of frequent Arabic-origin tokens (any form may replace any other).
_ARABIC: Final[dict[str, tuple[str, ...]]] = {
    "muhammad": (
        "Muhammad",
        "Muhamad",
        "Mohammad",
        "Mohamad",
        "Mochammad",
        "Moh.",
        "Muh.",
        "M.",
        "Mhd.",
        "Muhammat",
    ),
    "ahmad": ("Ahmad", "Achmad", "Akhmad", "Ahmat"),
    "abdul": ("Abdul", "Abd.", "Abdoel"),
    "siti": ("Siti", "Sitti", "St."),
    "nur": ("Nur", "Noor"),
    "rizki": ("Rizki", "Rizky", "Riski", "Rizqi"),
    "arif": ("Arif", "Arief"),
    "ramadhan": ("Ramadhan", "Ramadan", "Ramdhan"),
    "syaiful": ("Syaiful", "Saiful", "Syaeful"),
    "fauzi": ("Fauzi", "Fauzy", "Fauzie"),
}
_ARABIC_LOOKUP: Final = {form.lower(): key for key, forms in _ARABIC.items() for form in forms}
_VOWEL_SWAP: Final = {"a": "e", "e": "a", "i": "e", "o": "u", "u": "o"}
_NEIGHBOURS: Final = {
    "a": "s",
    "s": "a",
    "d": "f",
    "n": "m",
    "m": "n",
    "r": "t",
    "t": "r",
    "i": "u",
    "u": "i",
    "e": "r",
    "h": "j",
    "k": "l",
    "l": "k",
    "y": "u",
}


def _coin(rng: random.Random) -> bool:
    return rng.random() < 0.5


def _recase(source: str, text: str) -> str:
    return text.capitalize() if source[:1].isupper() else text


def to_old_spelling(name: str) -> str:
    """Rewrite a modern name in pre-1972 spelling: ``Sujatmoko`` → ``Soedjatmoko``."""
    return " ".join(
        _recase(t, _TO_OLD_RE.sub(lambda m: _TO_OLD[m.group(0)], t.lower())) for t in name.split()
    )


def to_modern_spelling(name: str) -> str:
    """Rewrite old spelling in modern EYD; only touches tokens that carry an old-spelling marker
    (so a modern ``Joko`` never becomes ``Yoko``)."""
    out = []
    for token in name.split():
        if _OLD_MARKERS.search(token):
            token = _recase(token, _TO_NEW_RE.sub(lambda m: _TO_NEW[m.group(0)], token.lower()))
        out.append(token)
    return " ".join(out)


def _spelling_era(name: str, rng: random.Random) -> str:
    if _OLD_MARKERS.search(name):
        return to_modern_spelling(name)
    tokens = name.split()
    i = rng.randrange(len(tokens))
    tokens[i] = to_old_spelling(tokens[i])
    return " ".join(tokens)


def _arabic(name: str, rng: random.Random) -> str:
    tokens = name.split()
    spots = [i for i, t in enumerate(tokens) if t.lower() in _ARABIC_LOOKUP]
    if not spots:
        return name
    i = rng.choice(spots)
    forms = [f for f in _ARABIC[_ARABIC_LOOKUP[tokens[i].lower()]] if f != tokens[i]]
    tokens[i] = rng.choice(forms)
    return " ".join(tokens)


def _drop_token(name: str, rng: random.Random) -> str:
    tokens = name.split()
    if len(tokens) < 2:
        return name
    # Usually the last word goes ("Muhammad Rizki Pratama" → "Muhammad Rizki"); sometimes a middle.
    i = len(tokens) - 1 if len(tokens) == 2 or _coin(rng) else rng.randrange(1, len(tokens) - 1)
    del tokens[i]
    return " ".join(tokens)


def _doubling(name: str, rng: random.Random) -> str:
    doubles = [m.start() for m in re.finditer(r"([bcdfghjklmnpqrstvwxyz])\1", name)]
    if doubles:
        i = rng.choice(doubles)
        return name[:i] + name[i + 1 :]
    singles = [m.start(1) for m in re.finditer(r"[aeiou]([bdfhklmnrst])[aeiou]", name)]
    if not singles:
        return name
    i = rng.choice(singles)
    return name[:i] + name[i] + name[i:]


def _y_i(name: str, rng: random.Random) -> str:
    tokens = name.split()
    spots = [i for i, t in enumerate(tokens) if len(t) > 2 and t[-1] in "yi"]
    if not spots:
        return name
    i = rng.choice(spots)
    token = tokens[i]
    if token.endswith("ie"):
        tokens[i] = token[:-2] + "i"
    elif token.endswith("i"):
        tokens[i] = token[:-1] + ("y" if _coin(rng) else "ie")
    else:
        tokens[i] = token[:-1] + "i"
    return " ".join(tokens)


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i in range(1, len(name)) if name[i].isalpha()]
    if not letters:
        return name
    i = rng.choice(letters)
    kind = rng.random()
    if kind < 0.35 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # adjacent letters swapped
    if kind < 0.6 and len(name) > 4:
        return name[:i] + name[i + 1 :]  # letter dropped
    char = name[i].lower()
    repl = _VOWEL_SWAP.get(char) or _NEIGHBOURS.get(char) or "a"
    return name[:i] + (repl.upper() if name[i].isupper() else repl) + name[i + 1 :]


def _case(name: str, rng: random.Random) -> str:
    return name.upper() if rng.random() < 0.85 else name.lower()


def _anak_prefix(name: str, rng: random.Random) -> str:
    # Complaint intake often writes "An." (anak = child) before the child's name.
    return ("An. " if _coin(rng) else "AN. ") + name


_Variant = Callable[[str, random.Random], str]
_NAME_VARIANTS: Final[Pool[_Variant]] = Pool(
    [_spelling_era, _arabic, _drop_token, _doubling, _y_i, _typo, _case, _anak_prefix],
    [14, 18, 16, 12, 10, 16, 9, 5],
)
_NAME_VARIANTS_ADULT: Final[Pool[_Variant]] = Pool(
    [_spelling_era, _arabic, _drop_token, _doubling, _y_i, _typo, _case],
    [16, 20, 14, 14, 12, 18, 6],
)


def name_variant(name: str, rng: random.Random, *, child: bool = False) -> str:
    """A different written form of ``name`` (never the same string).

    ``child`` allows the complaint-intake "An." prefix. Variant classes are tried in random order
    of their weights until one changes the name; all-caps is the fallback.
    """
    pool = _NAME_VARIANTS if child else _NAME_VARIANTS_ADULT
    for _ in range(6):
        changed = pool.pick(rng)(name, rng)
        if changed != name and changed.strip():
            return changed
    return name.upper() if name.upper() != name else name.lower()


def mistype_digits(value: str, rng: random.Random) -> str:
    """One typing error in a digit string: a digit changed (50 %), two adjacent digits
    transposed (35 %) or a digit dropped (15 %). Never returns ``value`` itself."""
    kind = rng.random()
    if kind < 0.35:
        spots = [i for i in range(len(value) - 1) if value[i] != value[i + 1]]
        if spots:
            i = rng.choice(spots)
            return value[:i] + value[i + 1] + value[i] + value[i + 2 :]
    if kind >= 0.85:
        i = rng.randrange(len(value))
        return value[:i] + value[i + 1 :]
    i = rng.randrange(len(value))
    digit = str((int(value[i]) + rng.randint(1, 9)) % 10)
    return value[:i] + digit + value[i + 1 :]
