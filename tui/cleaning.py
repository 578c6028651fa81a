"""Split a saved page's lines into title, metadata, body and leftovers, losing none of it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tui.article import Block, BlockKind, as_written, kept_own, unmarked
from tui.dates import find_date, is_date_line
from tui.gazetteer import plausible_place


def _phrases(table: str) -> frozenset[str]:
    """Read a phrase table written as "a | b | c", so the tables stay easy to read and extend."""
    return frozenset(" ".join(phrase.split()) for phrase in table.split("|"))


# Whole lines that are never article text (compared lower-cased, without trailing punctuation).
LEFTOVER_LINES = _phrases(
    """
    lihat ke halaman asli | bagikan | bagikan artikel ini | share | share this | share this article
    | share on facebook | share on twitter | share via | tweet | follow us | ikuti kami | follow
    | beri nilai | beri komentar | kirim | bagaimana reaksi anda tentang artikel ini
    | comments | comment | komentar | tulis komentar | leave a reply | leave a comment
    | cancel reply | reply | balas | advertisement | advertisment | iklan
    | scroll to continue with content | scroll to continue reading | konten terkait
    | video pilihan | terpopuler | nilai tertinggi
    | feature article | terbaru | headline | headlines | related articles | related posts
    | related stories | related | most popular | most read | popular | populer | berita terkait
    | artikel terkait | baca juga | read also | read more | see also | simak juga | lihat juga
    | you may also like | you might also like | recommended | rekomendasi | rekomendasi untuk anda
    | pilihan editor | editor's pick | editors' picks | trending | topik terkait | tags | tag
    | like this | suka ini | print | cetak | email | facebook | twitter | x | whatsapp | telegram
    | linkedin | line | copy link | salin link | salin tautan | subscribe | newsletter | sign up
    | log in | login | masuk | daftar | menu | home | beranda | back to top | kembali ke atas
    | previous | next | sebelumnya | selanjutnya | privacy policy | kebijakan privasi
    | terms of use | terms of service | pedoman media siber | kontak | contact us | about us
    | tentang kami | loading | memuat | load more | muat lebih banyak | all rights reserved
    | lihat foto | see photo | view gallery | back to gallery | skip to content | skip to main content
    | scroll to resume content | advertisement scroll to continue with content
    """
)

# Lines that start like a prompt, a link list or a footer (only when short, so prose survives);
# also an embed placeholder a scraper left ("[Gambas:Video 20detik]", "[Instagram: …]"), a newsroom
# editor's initials on their own line ("(aln)", "(dvs/jat)") and a "watch the video" prompt.
_LEFTOVER_START = re.compile(
    r"(?:follow (?:us|kami|instagram|twitter|tiktok|@)|ikuti (?:kami|instagram|akun)"
    r"|baca juga\b|read also\b|read more\s*:|simak juga\b|lihat juga\s*:|see also\s*:"
    r"|baca (?:berita|artikel) (?:lainnya|lain)|©|\(c\)\s*\d{4}|copyright\b|hak cipta\b"
    r"|kompasiana adalah platform blog|dapatkan (?:update|berita)|download aplikasi"
    r"|unduh aplikasi|klik di ?sini|gabung (?:di|ke) (?:whatsapp|telegram)"
    r"|join (?:our|us on)|sign up for|subscribe to|berlangganan|related\s*:|tags?\s*:"
    r"|topik\s*:|share (?:this|on)\b|bagikan (?:ke|di|artikel)|advertisement\b"
    r"|scroll to continue|artikel ini telah tayang di|this article (?:was|first) (?:originally )?"
    r"(?:appeared|published)"
    r"|\[[\w .-]{2,30}:[^\]]{0,80}\]$|\([a-z]{2,4}(?:/[a-z]{2,4}){0,3}\)$"
    r"|(?:simak|tonton|saksikan|lihat|watch)\b[^.!?]{0,20}\bvideo\b|a post shared by\b"
    # a next-page prompt: "Halaman 1 2 Selanjutnya", "Lanjut ke halaman berikutnya", "Page 2 of 3"
    r"|halaman\s*(?:\d+\s*)+(?:selanjutnya|berikutnya)?$|(?:baca |lihat )?halaman (?:selanjutnya|berikutnya)$"
    r"|lanjut(?:kan)? (?:ke halaman|membaca)\b|continue reading\b|next page\b"
    r"|(?:halaman|page) \d+ (?:dari|of) \d+$)",
    re.IGNORECASE,
)
_LEFTOVER_ANYWHERE = re.compile(
    r"whatsapp channel.*\bdi sini\b|whatsapp channel\s*:?\s*https?://"
    r"|(?:install|pasang|unduh) aplikasi whatsapp"
    r"|all rights reserved|hak cipta dilindungi"
    r"|tidak mewakili pandangan redaksi|scroll to continue with content",
    re.IGNORECASE,
)
# Markers after which, near the end of a page, nothing is article text any more.
_FOOTER_MARKERS = _phrases(
    """beri nilai|bagaimana reaksi anda tentang artikel ini|beri komentar
    |konten terkait|related articles|related posts|related stories|leave a reply|leave a comment
    |comments|komentar|tulis komentar|you may also like|you might also like|most popular
    |most read|berita terkait|artikel terkait|video pilihan|terpopuler"""
)
# Headings that only ever open what follows an article (the next read, readers' comments), in the
# languages of the pages saved: after one, past the article's first paragraphs, nothing is its text
# however long the rest is (a sidebar of teasers can outweigh the article twice).
_LAST_MARKERS = _phrases(
    """read this next|read next|up next|more stories|more from this author|recommended for you
    |comentar|comentarios|deja un comentario|deja tu comentario|noticias relacionadas
    |también te puede interesar|te puede interesar|lo más leído|más leídas|más noticias
    |berita lainnya|artikel lainnya|baca berikutnya|berita selanjutnya"""
)
_LAST_MARKER_AFTER = 600  # characters of article text kept before such a heading, so a teaser is never cut
# Widget words a scraper glued into a paragraph, in capitals as the page showed them.
_INLINE_LEFTOVER = re.compile(
    r"\s*\b(?:ADVERTISEMENT\s+)?SCROLL TO (?:CONTINUE|RESUME) (?:WITH |READING )?CONTENT\b\s*"
    r"|\s*\bADVERTISEMENT\b\s*|\s*\[Gambas:[^\]]{0,80}\]\s*"
)
_GLUED_TAIL = re.compile(r"\s*(Lihat ke Halaman Asli)\s*$", re.IGNORECASE)
_TRAILING_PUNCT = " \t.:!?»›>|-–—…*#"
_SENTENCE_END = re.compile(r"[.!?…:;。！？]['\"”’)」』]*$")

_METADATA_LABEL = re.compile(
    r"(?i)^(?:diperbarui|diterbitkan|dipublikasikan|dipublish|published|posted|updated|last updated"
    r"|tanggal|date|tayang|terbit)\b(?:\s+on\b)?\s*[:,-]?\s*"
)
_BYLINE = re.compile(
    r"(?i)^(?:by|oleh|penulis|reporter|pewarta|editor|penyunting|author|ditulis oleh|written by"
    r"|kontributor)\s*:?\s+\S"
)
_CAPTION = re.compile(
    r"(?i)^(?:(?:gambar|foto|image|photo|picture|ilustrasi|illustration|fig\.?|figure|grafik"
    r"|sumber (?:foto|gambar)|dok\.|dokumentasi|credit|kredit foto)\s*\d*\s*[.:)\-–—]"
    r"|\((?:dok|foto|photo|ist|istimewa|sumber)\b|(?:foto|photo|image)\s*/)"
)
# How the lines each case-blind pattern above matches open: their first two characters lower-cased,
# or one for "any second". A line opening otherwise is told apart without the pattern, whose dozens
# of case-blind alternatives cost ~0.5 us on every line (~7 us a text file in all). An alternative
# added to one of these patterns needs its opening here, and a line in tests/unit/test_cleaning_openings.py.
_LEFTOVER_OPENINGS = frozenset(
    ("fo", "ik", "ba", "re", "si", "li", "se", "co", "ha", "ko", "da", "do", "un", "kl", "ga", "jo", "su")
    + ("be", "ta", "to", "sh", "ad", "sc", "ar", "th", "sa", "wa", "a ", "(", "[", "la", "ne", "pa")
)
_LABEL_OPENINGS = frozenset(("di", "pu", "po", "up", "la", "ta", "da", "te"))
_BYLINE_OPENINGS = frozenset(("by", "ol", "pe", "re", "ed", "au", "di", "wr", "ko"))
_CAPTION_OPENINGS = frozenset(("ga", "fo", "im", "ph", "pi", "il", "fi", "gr", "su", "do", "cr", "kr", "("))
# The same as one bit a pattern, by a line's first two characters when both are printable ASCII: a
# dict lookup in line, not a call a check (~3 us a text file). A line opening otherwise (beyond
# ASCII, which case-blind matching may fold to an ASCII letter, as the Kelvin sign to "k"; a
# control character; a one-character line) has every bit: the pattern decides.
LEFTOVER, LABEL, BYLINE, CAPTION = 1, 2, 4, 8
_EVERY = LEFTOVER | LABEL | BYLINE | CAPTION
_PRINTABLE = [chr(code) for code in range(32, 127)]
_OPENS = dict.fromkeys([first + second for first in _PRINTABLE for second in _PRINTABLE], 0)
for _bit, _openings in (
    (LEFTOVER, _LEFTOVER_OPENINGS),
    (LABEL, _LABEL_OPENINGS),
    (BYLINE, _BYLINE_OPENINGS),
    (CAPTION, _CAPTION_OPENINGS),
):
    for _opening in _openings:  # every way of writing it: cased, or any second character
        for _pair in (
            [_opening[0] + second for second in _PRINTABLE]
            if len(_opening) == 1
            else [
                first + second
                for first in {_opening[0], _opening[0].upper()}
                for second in {_opening[1], _opening[1].upper()}
            ]
        ):
            _OPENS[_pair] |= _bit


def _may_open(line: str, bit: int) -> bool:
    """Whether a line may match the pattern of `bit`, as its opening tells (_OPENS)."""
    return bool(_OPENS.get(line[:2], _EVERY) & bit)


_QUOTE_OPEN = '“"„«‘'
_SAID = re.compile(
    r"[,.!?]?\s*[”\"“’»]\s*,?\s*(?:ujar|kata|ungkap|ucap|tutur|jelas|terang|tegas|imbuh|lanjut"
    r"|pungkas|papar|sebut|tambah|katanya|ujarnya|ungkapnya|said|says|added|explained|wrote"
    r"|noted|told|according)\b",
    re.IGNORECASE,
)
_QUOTE_CLOSE_END = re.compile(r"[”\"»’]\s*$")
_SPACE_CHARS = "[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]"
# Only runs and odd spaces match, so ordinary single spaces cost nothing.
_SPACES = re.compile(rf"{_SPACE_CHARS}{{2,}}|[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# The whitespace str.split() parts words at that tidy() leaves alone: tidy turns runs of spaces, tabs
# and the odd spaces into one space, and a text file's lines hold no "\n".
_SPLITTING_SPACES = (
    "\r",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x1f",
    "\x85",
    "\u1680",
    "\u2028",
    "\u2029",
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[”\"’]?\s+(?=[A-Z0-9“\"(])")

# Where a dateline or a footer names the site; each with words one of which any line it matches holds
# (lower-cased), so an ASCII line is tried only against the patterns whose words it has.
_KNOWN_SOURCES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), name, words)
    for pattern, name, words in (
        (r"kompasiana|lihat ke halaman asli", "Kompasiana", ("kompasiana", "halaman asli")),
        (r"kompas\.(?:com|id)", "Kompas.com", ("kompas.",)),
        (r"^antara$|antaranews", "ANTARA", ("antara",)),
        (r"detik(?:com|\.com|news)", "detikcom", ("detik",)),
        (r"tempo\.co\b", "Tempo", ("tempo.co",)),
        (r"cnn ?indonesia", "CNN Indonesia", ("cnn",)),
        (r"tribunnews", "Tribunnews", ("tribunnews",)),
        (r"liputan6", "Liputan6.com", ("liputan6",)),
        (r"republika", "Republika", ("republika",)),
        (r"jawapos|jawa pos", "Jawa Pos", ("jawa",)),
        (r"okezone", "Okezone", ("okezone",)),
        (r"suara\.com", "Suara.com", ("suara.com",)),
        (r"idn ?times", "IDN Times", ("idn",)),
        (r"jakarta post", "The Jakarta Post", ("jakarta post",)),
        (r"jakarta globe", "Jakarta Globe", ("jakarta globe",)),
        (r"\bbbc\b", "BBC", ("bbc",)),
        (r"^reuters$|reuters\.com", "Reuters", ("reuters",)),
        (r"medium\.com", "Medium", ("medium.com",)),
    )
)
_ANY_KNOWN_SOURCE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, *_ in _KNOWN_SOURCES), re.I)
# The words of them all, for a lower-cased ASCII line: one scan of a short literal pattern instead of
# the case-blind one above (40 us on a 200-character line).
_ANY_SOURCE_WORD = re.compile("|".join(re.escape(word) for *_, words in _KNOWN_SOURCES for word in words))
_COPYRIGHT_OWNER = re.compile(
    r"(?i)^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?:(?:pt|cv)\.?\s+)?(?P<owner>[^.|,]{2,40}?)\s*(?:[.|,]|all rights|hak cipta|$)"
)
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][\w'’.]*(?: [A-Z][\w'’.]*){0,3})"
    r"(?:\s*,\s*(?P<site>[A-Za-z][\w-]*\.(?:com|co\.id|co|id|net|org))"
    r"|\s*\((?P<agency>[A-Z][\w .]{1,24})\)"
    r"|\s*,\s*(?P<date>[^-–—]{6,80}?))"
    r"\s*[-–—]+\s+\S"
)
# An outlet's own dateline, the outlet first: "Liputan6.com, Jember -", "TEMPO.CO, Jakarta -",
# "KOMPAS.com -" (a domain-like name, an optional place, a dash; the text may follow with no space,
# and a copy that lost its spaces glues a one-word place to it: "Liputan6.com, JakartaPada ...").
_OUTLET_DATELINE = re.compile(
    r"^(?P<site>[A-Za-z][A-Za-z0-9-]*\.(?i:co\.id|com|co|id|net|org))(?![\w.])"
    r"(?:\s*,\s*(?:(?P<place>[A-Z][\w'’.]*?(?: [A-Z][\w'’.]*?){0,3})\s*[-–—]+\s*(?=\S)"
    r"|(?P<glued>[A-Z][a-z]+)(?=[A-Z][a-z]))"
    r"|\s*[-–—]+\s*(?=\S))"
)
# A place alone in capitals, as Okezone and Tempo open: "JAKARTA - ", "SEOUL- Ju", "JAKARTA-Segini".
_CAPITAL_DATELINE = re.compile(r"^(?P<place>[A-Z]{3,}(?: [A-Z]{3,}){0,2})\s*[-–—]+\s*(?=[A-Z\"“])")
# A domain-like outlet name, written one way whatever its capitals ("BERITAJATIM.COM" = "beritajatim.com").
_OUTLET_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z]{2,3}){1,2}")


@dataclass
class Unit:
    """One line or block on its way through cleaning; `para` groups lines into paragraphs."""

    kind: str  # "" = decide from the text; else a BlockKind
    text: str
    para: int
    links: tuple[tuple[str, str], ...] = ()  # (the linked words, the URL) in the order of the text


@dataclass
class Cleaned:
    """What cleaning found in a body, for the loader to merge with any metadata the format had."""

    title: str | None = None
    title_derived: bool = False
    date: dt.datetime | None = None
    source: str | None = None
    place: str | None = None
    blocks: tuple[Block, ...] = ()
    removed: list[str] = field(default_factory=list)
    words: int = -1  # the blocks' words when cleaning could count them cheaply, else -1
    links: tuple[str, ...] = ()  # the kept blocks' links, numbered from 1 by their "[N]" markers


def tidy(text: str) -> str:
    """Collapse runs of spaces and drop invisible characters, which saved pages are full of."""
    if text.isascii():  # the common case, checked without a regex
        return _SPACES.sub(" ", text).strip() if "  " in text or "\t" in text else text.strip()
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def _key(line: str) -> str:
    return line.lower().strip(_TRAILING_PUNCT).strip()


def dated_label(line: str) -> dt.datetime | None:
    """The date of a labelled line such as "Diperbarui 18 Jun 2025, 14:05 WIB" or "Published: …"."""
    label = _METADATA_LABEL.match(line) if _OPENS.get(line[:2], _EVERY) & LABEL else None
    if label and label.end() < len(line) and len(line) <= 120 and (found := find_date(line[label.end() :])):
        return found[0]
    return None


def is_leftover(line: str) -> bool:
    """Tell a share prompt, widget label, link list or footer line from article text."""
    return _leftover(line, _key(line))


def _leftover(line: str, key: str) -> bool:
    """is_leftover, given the line's _key (the body's loop has it already)."""
    if key in LEFTOVER_LINES or not key:
        return True
    if len(line) <= 300 and _OPENS.get(line[:2], _EVERY) & LEFTOVER and _LEFTOVER_START.match(line):
        return True
    # Each phrase of _LEFTOVER_ANYWHERE holds one of these words: they are looked for first, plain
    # substring scans in C, written out (through a generator they cost twice as much, ~5 us a text
    # file); the regex confirms.
    return (
        len(line) <= 320
        and (
            "whatsapp" in key
            or "rights reserved" in key
            or "hak cipta" in key
            or "mewakili" in key
            or "scroll to" in key
        )
        and bool(_LEFTOVER_ANYWHERE.search(line))
    )


def _menu_like(line: str) -> bool:
    """A short line with no sentence in it, as menus and widget labels are."""
    # The length first: a paragraph is not split into words to be told it is no menu (~2 us a file).
    return len(line) <= 40 and len(line.split()) <= 4 and not _SENTENCE_END.search(line)


_SITE_NAME = re.compile(r"(?i)^[\w-]+(?:\.[\w-]+)*\.(?:com|co\.id|or\.id|go\.id|id|co|net|org|news|tv)$")


def _channel_line(units: list[Unit], index: int) -> bool:
    """A site or channel name under the title: a domain, a known site, or a short name over a date."""
    text = units[index].text
    if not _menu_like(text) or len(text) > 30 or units[index].kind not in ("", "heading"):
        return False
    if _SITE_NAME.match(text) or source_from([text]) is not None and len(text.split()) <= 3:
        return True
    following = units[index + 1].text if index + 1 < len(units) else ""
    return bool(is_date_line(following) or dated_label(following))


def _prose(units: list[Unit]) -> bool:
    """Whether most of what follows is paragraphs of sentences (article text), not link titles."""
    total = sum(len(unit.text) for unit in units)
    prose = sum(
        len(unit.text) for unit in units if len(unit.text.split()) >= 20 and _SENTENCE_END.search(unit.text)
    )
    return prose * 2 > total


def headline_like(line: str) -> bool:
    """Whether a first line reads like a headline rather than a sentence of the body."""
    if not 2 <= len(line) <= 200 or len(line.split()) > 30:
        return False
    if line[0].islower() or line.rstrip()[-1] in ".,;:…" or line.endswith("..."):
        return False
    return not (_OPENS.get(line[:2], _EVERY) & CAPTION and _CAPTION.match(line))


def title_over_paragraph(lines: list[str]) -> bool:
    """Whether a first line is a headline on top of a paragraph rather than its first wrapped line."""
    if len(lines) < 2 or not lines[1].strip() or not headline_like(first := lines[0].strip()):
        return False
    words = [word for word in first.split() if word[0].isalpha()]
    capitalised = sum(word[0].isupper() for word in words)
    return capitalised * 4 >= len(words) * 3 or len(first) * 5 < len(lines[1].strip()) * 3


def derive_title(text: str, limit: int = 96) -> str:
    """Make a title from the first sentence when the page gives none, short enough for a list."""
    sentence = _SENTENCE_SPLIT.split(text, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence.rstrip(" .")
    cut = sentence[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—(") + "…"


def classify(text: str) -> BlockKind:
    """Set captions and whole quotations apart from ordinary paragraphs."""
    if len(text) <= 400 and _OPENS.get(text[:2], _EVERY) & CAPTION and _CAPTION.match(text):
        return "caption"
    if text[0] in _QUOTE_OPEN and (_QUOTE_CLOSE_END.search(text) or _SAID.search(text)):
        return "quote"
    return "paragraph"


def source_from(lines: list[str]) -> str | None:
    """Name the site from leftover lines (footers, prompts), using a table of known phrases."""
    for line in lines:
        if (name := _known_source(line)) is not None:
            return name
    for line in lines:
        if (owner := _copyright_owner(line)) is not None:
            return owner
    return None


# The lines source_from reads are mostly a site's footers and prompts, the same in every page saved
# from it: each line's answer is kept (60 % hits at 100k; ~2 us a text file of the patterns' scans).
@lru_cache(maxsize=4096)
def _known_source(line: str) -> str | None:
    """The site of the first phrase of _KNOWN_SOURCES a line holds, in the table's order."""
    if line.isascii():
        low = line.lower()
        if _ANY_SOURCE_WORD.search(low) is None:
            return None
        for pattern, name, words in _KNOWN_SOURCES:
            if any(word in low for word in words) and pattern.search(line):
                return name
        return None
    if _ANY_KNOWN_SOURCE.search(line) is None:  # one scan per line; the table's order decides below
        return None
    for pattern, name, _words in _KNOWN_SOURCES:
        if pattern.search(line):
            return name
    return None


def outlet_name(name: str) -> str:
    """One name for one outlet however a page writes it: the table's name for a site it knows
    ("KOMPAS.com" -> "Kompas.com"), else a domain in lower case, as a web address gives it."""
    name = name.strip()
    if len(name.split()) <= 3 and (known := _known_source(name)) is not None:
        return known
    return name.lower() if _OUTLET_NAME.fullmatch(name) else name


@lru_cache(maxsize=4096)
def _copyright_owner(line: str) -> str | None:
    """Who a copyright line names ("© 2024 PT Kompas Media"), unless it starts with a digit."""
    match = _COPYRIGHT_OWNER.match(line)
    if match and not match.group("owner")[0].isdigit():
        return match.group("owner").strip()
    return None


def _dateline(
    text: str,
) -> tuple[str | None, str | None, dt.datetime | None]:
    """Read place, source and date from a dateline such as "Jakarta (ANTARA) - ..."."""
    if (outlet := _OUTLET_DATELINE.match(text)) is not None:
        place = outlet.group("place") or outlet.group("glued")
        place = place.title() if place and place.isupper() else place
        # "TEMPO.CO, Info Bisnis -" names a section, not a place: a place is known or looks like one.
        return (place if place and plausible_place(place) else None), outlet_name(outlet.group("site")), None
    if (capital := _CAPITAL_DATELINE.match(text)) is not None:
        place = capital.group("place").title()
        return (place if plausible_place(place) else None), None, None
    match = _DATELINE.match(text)
    if match is None:
        return None, None, None
    place = match.group("place")
    if len(place) < 3:
        return None, None, None
    place = place.title() if place.isupper() else place
    if not plausible_place(place):
        return None, None, None
    if match.group("date"):
        found = find_date(match.group("date"))
        if found is None:
            return None, None, None
        return place, None, found[0]
    site = match.group("site") or match.group("agency") or ""
    return place, source_from([site]) or site.strip(), None


def clean(units: list[Unit], title: str | None = None, raw: str | None = None) -> Cleaned:
    """Run the leftover rules over a body, head and tail first, and build the blocks.

    `raw` is the text the units came from, when there is one: some checks then scan it once.
    """
    out = Cleaned(title=title)
    removed = out.removed
    labelled: dt.datetime | None = None  # from a "Diperbarui: ..." line, the most trusted
    loose: dt.datetime | None = None  # from a line holding only a date
    for unit in units:
        unit.text = tidy(unit.text)
    units = [unit for unit in units if unit.text]

    # The head: leftovers, metadata and the title come before the first paragraph of text.
    channel: str | None = None  # a site or channel line under the title ("detikNews", "kompas.com")
    body: list[Unit] = []
    in_head = True
    for index, unit in enumerate(units):
        if not in_head or index >= 15:
            body.append(unit)
            continue
        text = unit.text
        opens = _OPENS.get(text[:2], _EVERY)
        label = _METADATA_LABEL.match(text) if opens & LABEL else None
        alone = index + 1 < len(units) and units[index + 1].para != unit.para
        if is_leftover(text):
            removed.append(text)
        elif label and (found_label := dated_label(text)):
            removed.append(text)
            labelled = labelled or found_label
        elif (when := is_date_line(text)) is not None:
            removed.append(text)
            loose = loose or when
        elif opens & BYLINE and _BYLINE.match(text) and len(text.split()) <= 8:
            removed.append(text)
        elif opens & CAPTION and _CAPTION.match(text):
            body.append(unit)
        elif (
            out.title is None
            and not body
            and alone
            and (unit.kind == "heading" or (unit.kind == "" and headline_like(text)))
        ):
            out.title = text
        elif not body and title is not None and _key(text) == _key(title):
            removed.append(text)  # the title again, as pages repeat it
        elif out.title is not None and not body and channel is None and _channel_line(units, index):
            removed.append(text)
            channel = source_from([text]) or text
        else:
            body.append(unit)
            in_head = False

    # The body: known leftovers anywhere; after a strong footer marker near the end, everything.
    kept: list[Unit] = []
    total = sum(len(unit.text) for unit in body)
    whole = raw if raw is not None else "\n".join(unit.text for unit in body)
    glued = "SCROLL TO" in whole or "ADVERTISEMENT" in whole or "[Gambas:" in whole  # one scan, not per line
    seen = 0
    for position, unit in enumerate(body):
        text = unit.text
        key = _key(text)
        if kept and key in _FOOTER_MARKERS and total - seen <= seen and not _prose(body[position + 1 :]):
            removed.extend(rest.text for rest in body[position:])
            break
        if key in _LAST_MARKERS and seen >= _LAST_MARKER_AFTER and len(text) <= 40:
            removed.extend(rest.text for rest in body[position:])
            break
        seen += len(text)
        if (
            glued
            and ("SCROLL TO" in text or "ADVERTISEMENT" in text or "[Gambas:" in text)
            and (cut := _INLINE_LEFTOVER.sub(" ", text).strip()) != text
        ):
            removed.extend(found.strip() for found in _INLINE_LEFTOVER.findall(text))
            unit.text = text = cut
            if not text:
                continue
            key = _key(text)
        if _leftover(text, key):
            removed.append(text)
            continue
        # The key holds the words whenever the line's end does: a scan of it spares most lines a copy.
        at_end = "halaman asli" in key and "halaman asli" in text[-25:].lower()
        tail = _GLUED_TAIL.search(text, len(text) - 30) if at_end else None
        if tail and tail.start() > 0:
            removed.append(tail.group(1))
            unit.text = text[: tail.start()]
        kept.append(unit)

    # A trailing run of menu-like lines is a page's navigation, not the article's last words.
    trailing: list[str] = []
    while len(kept) > 1 and kept[-1].kind != "list" and _menu_like(kept[-1].text):
        if _may_open(kept[-1].text, CAPTION) and _CAPTION.match(kept[-1].text):
            break
        trailing.append(kept.pop().text)
    removed.extend(reversed(trailing))

    out.blocks, out.links = _blocks(kept)
    first = next((block for block in out.blocks if block.kind == "paragraph"), None)
    if out.title is None and out.blocks:
        out.title = derive_title(unmarked((first or out.blocks[0]).text, out.links))
        out.title_derived = True
    if first is not None:
        place, site, when = _dateline(first.text)
        out.place, out.source = place, site
        loose = loose or when
    out.date = labelled or loose
    source = channel or source_from(removed) or out.source
    out.source = outlet_name(source) if source else None
    # The blocks of a text's lines have single spaces only, unless the raw text holds some other
    # whitespace or a glued widget word was cut out: their words are then their spaces plus one,
    # counted without splitting (18 -> 6 us a text file; the split made a string of every word).
    if raw is not None and not glued and not any(space in raw for space in _SPLITTING_SPACES):
        out.words = sum([block.text.count(" ") for block in out.blocks]) + len(out.blocks)
    return out


def _blocks(units: list[Unit]) -> tuple[tuple[Block, ...], tuple[str, ...]]:
    """Join the lines of each paragraph and decide each block's kind; number the links of the
    blocks kept (only theirs: a dropped menu's or sidebar's links do not come back)."""
    blocks: list[Block] = []
    numbers: dict[str, int] = {}
    linking = any([unit.links for unit in units])
    # A text with links that already has its own "[2]" (a wiki's citations, code) keeps them as
    # "[\u20602]" (article.kept_own), which no reader of link markers takes for one.
    own = linking and any(["[" in unit.text and _BRACKETED_NUMBER.search(unit.text) for unit in units])
    count = len(units)
    start = 0
    while start < count:
        first = units[start]
        end = start + 1
        while end < count and units[end].para == first.para:
            end += 1
        # Most paragraphs are one line: its text as it is, no join.
        text = first.text if end == start + 1 else " ".join([unit.text for unit in units[start:end]])
        kind = first.kind or classify(text)
        if own:
            text = kept_own(text)
        if linking and (first.links or end > start + 1):
            anchors = [link for unit in units[start:end] for link in unit.links]
            if own:
                anchors = [(kept_own(words), url) for words, url in anchors]
            text = numbered(text, anchors, numbers) if anchors else text
        blocks.append(Block(kind, text))  # type: ignore[arg-type]
        start = end
    if own and not numbers:  # no link's words were found: its own "[2]" need no keeping
        blocks = [Block(block.kind, as_written(block.text)) for block in blocks]
    return tuple(blocks), tuple(numbers)


_BRACKETED_NUMBER = re.compile(r"\[\d+\]")


def numbered(text: str, links: list[tuple[str, str]], numbers: dict[str, int]) -> str:
    """The text with "[N]" after each link's words (found in order), N its URL's number in
    `numbers` (a new URL takes the next one); a link whose words are not there is left out."""
    parts: list[str] = []
    cursor = 0
    for words, url in links:
        words = " ".join(words.split())
        at = text.find(words, cursor) if words else -1
        if at < 0:
            continue
        end = at + len(words)
        number = numbers.setdefault(url, len(numbers) + 1)
        parts += (text[cursor:end], f"[{number}]")
        cursor = end
    return "".join(parts) + text[cursor:] if parts else text
