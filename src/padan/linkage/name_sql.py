"""SQL for comparing two names or numbers (DuckDB dialect), shared by the model's comparison
levels and its blocking rules. Each function takes two SQL expressions and returns a condition."""

from __future__ import annotations

__all__ = [
    "call_name",
    "call_name_slipped",
    "called",
    "edits_within",
    "one_edit",
    "one_keystroke",
    "slipped",
    "slipped_within",
    "tokens_within",
]


# DuckDB's damerau_levenshtein is slow (about 2 microseconds a pair, ten times levenshtein and
# fifty times hamming); over millions of candidate pairs it was most of the scoring time. These
# give the same answer and call it only for the few pairs the cheap distances leave open. CASE,
# not AND/OR: DuckDB may evaluate both sides of AND, and hamming fails on unequal lengths.
def one_edit(left: str, right: str) -> str:
    """Damerau-Levenshtein distance of ``left`` and ``right`` at most 1 (strings of any length)."""
    return (
        f"CASE WHEN abs(length({left}) - length({right})) > 1 THEN false"
        f" WHEN levenshtein({left}, {right}) <= 1 THEN true"
        f" WHEN levenshtein({left}, {right}) = 2"
        f" THEN damerau_levenshtein({left}, {right}) = 1 ELSE false END"
    )


def one_keystroke(left: str, right: str) -> str:
    """Exactly one digit changed or two neighbours swapped, for strings of one fixed length."""
    return (
        f"CASE WHEN hamming({left}, {right}) > 2 THEN false"
        f" ELSE damerau_levenshtein({left}, {right}) = 1 END"
    )


def tokens_within(left: str, right: str) -> str:
    """SQL: the tokens of one of two names all among the other's (Dinda / Dinda Ramadani).

    Splitting two names into lists costs about 200 ns a pair; across a district's
    thousands of neighbours that was most of a blocking rule's time. The first and the last
    token of the shorter name must appear in the longer one as text, a check ten times cheaper
    (the first alone passes every pair that shares it, which blocking on the first token makes
    all of them), so the lists are compared only for the few pairs that pass it, and only one
    way round: a name whose tokens are all in another is no longer than it. (A name that
    repeats a token is no longer counted within a shorter one: Muhammad Muhammad Putra /
    Muhammad Abdul Putra, 4 pairs in 1.1M random pairs of the dense set.)
    """
    return f"({_within(left, right)} OR {_within(right, left)})"


def _within(short: str, long: str) -> str:
    return (
        f"length({short}) <= length({long}) AND contains({long}, split_part({short}, ' ', 1))"
        f" AND contains({long}, split_part({short}, ' ', -1))"
        f" AND list_has_all(str_split({long}, ' '), str_split({short}, ' '))"
    )


def edits_within(left: str, right: str, edits: int) -> str:
    """SQL: at most ``edits`` edits apart; lengths further apart than that need no Levenshtein."""
    return (
        f"abs(length({left}) - length({right})) <= {edits}"
        f" AND levenshtein({left}, {right}) <= {edits}"
    )


def call_name(left: str, right: str) -> str:
    """SQL: one name is a call name (nama panggilan) of the other: a single word of three
    letters or more found inside it (Kila / Shakila Raisa Putri, Siskus / Yulius Fransiskus,
    Zahra / Putri Azahra). Children are reported by the name they are called by."""
    return f"({called(left, right)} OR {called(right, left)})"


def called(short: str, name: str) -> str:
    """SQL: ``short`` is a call name of ``name`` (:func:`call_name` one way round)."""
    return f"strpos({short}, ' ') = 0 AND length({short}) >= 3 AND contains({name}, {short})"


def call_name_slipped(left: str, right: str) -> str:
    """SQL: one name is a single word of four letters or more one edit from a word of the other
    (Dlnda / Nur Dinda, Utomi / Davina Utami): a call name typed or read with a letter wrong.
    The first four words of the other name are compared (split_part: no list functions, which
    Spark lacks); shorter words one letter apart are too often two names (Ani / Ana)."""
    return f"({slipped(left, right)} OR {slipped(right, left)})"


def slipped(short: str, name: str) -> str:
    """SQL: ``short`` is a call name of ``name`` with a letter wrong (:func:`call_name_slipped`
    one way round)."""
    words = " OR ".join(
        edits_within(short, f"split_part({name}, ' ', {k})", 1) for k in range(1, 5)
    )
    return f"(strpos({short}, ' ') = 0 AND length({short}) >= 4 AND ({words}))"


def slipped_within(short: str, name: str) -> str:
    """SQL (DuckDB): ``short`` is three letters or more and one edit (a letter changed,
    added, dropped, or two swapped) from a stretch of ``name``: a call name taken from inside
    the name and typed or read with a letter wrong (Nlsa / Khairunisa Nurfadila, Utro / Omar
    Saputra, Dwl / Dwi Dinda), or a name written joined with a slip (Muhamadrayan / Muhammad
    Rayan). Compared on the joined forms (``name_compact``). A letter added or dropped is
    looked for only in four letters or more: two letters of a three-letter word found in a
    name are nothing in common. Measured on pairs scored at the link threshold whose names
    share no token: of those it finds, 86 of 92 were one child on the dense million, 30 of 32
    and 16 of 17 on a corpus written outside the project (two seeds), 17 of 17 on another
    (docs/matching-evidence.md)."""
    n = f"length({short})"
    stretch = f"substr({name}, i::INTEGER, {n} + d::INTEGER)"
    return (
        f"({n} >= 3 AND {n} <= length({name}) + 1 AND array_length(list_filter("
        f"range(1, length({name}) + 1), lambda i: array_length(list_filter("
        f"CASE WHEN {n} >= 4 THEN [0, -1, 1] ELSE [0] END,"
        f" lambda d: i - 1 + {n} + d <= length({name})"
        f" AND damerau_levenshtein({short}, {stretch}) <= 1)) > 0)) > 0)"
    )
