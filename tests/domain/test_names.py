"""Name normalisation for matching: spelling reforms, titles, bin/binti, Muhammad variants.

All names are synthetic, except well-known historical figures used as spelling examples.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padan.domain.names import NormalisedName, canonical_token, normalise_name

# Pairs written differently that must give the same tokens.
SAME_TOKENS = [
    ("H. Muhammad Rizky, S.Pd.", "Muhamad Rizki"),
    ("Moh. Soeharto", "Muhammad Suharto"),
    ("Achmad Djoko", "Ahmad Joko"),
    ("Hj. Sitti Noor Aini", "Siti Nur Aini"),
    ("Soekarno", "Sukarno"),
    ("Tjahjo Wibowo", "Cahyo Wibowo"),
    ("Njoman Soedarma", "Nyoman Sudarma"),
    ("Soetan Sjahrir", "Sutan Syahrir"),
    ("Soerjadi", "Suryadi"),
    ("Mochammad Arief", "Muhammad Arif"),
    ("Mhd. Fathur Rahman", "Muhammad Fatur Rahman"),
    ("Drs. Abd. Kadir, M.Pd.", "Abdul Kadir"),
    ("Ir. H. Budi Santoso, M.T.", "Budi Santoso"),
    ("Prof. Dr. Dewi Lestari, M.Hum.", "Dewi Lestari"),
    ("dr. Rina Wulandari, Sp.OG(K)", "Rina Wulandari"),
    ("K.H. Ma'ruf Hasan", "Maruf Hasan"),
    ("KH. Achmad Chairul", "Ahmad Khairul"),
    ("Fachri Ramadhan", "Fahri Ramadan"),
    ("Akhmad Fakhrudin", "Ahmad Fahrudin"),
    ("Rachmat Hidayat", "Rahmat Hidayat"),
    ("Djoko Soesilo", "Joko Susilo"),
    ("Budi Pandjaitan", "Budi Panjaitan"),
    ("Boediono", "Budiono"),
    ("Dewy Rizky", "Dewi Rizki"),
    ("Jusuf Hamzah", "Yusuf Hamzah"),
    ("R.A. Siti Hartini", "Siti Hartini"),
    ("An. Budi Setiawan", "Budi Setiawan"),
    ("Ust. Abdoel Gani", "Abdul Gani"),
    ("Ustadzah Nurul Hidayah, S.Ag.", "Nurul Hidayah"),
    ("Raden Soedjatmiko", "Sujatmiko"),
    ("Siti Aminah, A.Md.Kep.", "Siti Aminah"),
    ("Sri Wahyuni S.Pd.I", "Sri Wahyuni"),
    ("Tri Hartono,SE", "Tri Hartono"),
    ("Nurul Hidayah, SH, MH", "Nurul Hidayah"),
    ("Ahmat Thoyib", "Ahmad Toyib"),
    ("Latief Hamied", "Latif Hamid"),
    ("Rizqi Taufiq", "Rizki Taufik"),
    ("Bachtiar", "Bakhtiar"),
    ("Mokhamad Ikhsan", "Muhammad Ihsan"),
    ("Yulie Andriani", "Yuli Andriani"),
    ("H. Agoes Salim", "Agus Salim"),
    ("  ahmad   ZAKY ", "Ahmad Zaki"),
    ("José Rizal", "Jose Rizal"),
    ("Muhammad Rizki 2", "Muhammad Rizki"),
    ("Ma’ruf Amin", "Maruf Amin"),
    ("Sitti Aisyah", "Siti Aisyah"),
    ("H.M. Soeharto", "Muhammad Suharto"),
]

# Pairs that differ only in where the spaces are: the compact key must agree.
SAME_COMPACT = [
    ("Siti Nur Aini", "SITI NURAINI"),
    ("Abdurrahman Wahid", "Abdul Rahman Wahid"),
    ("Abdur Rahman", "Abdurrahman"),
    ("Abdussalam", "Abdul Salam"),
    ("Abdullatif", "Abdul Latif"),
    ("Nur Rahman", "Nurrahman"),
    ("Putri Ayu Lestari", "Putriayu Lestari"),
]

# Different names that a careless rule would merge.
DIFFERENT = [
    ("Dewi", "Desi"),
    ("Putra", "Putri"),
    ("Hairul", "Khairul"),  # h/kh at the start is not an old-spelling variant
    ("Harjono", "Haryono"),  # unmarked j stays: Harjono is the modern form of Hardjono
    ("Joko", "Yoko"),
    ("Nurul Hidayah", "Nur Hidayah"),
    ("Siti Aminah", "Siti Amina"),
    ("Andi Baso", "Baso"),
    ("Daniel", "Danil"),
    ("Rizki Amelia", "Rizka Amelia"),
    ("Budi Santoso", "Budi Susanto"),
    ("Suharto", "Suharti"),
    ("I Md. Sudarma", "Muhammad Sudarma"),
    ("Ahmad", "Ahmadi"),
    ("Budi H Santoso", "Budi Santoso"),  # bare H mid-name is an initial
]

TITLES = [
    ("H. Ahmad", ("ahmad",)),
    ("H Ahmad", ("ahmad",)),
    ("Hj. Aminah", ("aminah",)),
    ("KH. Hasyim", ("hasyim",)),
    ("K.H. Hasyim", ("hasyim",)),
    ("Ust. Hasan", ("hasan",)),
    ("Ustadz Hasan", ("hasan",)),
    ("Pdt. Yohanes", ("yohanes",)),
    ("Drs. Sutrisno", ("sutrisno",)),
    ("Dra. Sulastri", ("sulastri",)),
    ("Ir. Bambang", ("bambang",)),
    ("dr. Rina", ("rina",)),
    ("drg. Rina", ("rina",)),
    ("drh. Rina", ("rina",)),
    ("Dr Rina", ("rina",)),
    ("Prof. Rina", ("rina",)),
    ("Raden Sutrisno", ("sutrisno",)),
    ("R. Sutrisno", ("sutrisno",)),
    ("R.M. Sutrisno", ("sutrisno",)),
    ("R.Ay. Sulastri", ("sulastri",)),
    ("An. Budi", ("budi",)),
    ("Ny. Sulastri", ("sulastri",)),
    ("H.Muhammad Yusuf", ("muhammad", "yusuf")),
    ("Rina S.Kom.", ("rina",)),
    ("Rina, S.Sos", ("rina",)),
    ("Rina S.Si.", ("rina",)),
    ("Rina, S.IP.", ("rina",)),
    ("Rina, S.KM", ("rina",)),
    ("Rina S.Kep.", ("rina",)),
    ("Rina, S.T.", ("rina",)),
    ("Rina, S.H., M.H.", ("rina",)),
    ("Rina, A.Md.", ("rina",)),
    ("Rina, A.Md.Keb.", ("rina",)),
    ("Rina SPd", ("rina",)),
    ("Rina, M.Si.", ("rina",)),
    ("Rina, M.M.", ("rina",)),
    ("Rina, M.Kes.", ("rina",)),
    ("dr. Rina, Sp.A", ("rina",)),
    ("dr. Rina, Sp.P (K)", ("rina",)),
    ("Budi Santoso Hj", ("budi", "santoso")),
    ("Andi Baso", ("andi", "baso")),  # Andi is also a plain given name
    ("I Wayan Sudarma", ("i", "wayan", "sudarma")),
    ("Ni Made Sari", ("ni", "made", "sari")),
    ("Budi R. Santoso", ("budi", "r", "santoso")),  # R. after a name is an initial
    ("M.H. Thamrin", ("muhammad", "h", "tamrin")),  # leading M.H. are initials, not a degree
    ("H", ("h",)),
    ("Drs.", ()),
]

MUHAMMAD_VARIANTS = [
    "Muhammad",
    "Muhamad",
    "Muhammed",
    "Mohammad",
    "Mohamad",
    "Mohammed",
    "Mochammad",
    "Mochamad",
    "Mokhammad",
    "Mokhamad",
    "Muchammad",
    "Muhamat",
    "Moh.",
    "Moh",
    "Muh.",
    "Muh",
    "Mhd.",
    "Mhd",
    "Md.",
    "M",
    "M.",
]

RELATIONS = [
    ("Budi bin Santoso", ("budi",), "bin", ("santoso",)),
    ("Siti binti Ahmad", ("siti",), "binti", ("ahmad",)),
    ("Siti bt. Ahmad", ("siti",), "binti", ("ahmad",)),
    ("Siti bt Ahmad", ("siti",), "binti", ("ahmad",)),
    ("Budi b. Santoso", ("budi",), "bin", ("santoso",)),
    ("H. Ahmad bin H. Umar, S.Pd.", ("ahmad",), "bin", ("umar",)),
    ("Siti binti Moh. Soeharto", ("siti",), "binti", ("muhammad", "suharto")),
    ("Budi bin M. Yusuf", ("budi",), "bin", ("muhammad", "yusuf")),
    ("Budi B Santoso", ("budi", "b", "santoso"), None, ()),  # bare B is an initial
    ("bin Ahmad", ("bin", "ahmad"), None, ()),  # nothing before: not a relation
    ("Budi bin", ("budi", "bin"), None, ()),  # nothing after: not a relation
]


def _keys(raw: str) -> NormalisedName:
    return normalise_name(raw)


@pytest.mark.parametrize(("left", "right"), SAME_TOKENS)
def test_names_variant_pairs_normalise_equal(left: str, right: str) -> None:
    assert _keys(left).tokens == _keys(right).tokens
    assert _keys(left).tokens  # an empty result would make the pair agree trivially


@pytest.mark.parametrize(("left", "right"), SAME_COMPACT)
def test_names_joined_and_split_agree_on_compact(left: str, right: str) -> None:
    assert _keys(left).compact == _keys(right).compact != ""


@pytest.mark.parametrize(("left", "right"), DIFFERENT)
def test_names_distinct_names_stay_distinct(left: str, right: str) -> None:
    assert _keys(left).tokens != _keys(right).tokens
    assert _keys(left).compact != _keys(right).compact


@pytest.mark.parametrize(("raw", "tokens"), TITLES)
def test_names_titles_and_degrees_stripped(raw: str, tokens: tuple[str, ...]) -> None:
    assert _keys(raw).tokens == tokens


@pytest.mark.parametrize("variant", MUHAMMAD_VARIANTS)
def test_names_muhammad_variants_one_token(variant: str) -> None:
    assert _keys(f"{variant} Yusuf").tokens == ("muhammad", "yusuf")


@pytest.mark.parametrize(
    ("raw", "token"),
    [("M", "m"), ("Budi M", "m"), ("Budi Md", "muhammad"), ("I Md. Sudarma", "made")],
)
def test_names_initial_m_is_muhammad_only_when_leading_a_name(raw: str, token: str) -> None:
    assert token in _keys(raw).tokens


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("abd", "abdul"),
        ("abdoel", "abdul"),
        ("achmat", "ahmad"),
        ("akhmad", "ahmad"),
        ("noor", "nur"),
        ("nurul", "nurul"),
        ("sitti", "siti"),
        ("christian", "christian"),
        ("christina", "christina"),
        ("michael", "michael"),
        ("richard", "richard"),
        ("chandra", "chandra"),
        ("chairunnisa", "khairunisa"),
        ("anjani", "anjani"),  # modern medial nj is kept
        ("surjadi", "surjadi"),  # no old marker: j kept (documented limitation)
        ("soedjono", "sujono"),  # j from dj stays j
        ("djajadi", "jayadi"),  # bare j in a marked token becomes y
        ("njonja", "nyonya"),
        ("jogjakarta", "yogyakarta"),
        ("wajan", "wayan"),  # Balinese first-born name in the old spelling
        ("syaikh", "syaikh"),
        ("Muhammad", "muhammad"),
    ],
)
def test_names_canonical_token(raw: str, canonical: str) -> None:
    assert canonical_token(raw) == canonical


@pytest.mark.parametrize(("raw", "tokens", "relation", "father"), RELATIONS)
def test_names_bin_binti_split_off(
    raw: str, tokens: tuple[str, ...], relation: str | None, father: tuple[str, ...]
) -> None:
    result = _keys(raw)
    assert (result.tokens, result.relation, result.relation_name) == (tokens, relation, father)


@pytest.mark.parametrize("raw", [None, "", "   ", "2024", ".,-()", "H.", "Hj., S.Pd."])
def test_names_empty_input_gives_empty_name(raw: str | None) -> None:
    result = _keys(raw) if raw is not None else normalise_name(None)
    assert result == NormalisedName((), None, ())
    assert (result.text, result.compact, result.sorted_text) == ("", "", "")


@pytest.mark.parametrize(
    ("raw", "text", "compact", "sorted_text"),
    [
        ("Siti Nur Aini", "siti nur aini", "sitinuraini", "aini nur siti"),
        ("Santoso, Budi", "santoso budi", "santosobudi", "budi santoso"),
    ],
)
def test_names_derived_keys(raw: str, text: str, compact: str, sorted_text: str) -> None:
    result = _keys(raw)
    assert (result.text, result.compact, result.sorted_text) == (text, compact, sorted_text)


def _csv_example_groups() -> list[tuple[str, ...]]:
    path = resources.files("padan.domain") / "data" / "reference" / "name_spelling_rules.csv"
    with path.open(encoding="utf-8") as fh:
        cells = [row["examples"] for row in csv.DictReader(fh)]
    groups = [tuple(g.strip().split("/")) for cell in cells for g in cell.split(",")]
    # Surjadi has no other old marker, so its j is indistinguishable from modern j (Harjono).
    return [g for g in groups if len(g) > 1 and g != ("Surjadi", "Suryadi")]


@pytest.mark.parametrize("group", _csv_example_groups(), ids="/".join)
def test_names_reference_spelling_examples_agree(group: tuple[str, ...]) -> None:
    assert len({canonical_token(word.lower()) for word in group}) == 1


# Pieces that exercise every rule, so that random combinations probe their interactions.
_NAME_PIECES = [
    "h.",
    "h",
    "hj",
    "m.",
    "m",
    "md",
    "i",
    "ni",
    "bin",
    "binti",
    "bt",
    "b.",
    "b",
    "s.",
    "pd.",
    "sh",
    ",",
    ".",
    "r.",
    "a.",
    "md.",
    "keb",
    "sp.",
    "og",
    "(k)",
    "dr",
    "ir",
    "ny",
    "an.",
    "ssos",
    "mm",
    "drss",
    "k.",
    "kh",
    "tdj",
    "tjh",
    "oe",
    "dj",
    "nj",
    "ch",
    "chr",
    "michelle",
    "abdul",
    "rahman",
    "siti",
    "nur",
    "ie",
    "iel",
    "q",
    "zk",
    "th",
    "jusuf",
    "khm",
    "Muhammad",
    "Ma'ruf",
    "S.Pd.I",
    "A.Md.",
    "2",
    "-",
    "É",
    "İ",
    "ß",
    "’",
]
_name_like = st.lists(st.sampled_from(_NAME_PIECES), max_size=8).map(" ".join)
_glued = st.lists(st.sampled_from(_NAME_PIECES), max_size=6).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), _name_like, _glued))
def test_names_idempotent_and_never_raises(raw: str) -> None:
    result = normalise_name(raw)
    assert normalise_name(result.text).tokens == result.tokens
    for token in result.tokens + result.relation_name:
        assert token.isascii() and token.isalpha() and token.islower()
        assert canonical_token(token) == token


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", max_size=12))
def test_names_canonical_token_is_a_fixed_point(token: str) -> None:
    assert canonical_token(canonical_token(token)) == canonical_token(token)


@pytest.mark.parametrize(
    ("raw", "core"),
    [
        ("I Wayan Agus", ("agus",)),
        ("I Gusti Ngurah Made Agus Wirawan", ("agus", "wirawan")),
        ("Ni Wayan Ayu", ("ayu",)),
        ("Anak Agumg Eka", ("eka",)),  # a lead token mistyped is still a lead token
        ("Muhammad Rizki", ("riski",)),
        ("Muhamamd Riski", ("riski",)),
        ("Mvhamad Bima", ("bima",)),  # one letter from Muhamad, a spelling of Muhammad
        ("Ahmad Fauzi", ("ahmad", "fauzi")),  # a name of its own, not a slip of Muhammad
        ("Muhammad", ("muhammad",)),  # at least one token is kept
        ("I Ketut", ("ketut",)),
        ("Siti Aminah", ("siti", "aminah")),
        ("Mahmud Hasan", ("mahmud", "hasan")),
        ("", ()),
    ],
)
def test_names_core_drops_leading_tokens_many_people_share(raw: str, core: tuple[str, ...]) -> None:
    assert normalise_name(raw).core == core


@pytest.mark.parametrize(
    ("raw", "lead"),
    [
        ("I Wayan Agus", ("i", "wayan")),
        ("Anak Agumg Eka", ("anak", "agung")),  # a lead mistyped is written as the lead
        ("Muhmamad Setiawan", ("muhammad",)),
        ("Muhamamd Riski", ("muhammad",)),
        ("Mubamad Umar", ("muhammad",)),
        ("Muhammad", ()),  # the token kept as the core is not a lead
        ("Siti Aminah", ()),
        ("", ()),
    ],
)
def test_names_lead_is_the_leading_tokens_written_as_the_leads_they_are(
    raw: str, lead: tuple[str, ...]
) -> None:
    assert normalise_name(raw).lead == lead
