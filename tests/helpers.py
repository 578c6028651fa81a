"""Build small collections of articles on disk for tests, and run kliping as a user does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    from tui.watcher import Watcher

ROOT = Path(__file__).resolve().parents[1]

KOMPASIANA_TAIL = """
Follow Instagram @kompasianacom juga Tiktok @kompasiana biar nggak ketinggalan event seru
Baca juga cerita inspiratif langsung dari smartphone kamu di WhatsApp Channel Kompasiana di SINI

BERI NILAI

Bagaimana reaksi Anda tentang artikel ini?

BERI KOMENTAR

Kirim

Konten Terkait

Terpopuler

Headline
"""


def write_article(
    folder: Path,
    name: str,
    title: str,
    date: str,
    body: list[str],
    *,
    tail: str = "",
) -> Path:
    """A plain-text clipping: headline, date line, paragraphs, and optional web leftovers."""
    text = f"{title}\n\nDiperbarui: {date}\n\n" + "\n\n".join(body) + "\n" + tail
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def small_collection(folder: Path) -> Path:
    """Three articles with distinct titles, dates and words, one with a Kompasiana tail."""
    write_article(
        folder,
        "a.txt",
        "Pelatihan Kader Desa di Makassar",
        "2 Maret 2021 09:00",
        [
            "Makassar, 01/03/2021 - Sebanyak 40 kader desa mengikuti pelatihan advokasi "
            "anggaran yang inklusif bagi penyandang disabilitas.",
            "Pelatihan ini diselenggarakan oleh jaringan organisasi masyarakat sipil.",
        ],
    )
    write_article(
        folder,
        "b.txt",
        "Forum Pertemuan Mitra Program INKLUSI",
        "13 Oktober 2022 18:10",
        [
            "Pasuruan, 29/08/2022 - Para mitra bertemu untuk memperkuat kapasitas organisasi.",
            "Gambar 1. Dokumentasi pribadi pertemuan rutin",
            "Pertemuan ini membahas penguatan jejaring dan strategi advokasi tematik.",
        ],
        tail=KOMPASIANA_TAIL,
    )
    write_article(
        folder,
        "c.txt",
        "Koperasi Perempuan Tumbuh di Sumenep",
        "5 Januari 2024 10:30",
        [
            "Koperasi yang dikelola perempuan di Sumenep kini memiliki 300 anggota aktif.",
            "Mereka menjual hasil laut olahan ke pasar kabupaten setiap pekan.",
        ],
    )
    return folder


def one_news_article(folder: Path) -> Path:
    """A new folder holding one short plain-text article."""
    folder.mkdir()
    (folder / "a.txt").write_text("Judul berita\n\nIsi berita yang cukup panjang untuk dibaca di sini.\n")
    return folder


def many_articles(folder: Path, count: int) -> Path:
    """Count small articles, numbered, with dates spread over years (for list tests)."""
    for number in range(count):
        year = 2000 + number % 25
        month = 1 + number % 12
        write_article(
            folder,
            f"bulk/{number // 500:03d}/{number:05d}.txt",
            f"Artikel nomor {number} tentang desa {number % 7}",
            f"{1 + number % 28} {['Januari', 'Maret', 'Mei', 'Juli'][number % 4]} {year} 10:00",
            [f"Isi artikel {number} membahas kegiatan bulan {month} di desa {number % 7}."],
        )
    return folder


class StopAfter:
    """A search's `stop`: says no to its first `no` questions, yes from then on, and counts them."""

    def __init__(self, no: int) -> None:
        self.no = no
        self.asked = 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked > self.no


def fake_browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A browser that opens nothing: the URLs it was asked to open, in order."""
    opened: list[str] = []

    class Browser:
        def open(self, url: str) -> bool:
            opened.append(url)
            return True

    monkeypatch.setattr("webbrowser.get", lambda: Browser())
    return opened


def run_kliping(
    args: list[str], cwd: Path | None = None, *, input: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python -m tui ARGS` from this checkout, its output captured; `env` adds to the environment."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        input=input,
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env),
        timeout=60,
    )


def reader_lines(pane: ScrollView) -> list[str]:
    """Every line of the reading pane as it is drawn when scrolled to it (its line API), so far as
    the pane is laid out (an article still being wrapped: its first part)."""
    top = pane.scroll_offset.y
    return [pane.render_line(y - top).text.rstrip() for y in range(pane.virtual_size.height)]


def lines_in_view(pane: ScrollView) -> list[str]:
    """The lines the reading pane shows now."""
    return [pane.render_line(y).text.rstrip() for y in range(pane.scrollable_content_region.height)]


def matches_shown(pane: ScrollView) -> tuple[int, int]:
    """The reader's "match 2/5" under its border as (2, 5); (0, 0) when it shows none."""
    found = re.search(r"(\d+)/(\d+)", str(pane.border_subtitle))
    return (int(found[1]), int(found[2])) if found else (0, 0)


def watches_in_place(monkeypatch: pytest.MonkeyPatch) -> Callable[[Watcher], bool]:
    """Whether a folder watcher's current watch is in place: watchfiles has given its first answer
    (a change, or none after tui.watcher.LOOK_UP_MS). A change made on disk before then is never
    seen, so a test changes the folders only after it."""
    import watchfiles

    answered: list[threading.Event] = []  # the stop events of the watches that have answered
    real = watchfiles.watch

    def watch(*paths: Any, stop_event: threading.Event, **options: Any) -> Iterator[Any]:
        for number, found in enumerate(real(*paths, stop_event=stop_event, **options)):
            if number == 0:
                answered.append(stop_event)
            yield found

    monkeypatch.setattr(watchfiles, "watch", watch)
    return lambda watcher: any(stop is watcher._stop for stop in answered)
