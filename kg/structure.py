"""Paragraph structure: sentences and the section hierarchy (stub, being written)."""
from __future__ import annotations

import re

_SENT_END = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』)]*|$)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a paragraph, end exclusive."""
    spans = []
    for m in _SENT_END.finditer(text):
        if m.end() > m.start() and text[m.start():m.end()].strip():
            spans.append((m.start(), m.end()))
    return spans
