"""Name-token lists for the synthetic population, by naming tradition. Invented combinations only.

Each list is written most common first (see :func:`padan.synth.common.zipf_pool`). Sources for
the traditions and the most frequent names: ``docs/domain.md`` section 8.1 (Dukcapil's most
common names, the dominance of "Muhammad" among boys, Balinese birth-order names, marga).
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DENSE_FIRST",
    "DENSE_FULL",
    "GROUP_TOKENS",
    "MARGA",
    "MODERN",
    "OLD_MONONYMS",
    "POPULAR_FULL",
]


def _words(text: str) -> tuple[str, ...]:
    # Lists are kept as whitespace-separated text (one token per word, "_" for a space inside a
    # token such as "Al_Fatih") so the file stays readable.
    return tuple(word.replace("_", " ") for word in text.split())


#: Per tradition: first tokens and last tokens by sex ("L" male, "P" female).
GROUP_TOKENS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "jawa": {
        "L_first": _words("""
            Budi Agus Eko Joko Bambang Slamet Sugeng Heru Teguh Wahyu Dwi Tri Hadi Sri Yanto
            Bayu Adi Rudi Dedi Andi Anton Hendro Yudi Arif Imam Puji Sigit Gunawan Rahmat Endro
            Suyanto Purwanto Haryanto Sunardi Sukirman Sumarno Ngadimin Tukimin Paiman Widodo
            Setyo Catur Panca Galih Bagus Nanang Wawan Didik Edi Ari Kukuh Prasetyo Dimas
        """),
        "L_last": _words("""
            Santoso Prasetyo Setiawan Susanto Purnomo Widodo Nugroho Saputro Wibowo Hartono
            Kurniawan Pratama Utomo Raharjo Sulistyo Hidayat Wijaya Hermawan Suharto Sutrisno
            Priyanto Supriyadi Wahyudi Hariyanto Rianto Subagyo Mulyono Sugiarto Triyono
            Darmawan Setiadi Handoko Yulianto Suprapto Sasongko Cahyono Budiman Hadiwijaya
            Prabowo Nurcahyo Kuncoro Wicaksono Baskoro Haryadi Sutanto Waluyo Suryono
        """),
        "P_first": _words("""
            Sri Dwi Tri Endang Siti Rina Dewi Wulan Ayu Indah Puji Eka Yuli Retno Sih Tutik
            Nanik Ika Lina Ani Wahyu Kurnia Fitri Dian Rini Novi Tuti Yeni Anik Sulis Erna
            Umi Nunuk Titik Rahayu Lestari Susi Endah Sari Ratna Winarti Setyawati Ning
        """),
        "P_last": _words("""
            Wahyuni Lestari Rahayu Handayani Astuti Susanti Wulandari Purwanti Setyaningsih
            Kurniasih Mulyani Utami Rahmawati Suryani Ningsih Yuliana Pertiwi Anggraini
            Hastuti Sulistyowati Haryanti Widyastuti Sumarni Ekawati Sulistyaningsih Puspitasari
            Nurjanah Kusumawati Indriyani Rejeki Mardiyah Wijayanti Pratiwi Rohmah Fatimah
            Setyowati Suwarni Maryani Hartini Lestiani Prihatin Yuniarti Widowati Sulastri
        """),
    },
    "sunda": {
        "L_first": _words("""
            Asep Ujang Cecep Dede Agus Iwan Yayan Dadang Ade Aep Deden Endang Jajang Usep Encep
            Engkos Oman Maman Entis Tatang Yana Dodi Rudi Wawan Hendra Rizal Acep Ajat Ayi Dadan
            Budi Rahmat Yusuf Ridwan Ruhiyat Ujang Kurnia Herman Irfan Dindin Ahmad Ikbal Dani
        """),
        "L_last": _words("""
            Hidayat Permana Sutisna Suhendar Kurniawan Rusmana Sopandi Supriatna Gunawan Mulyana
            Sumarna Saepudin Syarifudin Setiadi Nugraha Somantri Kusnadi Suryana Hermawan
            Ruhiyat Sudrajat Hamdani Firmansyah Sukmana Rustandi Wiguna Sulaeman Hidayatulloh
            Munandar Saputra Kusumah Ramdani Mulyadi Sobari Taryana Koswara Rohendi Sunarya
        """),
        "P_first": _words("""
            Euis Neng Enok Imas Iis Yati Cucu Eti Nenden Ai Nining Tati Lilis Elis Yeni Ineu
            Rina Rini Yuyun Dedeh Nia Wida Ratna Kokom Entin Oneng Titin Lia Sri Teti Siti Nur
            Nurul Ela Ika Nani Ani Rosita Dewi Yanti Rika Tini
        """),
        "P_last": _words("""
            Nurhasanah Rosita Kurniasih Maryati Sumiati Rohaeti Komalasari Nurjanah Rahayu
            Aryani Mulyani Herawati Suryani Setiawati Sukaesih Nurlela Rostika Juariah Hayati
            Rosmiati Sumarni Rohmah Kartini Nuraeni Wulansari Yuliani Rohayati Nurhayati
            Ratnasari Fitriani Lestari Kusmiati Sopiah Cahyati Marlina Suhartini Mardiana
        """),
    },
    "melayu": {
        "L_first": _words("""
            Muhammad Ahmad Abdul Mohammad Muhamad Abdullah Ali Hasan Husein Ismail Ibrahim
            Yusuf Zainal Syamsul Rahmat Hamzah Umar Usman Sulaiman Harun Junaidi Herman Jamal
            Syaiful Khairul Fauzi Anwar Amir Rusli Zulkifli Irwan Hendra Rizal Taufik Nasrul
            Saiful Imam Firdaus Mulyadi Supardi Ismail Rahman Afrizal Darwis Effendi Zulfikar
        """),
        "L_last": _words("""
            Hidayat Rahman Hakim Syah Fauzi Rahmat Abdullah Ismail Yusuf Saleh Idris Syahputra
            Putra Effendi Hasan Ali Ramadhan Arifin Anwar Yunus Hamid Malik Zakaria Hasibuan
            Nasir Sulaiman Kadir Latif Rasyid Harahap Syahrial Azhar Saputra Amin Maulana
            Hanafi Rizal Fadli Munir Mahmud Husin Zainuddin Jalil Rosyid Mansyur Iskandar
        """),
        "P_first": _words("""
            Siti Nur Nurul Fatimah Aminah Khadijah Aisyah Zainab Maryam Halimah Nurhayati Rohmah
            Salmah Maimunah Rahmawati Hasanah Rohani Asiah Jubaidah Nuraini Nurjanah Rukmini
            Hamidah Rosmawati Yusnita Erni Hartati Yusniar Nurlaila Rahma Khotimah Masitoh
            Suryani Fitri Yuliana Lina Wati Murni Yanti Sarah Mariam Rosna
        """),
        "P_last": _words("""
            Aisyah Aminah Fatimah Khadijah Hajar Rahmah Hasanah Rohmah Zahro Maisaroh Sholihah
            Nurjannah Mardiyah Romlah Komariah Nafisah Munawaroh Zulaikha Halimah Hayati
            Rahmawati Yanti Wati Sari Ningsih Suryani Fitriani Marlina Yusnita Nurbaiti
            Husna Zahara Safitri Rosmini Nurhaliza Mulyani Herlina Afriani Juwita Azizah
        """),
    },
    "bali": {
        "L_first": _words("""
            Agus Budi Suardana Sudarma Artawan Wirawan Sutama Suarta Yasa Arsana Adnyana Suparta
            Widiana Darmawan Merta Sukadana Mahendra Putra Astawa Sumerta Sudiarta Wiranata
            Aditya Dharma Surya Sedana Suastika Mertayasa Parwata Gunawan Wisnu Arya Eka Dana
        """),
        "L_last": _words("""
            Putra Wijaya Saputra Pratama Adiputra Suputra Mahardika Wirawan Antara Wiguna Yasa
            Darma Sanjaya Ariawan Kusuma Artana Sudarsana Widnyana Suryawan Jaya Adnyana
        """),
        "P_first": _words("""
            Ayu Sri Dewi Sukarini Suarni Wartini Sumiasih Ariani Puspita Suciani Kartika Lestari
            Sudarmi Rai Mirah Yuliantari Purnami Sariasih Ekayanti Wahyuni Widiastuti Sintya
            Diah Ratih Candra Suarningsih Sukerti Rusmini Arini Widya
        """),
        "P_last": _words("""
            Lestari Dewi Pratiwi Astuti Suryani Wulandari Cahyani Anggreni Sari Utami Maharani
            Kusuma Damayanti Yuniari Ardani Puspitasari Ariasih Widiantari Handayani Novitasari
        """),
    },
    "batak": {
        "L_first": _words("""
            Parulian Maruli Tigor Binsar Togar Hotman Sahat Poltak Robert Daniel Martin Hendra
            Ronald David Samuel Benny Rudi Frans Jonathan Jansen Bonar Lamhot Parsaoran Josua
            Yosua Kevin Andreas Ricardo Rianto Jhonny Roy Immanuel Gabriel Tumpal Marihot
        """),
        "L_last": _words("""
            Parlindungan Hamonangan Halomoan Manahan Martua Pandapotan Tua Junjungan Maruli
        """),
        "P_first": _words("""
            Rosmauli Tiurma Lasma Rugun Nurmala Erna Friska Novita Sri Maria Debora Ruth Rotua
            Rosdiana Lamria Dameria Hotnida Melati Juliana Sarma Tetty Masniari Sondang Romauli
            Grace Yohana Elisabet Tiominar Rosta Lisbet Herlina Rina Intan Mega Putri
        """),
        "P_last": _words("""
            Uli Nauli Romauli Sari Intan Mutiara Rotua Lestari
        """),
    },
    "tionghoa": {
        "L_first": _words("""
            Hendra Budi Willy Steven Kevin Jason Michael Felix Vincent Hendrik Surya Andi Yohanes
            Eddy Sugianto Hartono Ferry Johan Rudy Yanto Teddy Jimmy Ivan Darwin Wilson Albert
            Erick Andreas Kelvin Ricky Benny William Jonathan Sebastian
        """),
        "L_last": _words("""
            Wijaya Tanoto Halim Gunawan Santoso Kurniawan Setiawan Tanuwijaya Salim Hartanto
            Sutanto Wibisono Tanjaya Gozali Susilo Lukito Winata Chandra Hadinata Kusuma
            Sugiarto Widjaja Liem Tan Lim Oei Tjioe Hermawan Salim Tandiono
        """),
        "P_first": _words("""
            Lily Meliana Susanti Lanny Fenny Linda Cindy Jessica Angela Yenny Sherly Veronika
            Natalia Melinda Stephanie Jennifer Gracia Devi Lisa Vivian Monica Wenny Lanny
            Maria Erlina Herlina Shinta Megawati Olivia Clara Felicia Evelyn
        """),
        "P_last": _words("""
            Wijaya Halim Gunawan Santoso Kurniawan Setiawati Tanuwijaya Salim Hartanto Sutanto
            Lukito Winata Chandra Kusuma Widjaja Liem Tan Lim Oei Susilo Angelina Tania
        """),
    },
    "kristen": {
        "L_first": _words("""
            Yohanes Yosef Petrus Paulus Markus Yakobus Fransiskus Agustinus Stefanus Martinus
            Alfons Dominikus Kornelis Yeremias Benediktus Siprianus Ferdinandus Marthen Yunus
            Daniel Frans Simon Aleksander Matheos Hendrikus Arnoldus Lukas Mikhael Umbu
            Yulius Melkianus Oktavianus Efraim Yosua Imanuel Roberto Kristianus Rikardus
        """),
        "L_last": _words("""
            Dominggus Rafael Yohanes Kristoforus Bernardus Fransiskus Pius Aloysius
        """),
        "P_first": _words("""
            Maria Yuliana Agustina Fransiska Margaretha Elisabeth Theresia Anastasia Veronika
            Katarina Yosefina Martha Adriana Magdalena Kristina Sisilia Regina Ursula Selfiana
            Debora Yohana Florentina Imelda Rosalia Oktavia Yuliati Yasinta Bernadeta Fransina
            Novita Mersi Serlina Yanti Ina
        """),
        "P_last": _words("""
            Goreti Imakulata Yosefina Fatima Lusia Anjelina Kristina Dewi Yuliana
        """),
    },
    "papua": {
        "L_first": _words("""
            Yohanis Markus Yakob Petrus Otto Nikolaus Yulius Lukas Elias Yance Melkias Nus Teus
            Agus Benny Obet Yosias Natalis Derek Wellem Enos Titus Dominggus Yulianus Yeremias
            Simson Daud Isak Musa Andarias Amos Herman Timotius Niko Marinus Kores Elius
        """),
        "L_last": _words("""
            Yohanis Markus Petrus Elias Yulianus Natalis
        """),
        "P_first": _words("""
            Maria Yohana Ester Mince Lince Magdalena Yuliana Rode Martha Selina Sarlota Yakomina
            Natalia Agustina Fince Lea Yosina Naomi Rahel Elsina Ribka Herlina Yuliana Dorkas
            Mariana Debora Rosalina Kristina Siska Marince Oktovina
        """),
        "P_last": _words("""
            Maria Yohana Ester Magdalena Yuliana
        """),
    },
    "bugis": {
        "L_first": _words("""
            Muhammad Andi Abdul Syamsuddin Baharuddin Hasanuddin Jamaluddin Kamaruddin
            Nasaruddin Muh. Haeruddin Amiruddin Arifin Syahrir Rahman Darwis Basri Sudirman
            Hasbi Ridwan Rusdi Ismail Ilham Irwan Akbar Fahmi Agus Rahmat Hamzah Rustam
            Muhlis Asri Syamsul Anwar Ahmad Haris Taufik Saharuddin Jusman
        """),
        "L_last": _words("""
            Rahman Hamid Kadir Latif Saleh Hasan Amir Patta Syam Arsyad Mappa Idrus Djafar
            Malik Rasyid Pallawa Baso Tahir Lamo Said Basri Hafid Mattola Nur Syarif Ramli
        """),
        "P_first": _words("""
            Sitti Andi Hasnah Nurhaeda Hasmawati Sumarni Nurhayati Fatmawati Jumriah Hadijah
            Haerani Mardiana Rosmini Suriani Nurliah Hartati Sahriani Megawati Hamsinah
            Rahmatia Kasmawati Nurbaya Hasriani Nurhidayah Kartini Asmawati Nurfadillah Irma
            Sri Rahmawati Nurul
        """),
        "P_last": _words("""
            Rahmah Aminah Hasnah Nurhaeda Hasanah Rahmawati Suriani Fatimah Nurjannah Amir
            Saleh Hamid Jamila Ramlah Syamsiah Basse Hadijah Aisyah Salmiah Badariah
        """),
    },
}

#: Family names passed from father to children (and kept by married women in these traditions).
MARGA: Final[dict[str, tuple[str, ...]]] = {
    "batak": _words("""
        Simanjuntak Hutapea Sitompul Siregar Nasution Lubis Harahap Pardede Sihombing
        Situmorang Simatupang Panjaitan Silalahi Sinaga Tambunan Hutagalung Manurung Pasaribu
        Sitorus Nainggolan Siahaan Hutabarat Lumbantobing Sianturi Napitupulu Purba Saragih
        Damanik Ginting Tarigan Sembiring Sitepu Hasibuan Ritonga Batubara Marpaung Pakpahan
        Simbolon Sibarani Gultom Aritonang Rajagukguk Hutauruk Sirait Matondang Butarbutar
    """),
    "kristen": _words("""
        Tallo Nenobais Benu Nope Ndun Fanggidae Mesakh Bria Seran Nahak Kefi Tefa Tanone
        Nubatonis Sae Kase Boimau Ratu Lewar Koten Pareira Da_Costa Fernandez Making Kaka Bulu
        Lede Ndapa Pattiasina Tuhumury Sahetapy Manuhutu Leiwakabessy Pattinama Wattimena
        Ririmasse Mandagi Rumengan Wowor Lumenta Tumbelaka Sondakh Pangemanan Kaunang
        Runtuwene Rondonuwu Mamahit Sumampouw Lengkong Tumiwa Liu Taneo Selan Amalo Manafe
        Mooy Therik Lakapu Nitbani Tlonaen Bani Neno Banunaek Missa Sinlae Atok Taolin
    """),
    "papua": _words("""
        Wenda Tabuni Kogoya Wonda Yikwa Murib Mote Pigai Giyai Rumbiak Wanggai Kambu Kossay
        Lokobal Asso Hubi Wetipo Itlay Mabel Logo Lani Walilo Doga Elopere Matuan Siep Yoman
        Karoba Wandik Gombo Enumbi Kobak Hisage Pahabol Yelipele Marian Alua Kenelak Huby
        Himan Lagowan Wuka Walela Mulait Yelemaken Wantik Meaga Kurisi Lokmbere Tagi Helembo
    """),
    "tionghoa": _words("""
        Wijaya Tanoto Halim Gunawan Santoso Kurniawan Setiawan Tanuwijaya Salim Hartanto
        Sutanto Wibisono Tanjaya Gozali Lukito Winata Chandra Hadinata Widjaja Liem Tan Lim
    """),
}

#: Names fashionable for children born 2005 and later (Dukcapil: "Muhammad" dominates boys).
MODERN: Final[dict[str, tuple[str, ...]]] = {
    "L_first": _words("""
        Muhammad Ahmad Rizki Fajar Bayu Dimas Arya Raka Rafi Alif Fathan Arkan Zidan Kenzo
        Rayyan Azka Daffa Farel Galih Naufal Aditya Akbar Rizky Reza Haikal Ilham Hafiz Faris
        Gibran Rangga Satria Bima Yusuf Kevin Davin Elvano Abizar Athar Malik Alvaro Bintang
        Dafa Aqil Reyhan Fadil Rasya Zaki Hanif Dzaky
    """),
    "L_last": _words("""
        Pratama Saputra Ramadhan Hidayat Maulana Firmansyah Nugraha Al_Fatih Alfarizi Setiawan
        Putra Kurniawan Syahputra Akbar Fadillah Wijaya Prasetyo Rizki Hakim Alfian Ardiansyah
        Permana Febrian Ananda Pradana Aditya Rahman Abdillah Arrasyid Adinata Alkhalifi
        Athaya Kenzie Arsenio Zayyan Hamizan Shaquille Mahendra Wicaksono Nugroho
    """),
    "P_first": _words("""
        Aisyah Putri Zahra Nayla Alya Salsabila Aulia Nabila Keisha Khanza Alesha Syifa Anisa
        Dinda Citra Amelia Naura Kirana Adinda Shakila Allea Aqila Zaskia Kayla Siti Nur
        Nurul Fitri Intan Dwi Tri Azzahra Hana Sheza Arsyila Humaira Raisa Clarissa Cantika
        Bunga Mutiara Zalfa Kinanti Asyifa Queen Medina
    """),
    "P_last": _words("""
        Ramadhani Putri Azzahra Aulia Rahmawati Safitri Maharani Anggraini Lestari Kusuma
        Salsabila Nuraini Febriani Khairunnisa Shanum Almahyra Aprilia Oktaviani Cahyani
        Permata Amalia Aisyah Zahira Nafisa Kamila Mecca Humaira Zahrani Nadhira Fadhilah
        Aurelia Andini Syakira Hanifah Qirani Alesha Maulida Valencia Ayunda Kinara
    """),
}

#: Single-word names common among people born before about 1975 (Dukcapil's most common names).
OLD_MONONYMS: Final[dict[str, tuple[str, ...]]] = {
    "L": _words("""
        Sutrisno Slamet Mulyadi Herman Supardi Ismail Supriyanto Wahyudi Junaidi Suparman
        Sukirman Paijo Paimin Sarmin Kasim Ngadiman Sumardi Suyitno Tukiman Rusdi Samsudin
        Jumadi Karman Sudarto Ponimin Wagiman Kasmin Suparno Marno Darmin Sanusi Budiman
        Rasimin Sukarjo Soeparmo Tarno Warsito Sumadi Kusnadi Darsono Saridin Mujiono
    """),
    "P": _words("""
        Nurhayati Sulastri Sumiati Sumarni Sunarti Ernawati Aminah Kartini Suwarni Tumini
        Wartini Sugiarti Sutarmi Suparti Ngatini Sukarti Painem Tukiyem Sainem Marsinah
        Rukiyah Juminten Paini Wagiyem Sumirah Kasmini Romlah Saodah Salamah Yatimah Ponirah
        Suminah Tasmi Darmi Karsih Warsini Musriah Sutiyem Rohana Fatimah Halimah Ratmi
    """),
}

#: Full names frequent enough to collide across unrelated people (with their weight in percent of
#: all names drawn for that sex and generation).
POPULAR_FULL: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "L": (
        ("Muhammad Rizki", 0.6),
        ("Muhammad Al Fatih", 0.4),
        ("Muhammad Fajar", 0.2),
        ("Ahmad Fauzi", 0.2),
        ("Budi Santoso", 0.2),
        ("Agus Setiawan", 0.2),
        ("Muhammad Ilham", 0.2),
    ),
    "P": (
        ("Siti Aisyah", 0.5),
        ("Siti Nurhaliza", 0.2),
        ("Nur Aini", 0.2),
        ("Sri Wahyuni", 0.3),
        ("Siti Aminah", 0.2),
        ("Dewi Lestari", 0.2),
        ("Allea Shanum Almahyra", 0.1),
    ),
}

#: Dense population (``generate(dense=True)``): first tokens in the proportions of the empirical
#: first-token table in ``docs/domain.md`` §8.1 (percent of all names in a 202k-name registry:
#: Muhammad 3.85, Muhamad 1.01, Ahmad 0.71, Achmad 0.43, Mohammad 0.38, bare "M" 0.36; Dwi,
#: Siti, Nur, Putri, Dimas, Rizky/Rizki, Tri between them), split by the sex that carries them.
#: Values between the published ones are interpolated by rank; Mochammad is added (§8.1 notes
#: the variants outside the top 20 add more).
DENSE_FIRST: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "L": (
        ("Muhammad", 3.85),
        ("Muhamad", 1.01),
        ("Ahmad", 0.71),
        ("Achmad", 0.43),
        ("Dimas", 0.42),
        ("Mohammad", 0.38),
        ("M", 0.36),
        ("Rizky", 0.24),
        ("Rizki", 0.16),
        ("Mochammad", 0.20),
        ("Dwi", 0.30),
        ("Tri", 0.17),
        ("Nur", 0.08),
    ),
    "P": (
        ("Siti", 0.58),
        ("Putri", 0.47),
        ("Nur", 0.44),
        ("Sri", 0.40),
        ("Dwi", 0.32),
        ("Nurul", 0.30),
        ("Tri", 0.18),
    ),
}

#: Dense population: the most common full names of people born before ~1985 (Dukcapil 2024/2025,
#: ``docs/domain.md`` §8.1; first two with the published counts, the rest decreasing by rank).
DENSE_FULL: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "P": (
        ("Nurhayati", 254.9),
        ("Sulastri", 193.0),
        ("Sumiati", 170.0),
        ("Sri Wahyuni", 160.0),
        ("Sumarni", 150.0),
        ("Sunarti", 140.0),
        ("Siti Aminah", 130.0),
        ("Ernawati", 120.0),
        ("Aminah", 115.0),
        ("Kartini", 110.0),
    ),
    "L": (
        ("Sutrisno", 144.5),
        ("Slamet", 130.0),
        ("Mulyadi", 120.0),
        ("Herman", 110.0),
        ("Supardi", 100.0),
        ("Ismail", 95.0),
        ("Supriyanto", 90.0),
        ("Wahyudi", 85.0),
        ("Junaidi", 80.0),
        ("Suparman", 75.0),
    ),
}
