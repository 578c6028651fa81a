"""Generate a realistic, deterministic corpus of Indonesian web clippings at any size.

    python benchmarks/gen_corpus.py OUT_DIR --count 100000 [--seed 1] [--formats txt,md,html,jsonl]

Articles look like the bundled seeds: a headline (or none, straight into the body), a date in
one of the forms real sites print, sometimes a dateline, paragraphs, quotes and captions, and
for about half of them the web page's leftovers at the end (Kompasiana's "BERI NILAI" tail,
"Baca juga" links, an English "Share this" footer). Most are ``.txt``; some are Markdown with
YAML front matter, some saved HTML pages, and (with ``jsonl`` in ``--formats``) a few JSON
Lines files hold several records each. Files are spread over nested folders, 1,000 per folder.

The same seed and count always give the same bytes. Prints a JSON summary.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import html
import itertools
import json
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

FILES_PER_FOLDER = 1000
JSONL_RECORDS = 25  # records per JSON Lines file
MIN_BYTES, MAX_BYTES, MEDIAN_BYTES = 1000, 8000, 4000


def _words(text: str) -> list[str]:
    return text.split()


# -- vocabulary ---------------------------------------------------------------------------------
# Real Indonesian words, affixed forms included (temu: bertemu, pertemuan, menemukan, temuan),
# listed roughly by how common they are in this kind of text: earlier words are drawn more often.

NOUNS = _words(
    """
program kegiatan masyarakat organisasi kapasitas pertemuan desa perempuan mitra jaringan
penguatan pelatihan inklusi disabilitas kesetaraan gender advokasi pemerintah kebijakan peserta
anggota layanan akses pembangunan pemberdayaan partisipasi kelompok komunitas daerah wilayah
provinsi kabupaten kota kecamatan warga anak remaja pemuda lansia keluarga sekolah pendidikan
kesehatan ekonomi koperasi usaha pendapatan hibah anggaran dana perencanaan pelaksanaan kerja
sama kolaborasi kemitraan forum diskusi lokakarya sosialisasi kampanye media informasi
komunikasi pengetahuan pengalaman pembelajaran strategi pendekatan praktik tantangan capaian
hasil dampak manfaat tujuan target sasaran indikator evaluasi pemantauan laporan data riset
penelitian kajian studi dokumen regulasi peraturan undang-undang hak perlindungan kekerasan
korban pendampingan pemulihan keadilan hukum kelembagaan lembaga yayasan sekretariat
koordinator fasilitator narasumber pemateri pengurus relawan kader tokoh agama adat budaya
lingkungan hutan lahan pertanian petani nelayan air sanitasi pangan gizi stunting ibu bayi
posyandu puskesmas rumah tangga pekerja buruh migran perdagangan pasar produk kerajinan
pemasaran teknologi digital aplikasi internet transparansi akuntabilitas integritas
keberlanjutan ketahanan kemandirian kesejahteraan kemiskinan ketimpangan diskriminasi stigma
kepemimpinan keterwakilan keterlibatan kesadaran pemahaman keterampilan kemampuan kinerja
indeks pengelolaan pengendalian pengawasan penganggaran musyawarah musrenbang kepala
perangkat aparat dinas kementerian legislatif dewan rapat agenda isu topik tema materi modul
kurikulum metode alat instrumen sesi seri tahap periode tahun bulan minggu hari tanggal waktu
tempat lokasi hotel aula kantor balai gedung ruang platform situs video foto gambar infografis
narasi cerita kisah suara pesan opini artikel berita peristiwa acara peluncuran pameran festival
perayaan peringatan penghargaan prestasi inovasi gagasan ide rekomendasi usulan aspirasi keluhan
pengaduan kebutuhan prioritas masalah solusi upaya langkah proses mekanisme sistem struktur
fungsi peran tugas tanggung jawab komitmen dukungan bantuan sumber daya manusia sektor swasta
publik negara bangsa nasional internasional global lokal sosial politik demokrasi pemilu
pemilih kandidat calon suara bencana banjir gempa iklim perubahan energi sampah pencemaran
konservasi ekosistem pesisir laut pulau jalan jembatan transportasi perumahan permukiman
"""
)

VERBS = _words(
    """
mengikuti melaksanakan mengadakan memperkuat meningkatkan mendukung membahas menyampaikan
menjelaskan mengatakan bertemu berbagi belajar berdiskusi menghadiri melibatkan memfasilitasi
mendorong mengembangkan membangun mewujudkan memastikan memberikan menerima mendapatkan
menyusun merancang merumuskan menetapkan menyepakati mengusulkan menyerahkan menandatangani
meluncurkan mengajak mengundang membuka menutup memulai melanjutkan menyelesaikan mencapai
menghasilkan memanfaatkan menggunakan mengelola mengawasi memantau mengevaluasi mengukur
menganalisis mengidentifikasi memetakan mendata mencatat melaporkan mempublikasikan
menyebarluaskan mengkampanyekan mengadvokasi memperjuangkan melindungi mendampingi
memulihkan melatih dilatih mengajar mendidik menginspirasi memotivasi menguatkan
memberdayakan menjangkau mengakses melayani membantu menolong bekerja berkolaborasi bermitra
berjejaring bergabung berpartisipasi terlibat berperan berkontribusi berkomitmen berupaya
berusaha berharap berencana berlangsung berjalan berhasil bertujuan berfokus berdasarkan
berkaitan bertambah berkembang berubah meningkat menurun tumbuh hadir datang kembali
dilaksanakan diadakan dihadiri diikuti dibuka ditutup disampaikan dijelaskan dibahas
disepakati ditetapkan dirancang disusun dikembangkan dibangun diperkuat ditingkatkan didukung
difasilitasi didampingi diberikan diterima dimanfaatkan digunakan dikelola diharapkan
dianggap dinilai diakui terbentuk tergabung tersedia terjadi tertinggal terbantu menemukan
ditemukan mempertemukan menguji mencoba menilai mengenal memahami menyadari mengetahui
"""
)

ADJECTIVES = _words(
    """
inklusif strategis efektif penting utama rutin berkelanjutan partisipatif kolaboratif
interaktif bermanfaat positif baru lama besar kecil luas khusus umum terbuka aktif kreatif
inovatif mandiri adil setara rentan miskin marginal terpencil lokal nasional regional formal
informal resmi tematik teknis praktis relevan signifikan nyata konkret serius sederhana mudah
sulit kuat lemah sehat aman nyaman ramah produktif transparan akuntabel responsif sensitif
"""
)

FUNCTION_WORDS = _words(
    """
yang dan di untuk dengan dalam dari ke pada ini itu serta juga akan telah sudah oleh sebagai
bagi kepada tersebut antara melalui agar sehingga karena namun tetapi atau masih lebih sangat
belum tidak bisa dapat harus perlu selama hingga sejak setelah sebelum ketika saat bahwa
tentang terhadap seperti yaitu antara lain para setiap seluruh semua beberapa banyak
"""
)

ENGLISH = _words("of for on with by from through across among within during")

ENGLISH_NOUNS = _words(
    """
civil society organisation partnership inclusion disability gender equality programme capacity
building workshop learning forum network community village women youth advocacy policy research
report impact sustainability resilience leadership participation social accountability grant
support partners government district province services access livelihoods data training
"""
)

ENGLISH_VERBS = _words(
    """
strengthens supports launched hosted brought together discussed shared presented improved
expanded reached trained helped encouraged promoted documented reviewed agreed celebrated
"""
)

PLACES = [
    "Jakarta",
    "Surabaya",
    "Makassar",
    "Pasuruan",
    "Malang",
    "Jombang",
    "Gresik",
    "Sumenep",
    "Jember",
    "Madiun",
    "Yogyakarta",
    "Solo",
    "Semarang",
    "Bandung",
    "Denpasar",
    "Kupang",
    "Mataram",
    "Ambon",
    "Jayapura",
    "Medan",
    "Padang",
    "Palembang",
    "Pontianak",
    "Banjarmasin",
    "Samarinda",
    "Palu",
    "Kendari",
    "Manado",
    "Bogor",
    "Sidoarjo",
    "Bojonegoro",
    "Lamongan",
    "Probolinggo",
    "Banyuwangi",
    "Kediri",
    "Tulungagung",
    "Jawa Timur",
    "Jawa Tengah",
    "Jawa Barat",
    "Sulawesi Selatan",
    "Nusa Tenggara Timur",
    "Nusa Tenggara Barat",
    "Kalimantan",
    "Sumatera",
    "Papua",
    "Maluku",
    "Bali",
    "Indonesia Timur",
]

ORGS = [
    "INKLUSI",
    "MADANI",
    "LPKP Jawa Timur",
    "Rumah Inklusi",
    "Sekretariat INKLUSI",
    "OMS",
    "Program MADANI",
    "Program INKLUSI",
    "PSP",
    "GEDSI",
    "Yayasan Paramitra",
    "FORBAIK",
    "Pattiro Gresik",
    "Lakspedam NU",
    "Gerakan Peduli Perempuan",
    "Yayasan Bambu Nusantara",
    "Sanggar Hijau Indonesia",
    "Bappenas",
    "KemenPPPA",
    "Kemensos",
    "Pemkab Pasuruan",
    "Pemprov Jawa Timur",
    "DPRD",
    "BUMDes",
    "PKK",
    "Aisyiyah",
    "Muslimat NU",
    "PEKKA",
    "Kapal Perempuan",
    "SIGAB",
    "PPDI",
    "HWDI",
    "Migrant CARE",
    "KPI",
    "Solidaritas Perempuan",
    "YAKKUM",
    "BaKTI",
    "KOMPAK",
    "USAID",
    "DFAT",
    "UNDP",
]

PEOPLE = [
    "Siti Aminah",
    "Budi Santoso",
    "Dewi Lestari",
    "Agus Salim",
    "Rina Wulandari",
    "Hendra Gunawan",
    "Nur Hidayati",
    "Yuli Astuti",
    "Ahmad Fauzi",
    "Sri Rahayu",
    "Eko Prasetyo",
    "Wahyu Hidayat",
    "Ratna Sari",
    "Dian Permata",
    "Joko Susilo",
    "Lina Marlina",
    "Fitri Handayani",
    "Bambang Sutrisno",
    "Maria Goreti",
    "Yohanes Kase",
    "Andi Baso",
    "Daeng Rahman",
]

ROLES = [
    "koordinator program",
    "direktur eksekutif",
    "kepala desa",
    "ketua kelompok perempuan",
    "fasilitator lapangan",
    "peserta pelatihan",
    "pendamping komunitas",
    "ketua forum disabilitas",
    "staf advokasi",
    "perwakilan mitra",
    "kepala dinas sosial",
    "anggota DPRD",
]

SPEECH_VERBS = ["ujar", "kata", "ungkap", "jelas", "tutur", "tambah", "imbuh", "papar"]

MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
MONTHS_ID_SHORT = [
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Mei",
    "Jun",
    "Jul",
    "Agu",
    "Sep",
    "Okt",
    "Nov",
    "Des",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]

# site name, domain, weight, style of page furniture
SOURCES: list[tuple[str, str, int, str]] = [
    ("Kompasiana", "kompasiana.com", 30, "kompasiana"),
    ("detikNews", "news.detik.com", 14, "detik"),
    ("Kompas.com", "regional.kompas.com", 12, "kompas"),
    ("INKLUSI", "inklusi.or.id", 14, "english"),
    ("Program MADANI", "programmadani.id", 8, "english"),
    ("Tempo.co", "nasional.tempo.co", 8, "detik"),
    ("Antara", "antaranews.com", 8, "detik"),
    ("Mongabay Indonesia", "mongabay.co.id", 6, "english"),
]

INSTITUTION_NOTES = [
    "Kompasiana adalah platform blog. Konten ini menjadi tanggung jawab bloger dan tidak "
    "mewakili pandangan redaksi Kompas.",
]

KOMPASIANA_TAIL = (
    "Follow Instagram @kompasianacom juga Tiktok @kompasiana biar nggak ketinggalan event seru "
    "komunitas dan tips dapat cuan dari Kompasiana\n"
    "Baca juga cerita inspiratif langsung dari smartphone kamu dengan bergabung di WhatsApp "
    "Channel Kompasiana di SINI\n"
    """



BERI NILAI

Bagaimana reaksi Anda tentang artikel ini?

BERI KOMENTAR

Kirim

Konten Terkait


Video Pilihan

Terpopuler

Nilai Tertinggi

Feature Article

Terbaru

Headline"""
)

ENGLISH_TAIL = """Share this:

Facebook
Twitter
LinkedIn
WhatsApp

Related articles

{related1}
{related2}

© {year} {site}. All rights reserved.
Privacy Policy | Terms of Use | Contact Us"""

NEWS_TAIL = """Baca juga: {related1}

Simak berita dan artikel lainnya di Google News

Editor: {editor}

Tag: {tag1} {tag2} {tag3}

Berita Terkait
{related2}

Terpopuler
Berita Terkini
Copyright {year} {site}. All Rights Reserved."""


# -- weighted drawing ---------------------------------------------------------------------------


def zipf_picker(
    words: Sequence[str], rng: random.Random, exponent: float = 1.0, shift: float = 8.0
) -> Callable[[], str]:
    """Draw from `words` with Zipf-Mandelbrot weights 1/(rank+shift)^exponent (first: commonest)."""
    cumulative = list(
        itertools.accumulate(1.0 / ((rank + shift) ** exponent) for rank in range(1, len(words) + 1))
    )
    total = cumulative[-1]
    rnd = rng.random
    pick = bisect.bisect

    def draw() -> str:
        return words[pick(cumulative, rnd() * total)]

    return draw


class Pools:
    """Sentences, titles and quotes made once from the vocabulary, then sampled per article."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.noun = zipf_picker(NOUNS, rng)
        self.verb = zipf_picker(VERBS, rng)
        self.adj = zipf_picker(ADJECTIVES, rng)
        self.func = zipf_picker(FUNCTION_WORDS, rng, 1.0, 1.0)
        self.place = zipf_picker(PLACES, rng, 1.0, 2.0)
        self.org = zipf_picker(ORGS, rng, 1.0, 2.0)
        self.english = zipf_picker(ENGLISH, rng, 1.0, 2.0)
        self.english_noun = zipf_picker(ENGLISH_NOUNS, rng, 1.0, 4.0)
        self.english_verb = zipf_picker(ENGLISH_VERBS, rng, 1.0, 4.0)
        self.sentences = [self._sentence() for _ in range(30_000)]
        self.english_sentences = [self._english_sentence() for _ in range(4_000)]
        self.titles = [self._title() for _ in range(20_000)]
        self.english_titles = [self._english_title() for _ in range(3_000)]
        self.quotes = [self._quote() for _ in range(3_000)]
        self.captions = [self._caption() for _ in range(2_000)]
        self.mean_sentence = sum(len(s) for s in self.sentences) / len(self.sentences)
        self.mean_english = sum(len(s) for s in self.english_sentences) / len(self.english_sentences)

    def _noun_phrase(self) -> str:
        r = self.rng.random()
        if r < 0.35:
            return self.noun()
        if r < 0.6:
            return f"{self.noun()} {self.noun()}"
        if r < 0.75:
            return f"{self.noun()} {self.adj()}"
        if r < 0.85:
            return f"{self.noun()} yang {self.adj()}"
        if r < 0.93:
            return self.org()
        return f"{self.noun()} {self.org()}"

    def _clause(self) -> str:
        parts = [self._noun_phrase(), self.verb(), self._noun_phrase()]
        for _ in range(self.rng.randint(0, 3)):
            r = self.rng.random()
            if r < 0.25:
                parts.append(f"di {self.place()}")
            elif r < 0.6:
                parts.append(f"{self.func()} {self._noun_phrase()}")
            elif r < 0.68:
                parts.append(f"pada tahun {self.rng.randint(2019, 2025)}")
            elif r < 0.73:
                parts.append(f"sebanyak {self.rng.randint(2, 300)} {self.noun()}")
            else:
                parts.append(f"{self.func()} {self.verb()} {self._noun_phrase()}")
        return " ".join(parts)

    def _sentence(self) -> str:
        text = self._clause()
        r = self.rng.random()
        if r < 0.3:
            text += f", {self.rng.choice(['serta', 'dan', 'sehingga', 'agar', 'namun'])} "
            text += self._clause()
        elif r < 0.4:
            text += f" ({self.org()})"
        return text[0].upper() + text[1:] + "."

    def _english_phrase(self) -> str:
        return " ".join(self.english_noun() for _ in range(self.rng.randint(1, 2)))

    def _english_sentence(self) -> str:
        rng = self.rng
        subject = self.org() if rng.random() < 0.4 else f"the {self._english_phrase()}"
        parts = [subject, self.english_verb(), f"the {self._english_phrase()}"]
        for _ in range(rng.randint(0, 3)):
            r = rng.random()
            if r < 0.3:
                parts.append(f"in {self.place()}")
            elif r < 0.6:
                parts.append(f"{self.english()} {self._english_phrase()}")
            elif r < 0.75:
                parts.append(f"with {self.org()}")
            else:
                parts.append(f"and {self.english_verb()} {self._english_phrase()}")
        text = " ".join(parts)
        return text[0].upper() + text[1:] + "."

    def _title(self) -> str:
        rng = self.rng
        forms = [
            lambda: (
                f"{self.verb()} {self.noun()} {self.noun()}, {self.org()} {self.verb()} "
                f"{self._noun_phrase()} di {self.place()}"
            ),
            lambda: f"{self.noun()} {self.noun()} {self.adj()} untuk {self._noun_phrase()} {self.place()}",
            lambda: f"{self.org()} {self.verb()} {self._noun_phrase()} {self.func()} {self._noun_phrase()}",
            lambda: (
                f"Dukung {self.noun()} {self.noun()}, {self.org()} Bersama {self.org()} "
                f"{self.verb()} {self.noun()} {self.adj()}"
            ),
            lambda: f"{self.noun()} {self.noun()}: {self._noun_phrase()} {self.func()} {self._noun_phrase()}",
        ]
        text = rng.choice(forms)()
        words = [w if w.isupper() else w[:1].upper() + w[1:] for w in text.split()]
        return " ".join(words)

    def _english_title(self) -> str:
        text = f"{self.org()} {self.english_verb()} {self._english_phrase()} in {self.place()}"
        return " ".join(w[:1].upper() + w[1:] for w in text.split())

    def _quote(self) -> str:
        rng = self.rng
        body = " ".join(self._clause() for _ in range(rng.randint(1, 2)))
        body = body[0].upper() + body[1:]
        who = rng.choice(PEOPLE)
        role = rng.choice(ROLES)
        verb = rng.choice(SPEECH_VERBS)
        if rng.random() < 0.5:
            return f"\u201c{body},\u201d {verb} {who}, {role} dari {self.org()}."
        return f"\u201c{body}. \u201c {verb} peserta dari {self.place()}."

    def _caption(self) -> str:
        rng = self.rng
        what = rng.choice(["Dokumentasi pribadi", "Suasana", "Foto bersama peserta", "Peserta mengikuti"])
        return f"{what} {self.noun()} {self.noun()} bersama {self.org()} di {self.place()}"


# -- one article --------------------------------------------------------------------------------


def _date_line(rng: random.Random, when: dt.datetime, english: bool) -> str:
    if english:
        return rng.choice(
            [
                f"Published on {when.day} {MONTHS_EN[when.month - 1]} {when.year}",
                f"{MONTHS_EN[when.month - 1]} {when.day}, {when.year}",
                when.date().isoformat(),
            ]
        )
    r = rng.random()
    if r < 0.4:
        return f"Diperbarui: {when.day} {MONTHS_ID[when.month - 1]} {when.year}   {when:%H:%M}"
    if r < 0.75:
        day = DAYS_ID[when.weekday()]
        return f"{day}, {when.day:02d} {MONTHS_ID_SHORT[when.month - 1]} {when.year} {when:%H:%M} WIB"
    if r < 0.9:
        return when.isoformat(timespec="seconds")
    return f"{when.day} {MONTHS_ID[when.month - 1]} {when.year}"


def _tail(rng: random.Random, pools: Pools, style: str, site: str, year: int) -> str:
    if style == "kompasiana":
        return KOMPASIANA_TAIL
    fill = {
        "related1": rng.choice(pools.titles),
        "related2": rng.choice(pools.titles),
        "year": year,
        "site": site,
        "editor": rng.choice(PEOPLE),
        "tag1": pools.noun(),
        "tag2": pools.noun(),
        "tag3": pools.place(),
    }
    if style == "english":
        fill["related1"] = rng.choice(pools.english_titles)
        fill["related2"] = rng.choice(pools.english_titles)
        return ENGLISH_TAIL.format(**fill)
    return NEWS_TAIL.format(**fill)


class Generated:
    """The parts of one article, before they are laid out as txt, md, html or a JSON record."""

    __slots__ = (
        "title",
        "when",
        "date_line",
        "site",
        "domain",
        "style",
        "paragraphs",
        "tail",
        "url",
        "english",
        "has_title",
        "header",
    )

    def __init__(self) -> None:
        self.title = ""
        self.when = dt.datetime(2020, 1, 1)
        self.date_line = ""
        self.site = ""
        self.domain = ""
        self.style = ""
        self.paragraphs: list[str] = []
        self.tail = ""
        self.url = ""
        self.english = False
        self.has_title = True
        self.header: list[str] = []


_SOURCE_WEIGHTS = list(itertools.accumulate(s[2] for s in SOURCES))
_EPOCH = dt.datetime(2019, 1, 1)
_SPAN_MINUTES = 7 * 365 * 24 * 60


def make_article(rng: random.Random, pools: Pools, index: int) -> Generated:
    art = Generated()
    site, domain, _, style = SOURCES[bisect.bisect(_SOURCE_WEIGHTS, rng.random() * _SOURCE_WEIGHTS[-1])]
    art.site, art.domain, art.style = site, domain, style
    english = style == "english" and rng.random() < 0.3
    art.english = english
    art.when = _EPOCH + dt.timedelta(minutes=rng.randrange(_SPAN_MINUTES))
    art.title = rng.choice(pools.english_titles if english else pools.titles)
    slug = "-".join(art.title.lower().replace(",", "").replace(":", "").split()[:8])
    art.url = f"https://www.{domain}/{art.when.year}/{art.when.month:02d}/{index}/{slug}"
    art.date_line = _date_line(rng, art.when, english)
    art.has_title = rng.random() > 0.12

    target = int(math.exp(rng.gauss(math.log(MEDIAN_BYTES), 0.38)))
    target = max(MIN_BYTES, min(MAX_BYTES, target))
    with_tail = rng.random() < 0.5
    budget = target - 150 - (len(KOMPASIANA_TAIL) if with_tail else 0)
    budget = max(600, budget)
    pool = pools.english_sentences if english else pools.sentences
    mean = pools.mean_english if english else pools.mean_sentence
    sentences = rng.choices(pool, k=max(4, int(budget / (mean + 1))))

    paragraphs: list[str] = []
    i = 0
    while i < len(sentences):
        step = rng.randint(2, 5)
        paragraphs.append(" ".join(sentences[i : i + step]))
        i += step
    if not english and rng.random() < 0.35:
        place = pools.place()
        if rng.random() < 0.6:
            line = f"{place}, {art.when:%d/%m/%Y}"
            if rng.random() < 0.4:
                venue = rng.choice(["Hotel Inna Tretes", "Aula Kantor Desa", "Balai Kota"])
                line += f" ({venue} {place})"
        else:
            line = f"{place.upper()}, {site}"
        paragraphs[0] = f"{line} - {paragraphs[0]}"
    if not english and rng.random() < 0.45:
        for _ in range(rng.randint(1, 2)):
            paragraphs.insert(rng.randint(1, len(paragraphs)), rng.choice(pools.quotes))
    if rng.random() < 0.3:
        for n in range(1, rng.randint(1, 3) + 1):
            at = min(len(paragraphs), (n * len(paragraphs)) // 3)
            paragraphs.insert(at, f"Gambar {n}. {rng.choice(pools.captions)}")
    # Quotes and captions may have pushed it past the target: drop paragraphs from the end.
    size = sum(len(p) + 2 for p in paragraphs)
    while size > budget + 300 and len(paragraphs) > 2:
        size -= len(paragraphs.pop()) + 2
    art.paragraphs = paragraphs

    if style == "kompasiana":
        art.header = ["Lihat ke Halaman Asli"] if rng.random() < 0.7 else []
        art.tail = KOMPASIANA_TAIL if with_tail else ""
    else:
        art.tail = _tail(rng, pools, style, site, art.when.year) if with_tail else ""
    return art


def render_txt(rng: random.Random, art: Generated) -> str:
    lines: list[str] = []
    if art.has_title:  # else like seed 000: no title, no date, straight into the body
        lines.extend(art.header)
        lines.append(art.title)
        lines.append(art.date_line)
        if art.style == "kompasiana" and rng.random() < 0.8:
            lines.append(INSTITUTION_NOTES[0])
    lines.extend(art.paragraphs)
    if art.tail:
        lines.append(art.tail)
    # Some saves put a blank line between paragraphs (seed 002), some do not (seed 000).
    sep = "\n\n" if rng.random() < 0.6 else "\n"
    text = sep.join(lines)
    if rng.random() < 0.5:
        text += "\n"
    return text


def render_md(rng: random.Random, art: Generated) -> str:
    tags = sorted({w for w in art.title.lower().split() if len(w) > 5}.__iter__())[:4]
    front = [
        "---",
        f"title: {json.dumps(art.title, ensure_ascii=False)}",
        f"date: {art.when.date().isoformat() if rng.random() < 0.7 else art.when.isoformat()}",
        f"source: {art.site}",
        f"url: {art.url}",
        f"tags: [{', '.join(tags)}]",
        "---",
        "",
    ]
    body = []
    if rng.random() < 0.5:
        body.append(f"# {art.title}\n")
    for p in art.paragraphs:
        if p.startswith("\u201c"):
            body.append(f"> {p}\n")
        elif p.startswith("Gambar "):
            body.append(f"![{p}](img/{rng.getrandbits(32):08x}.jpg)\n")
        else:
            body.append(p + "\n")
    if art.tail:
        body.append(art.tail + "\n")
    return "\n".join(front) + "\n".join(body)


def render_html(rng: random.Random, art: Generated) -> str:
    esc = html.escape
    lang = "en" if art.english else "id"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        f"<title>{esc(art.title)} - {esc(art.site)}</title>",
        f'<meta property="og:title" content="{esc(art.title)}">',
        f'<meta property="og:site_name" content="{esc(art.site)}">',
        f'<meta property="article:published_time" content="{art.when.isoformat()}+07:00">',
        f'<link rel="canonical" href="{esc(art.url)}">',
        '<link rel="stylesheet" href="/static/css/main.css">',
        "<script>window.dataLayer = window.dataLayer || [];"
        " function gtag(){dataLayer.push(arguments);}</script>",
        "</head><body>",
        '<header class="site-header"><nav><a href="/">Beranda</a> <a href="/news">Berita</a> '
        '<a href="/opini">Opini</a> <a href="/login">Masuk</a></nav></header>',
        '<main><article class="post">',
        f"<h1>{esc(art.title)}</h1>",
        f'<time datetime="{art.when.isoformat()}">{esc(art.date_line)}</time>',
    ]
    for n, p in enumerate(art.paragraphs):
        if p.startswith("\u201c"):
            parts.append(f"<blockquote><p>{esc(p)}</p></blockquote>")
        elif p.startswith("Gambar "):
            parts.append(f'<figure><img src="/img/{n}.jpg" alt=""><figcaption>{esc(p)}</figcaption></figure>')
        else:
            parts.append(f"<p>{esc(p)}</p>")
    parts.append("</article>")
    if art.tail:
        parts.append('<aside class="related">')
        parts.extend(f"<p>{esc(line)}</p>" for line in art.tail.splitlines() if line.strip())
        parts.append("</aside>")
    parts.append(
        f"</main><footer><p>&copy; {art.when.year} {esc(art.site)}</p></footer>"
        '<script src="/static/js/app.js"></script></body></html>'
    )
    return "\n".join(parts) + "\n"


def render_record(rng: random.Random, art: Generated, index: int) -> str:
    text = "\n\n".join(art.paragraphs + ([art.tail] if art.tail else []))
    record = {
        "id": f"rec-{index:07d}",
        "title": art.title,
        "date": art.when.isoformat() if rng.random() < 0.8 else art.date_line,
        "source": art.site,
        "url": art.url,
        "text": text,
    }
    return json.dumps(record, ensure_ascii=False)


# -- the corpus ---------------------------------------------------------------------------------

DEFAULT_FORMATS = ("txt", "md", "html")
FORMAT_WEIGHTS = {"txt": 80, "md": 10, "html": 8, "jsonl": 2}


def _folder(out_dir: Path, file_number: int) -> Path:
    group = file_number // FILES_PER_FOLDER
    return out_dir / f"part-{group // 10:03d}" / f"batch-{group % 10}"


def generate(
    out_dir: Path, count: int, seed: int = 1, formats: Sequence[str] = DEFAULT_FORMATS
) -> dict[str, object]:
    """Write `count` articles under `out_dir`; return a summary (files, bytes, by format)."""
    started = time.perf_counter()
    unknown = set(formats) - set(FORMAT_WEIGHTS)
    if unknown or not formats:
        raise ValueError(f"unknown formats: {', '.join(sorted(unknown)) or '(none)'}")
    rng = random.Random(seed)
    pools = Pools(random.Random(seed * 7919 + 17))
    choices = list(formats)
    cumulative = list(itertools.accumulate(FORMAT_WEIGHTS[f] for f in choices))
    out_dir.mkdir(parents=True, exist_ok=True)
    files = 0
    total_bytes = 0
    by_format: dict[str, int] = dict.fromkeys(choices, 0)
    made_dirs: set[Path] = set()
    pending: list[str] = []  # records waiting for the next JSON Lines file
    article = 0
    while article < count:
        fmt = choices[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        art = make_article(rng, pools, article)
        name_hash = f"{rng.getrandbits(64):016x}"
        encoding = "utf-8"
        newline = "\n"
        if fmt == "jsonl":
            pending.append(render_record(rng, art, article))
            article += 1
            by_format[fmt] += 1
            if len(pending) < JSONL_RECORDS and article < count:
                continue
            data = "\n".join(pending) + "\n"
            pending = []
        elif fmt == "md":
            data = render_md(rng, art)
            by_format[fmt] += 1
            article += 1
        elif fmt == "html":
            data = render_html(rng, art)
            by_format[fmt] += 1
            article += 1
        else:
            data = render_txt(rng, art)
            by_format[fmt] += 1
            article += 1
            r = rng.random()
            if r < 0.003:
                encoding = "cp1252"  # an old Windows save; curly quotes exist in cp1252
            elif r < 0.006:
                encoding = "utf-8-sig"
            elif r < 0.03:
                newline = "\r\n"
        folder = _folder(out_dir, files)
        if folder not in made_dirs:
            folder.mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        path = folder / f"{files:07d}_{name_hash}.{fmt}"
        if newline != "\n":
            data = data.replace("\n", newline)
        raw = data.encode(encoding, errors="replace")
        with open(path, "wb") as fh:
            fh.write(raw)
        files += 1
        total_bytes += len(raw)
    return {
        "out": str(out_dir),
        "articles": count,
        "files": files,
        "bytes": total_bytes,
        "by_format": by_format,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 3),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--formats",
        default=",".join(DEFAULT_FORMATS),
        help="comma-separated: txt,md,html,jsonl (default: txt,md,html)",
    )
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    try:
        summary = generate(args.out_dir, args.count, args.seed, formats)
    except ValueError as error:
        parser.error(str(error))
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
