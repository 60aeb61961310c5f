"""Indonesian personal names → the form used for record linkage (the name as written is kept).

:func:`normalise_name` strips titles and degrees, splits off ``bin``/``binti`` + father's name and
maps each remaining token through :func:`canonical_token`, so that old (pre-1972) and new
spellings, informal variants and abbreviations meet. Decisions that are not obvious:

* **j→y** only in a token that shows an old-spelling marker (``oe``, ``dj``, ``tj``, ``sj``,
  leading ``nj``) or is a known old spelling (``jusuf``, ``jogja`` ...), and only for a *bare* j
  (not the j of ``dj/tj/nj/sj``): Soerjadi→suryadi, Tjahjo→cahyo, but Soedjono→sujono. A token
  with no marker keeps its j, because modern j is common (Harjono, Panji): the hybrid "Surjadi"
  therefore stays apart from Suryadi. Medial ``nj`` likewise becomes ``ny`` only in marked tokens.
* **ch→kh** except at ``chr``/``chl`` token starts (Christian, Chloe) and a few Western or /tʃ/
  names (Michael, Chandra ...); then ``kh`` before a consonant → ``h``, so Achmad, Akhmad, Ahmad
  and Fachri/Fakhri/Fahri agree; before a vowel it stays (Chairul = Khairul ≠ Hairul).
* Informal variants: th→t, dh→d, q→k, zk→sk, doubled consonants single, final ie(+consonant
  other than l)→i, final consonant+y→i (Thoyib/Toyib, Rizqy/Rizki/Riski, Arief/Arif, Dewy/Dewi).
* Titles: unambiguous ones (Hj., Drs., Prof., KH ...) go wherever they stand; short ones that
  double as initials (H., R., Dr, Ir, An., Ny.) only before the first name token; degrees only
  after a name or a comma, so "M.H. Thamrin" keeps its initials and a bare mid-name H stays.
* **Abdur-**: tokens are never split; :attr:`NormalisedName.compact` drops the ``l`` of ``abdul``
  before a sun letter and collapses doubled consonants across token joins, so Abdurrahman, Abdur
  Rahman and Abdul Rahman share one compact key (and Nur Aini / Nuraini, Nur Rahman / Nurahman).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Final, NamedTuple

__all__ = ["NormalisedName", "canonical_token", "normalise_name"]

_CONSONANT: Final = "[bcdfghjklmnpqrstvwxyz]"
_DOUBLE_RE: Final = re.compile(rf"({_CONSONANT})\1+")
_OLD_RE: Final = re.compile("oe|dj|tj|nj|sj")
_OLD_MAP: Final = {"oe": "u", "dj": "j", "tj": "c", "nj": "ny", "sj": "sy"}
_MARKER_RE: Final = re.compile("oe|dj|tj|sj")  # leading nj is checked apart: medial nj is modern
_BARE_J_RE: Final = re.compile("(?<![dtns])j")
_INFORMAL_RE: Final = re.compile("th|dh|zk|q")
_INFORMAL_MAP: Final = {"th": "t", "dh": "d", "zk": "sk", "q": "k"}
_KH_RE: Final = re.compile(rf"kh(?={_CONSONANT})")
_ABDUL_SUN_RE: Final = re.compile("abdul(?=[tdrzsnl])")
_ITEM_RE: Final = re.compile(r"[a-z]+\.?|,")
_KONSULTAN_RE: Final = re.compile(r"\(\s*k\s*\)", re.IGNORECASE)  # the (K) of Sp.P(K)


def _words(text: str) -> tuple[str, ...]:
    """The words of ``text``: long word lists stay a paragraph, not a column."""
    return tuple(text.split())


# Old spellings whose only marker is j = /y/ (common Arabic given names, Jogja, the Balinese
# first-born name Wajan).
_OLD_J_TOKENS: Final = frozenset(
    _words("jusuf jahja jahya jakub junus jasin jazid jogja jogjakarta wajan")
)
# ch that is /k/ or /tʃ/, not old /x/; compared after the pre-ch rules (see _CH_KEEP).
_CH_KEEP_RAW: Final = _words(
    "michael michelle mitchell richard rachel charles charlie charlotte chelsea cheryl "
    "chandra chintya chika chacha"
)
_MUHAMMAD: Final = _words(
    "muhammad muhamad muhammed muhamed mohammad mohamad mohammed mohamed mochammad mochamad "
    "mokhammad mokhamad muchammad muchamad mukhamad muhamat mohamat moh muh mhd md mohd"
)
_ALIASES: Final = {
    **dict.fromkeys(_MUHAMMAD, "muhammad"),
    **dict.fromkeys(("abdul", "abd", "abdoel"), "abdul"),
    **dict.fromkeys(("ahmad", "achmad", "akhmad", "ahmat", "achmat", "akhmat"), "ahmad"),
    "noor": "nur",
    "sitti": "siti",
}
# Short titles that are also initials or name parts: stripped only before the first name token.
_AMBIGUOUS_PREFIX: Final = frozenset({"h", "r", "ra", "rm", "ray", "ir", "dr", "an", "ny"})
# ...and of those, the ones taken as titles without a dot ("H Ahmad", "Dr Budi").
_DOTLESS_PREFIX: Final = frozenset({"h", "ir", "dr", "ny"})
_EXTRA_PREFIX: Final = ("an", "ny")  # KPAI "An." (anak), "Ny." (nyonya): not in the CSV
_AMD_FIELDS: Final = frozenset({"kep", "keb", "kes", "kom", "ak", "farm", "gz", "rad", "ft", "par"})
# Balinese abbreviations after I/Ni ("I Md. Sudarma"); "md" alone stays Muhammad.
_BALI_ABBR: Final = {
    "md": "made",
    "ny": "nyoman",
    "wy": "wayan",
    "kt": "ketut",
    "gd": "gede",
    "kd": "kadek",
    "pt": "putu",
    "gst": "gusti",
    "kmg": "komang",
}
# Leading tokens shared by many unrelated people: Balinese I/Ni, birth-order names and caste
# titles, which a Balinese name is made of before its own part (I Gusti Ngurah Made Agus).
_BALI_LEAD: Final = frozenset(
    _words(
        "i ni ida anak agung cokorda dewa desak gusti ngurah bagus wayan putu gede luh made "
        "kadek nengah nyoman komang ketut"
    )
)
# Muhammad as each of its accepted spellings: a slip in any of them (Mvhamad, Mubamad, both one
# letter from Muhamad) is still the lead (see _is_lead).
_SHARED_LEAD: Final = frozenset(_MUHAMMAD)
_RELATIONS: Final = {"bin": "bin", "binti": "binti", "bt": "binti", "b": "bin"}


class _Titles(NamedTuple):
    anywhere: frozenset[str]  # unambiguous prefix titles, dotted or not
    prefix_multi: frozenset[tuple[str, ...]]  # K.H., R.A. ...
    suffix_multi: frozenset[tuple[str, ...]]  # S.Pd., A.Md. ...
    suffix_compact: frozenset[str]  # the same written without dots: spd, amd, sh ...
    multi_first: frozenset[str]  # first parts of multi-part titles, for a cheap pre-check
    words: frozenset[str]  # every single word that can be a title, for a cheap pre-check


@cache
def _titles() -> _Titles:
    path = resources.files("padan.domain") / "data" / "reference" / "name_tokens_titles.csv"
    prefix: set[tuple[str, ...]] = {(t,) for t in _EXTRA_PREFIX}
    suffix: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["strip_for_matching"].strip() != "Y":
                continue
            target = suffix if "suffix" in row["type"] else prefix
            for item in re.findall(r"[A-Za-z]+(?:\.[A-Za-z]+)*\.?", row["token"]):
                parts = tuple(p for p in item.lower().split(".") if p)
                if parts[0] not in ("and", "etc"):  # prose in the CSV cells
                    target.add(parts)
    multi = {p for p in prefix | suffix if len(p) > 1}
    anywhere = {p[0] for p in prefix if len(p) == 1} - _AMBIGUOUS_PREFIX
    compact = {"".join(s) for s in suffix}
    return _Titles(
        anywhere=frozenset(anywhere),
        prefix_multi=frozenset(p for p in prefix if len(p) > 1),
        suffix_multi=frozenset(s for s in suffix if len(s) > 1),
        suffix_compact=frozenset(compact),
        multi_first=frozenset({p[0] for p in multi} | {"sp"}),  # Sp.<anything>
        words=frozenset(anywhere | compact | _AMBIGUOUS_PREFIX),
    )


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """Matching form of a personal name; see :func:`normalise_name`."""

    tokens: tuple[str, ...]  # canonical tokens in written order, lowercase ascii
    relation: str | None  # "bin" / "binti" when the name carries one
    relation_name: tuple[str, ...]  # canonical tokens after bin/binti (the father's name)

    @property
    def text(self) -> str:
        """Tokens joined by single spaces ("" when there are none)."""
        return " ".join(self.tokens)

    @property
    def compact(self) -> str:
        """Tokens joined without spaces, doubled consonants at the joins collapsed and
        ``abdul`` + sun letter written ``abdu…``, so joined and split spellings agree."""
        return _compact(self.tokens)

    @property
    def core(self) -> tuple[str, ...]:
        """The tokens that tell people apart: without the leading ones that many unrelated people
        share, Balinese birth-order names and titles (I Wayan, Ni Putu, I Gusti Ngurah) and
        Muhammad. Keeps at least the last token."""
        return _core(self.tokens)

    @property
    def lead(self) -> tuple[str, ...]:
        """The leading tokens :attr:`core` leaves out, each written as the lead it is (a
        mistyped Muhamamd is Muhammad): leads compare as leads, not as their typing slips."""
        return tuple(_known_lead(t) for t in self.tokens[: len(self.tokens) - len(self.core)])

    @property
    def sorted_text(self) -> str:
        """Tokens sorted and space-joined: a key insensitive to token order."""
        return " ".join(sorted(self.tokens))


def _core(tokens: tuple[str, ...]) -> tuple[str, ...]:
    if not tokens:
        return ()
    start = 0
    if _is_lead(tokens[0], _SHARED_LEAD):
        start = 1
    elif _is_lead(tokens[0], _BALI_LEAD):
        while start < len(tokens) - 1 and _is_lead(tokens[start], _BALI_LEAD):
            start += 1
    return tokens[min(start, len(tokens) - 1) :]


@lru_cache(maxsize=4096)
def _is_lead(token: str, leads: frozenset[str]) -> bool:
    """The token is one of ``leads``, or a long one mistyped by one keystroke (Muhamamd)."""
    return token in leads or (
        len(token) >= 5 and any(len(lead) >= 5 and _one_edit(token, lead) for lead in leads)
    )


@lru_cache(maxsize=4096)
def _known_lead(token: str) -> str:
    """The shared lead ``token`` is, or is mistyped from (see :func:`_is_lead`), else itself."""
    if token in _SHARED_LEAD or token in _BALI_LEAD:
        return _ALIASES.get(token, token)
    return next(
        (
            _ALIASES.get(lead, lead)
            for lead in sorted(_SHARED_LEAD | _BALI_LEAD)
            if _is_lead(token, frozenset({lead}))
        ),
        token,
    )


def _one_edit(a: str, b: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return (
        a[i + 1 :] == b[i + 1 :]
        or a[i:] == b[i + 1 :]
        or a[i + 1 :] == b[i:]
        or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])
    )


@lru_cache(maxsize=65_536)
def _compact(tokens: tuple[str, ...]) -> str:
    return _DOUBLE_RE.sub(r"\1", _ABDUL_SUN_RE.sub("abdu", "".join(tokens)))


def _pre_ch(token: str) -> str:
    """Old-spelling, informal, doubled-consonant and ending rules (everything before ch)."""
    if token in _OLD_J_TOKENS or token.startswith("nj") or _MARKER_RE.search(token):
        token = _BARE_J_RE.sub("y", token)  # before dj→j creates j's that must stay j
        token = _OLD_RE.sub(lambda m: _OLD_MAP[m[0]], token)
    token = _INFORMAL_RE.sub(lambda m: _INFORMAL_MAP[m[0]], token)
    token = _DOUBLE_RE.sub(r"\1", token)
    if token.endswith("ie"):
        token = token[:-1]
    elif len(token) > 3 and token[-3:-1] == "ie" and token[-1] not in "aeioul":
        token = token[:-3] + "i" + token[-1]  # Arief, Latief, Hamied; not Daniel, Gabriel
    elif len(token) > 1 and token[-1] == "y" and token[-2] not in "aeiou":
        token = token[:-1] + "i"
    return token


_CH_KEEP: Final = frozenset(_pre_ch(t) for t in _CH_KEEP_RAW)


def _step(token: str) -> str:
    if token in _ALIASES:
        return _ALIASES[token]
    token = _pre_ch(token)
    if "ch" in token and not token.startswith(("chr", "chl")) and token not in _CH_KEEP:
        token = token.replace("ch", "kh")
    if "kh" in token:
        token = _KH_RE.sub("h", token)
    return _ALIASES.get(token, token)


@lru_cache(maxsize=200_000)
def canonical_token(token: str) -> str:
    """Map one name token to its canonical spelling (lowercase ascii letters).

    Input is normally one lowercase ascii token; anything else is cleaned the way
    :func:`normalise_name` cleans text and its letters concatenated. The result is a fixed point:
    ``canonical_token(canonical_token(t)) == canonical_token(t)``.
    """
    if not (token.isascii() and token.isalpha() and token.islower()):
        token = "".join(ch for ch in _clean(token) if "a" <= ch <= "z")
    # Rules can create new matches (tdj→tj→c), so iterate to a fixed point; 2-3 rounds in practice.
    for _ in range(10):
        nxt = _step(token)
        if nxt == token:
            break
        token = nxt
    return token


_BYTE_MAP: Final = bytes(
    c + 32 if 65 <= c <= 90 else c if (97 <= c <= 122 or c in b".,") else 32 for c in range(256)
)
_APOSTROPHES: Final = frozenset("’‘ʼ´`'")


def _clean(raw: str) -> str:
    if not raw.isascii():
        raw = "".join(
            ch
            if ch.isascii()
            else ""
            if unicodedata.combining(ch) or ch in _APOSTROPHES or ch.isalpha()
            else " "
            for ch in unicodedata.normalize("NFKD", raw)
        )
    if "(" in raw:
        raw = _KONSULTAN_RE.sub(" ", raw)
    return raw.encode("ascii").translate(_BYTE_MAP, b"'`0123456789").decode("ascii")


def _strip_multi(items: list[str], i: int, has_name: bool, after_comma: bool, t: _Titles) -> int:
    """Number of items from ``i`` (dotted or after a comma) forming a title to drop, or 0."""
    for size in (3, 2):
        chunk = items[i : i + size]
        if len(chunk) < size or "," in chunk:
            continue
        parts = tuple(c.rstrip(".") for c in chunk)
        if parts in t.suffix_multi or (size == 2 and parts[0] == "sp" and chunk[0][-1] == "."):
            if not (has_name or after_comma):
                continue  # "M.H. Thamrin": initials, not a degree
            following = items[i + size] if i + size < len(items) else ""
            if parts[:2] == ("a", "md") and following.rstrip(".") in _AMD_FIELDS:
                size += 1  # A.Md.Keb., A.Md.Kom. ...
            return size
        if parts in t.prefix_multi and (not has_name or "".join(parts) in t.anywhere):
            return size
    return 0


def _is_title(
    word: str, dotted: bool, has_name: bool, after_comma: bool, more: bool, t: _Titles
) -> bool:
    if word in t.anywhere:
        return True
    if word in _AMBIGUOUS_PREFIX and not has_name:
        return dotted or (more and word in _DOTLESS_PREFIX)
    return word in t.suffix_compact and (after_comma or (has_name and len(word) >= 3))


@lru_cache(maxsize=200_000)
def normalise_name(raw: str | None) -> NormalisedName:
    """Normalise a personal name as written into its matching form.

    Input: any text or ``None``. Output: :class:`NormalisedName` whose ``tokens`` are canonical
    lowercase ascii tokens in written order, without titles, degrees, digits or punctuation, and
    without the ``bin``/``binti`` part, which goes to ``relation`` and ``relation_name``. A first
    token ``m``/``m.`` followed by more becomes ``muhammad``. Never raises; empty input gives
    ``NormalisedName((), None, ())``. Idempotent on ``text``.
    """
    if not raw:
        return NormalisedName((), None, ())
    items = _ITEM_RE.findall(_clean(raw))
    t = _titles()
    last_word = len(items) - 1
    while last_word >= 0 and items[last_word] == ",":
        last_word -= 1
    main: list[str] = []
    father: list[str] = []
    out = main
    relation: str | None = None
    after_comma = False
    i = 0
    while i < len(items):
        item = items[i]
        if item == ",":
            after_comma = True  # what follows a comma is degrees: "Siti Aminah, S.Pd."
            i += 1
            continue
        dotted = item[-1] == "."
        word = item[:-1] if dotted else item
        if (dotted or after_comma) and word in t.multi_first:
            skip = _strip_multi(items, i, bool(out), after_comma, t)
            if skip:
                i += skip
                continue
        canon = canonical_token(word)
        i += 1
        if (
            canon in _RELATIONS
            and relation is None
            and main
            and i <= last_word
            and (canon != "b" or dotted)
        ):
            relation, out = _RELATIONS[canon], father
            continue
        # The canonical form is checked too so that re-normalising the output strips nothing new.
        if (word in t.words or canon in t.words) and (
            _is_title(word, dotted, bool(out), after_comma, i <= last_word, t)
            or _is_title(canon, dotted, bool(out), after_comma, i <= last_word, t)
        ):
            continue
        if word in _BALI_ABBR and out and out[-1] in ("i", "ni"):
            canon = _BALI_ABBR[word]
        out.append(canon)
    for part in (main, father):
        if len(part) > 1 and part[0] == "m":
            part[0] = "muhammad"
    return NormalisedName(tuple(main), relation if father else None, tuple(father))
