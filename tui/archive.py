"""Reading zip archives (Word documents, export archives) without letting one inflate past a limit.

A zip member's declared size is the archive's word, not a fact: every member is read through
`read_member`, which stops at the limit while inflating and refuses an inflation ratio no real
document has, so a 183 KB file cannot become 60 MB of XML (32 s and 1.2 GB of parsing) or
1.5 GB of properties.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator

MB = 1024 * 1024
MEMBERS = 10_000  # members an archive may list: a Word document has a few dozen
TOTAL = 1024 * MB  # what all members may declare together
RATIO = 100  # inflated size to compressed size; text and XML stay well under 30
RATIO_FROM = 1 * MB  # the ratio is checked from this many inflated bytes on: tiny members vary
PIECE = 64 * 1024  # bytes inflated at a time


class ArchiveError(ValueError):
    """An archive or member refused before it could cost its reader time or memory; the text says why."""


def check(archive: zipfile.ZipFile) -> None:
    """Refuse an archive whose listing is already hostile: too many members, or too much declared."""
    members = archive.infolist()
    if len(members) > MEMBERS:
        raise ArchiveError(f"{len(members):,} members (the limit is {MEMBERS:,})")
    declared = sum(member.file_size for member in members)
    if declared > TOTAL:
        raise ArchiveError(f"its members unpack to {declared // MB:,} MB (the limit is {TOTAL // MB:,} MB)")


def safe_name(name: str) -> str | None:
    """A member's name as a relative path inside the archive, or None when it would leave it
    ("../x", "/etc/x", "C:\\x"): for anything that extracts or names files by a member."""
    name = name.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return None
    normal = posixpath.normpath(name)
    if normal == ".." or normal.startswith("../") or "\x00" in normal:
        return None
    return normal


def member_pieces(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int) -> Iterator[bytes]:
    """A member's bytes a piece at a time, stopped with ArchiveError past `limit` bytes or RATIO."""
    info = name if isinstance(name, zipfile.ZipInfo) else archive.getinfo(name)
    if info.file_size > limit:
        raise ArchiveError(_too_big(info.filename, info.file_size, limit))
    packed = max(info.compress_size, 1)
    if info.file_size > RATIO_FROM and info.file_size > packed * RATIO:
        raise ArchiveError(_bomb(info.filename))
    inflated = 0
    with archive.open(info) as stream:
        while piece := stream.read(PIECE):
            inflated += len(piece)
            if inflated > limit:
                raise ArchiveError(_too_big(info.filename, inflated, limit))
            if inflated > RATIO_FROM and inflated > packed * RATIO:
                raise ArchiveError(_bomb(info.filename))
            yield piece


def read_member(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, read with the caps of member_pieces."""
    return b"".join(member_pieces(archive, name, limit))


def _bomb(name: str) -> str:
    return f"{name} inflates over {RATIO} times (a zip bomb, not a document)"


def _too_big(name: str, size: int, limit: int) -> str:
    return f"{name} unpacks to {size / MB:.0f} MB or more (the limit is {limit / MB:g} MB)"
