"""Markdown: headings give the heading path; YAML front matter gives title, pillars, doc type.

HTML comments are notes to whoever edits the file, not strategy: they are removed before the
text is split, so they are never indexed as passage text (or sent to a model).
"""

from __future__ import annotations

import re
from typing import Any

from coach import yaml_io
from coach.errors import IngestError
from coach.ingest.chunking import Document, Section
from coach.ingest.outline import Stack, default_title, heads, nest, text_of

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FRONT = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def _uncomment(text: str) -> str:
    """Blank HTML comments, keeping their newlines so line structure (and code fences) hold."""
    return _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def load_markdown(data: bytes, name: str) -> Document:
    text = text_of(data, name)
    meta: dict[str, Any] = {}
    m = _FRONT.match(text)
    if m:
        try:
            loaded = yaml_io.load_untrusted(m.group(1))  # aliases refused
        except yaml_io.YAMLError:
            raise IngestError(f"{name}: the front matter is not valid YAML.", name) from None
        meta = loaded if isinstance(loaded, dict) else {}
        text = text[m.end() :]
    text = _uncomment(text)
    title = str(meta.get("title") or "")
    stack: Stack = []
    sections = [Section([])]
    in_code = seen_h1 = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_code = not in_code
        h = None if in_code else _MD_HEADING.match(line)
        if h:
            level = len(h.group(1))
            stack = nest(stack, level, h.group(2))
            if level == 1 and not seen_h1:  # the document's own heading is its title, not a section
                seen_h1 = True
                title = title or stack[-1][1]
                pid = stack[-1][2]
                stack = [(1, "", pid)] if pid else []
            sections.append(Section(heads(stack)))
        else:
            sections[-1].lines.append(line)
    pillars = meta.get("pillars") or []
    return Document(
        title=title or default_title(name),
        sections=sections,
        pillars=[str(p) for p in pillars] if isinstance(pillars, list) else [str(pillars)],
        doc_type=str(meta.get("doc_type") or ""),
        doc_id=str(meta.get("doc_id") or ""),
    )
