"""A saved web page: its article text through trafilatura, with our own path and the visible text behind it.

Pure parsing, no UI. The chain for the body is: trafilatura (the field's best extractor on real
pages) -> our selectolax path (`formats.html`) when trafilatura finds nothing -> every visible line of
the page, so a page with text never comes out empty. A page that is one plain article
(`plain_article`) skips trafilatura: our path reads it the same for a third of the cost. Metadata
comes from JSON-LD, meta tags and the page itself, with trafilatura's (htmldate's) date as a late
fallback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from html import unescape
from typing import Any

from tui.cleaning import Unit, source_from, tidy
from tui.dates import find_date, parse_date
from tui.formats import meta_index

# trafilatura and htmldate log every odd page at ERROR; a page we cannot read becomes a Problem instead.
for _logger in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_logger).setLevel(logging.CRITICAL)

# Below this many characters, trafilatura's answer is compared with our own path and the longer one is kept.
SHORT = 200

_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " • ", ": ", " » ")
_HOST = re.compile(r"(?i)^[a-z][a-z0-9+.-]*://(?:www\d?\.|m\.)?([^/:?#\s]+)")


# ---------------------------------------------------------------- metadata


def _json_ld(page: Any) -> list[dict[str, Any]]:
    """Every JSON-LD object of the page, flattened out of lists and @graph."""
    found: list[dict[str, Any]] = []
    for node in page.css('script[type="application/ld+json"]'):
        raw = node.text(deep=True, separator="") or ""
        try:
            data = json.loads(raw.strip().rstrip(";"))
        except ValueError:
            continue
        stack: list[Any] = [data]
        while stack and len(found) < 50:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                found.append(item)
                if isinstance(item.get("@graph"), list):
                    stack.extend(reversed(item["@graph"]))
    return found


_ARTICLE_TYPES = re.compile(r"(?i)article|posting|report|blog|news|review|story")


def _types(item: dict[str, Any]) -> str:
    kind = item.get("@type")
    return " ".join(kind) if isinstance(kind, list) else str(kind or "")


def _name(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return tidy(value) or None if isinstance(value, str) else None


def _meta(metas: dict[tuple[str, str], Any], *keys: str) -> str | None:
    """The content of the first <meta> whose property, name or itemprop is one of the keys."""
    for key in keys:
        for attribute in ("property", "name", "itemprop"):
            node = metas.get((attribute, key))
            if node is not None:
                value = node.attributes.get("content")
                if isinstance(value, str) and value.strip():
                    return tidy(value)
    return None


def site_suffix_removed(title: str, site: str | None, host: str | None) -> str:
    """Take a site name off a title: "… - Kompas.com", "… | Republika Online", "KapanLagi.com: …"."""
    names = {name.lower() for name in (site, host) if name}
    if host:
        names.add(host.lower().split(".")[0])
    for separator in _SEPARATORS:
        if separator not in title:
            continue
        head, _, tail = title.rpartition(separator)
        if head and _names_site(tail, names):
            return head.strip()
        first, _, rest = title.partition(separator)
        if rest and _names_site(first, names):
            return rest.strip()
    return title


def _names_site(part: str, names: set[str]) -> bool:
    key = part.strip().lower()
    if not key or len(key) > 60:
        return False
    if key in names or re.fullmatch(r"[\w-]+(?:\.[\w-]+)*\.(?:com|co|id|net|org|news|tv|co\.id|or\.id)", key):
        return True
    squeezed = re.sub(r"[^\w]", "", key)
    return any(
        squeezed and (squeezed == re.sub(r"[^\w]", "", name) or squeezed.startswith(name.split(".")[0]))
        for name in names
        if len(name) >= 3
    )


def _head_of(title: str, heading: str) -> bool:
    """Whether a title is the page's heading plus a suffix after a separator ("Heading | Site")."""
    if not title.casefold().startswith(heading.casefold()):
        return False
    rest = title[len(heading) :]
    return any(rest.startswith(separator) for separator in _SEPARATORS) or rest.startswith((" ⋆", " |"))


def heading_date(page: Any) -> dt.datetime | None:
    """A date printed on a line of its own just above or below the page's <h1>, as bylines do."""
    h1 = page.css_first("h1")
    if h1 is None or not (heading := tidy(h1.text())):
        return None
    body = page.body
    if body is None:
        return None
    lines = [tidy(line) for line in body.text(separator="\n").split("\n")]
    lines = [line for line in lines if line]
    first = heading.split("\n")[0]
    where = next((index for index, line in enumerate(lines) if line == first), None)
    if where is None:
        return None
    for line in lines[max(0, where - 3) : where + 10]:
        if len(line) <= 80 and (found := find_date(line)):
            return found[0]
    return None


def metadata(page: Any, metas: dict[tuple[str, str], Any] | None = None) -> dict[str, Any]:
    """Title, date, source and url from JSON-LD, meta tags and the page, best evidence first.

    `metas`: the page's meta_index, when the caller has it."""
    items = _json_ld(page)
    articles = [item for item in items if _ARTICLE_TYPES.search(_types(item))]
    chosen = articles or items
    metas = meta_index(page) if metas is None else metas
    url = _meta(metas, "og:url")
    canonical = page.css_first('link[rel="canonical"]')
    if not url and canonical is not None and isinstance(canonical.attributes.get("href"), str):
        url = tidy(canonical.attributes["href"] or "") or None
    if url and not _HOST.match(url):
        url = None
    host_match = _HOST.match(url or "")
    host = host_match.group(1).lower() if host_match else None

    site = _meta(metas, "og:site_name", "application-name", "publisher")
    if not site:
        site = next((_name(item.get("publisher")) for item in chosen if _name(item.get("publisher"))), None)
    if not site:
        site = next((_name(item) for item in items if "WebSite" in _types(item) and _name(item)), None)

    title = next(
        (tidy(str(item["headline"])) for item in articles if isinstance(item.get("headline"), str)), None
    )
    title = title or _meta(metas, "og:title", "twitter:title", "headline", "dc.title", "DC.title")
    if not title and (h1 := page.css_first("h1")) is not None:
        title = tidy(h1.text()) or None
    if not title and (node := page.css_first("title")) is not None:
        title = tidy(node.text()) or None
    if title:
        title = site_suffix_removed(unescape(title), site, host) or title
        h1 = page.css_first("h1")
        heading = tidy(unescape(h1.text())) if h1 is not None else ""
        if heading and len(heading) < len(title) and _head_of(title, heading):
            title = heading

    date: dt.datetime | None = None
    for item in chosen:
        date = parse_date(item.get("datePublished")) or parse_date(item.get("dateCreated"))
        if date:
            break
    if date is None:
        date = parse_date(
            _meta(
                metas,
                "article:published_time",
                "datePublished",
                "og:published_time",
                "published_time",
                "pubdate",
                "publishdate",
                "publish-date",
                "publish_date",
                "DC.date.issued",
                "dcterms.date",
                "sailthru.date",
                "parsely-pub-date",
                "article.published",
                "content_PublishedDate",
                "cXenseParse:recs:publishtime",
            )
        )
    if date is None:
        for node in page.css("time[datetime]"):
            date = parse_date(node.attributes.get("datetime"))
            if date:
                break
    date = date or parse_date(_meta(metas, "date", "dc.date", "DC.date", "dcterms.created"))
    if not site and host:
        site = source_from([host]) or host
    found = {"title": title, "date": date, "source": site, "url": url}
    return {key: value for key, value in found.items() if value}


# ---------------------------------------------------------------- body


_OPTIONS: list[Any] = []  # trafilatura's settings, built once: reading its config was 6% of a page


def _options() -> Any:
    """The same settings as `bare_extraction(include_comments=False, with_metadata=False)`, made once."""
    if not _OPTIONS:
        try:
            from trafilatura.settings import Extractor

            _OPTIONS.append(Extractor(output_format="python", comments=False, with_metadata=False))
        except (ImportError, TypeError):  # pragma: no cover - another trafilatura: its defaults per call
            _OPTIONS.append(None)
    return _OPTIONS[0]


def _trafilatura(text: str) -> list[Unit]:
    """trafilatura's article body as units, or nothing when it finds none."""
    try:
        import trafilatura
    except ImportError:  # pragma: no cover - a declared dependency, but the page still reads without it
        return []
    document = trafilatura.bare_extraction(
        text, include_comments=False, with_metadata=False, options=_options()
    )
    body = getattr(document, "body", None)
    if body is None:
        return []
    units: list[Unit] = []
    _tei_units(body, units, "")
    return units


def _htmldate(text: str) -> dt.datetime | None:
    """htmldate's reading of the page (the one trafilatura uses), without its slow free-text search."""
    try:
        import htmldate
    except ImportError:  # pragma: no cover
        return None
    try:
        return parse_date(htmldate.find_date(text, original_date=True, extensive_search=False))
    except Exception:
        return None


_TEI_BLOCK = {"p": "", "head": "heading", "item": "list", "quote": "quote", "code": "paragraph"}
_TEI_CONTAINS = frozenset({"p", "head", "item", "quote", "list", "table"})
_TEI_SKIP = frozenset({"graphic", "ref-image", "fw"})


def _tei_units(element: Any, units: list[Unit], kind: str, depth: int = 0) -> None:
    """trafilatura's XML (p, head, list/item, quote, table/row/cell, lb) as units, one per line."""
    if element.text and element.text.strip():
        _add(units, kind, element.text.split("\n"))
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _TEI_SKIP:
            pass
        elif tag == "row":
            cells = [" ".join(_lines_of(cell)) for cell in child]
            _add(units, kind, [" ".join(cell for cell in cells if cell.strip())])
        else:
            inner = _TEI_BLOCK.get(tag)
            nested = any(isinstance(sub.tag, str) and sub.tag in _TEI_CONTAINS for sub in child)
            own = kind if inner == "" and kind else inner
            if inner is not None and (not nested or depth > 100):
                _add(units, own or "", _lines_of(child))
            else:
                _tei_units(child, units, own or ("list" if tag == "list" else kind), depth + 1)
        if child.tail and child.tail.strip():
            _add(units, kind, child.tail.split("\n"))


def _add(units: list[Unit], kind: str, lines: list[str]) -> None:
    """Lines of one block: a paragraph's lines share a `para`, list items and headings do not."""
    para = len(units)
    for line in lines:
        if line.strip():
            units.append(Unit(kind, line, para))
            if kind:
                para = len(units)


def _lines_of(element: Any) -> list[str]:
    """An element's text with <lb/> as line breaks."""
    for lb in element.iter("lb"):
        lb.text = "\n"
    return [line for line in "".join(element.itertext()).split("\n") if line.strip()]


def visible_lines(page: Any) -> list[Unit]:
    """Every line of visible text in the page: the last resort, so a page with text is never empty."""
    page.strip_tags(["script", "style", "noscript", "template", "svg", "head"])
    root = page.body or page.root
    if root is None:
        return []
    text = root.text(deep=True, separator="\n")
    return [Unit("", line, index) for index, line in enumerate(text.split("\n")) if line.strip()]


# A plain article: one <article> (or, without one, one <main>) made only of these, holding
# nearly all the page's text besides the site's header, navigation, footer and asides.
_PLAIN_TAGS = frozenset(
    {
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "header", "blockquote", "figure", "figcaption",
        "picture", "source", "img", "ul", "ol", "li", "hr", "br", "-text", "-comment",
    }
)  # fmt: skip
_CHROME_TAGS = frozenset({"header", "nav", "footer", "aside"})
PLAIN_LEAST = 500  # characters of text in the article: less is a teaser or a card, not an article
PLAIN_LINKS = 0.1  # at most this share of its text in links
PLAIN_ELSEWHERE = 200  # characters of text elsewhere (or 5% of the page's), outside the site's chrome


def _visible(node: Any) -> int:
    return len(" ".join((node.text(separator=" ") or "").split()))


def plain_article(page: Any) -> bool:
    """Whether the page is one plain article: its text is a single <article> (or <main>) of
    paragraphs, headings, quotes, lists and figures, with next to nothing outside it but the
    site's header, navigation and footer. trafilatura's machinery (scoring, its comparison with
    readability) is there to find an article among other things; here our own reading of the
    blocks gives the same text for a tenth of the cost. Strips scripts and styles from `page`."""
    from tui import formats

    page.strip_tags(["script", "style", "noscript", "template", "svg"])
    body = page.body
    roots = page.css("article") or page.css("main")
    if body is None or len(roots) != 1:
        return False
    root = roots[0]
    inline = formats._INLINE_TAGS
    for node in root.traverse(include_text=True):
        if node.mem_id == root.mem_id:
            continue
        if node.tag not in _PLAIN_TAGS and node.tag not in inline:
            return False
        if (
            node.tag == "time"
            and node.parent is not None
            and node.parent.tag not in ("article", "main", "header")
        ):
            return (
                False  # a time inside a sentence: read by trafilatura, as dropping it would cut the sentence
            )
        attributes = node.attributes if node.tag[0] != "-" else {}
        if ("class" in attributes or "id" in attributes) and formats._JUNK_CLASS.search(
            f"{attributes.get('class')} {attributes.get('id')}"
        ):
            return False
    inside = _visible(root)
    if inside < PLAIN_LEAST or sum(_visible(link) for link in root.css("a")) > PLAIN_LINKS * inside:
        return False
    parent = root.parent
    while parent is not None:
        if parent.tag in _CHROME_TAGS:
            return False
        parent = parent.parent
    chrome = 0
    for node in body.css("header, nav, footer, aside"):
        parent = node.parent
        while parent is not None and parent.tag not in _CHROME_TAGS:
            parent = parent.parent
        if parent is None:  # the outermost of its kind
            chrome += _visible(node)
    total = _visible(body)
    return total - inside - chrome <= max(PLAIN_ELSEWHERE, 0.05 * total)


# Where a link's words are the article's: a paragraph, a list item, a quote, a table's cell, a caption.
_TEXT_BLOCKS = frozenset({"p", "li", "blockquote", "td", "dd", "figcaption", "pre"})
LINK_LEAST = 3  # characters of a link's words: fewer ("1", "»") say too little to find in the text
_WORD = re.compile(r"\w+")
LINK_NEAR = 4  # a link's nearest elements whose class or id may say it is a share button or a menu


def linked(units: list[Unit], page: Any) -> None:
    """Give trafilatura's units the page's links whose words they hold: the links inside the page's
    paragraphs, lists, quotes and cells (not its menus, header, footer, asides or share buttons),
    by their words. Words that link to two places ("Facebook": the article's and a share button's)
    are left without a link rather than given the wrong one.

    trafilatura's own links (`links=True`) cost words: it cut paragraphs at a link and glued the
    link's words to the next ("a diaper</ref>from"): body F1 0.956 -> 0.954 on the dev set's web pages."""
    from tui.formats import _JUNK_CLASS

    anchors: dict[str, str] = {}  # words -> the href with them ("" when there are several)
    for node in page.css("a[href]"):
        href = node.attributes.get("href")
        words = " ".join((node.text(deep=True) or "").split())
        if not isinstance(href, str) or len(words) < LINK_LEAST or anchors.get(words) == href:
            continue
        parent, inside, depth = node.parent, False, 0
        while parent is not None:
            tag = parent.tag
            if tag in _CHROME_TAGS:
                break
            # A share list's class is near its links; far up, a layout's "two-col-sidebar" says nothing.
            if depth < LINK_NEAR and tag not in _TEXT_BLOCKS:
                attributes = parent.attributes
                if ("class" in attributes or "id" in attributes) and _JUNK_CLASS.search(
                    f"{attributes.get('class')} {attributes.get('id')}"
                ):
                    break
            inside = inside or tag in _TEXT_BLOCKS
            parent, depth = parent.parent, depth + 1
        else:
            if inside:
                anchors[words] = "" if words in anchors else href
    anchors = {words: href for words, href in anchors.items() if href}
    if not anchors:
        return
    # Only the anchors whose first word is one of the unit's are looked for in its text.
    by_first: dict[str, list[str]] = {}
    for words in anchors:
        if first := _WORD.search(words):
            by_first.setdefault(first.group(), []).append(words)
    for unit in units:
        text = unit.text
        candidates = [words for token in set(_WORD.findall(text)) for words in by_first.get(token, ())]
        if not candidates:
            continue
        found = sorted((at, words) for words in candidates if (at := text.find(words)) >= 0)
        if found:
            unit.links = tuple((words, anchors[words]) for _at, words in found)


def _size(units: list[Unit]) -> int:
    return sum(len(unit.text.strip()) for unit in units)


def html(text: str, given: dict[str, Any]) -> tuple[list[Unit], dict[str, Any]]:
    """The article of a saved page as units, and its metadata (what the caller already knows wins)."""
    from selectolax.lexbor import LexborHTMLParser

    from tui import formats

    page = LexborHTMLParser(text)
    metas = meta_index(page)
    meta = metadata(page, metas)
    head = formats.head_metadata(page, metas)  # as formats.html reads it, before the page is stripped
    plain = plain_article(page)  # (strips the page's scripts and styles)
    units = [] if plain else _trafilatura(text)
    if "date" not in meta and (near := heading_date(page)):
        meta["date"] = near
    # trafilatura falls back to one flat paragraph of the whole page when it finds no structure;
    # our own path keeps the page's paragraphs then, and reads what it finds on a near-empty answer.
    if plain or _size(units) < SHORT or len({unit.para for unit in units}) == 1:
        # A plain article is read as trafilatura reads it: without its figures (images, captions) and
        # the times printed in it (the date is in `meta`).
        # A plain article's page is read on as it is (the stripping so far is part of what
        # formats.html strips), not parsed again: that was a tenth of reading such a page.
        if plain:
            own, own_meta = formats.page_units(page, head, {}, drop=("figure", "time"))
        else:
            own, own_meta = formats.html(text, {})
        if _size(own) > _size(units) or (len(own) >= 3 and _size(own) * 2 >= _size(units)):
            units = own  # (with its links, read where they stand)
            meta = {**own_meta, **meta}
        elif plain and not own:
            units = _trafilatura(text)
            linked(units, page)
        else:
            linked(units, page)
    else:
        linked(units, page)
    if not units:
        units = visible_lines(LexborHTMLParser(text))
    formats.web_links(units, meta.get("url") or given.get("url"))
    if "date" not in meta and (when := _htmldate(text) or _date_line(units)):
        meta["date"] = when
    return units, {**meta, **given}


def _date_line(units: list[Unit]) -> dt.datetime | None:
    """A date printed near the top of the article text (its first lines), as a page shows it."""
    for unit in units[:8]:
        if len(unit.text) <= 120 and (found := find_date(unit.text)):
            return found[0]
    return None
