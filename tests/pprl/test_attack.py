"""A frequency attack on the encodings of first names (Kuzu et al. 2011; Christen et al. 2018),
run on synthetic data: the attacker holds the encodings and a list of how common each first name
is, not the key.

Unhardened field filters give the same filter for the same name, so counting identical filters
and lining them up with the name list re-identifies the common names. Hardened ones (fresh noise
per record, balanced and shuffled, as in Padan's default schema) give a different filter to
every record: the counts are all one and the line-up is no better than guessing. An attacker
who clusters similar filters before counting is not stopped: the last test measures that limit.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from pathlib import Path

import pytest

from padan.domain.names import normalise_name
from padan.pprl import Encoder, EncodingSchema, Plain, dice, load_schema
from padan.synth import generate

SECRET = b"a secret the two agencies share, 32+ bytes"
TOP = 10  # the attacker names the ten most frequent encodings

_SCHEMA = """
version = 1
[record]
length = 256
[fields.name]
qgrams = 2
length = 512
hashes = 20
record_hashes = 8
noise = {noise}
balance = {balance}
"""


def _first_names(folder: Path, seed: int) -> list[str]:
    generate(folder, households=1500, seed=seed, dense=True)
    with (folder / "dtsen_individu.csv").open(encoding="utf-8", newline="") as handle:
        names = [normalise_name(row["nama"]).tokens for row in csv.DictReader(handle)]
    return [tokens[0] for tokens in names if tokens]


def _plain(i: int, first: str) -> Plain:
    return Plain(str(i), (first,), (), None, (), None, None, None, None, first)


def _schema(tmp_path: Path, *, noise: float, balance: bool) -> EncodingSchema:
    path = tmp_path / f"schema-{noise}-{balance}.toml"
    path.write_text(_SCHEMA.format(noise=noise, balance=str(balance).lower()), encoding="utf-8")
    return load_schema(path)


def _grams(encoding: bytes) -> int:
    """How many q-grams set the bits of a 512-bit filter with 20 hashes each (the schema is no
    secret): the inverse of the expected fill m(1 - (1 - 1/m)^(kg)). A balanced filter is 1,024
    bits, its first half the filter and its second the complement when not shuffled: the
    attacker reads the first 512 bits either way."""
    bits = (int.from_bytes(encoding, "big") & ((1 << 512) - 1)).bit_count()
    if bits >= 512:
        return 0
    return round(math.log(1 - bits / 512) / (20 * math.log(1 - 1 / 512)))


def _attack(encodings: list[bytes], reference: Counter[str], top: int = TOP) -> dict[bytes, str]:
    """Line up the most frequent encodings with the most frequent names of the reference list
    that have as many bigrams as the encoding's set bits tell (Kuzu et al.'s constraint)."""
    guess: dict[bytes, str] = {}
    names = [n for n, _ in reference.most_common()]
    counts = Counter(encodings).most_common(top)
    # Where encodings repeat, each name goes to one encoding; where none repeats, the best
    # guess for every record is the commonest name of its length.
    unique = counts[0][1] > 1
    for encoding, _ in counts:
        grams = _grams(encoding)
        taken = set(guess.values()) if unique else set()
        fitting = [n for n in names if len(n) + 1 == grams and n not in taken]
        guess[encoding] = (fitting or names)[0]
    return guess


def _success(truth: list[str], encodings: list[bytes], guess: dict[bytes, str]) -> float:
    """Share of the named encodings whose records do have the name the attacker gave."""
    named = [(t, guess[e]) for t, e in zip(truth, encodings, strict=True) if e in guess]
    return sum(t == g for t, g in named) / len(named)


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], Counter[str]]:
    """The agency's first names, and the attacker's frequency list from another population."""
    names = _first_names(tmp_path_factory.mktemp("agency"), seed=11)
    reference = Counter(_first_names(tmp_path_factory.mktemp("public"), seed=12))
    return names, reference


def _encode(names: list[str], schema: EncodingSchema) -> list[bytes]:
    encoder = Encoder(schema, SECRET, seed=5)
    out = []
    for i, first in enumerate(names):
        encoded = encoder.encode(_plain(i, first)).fields["name"]
        assert encoded is not None
        out.append(encoded)
    return out


def test_attack_frequency_alignment_reidentifies_unhardened_first_names(
    population: tuple[list[str], Counter[str]], tmp_path: Path
) -> None:
    names, reference = population
    encodings = _encode(names, _schema(tmp_path, noise=0.0, balance=False))
    # One filter per name (two names with the same q-grams share one): the frequencies show.
    assert len(set(encodings)) <= len(set(names)) < len(names) / 5
    success = _success(names, encodings, _attack(encodings, reference))
    print(f"unhardened: {success:.1%} of the records behind the top {TOP} encodings named right")
    assert success >= 0.8


def test_attack_frequency_alignment_fails_on_hardened_first_names(
    population: tuple[list[str], Counter[str]], tmp_path: Path
) -> None:
    names, reference = population
    encodings = _encode(names, _schema(tmp_path, noise=0.03, balance=True))
    assert len(set(encodings)) == len(encodings)  # no two records share a filter
    # Every count is one, so the attacker cannot tell the common names' records: it names 500.
    success = _success(names, encodings, _attack(encodings, reference, top=500))
    chance = Counter(names).most_common(1)[0][1] / len(names)  # call everyone Muhammad
    print(f"hardened: {success:.1%} named right; chance {chance:.1%}")
    assert success <= chance + 0.03


def test_attack_noise_without_balancing_still_leaks_the_name_length(
    population: tuple[list[str], Counter[str]], tmp_path: Path
) -> None:
    """Why the default schema balances names: without it the number of set bits tells how many
    bigrams a name has, and the commonest name of that length is often right."""
    names, reference = population
    encodings = _encode(names, _schema(tmp_path, noise=0.03, balance=False))
    success = _success(names, encodings, _attack(encodings, reference, top=500))
    chance = Counter(names).most_common(1)[0][1] / len(names)
    print(f"noise only: {success:.1%} named right; chance {chance:.1%}")
    assert success > chance + 0.05


def test_attack_default_schema_noise_gives_every_record_its_own_filters(tmp_path: Path) -> None:
    encoder = Encoder(load_schema(), SECRET, seed=3)
    twins = [
        encoder.encode(
            Plain(
                str(i),
                ("siti", "aminah"),
                ("sri",),
                None,
                (2015,),
                "P",
                "32.01",
                None,
                None,
                "siti",
            )
        )
        for i in range(50)
    ]
    for field in ("name", "mother", "region"):
        assert len({t.fields[field] for t in twins}) == 50, field
    assert len({t.record for t in twins}) == 50


def _clusters(encodings: list[bytes], threshold: float = 0.88) -> list[bytes]:
    """Each encoding replaced by the first encoding it is similar to (greedy clustering)."""
    representatives: list[tuple[int, bytes]] = []
    out = []
    for encoding in encodings:
        bits = int.from_bytes(encoding, "big")
        for rep_bits, rep in representatives:
            if dice(bits, rep_bits) >= threshold:
                out.append(rep)
                break
        else:
            representatives.append((bits, encoding))
            out.append(encoding)
    return out


def test_attack_clustering_similar_encodings_first_still_reidentifies_hardened_names(
    population: tuple[list[str], Counter[str]], tmp_path: Path
) -> None:
    """The limit of the hardening, measured: the noise keeps one name's filters similar (that
    is what linkage needs), so an attacker who clusters similar filters before counting gets
    the frequencies back. docs/manual/pprl.md states this limit."""
    names, reference = population
    encodings = _clusters(_encode(names, _schema(tmp_path, noise=0.03, balance=True)))
    success = _success(names, encodings, _attack(encodings, reference))
    chance = Counter(names).most_common(1)[0][1] / len(names)
    print(f"clustered first: {success:.1%} named right; chance {chance:.1%}")
    assert success > 2 * chance
