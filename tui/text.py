"""Case and accent folding shared by the query parser, the index and the highlighter."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Runs of letters and digits, as FTS5's unicode61 tokenizer sees words (underscore separates).
WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Café` and `cafe` are the same word everywhere."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def fold_words(text: str) -> list[str]:
    """Split text into folded words the way the index tokenizes it, so both sides agree."""
    return WORD.findall(fold(text))


@lru_cache(maxsize=262144)
def fold_word(word: str) -> str:
    """Fold one word, cached, because highlighting folds the same words on every keystroke."""
    return fold(word)
