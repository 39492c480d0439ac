"""Markdown as a CMS publishes it: HTML, one element a line, or all of it on one line.

Part of the surface transforms (coach.evals.surface): a small converter for headings, lists,
links, tables, quotes and code (the markdown library is not a dependency), and the line reader
the transforms share, which never lets a transform touch code.
"""

from __future__ import annotations

import html
import re

from coach.htmltext import AUTOLINK
from coach.markup import is_fence, is_link_definition, is_table_row, is_table_rule
from coach.markup import link_definitions as _defs

# A list item's marker and indent (group 1 the indent, group 2 the marker).
ITEM = re.compile(r"^([ \t]*)([-*+•]|\d{1,3}[.)])[ \t]+")
ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")


def code_lines(text: str) -> list[tuple[str, bool]]:
    """Each line and whether it is inside (or is) a code fence: code is never re-surfaced."""
    out, fenced = [], False
    for line in text.split("\n"):
        if is_fence(line):
            out.append((line, True))
            fenced = not fenced
        else:
            out.append((line, fenced))
    return out


_CODE = re.compile(r"`([^`\n]+)`")
_IMG = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")
_LINK = re.compile(r"\[([^\[\]]+)\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_REF = re.compile(r"\[([^\[\]]+)\](?:\[([^\[\]]*)\])?(?![(:])")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_EM = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_HOLD = "\ue000"


def _inline(s: str, refs: dict[str, str]) -> str:
    """One line of Markdown inline syntax as HTML: escaped text, code, links, emphasis."""
    held: list[str] = []

    def hold(x: str) -> str:
        held.append(x)
        return f"{_HOLD}{len(held) - 1}{_HOLD}"

    def ref(m: re.Match[str]) -> str:
        url = refs.get((m.group(2) or m.group(1)).strip().lower())
        return m.group(0) if url is None else f"[{m.group(1)}]({url})"

    s = _REF.sub(ref, s)
    s = _CODE.sub(lambda m: hold(f"<code>{html.escape(m.group(1), False)}</code>"), s)
    s = AUTOLINK.sub(lambda m: hold(f'<a href="{m.group(1)}">{m.group(1)}</a>'), s)
    s = _IMG.sub(lambda m: hold(f'<img src="{m.group(2)}" alt="{m.group(1)}">'), s)
    s = _LINK.sub(lambda m: hold(f'<a href="{m.group(2)}">') + m.group(1) + hold("</a>"), s)
    s = html.escape(s, quote=False)
    s = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", s)
    s = _EM.sub(r"<em>\1</em>", s)
    while _HOLD in s:
        s = re.sub(f"{_HOLD}(\\d+){_HOLD}", lambda m: held[int(m.group(1))], s)
    return s


def to_html(text: str) -> str:
    """The update as a CMS would publish it: one element a line, no blank lines; headings,
    paragraphs (their wrapped lines joined), lists, tables, quotes and code; links as <a>,
    entities escaped. HTML already in the text passes through.

    >>> print(to_html("## Done\\nWe shipped **R&D** [v2][1].\\n\\n- one\\n- two\\n\\n[1]: https://x.org"))
    <h2>Done</h2>
    <p>We shipped <strong>R&amp;D</strong> <a href="https://x.org">v2</a>.</p>
    <ul>
    <li>one</li>
    <li>two</li>
    </ul>
    """
    refs = _defs(text)
    out: list[str] = []
    para: list[str] = []
    items: list[list[str]] = []
    kind = ""  # the open list's tag
    code: list[str] = []

    def close() -> None:
        nonlocal kind
        if para:
            out.append(f"<p>{_inline(' '.join(p.strip() for p in para), refs)}</p>")
            para.clear()
        if items:
            out.append(f"<{kind}>")
            out.extend(f"<li>{_inline(' '.join(x.strip() for x in it), refs)}</li>" for it in items)
            out.append(f"</{kind}>")
            items.clear()
        kind = ""

    for line, fenced in code_lines(text):
        if fenced:
            if is_fence(line) and code:
                out.append(
                    "<pre><code>" + html.escape("\n".join(code[1:]), False) + "</code></pre>"
                )
                code = []
            else:
                close()
                code.append(line)
            continue
        s = line.strip()
        m = ITEM.match(line)
        if not s or is_link_definition(line) or is_table_rule(line):
            close()
        elif h := ATX.match(s):
            close()
            n = len(h.group(1))
            out.append(f"<h{n}>{_inline(h.group(2), refs)}</h{n}>")
        elif is_table_row(line):
            close()
            cells = [c.strip() for c in s.strip("|").split("|")]
            out.append("<tr>" + "".join(f"<td>{_inline(c, refs)}</td>" for c in cells) + "</tr>")
        elif s.startswith("<") and not AUTOLINK.match(s):
            close()
            out.append(s)
        elif m:
            tag = "ol" if m.group(2)[0].isdigit() else "ul"
            if para or (kind and kind != tag):
                close()
            kind = tag
            items.append([line[m.end() :]])
        elif items and (line[:1].isspace() or not para):
            items[-1].append(s)  # the item runs on
        elif s.startswith(">"):
            close()
            out.append(f"<blockquote><p>{_inline(s.lstrip('> '), refs)}</p></blockquote>")
        else:
            if items:
                close()
            para.append(s)
    close()
    return "\n".join(out)


def html_one_line(text: str) -> str:
    """The CMS HTML with no line breaks between elements, as many CMSs and e-mail exports
    write it ("<p>a.</p><p>b.</p><ul><li>c</li></ul>"); code keeps its lines.

    >>> html_one_line("Done.\\n\\n- one\\n- two\\n\\n```\\na\\nb\\n```")
    '<p>Done.</p><ul><li>one</li><li>two</li></ul><pre><code>a\\nb</code></pre>'
    """
    out, code = [], False
    for line in to_html(text).split("\n"):
        code = code or line.startswith("<pre>")
        out.append(line + ("\n" if code and "</pre>" not in line else ""))
        code = code and "</pre>" not in line
    return "".join(out)


__all__ = ["ATX", "ITEM", "code_lines", "html_one_line", "to_html"]
