"""Indonesian names for the outside corpus (benchmarks/outside_corpus.py), from domain.md §8.

Name pools are the brief's lists (§8.1 most common names, first-token distribution, Balinese and
Javanese birth-order names, marga) widened with common given names; variants follow §8.2 and
``reference/name_spelling_rules.csv`` / ``name_tokens_titles.csv``.
"""

from __future__ import annotations

import random
from datetime import date

# §8.1: most common recorded names of the parents' generation (Dukcapil 2024/2025).
JAVA_M = ["Sutrisno", "Slamet", "Mulyadi", "Supardi", "Supriyanto", "Wahyudi", "Junaidi",
          "Suparman", "Sugiyanto", "Bambang", "Joko", "Agus", "Budi", "Heri", "Eko", "Sumarno",
          "Suyanto", "Purwanto", "Teguh", "Hadi",
    "Sugeng Riyadi", "Ahmad Sholeh", "Didik Santoso", "Edi Susanto", "Hari Purnomo", "Imam Santoso", "Jumadi", "Kusnadi", "Lukman Hakim", "Mujiono", "Nur Cholis", "Paijo", "Rohmat", "Sarwono", "Sukardi", "Tarno", "Untung Wibowo", "Warsito", "Yanto", "Zainuri", "Ari Wibowo", "Bayu Aji", "Catur Pamungkas", "Dwi Haryanto", "Fajar Setiadi", "Gunawan", "Hartono", "Iskandar", "Joko Susilo", "Kasiyanto", "Margono", "Nanang Kosim", "Prasetyo", "Rahmat Hidayat", "Sigit Prabowo", "Tri Handoko", "Wahyu Hidayat", "Yudi Prasetyo"]  # fmt: skip
JAVA_F = ["Nurhayati", "Sulastri", "Sumiati", "Sri Wahyuni", "Sumarni", "Sunarti", "Siti Aminah",
          "Ernawati", "Aminah", "Kartini", "Sri Lestari", "Endang", "Dwi Astuti", "Tri Wahyuni",
          "Suminah", "Yuliani", "Wartini", "Sri Rahayu",
    "Siti Khotimah", "Umi Kulsum", "Anik Suryani", "Binti Maslikah", "Dwi Rahayu", "Eni Susilowati", "Fitri Handayani", "Heni Purwati", "Ika Wulandari", "Jumini", "Khusnul Khotimah", "Lilik Sulistyowati", "Mujiati", "Nanik Setyowati", "Puji Astuti", "Rini Susanti", "Sri Mulyani", "Tatik Suryani", "Umi Hanik", "Wiwik Widayati", "Yuni Kartika", "Siti Maemunah", "Partini", "Sukarti", "Tumini", "Watini", "Ngatini", "Suprapti", "Endah Sulistyowati", "Lina Marlina", "Novi Andriani", "Retno Wulan"]  # fmt: skip
MUSLIM_M = ["Ahmad", "Muhammad Yusuf", "Dedi", "Asep", "Ujang", "Iwan", "Hendra", "Rudi",
            "Ismail", "Herman", "Junaidi", "Abdul Rahman", "Syamsul", "Ridwan", "Hasan",
            "Jamaluddin", "Andi Saputra", "Irfan", "Zainal", "Yusuf",
    "Asep Saepudin", "Dede Kurnia", "Eman Sulaeman", "Iwan Setiawan", "Jajang Nurjaman", "Kurnia Sandi", "Lili Suherman", "Maman Suparman", "Nandang Hermawan", "Oman Rohman", "Rahmat Syarif", "Saepul Anwar", "Tatang Sutisna", "Ujang Supriatna", "Yayan Sopyan", "Aldi Firmansyah", "Baharuddin", "Darwis", "Erwin Syahputra", "Fadli", "Hamzah", "Irwansyah", "Khairul Anwar", "Muhammad Ali", "Nasrullah", "Rusli", "Syahrial", "Taufik Hidayat", "Zulkifli", "Andi Baso", "Arman", "Budiman", "Firdaus", "Hendri", "Jufri", "Mansur", "Rahman", "Sudirman"]  # fmt: skip
MUSLIM_F = ["Siti Nurhaliza", "Nur Aini", "Euis", "Yanti", "Rina", "Dewi", "Siti Rohmah",
            "Nurhayati", "Fatimah", "Rahmawati", "Nuraeni", "Hasnah", "Siti Aisyah", "Mulyani",
            "Nurjanah", "Rosmini", "Halimah", "Ratna",
    "Eti Rohaeti", "Ida Farida", "Lilis Suryani", "Neneng Hasanah", "Popon Rosita", "Tati Hartati", "Wati Suryati", "Yeni Marlina", "Ai Nurhasanah", "Cucu Sumiati", "Dewi Sartika", "Enok Rohimah", "Iis Aisyah", "Nining Kurniasih", "Rika Rahmawati", "Sri Mulyati", "Asmawati", "Darmawati", "Erna Wati", "Fauziah", "Hasnawati", "Irawati", "Juliana", "Marlina", "Nurlela", "Rosmawati", "Sitti Rahma", "Syamsiah", "Wahyuni", "Zubaidah", "Hadijah", "Sumarni", "Yusnidar", "Mardiana"]  # fmt: skip
# §8.1: Gen-Alpha names: "Muhammad" dominant first token for boys; Siti/Nur/Putri for girls.
KID_M = ["Rizky", "Fajar", "Dimas", "Aditya", "Rafi", "Fathur", "Ramadhan", "Arief", "Alif",
         "Al Fatih", "Ilham", "Hafiz", "Akbar", "Farhan", "Raka", "Bima", "Arkan", "Zidan",
         "Rasya", "Azka", "Daffa", "Fikri", "Nizam", "Ahmad", "Abdullah",
    "Kenzo", "Rayyan", "Arsenio", "Abidzar", "Ibrahim", "Umar", "Hamizan", "Athar", "Faiz", "Gibran", "Haikal", "Irsyad", "Kafka", "Luthfi", "Malik", "Naufal", "Qais", "Reyhan", "Sakha", "Tegar", "Yafi", "Zaki", "Adnan", "Barra", "Dzaky", "Elvano", "Fadhil", "Ghazi", "Hanif", "Izzan", "Javier", "Khalif", "Lingga", "Mahesa", "Nabil", "Omar", "Praja", "Raffa", "Satria", "Yusuf", "Akmal", "Danish", "Emir", "Farel"]  # fmt: skip
KID_M2 = ["Pratama", "Saputra", "Nugroho", "Setiawan", "Firmansyah", "Maulana", "Hidayat",
          "Ramadhan", "Syahputra", "Wijaya", "Kurniawan", "Al Fatih", "Hidayatullah",
    "Prasetyo", "Wicaksono", "Ardiansyah", "Alfarizi", "Abqari", "Rafisqy", "Alkhalifi", "Mahendra", "Putra", "Aditama", "Permana", "Febrian", "Rizqullah", "Ar Rasyid", "Al Ghifari", "Kurniadi", "Gunawan", "Anugrah", "Mubarok", "Pamungkas", "Santoso", "Hakim", "Baihaqi", "Ibrahim", "Zulfikar", "Dirgantara", "Ananta", "Arrayan"]  # fmt: skip
KID_F = ["Aisyah", "Nabila", "Zahra", "Aulia", "Salsabila", "Khairunnisa", "Azzahra", "Amelia",
         "Kayla", "Naura", "Alya", "Keisha", "Adinda", "Anisa", "Fitri", "Dinda", "Cantika",
         "Allea", "Shanum", "Nurul",
    "Aqila", "Hana", "Syifa", "Zahira", "Alesha", "Arsyila", "Azkia", "Bilqis", "Clarissa", "Dhea", "Elvina", "Fatimah", "Ghina", "Hafsah", "Inara", "Jihan", "Khanza", "Latifa", "Mikayla", "Nadhira", "Qirani", "Rania", "Shakila", "Talita", "Vania", "Yumna", "Zivana", "Aurelia", "Balqis", "Callista", "Davina", "Ervina", "Felisha", "Gendis", "Humaira", "Izza", "Kirana"]  # fmt: skip
KID_F2 = ["Ramadhani", "Safitri", "Lestari", "Rahmawati", "Wulandari", "Anggraini", "Putri",
          "Maharani", "Almahyra", "Azahra", "Handayani", "Kartika",
    "Zahira", "Khairunnisa", "Nurfadila", "Azkadina", "Humaira", "Aulia", "Salsabila", "Kamila", "Azzahra", "Syakila", "Ramadhania", "Febriani", "Oktaviani", "Novitasari", "Permata", "Cahyani", "Pertiwi", "Andini", "Nuraini", "Fadilah", "Hasanah", "Latifah", "Rahmadani", "Sari", "Utami", "Purnamasari", "Setiawati", "Ayuningtyas"]  # fmt: skip
# §8.1: marga (Batak: Nasution, Lubis, Siregar …; Papua), children carry the father's.
BATAK_MARGA = ["Nasution", "Lubis", "Siregar", "Simanjuntak", "Sitompul", "Hutapea", "Harahap",
               "Sinaga", "Pardede", "Situmorang", "Panjaitan", "Simatupang"]  # fmt: skip
PAPUA_MARGA = ["Wenda", "Tabuni", "Kogoya", "Wonda", "Murib", "Gwijangge", "Wakerkwa", "Kossay",
               "Yikwa", "Enumbi", "Mabel", "Itlay", "Gebze", "Mahuze", "Kaize"]  # fmt: skip
CHRIST_M = ["Yohanes", "Daniel", "Samuel", "Kevin", "Rudi", "Togar", "Poltak", "Markus",
            "Yosias", "Septinus", "Paulus", "Frans", "Yakob", "Welem", "Yulianus", "Natanael",
    "Andreas", "Benyamin", "Christian", "David", "Elias", "Fernando", "Gabriel", "Hiskia", "Immanuel", "Jonathan", "Kristian", "Lukas", "Matius", "Nikolas", "Oktavianus", "Petrus", "Rafael", "Simon", "Timotius", "Yosua", "Agustinus", "Bonifasius", "Demianus", "Efraim", "Filipus", "Gerson", "Hendrik", "Isak", "Melkias", "Obaja"]  # fmt: skip
CHRIST_F = ["Maria", "Ruth", "Grace", "Jessica", "Ester", "Tiurma", "Hotma", "Yohana", "Natalia",
            "Agustina", "Elisabeth", "Debora", "Yemima", "Novita",
    "Angelina", "Bernadeta", "Christina", "Delima", "Evalina", "Florensia", "Gracia", "Hana", "Irene", "Juliana", "Kristina", "Lidia", "Magdalena", "Naomi", "Oktaviana", "Priskila", "Rahel", "Sarah", "Theresia", "Veronika", "Yuliana", "Adelina", "Benedikta", "Dorkas", "Ermina", "Fransina", "Martha", "Rebeka", "Selfina", "Ribka"]  # fmt: skip
# §8.1: Balinese birth-order names with I (male) / Ni (female).
BALI_ORDER = [
    ["Wayan", "Putu", "Gede"],
    ["Made", "Kadek", "Nengah"],
    ["Nyoman", "Komang"],
    ["Ketut"],
]
BALI_M = ["Agus", "Surya", "Adi", "Darma", "Budi", "Indra", "Sudarsana", "Wirawan", "Arya",
          "Dharma Putra", "Santika", "Gunawan",
    "Artawan", "Budiasa", "Candra", "Dana", "Eka Putra", "Gita", "Hendra", "Juliarta", "Kariasa", "Landra", "Mahardika", "Narendra", "Oka", "Parwata", "Rai", "Sedana", "Sutama", "Tirta", "Udayana", "Wirya", "Yasa", "Widnyana", "Suardana", "Astawa", "Sukadana", "Mertayasa", "Adnyana", "Suparta"]  # fmt: skip
BALI_F = ["Ayu", "Sri", "Dewi", "Ari", "Artini", "Suastini", "Widiastuti", "Pratiwi", "Sukmawati",
          "Ayu Lestari", "Puspita",
    "Anggreni", "Budiani", "Candrawati", "Darmayanti", "Ekayanti", "Gayatri", "Indah", "Juliantari", "Kusumawati", "Lestari", "Mahayani", "Novianti", "Oktaviani", "Purnami", "Rusmini", "Sariasih", "Sudiartini", "Triyani", "Utari", "Wulandari", "Yuniarti", "Suartini", "Astiti", "Sukerti", "Swandewi"]  # fmt: skip
JAVA_ORDER = ["Eka", "Dwi", "Tri", "Catur", "Panca"]  # §8.1 Javanese birth-order prefixes

# §8.2.2: Arabic-origin transliteration variants; §8.2.1 / name_spelling_rules.csv others.
VARIANTS = {
    "Muhammad": ["Muhamad", "Mohammad", "Mochammad", "Mohamad", "Muh.", "M."],
    "Ahmad": ["Achmad", "Akhmad", "Ahmat"], "Abdul": ["Abd.", "Abdoel"],
    "Rizky": ["Rizki", "Riski", "Risky"], "Ramadhan": ["Ramadan", "Romadhon"],
    "Ramadhani": ["Ramadani"], "Fathur": ["Fatur"], "Arief": ["Arif"], "Aisyah": ["Aisah", "Aisya"],
    "Khairunnisa": ["Khoirunnisa", "Khairunisa"], "Zahra": ["Zahrah"], "Azzahra": ["Azahra"],
    "Nur": ["Noor"], "Siti": ["Sitti"], "Hafiz": ["Hafidz"], "Nurul": ["Nurul"],
    "Abdullah": ["Abdulloh"], "Hidayatullah": ["Hidayatulloh"], "Syahputra": ["Saputra"],
    "Salsabila": ["Salsabilla"], "Nabila": ["Nabilah"], "Anisa": ["Annisa", "Nisa"],
    "Fitri": ["Fitriah"], "Alif": ["Aliph"], "Yusuf": ["Yusup"], "Fatimah": ["Fatimah"],
    "Jamaluddin": ["Jamaludin"], "Nurhayati": ["Nur Hayati"], "Nuraeni": ["Nur Aeni"],
    "Sri": ["Sri"], "Yohanes": ["Johanes"], "Yakob": ["Yakub"], "Natanael": ["Nathanael"],
}  # fmt: skip
OLD_SPELLING = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j")]  # §8.2.1, EYD reversed
TITLES_PRE = {"L": ["H.", "Drs.", "Ir."], "P": ["Hj.", "Dra."]}  # name_tokens_titles.csv
TITLES_SUF = ["S.Pd.", "S.E.", "S.H.", "S.Sos.", "A.Md.", "S.Kom."]
COMMON_FIRST = {"Muhammad", "Siti", "Nur", "Putri", "I", "Ni", "Ahmad"}


def make_name(
    rng: random.Random,
    group: str,
    sex: str,
    born: date,
    order: int | None = None,
    father: object | None = None,
    twin_of: list[str] | None = None,
) -> tuple[str, list[str]]:
    """A true name and its tokens for a person of ``group`` born on ``born``."""
    adult = born.year < 2003
    tokens = _tokens(rng, group, sex, adult, order, getattr(father, "tokens", None))
    if twin_of is not None:
        tokens = _twin(rng, list(twin_of), group)
    # §2.4: from 2022 at least two words; older names keep mononyms.
    if born.year >= 2022 and len(tokens) == 1:
        tokens.append(rng.choice(KID_M2 if sex == "L" else KID_F2))
    return " ".join(tokens), tokens


def _tokens(rng: random.Random, group: str, sex: str, adult: bool, order: int | None,
            father_tokens: list[str] | None) -> list[str]:  # fmt: skip
    m = sex == "L"
    if group == "bali":
        b = BALI_ORDER[(order if order is not None else rng.randrange(4)) % 4]
        given = rng.choice(BALI_M if m else BALI_F).split()
        return ["I" if m else "Ni", rng.choice(b), *given]
    if group in {"batak", "papua"}:
        marga_pool = BATAK_MARGA if group == "batak" else PAPUA_MARGA
        marga = father_tokens[-1] if father_tokens else rng.choice(marga_pool)
        given = [rng.choice(CHRIST_M if m else CHRIST_F)]
        if not adult and rng.random() < 0.5:
            given.append(rng.choice(KID_M2 if m else KID_F2))
        if group == "papua" and adult and rng.random() < 0.3:
            return given  # marga often unrecorded on older Papuan records [U]
        return [*given, marga]
    if adult:
        pool = (JAVA_M if m else JAVA_F) if group == "java" else (MUSLIM_M if m else MUSLIM_F)
        tokens = rng.choice(pool).split()
        if group == "java" and rng.random() < 0.10:  # §8.2.1: parents keep old spellings
            tokens = [_old_spelling(t) for t in tokens]
        return tokens
    tokens = []
    if group == "java" and order is not None and rng.random() < 0.12:
        tokens.append(JAVA_ORDER[order % 5])
    elif (
        m and rng.random() < 0.25
    ):  # §8.1: Muhammad variants ~11 % of males (1990-2025), dominant for Gen-Alpha
        tokens.append("Muhammad")
    elif not m and rng.random() < 0.35:
        tokens.append(rng.choice(["Siti", "Nur", "Putri"]))
    tokens += rng.choice(KID_M if m else KID_F).split()
    if rng.random() < 0.65:
        tokens += rng.choice(KID_M2 if m else KID_F2).split()
    return tokens


def _old_spelling(token: str) -> str:
    for new, old in OLD_SPELLING:
        if new in token.lower():
            return token.replace(new, old, 1)
    return token


def _twin(rng: random.Random, tokens: list[str], group: str) -> list[str]:
    """A twin's name: the sibling's with one letter of the last given token changed."""
    i = len(tokens) - 1
    if group in {"batak", "papua"} and len(tokens) > 1:
        i -= 1  # the marga is shared
    word = tokens[i]
    swaps = {"a": "i", "i": "a", "o": "i", "u": "a", "e": "a", "y": "i", "h": "n"}
    last = word[-1].lower()
    tokens[i] = word[:-1] + swaps.get(last, "a") if last in swaps else word + "a"
    if rng.random() < 0.3:
        tokens[i] = word + ("h" if word[-1] in "ai" else "a")
    return tokens


def spelling_variant(rng: random.Random, name: str) -> str:
    """One §8.2 variant: transliteration, joined/split tokens, or old spelling."""
    tokens = name.split()
    hits = [i for i, t in enumerate(tokens) if t in VARIANTS]
    if hits and rng.random() < 0.7:
        i = rng.choice(hits)
        tokens[i] = rng.choice(VARIANTS[tokens[i]])
        return " ".join(tokens)
    if len(tokens) >= 2 and rng.random() < 0.5:  # §8.2.5 "Nur Hayati" vs "Nurhayati"
        i = rng.randrange(len(tokens) - 1)
        return " ".join([*tokens[:i], tokens[i] + tokens[i + 1].lower(), *tokens[i + 2 :]])
    for a, b in [("dh", "d"), ("th", "t"), ("ie", "i"), ("kh", "h"), ("sy", "s"), ("y", "i")]:
        if a in name:
            return name.replace(a, b, 1)
    return typo(rng, name)


def call_name(rng: random.Random, tokens: list[str], group: str) -> str:
    """What a reporter calls the child (§4.3 third-party reports, §8.2.5 tokens)."""
    rest = [t for t in tokens if t not in COMMON_FIRST]
    if group == "bali" and len(tokens) > 2:
        return " ".join(tokens[1:3]) if rng.random() < 0.4 else " ".join(tokens[2:3])
    if group in {"batak", "papua"}:
        return tokens[0]
    if not rest:
        return tokens[-1]
    word = rng.choice(rest[:2])
    if len(word) >= 6 and rng.random() < 0.3:
        return word[-4:].capitalize()  # e.g. Nabila → Bila, Salsabila → Bila
    return word


def typo(rng: random.Random, name: str) -> str:
    """One keyboard slip: drop, double, swap or replace one letter (§8.5 operator error)."""
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name
    i = rng.choice(letters[1:])
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i] + name[i:]
    if kind == 2 and i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + rng.choice("aiueonrst") + name[i + 1 :]


def ocr_typo(rng: random.Random, name: str) -> str:
    """A character confusion of optical reading of a scanned form (profile B)."""
    pairs = [("m", "rn"), ("rn", "m"), ("l", "I"), ("d", "cl"), ("e", "c"), ("h", "b"),
             ("i", "l"), ("u", "v"), ("a", "o")]  # fmt: skip
    rng.shuffle(pairs)
    for a, b in pairs:
        if a in name[1:]:
            i = name.index(a, 1)
            return name[:i] + b + name[i + len(a) :]
    return name


def with_title(rng: random.Random, name: str, sex: str, group: str) -> str:
    """§2.4 / §8.2.3: a title or degree on the KK/KTP name of an adult."""
    if group in {"java", "muslim"} and rng.random() < 0.6:
        return f"{rng.choice(TITLES_PRE[sex])} {name}"
    return f"{name}, {rng.choice(TITLES_SUF)}"
