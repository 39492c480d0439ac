"""The garble detector: text a reader would see as broken, or markup that leaked through.

Each rule is a small named function over one sentence (or line) with a docstring example; the
parametrised tests in tests/test_garble.py are real cases from rewrites of real updates. Two
kinds are counted apart:
- `fragment`: doubled punctuation ("great work!."), a sentence that ends on a subject or a
  preposition ("Over the last three weeks I."), a colon glued after a word that cannot head a
  label ("Test Valley has: the highest ..."), a sentence cut from its verb ("a couple of bugs
  in PR #575" where the source said "Fixed a couple of bugs in PR #575").
- `markup`: HTML tags, entities ("&#x20;"), "> " quote markers, reference-link residue
  ("][2]", "[1]: http"), list-numbering residue ("1. 2." inside prose).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from coach.engines.lead_block import NAME_VERB
from coach.htmltext import reader_view
from coach.markup import MD_BULLET
from coach.wording import open_ends


@dataclass(frozen=True)
class Garble:
    kind: str  # fragment | markup
    rule: str
    sentence: str
    match: str


def _found(pattern: re.Pattern[str], s: str) -> str:
    """The first match of `pattern` in `s`, or "" (a rule's answer when it finds nothing)."""
    m = pattern.search(s)
    return m.group(0) if m else ""


# --------------------------------------------------------------------------- splitting

_SENT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9£$€])")
_LABEL = re.compile(r"^\s*(?:\*\*)?([A-Z][\w ,'&/-]{0,40}?)(?:\*\*)?:\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """Lines, bullets and sentences of a rewrite, with a leading bullet marker removed.

    >>> sentences("What changed: A. B!\\n- c")
    ['What changed: A.', 'B!', 'c']
    """
    out: list[str] = []
    for line in text.splitlines():
        body = MD_BULLET.sub("", line).strip()
        if body:
            out.extend(p.strip() for p in _SENT.split(body) if p.strip())
    return out


# --------------------------------------------------------------------------- fragment rules

_DOUBLED = re.compile(
    r"(?<![.!?])[!?;:,]\s*[.!;:,](?!\[)|(?<!\.)\.\s*[!?;:,](?!\[)|(?<!\.)\.\.(?!\.)"
)


def doubled_punctuation(s: str) -> str:
    """Two stops in a row, not an ellipsis. 'Great work!.' -> '!.'; 'Wait...' -> ''; an image's
    '![' is markup, not punctuation."""
    return _found(_DOUBLED, _strip_urls(s))


# Words a sentence cannot end on (coach/wording.py: the list the rewrite and the segmenter read)
_DANGLING = re.compile(
    rf"(?:^|\s)((?:{'|'.join(sorted(open_ends(), key=lambda w: (-len(w), w)))}))\s*(?:[.!?]$|;(?=\s))",
    re.I,
)


def dangling_end(s: str) -> str:
    """A sentence that stops on a subject, article, conjunction or preposition.

    'Over the last three weeks I.' -> 'I.'; 'A vendor merge and.' -> 'and.'; 'for whom?' -> '';
    a clause of a fold too: 'We received 100% satisfaction for all the; we ...' -> 'the;'
    """
    body = re.sub(r"<[^<>]*>", "", s).strip().rstrip("\"')]*_")
    if len(body.split()) < 2 or body.endswith("..."):
        return ""
    m = _DANGLING.search(body)
    return m.group(0).strip() if m else ""


_COLON_WORDS = (
    "i we they he she has have had is are was were am be been will would can could "
    "should did does do also then when where while because primarily mostly mainly just "
    "really and or but the a an of to for with in on at by from that which who under"
)
_COLON = re.compile(rf"(?:^|[\s(])((?:{'|'.join(_COLON_WORDS.split())})|\w+ly):\s+(?=\S)", re.I)


def colon_garble(s: str) -> str:
    """A colon where a verb was cut out: 'Test Valley has: the highest ...', 'I primarily: the
    modified views', 'When: out, I thought'. A label such as 'Status: done' is fine."""
    m = _COLON.search(_strip_urls(s))
    return m.group(0).strip() if m else ""


def _strip_urls(s: str) -> str:
    return re.sub(r"https?://\S+", "URL", s)


_LEAD_PREP = re.compile(
    r"^(?:over|during|in|on|at|for|with|from|after|before|since|throughout|across|within|by|"
    r"under|between|among)\b",
    re.I,
)
_VERB = re.compile(
    r"\b(?:\w{2,}ed|is|are|was|were|has|have|had|did|does|do|will|can|could|made|ran|held|met|"
    r"built|got|went|took|gave|saw|came|became|began|led|kept|wrote|sent|found|shipped|done)\b",
    re.I,
)


def dangling_clause(s: str) -> str:
    """A lead-in phrase left as a clause of its own: 'Over the course of the last six months;
    building on ...' (the author's 'Over the course of the last six months...' introduced a
    list). A prepositional clause of at most 8 words, with no verb, before a ';'."""
    clauses = [c.strip() for c in _LABEL.sub("", s).split(";")]
    for c in clauses[:-1]:
        words = c.split()
        if 0 < len(words) <= 8 and _LEAD_PREP.match(c) and not _VERB.search(c):
            return c + ";"
    return ""


_TWO_LABELS = re.compile(
    r"^\s*(?:\*\*)?[A-Z][\w ,'&/-]{0,40}?(?:\*\*)?:\s+(?:\*\*)?[A-Z][\w ,'&/.-]{0,40}?(?:\*\*)?:\s+(?=\S)"
)


def double_label(s: str) -> str:
    """Two 'Label:' prefixes in a row: 'Threat Modeling: Crates ecosystem: [Published] ...' (a
    heading or section label put before a text that has its own label). 'Status: done' is one."""
    m = _TWO_LABELS.search(_strip_urls(s))
    return m.group(0).strip() if m else ""


# An invitation or sign-off: fine as a closing line, never what a section (or the rewrite)
# opens on ("Risks and asks: If you have any questions, please let us know on ...").
_INVITATION = re.compile(
    r"^(?:if you (?:have|had|want|would like|'d like|are interested|are curious|run into|"
    r"notice|find|see)\b[^.!?]{0,80}?\b(?:let (?:us|me) know|reach out|contact|get in touch|"
    r"ask|join|ping|feel free|write to|email|drop)|(?:please )?(?:let (?:us|me) know|"
    r"reach out|get in touch|feel free|(?:do not|don't) hesitate|drop (?:us|me) a)\b|"
    r"(?:any )?(?:questions|feedback|comments)\?|as always,? (?:questions|feedback))",
    re.I,
)


def opens_on_invitation(s: str) -> str:
    """The first sentence of a section that is an invitation: 'Risks and asks: If you have any
    questions, please let us know on the #edition stream.' -> 'If you have any questions'."""
    m = _INVITATION.search(_LABEL.sub("", s, count=1).lstrip("*_ "))
    return m.group(0) if m else ""


def section_openings(text: str) -> list[str]:
    """The first sentence of each section: of the rewrite, of each 'Label: ...' paragraph, and
    the first bullet under a label line ('Next steps:' then '- ...')."""
    out: list[str] = []
    prev = ""
    for k, line in enumerate(ln for ln in text.splitlines() if ln.strip()):
        body = MD_BULLET.sub("", line).strip()
        first = (sentences(body) or [""])[0]
        labelled = _LABEL.match(first) is not None
        under_label = prev.rstrip().endswith(":") and not prev.lstrip().startswith(("-", "*"))
        if k == 0 or labelled or (MD_BULLET.match(line) and under_label):
            out.append(first)
        prev = line
    return out


def bare_colons(text: str) -> list[str]:
    """Lines that end on a colon with nothing after them (a lead-in whose list was an image or
    was dropped): '... requirements that need to be met in order to delete the crate:'. A
    colon before a list on the next line is fine."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    out = []
    for k, line in enumerate(lines):
        if not line.endswith(":") or line.endswith("::"):
            continue
        nxt = next((ln for ln in lines[k + 1 :] if ln.strip()), "")
        if not (MD_BULLET.match(nxt) or re.match(r"\s*\d{1,2}[.)]\s", nxt) or nxt.startswith("|")):
            out.append(line)
    return out


FRAGMENT_RULES: dict[str, Callable[[str], str]] = {
    "double_label": double_label,
    "doubled_punctuation": doubled_punctuation,
    "dangling_end": dangling_end,
    "colon_garble": colon_garble,
    "dangling_clause": dangling_clause,
}


# --------------------------------------------------------------------------- markup rules

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_ENTITY = re.compile(r"&(?:#x?[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_QUOTE = re.compile(r"(?:^|(?<=[\s:.]))>\s+(?=[^\s\d=<>])|^>$")
_REFERENCE = re.compile(r"\]\s?\[[^\]]{0,40}\]|^\s*\[[^\]]{1,40}\]:\s*\S")
_NUMBERING = re.compile(r"(?:^|[.;:]\s)\d{1,2}[.)]\s+\d{1,2}[.)]\s|(?<=[a-z,;])\s\d{1,2}\.\t")
_HASHES = re.compile(r"(?:^|\s)#{1,6}(?:\s|[.!?]?$)")  # "## Plans" inside, "fact ##." at the end
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)?|```")


def html_tag(s: str) -> str:
    """'<p>Done</p>' -> '<p>'. A '<' in prose ('< 5 ms') is not a tag."""
    return _found(_TAG, s)


def entity(s: str) -> str:
    """'Hello&#x20;world' -> '&#x20;'; '&amp;' -> '&amp;'."""
    return _found(_ENTITY, s)


def quote_marker(s: str) -> str:
    """A Markdown quote marker shown to the reader: '> We shipped it' -> '> '."""
    return _found(_QUOTE, s)


def reference_residue(s: str) -> str:
    """Link syntax left behind: 'the docs][2]' -> '][2]'; '[1]: https://...'; '](url)'."""
    return _found(_REFERENCE, s)


def list_residue(s: str) -> str:
    """List numbering inside prose: 'Done. 2. 3. Next' -> '. 2. 3. '."""
    return _found(_NUMBERING, s)


def markdown_residue(s: str) -> str:
    """Markdown that cannot render: an unpaired bold marker ('Mission**: Scalable'), heading
    hashes inside a sentence, an image ('![A pumpkin](...)'), a code fence. '**bold**' is fine."""
    if s.count("**") % 2:
        return "**"
    m = _HASHES.search(s) or _IMAGE.search(s)
    return m.group(0).strip() if m else ""


MARKUP_RULES: dict[str, Callable[[str], str]] = {
    "html_tag": html_tag,
    "entity": entity,
    "quote_marker": quote_marker,
    "reference_residue": reference_residue,
    "list_residue": list_residue,
    "markdown_residue": markdown_residue,
}


# --------------------------------------------------------------------------- source-aware rule


def _norm(s: str) -> str:
    return " ".join(re.findall(r"[\w#/-]+(?:\.\w+)*", s.lower()))


_VERBISH = re.compile(
    r"^(?:i|we|they|he|she|the team)\b|\b(?:\w{2,}ed|ran|held|met|led|built|made|set|wrote|did|"
    r"got|took|gave|spent|began|sent|kept|put|fix|add|remove|update|create|start|finish|"
    r"review|merge|write|run|hold)\b"
)


def cut_from_verb(sentence: str, source_units: Iterable[str]) -> str:
    """A sentence that is a source unit with its verb (and subject) cut off, e.g. the rewrite
    says 'a couple of bugs in PR #575' where the author wrote 'Fixed a couple of bugs in PR
    #575'. Returns the words that were cut, or ''. An address is one word, never a verb: a
    bare 'https://.../goals-update/' is no 'update' cut off the source's '[address](address)'."""
    sentence = _strip_urls(sentence)
    whole = _norm(sentence)
    body = _norm(re.sub(r"^[A-Z][\w ]{0,30}:\s+", "", sentence))
    if len(body.split()) < 3:
        return ""
    for unit in source_units:
        src = _norm(_strip_urls(MD_BULLET.sub("", unit)))
        if (
            src in (body, whole)
            or not src.endswith(body)
            or (src.endswith(whole) and whole != body)
        ):
            continue
        cut = src[: len(src) - len(body)].strip()
        if cut and len(cut.split()) <= 4 and _VERBISH.search(cut):
            return cut
    return ""


def _in_source(sentence: str, hit: str, source_norm: str, relaxed: bool = False) -> bool:
    """Whether the author wrote this stretch themselves (then it is not the rewrite's garble)."""
    at = sentence.find(hit)
    context = " ".join((sentence[max(0, at - 15) : at + len(hit)] if at >= 0 else hit).split())
    if context.lower() in source_norm or not relaxed:
        return context.lower() in source_norm
    # "Here's what we've been up to." where the author wrote "up to:" before a list.
    bare = re.escape(context.lower().rstrip(".!?;: "))
    return bool(bare) and re.search(bare + r"\s*[.!?:;]", source_norm) is not None


_CAPITAL_CLAUSE = re.compile(r";\s+([A-Z][a-z’']*)(,?\s+(?:[a-z][\w’'-]*|I\b))")


def capital_clause(s: str, source: str) -> str:
    """An author's sentence folded in after a semicolon with its capital kept: "... reaching
    out; Sometimes I feel ..." reads as a cut. It counts only when the update has those words
    right after a sentence's end ("... this time. Sometimes I feel"): a title ("; Blog sites"),
    a list item, "; I ..." and a name (a word the update never writes in lower case, then a
    verb: "; Heledd spent ...", as coach/engines/lead_block.py keeps it) are not one.
    Returns "; Word next", or ""."""
    for m in _CAPITAL_CLAUSE.finditer(s):
        word, nxt = m.group(1), re.escape(m.group(2).strip(", ").split()[0])
        lower = re.search(rf"(?<![\w.'’/-]){re.escape(word.lower())}\b", source)
        if (
            word == "I"
            or word.startswith(("I'", "I’"))
            or (not lower and NAME_VERB.match(s, m.end(1)))
        ):
            continue
        if re.search(rf"[.!?][\"'”’)]*\s+{re.escape(word)},?\s+{nxt}", source):
            return m.group(0)
    return ""


# --------------------------------------------------------------------------- the detector


def find_garbles(text: str, source: str | None = None) -> list[Garble]:
    """Every garble in `text`. With `source`, also sentences cut from their verb, and a
    fragment the author wrote themselves ('Contributions are welcome!.' in the source) is not
    counted against the rewrite. Markup always counts: the reader sees it either way."""
    found: list[Garble] = []
    source = reader_view(source) if source else source  # HTML as read: "<code>x</code>" is `x`
    src_units = _source_units(source) if source else []
    src_norm = " ".join(source.split()).lower() if source else ""
    for s, opens in _placed_sentences(text):
        for name, rule in MARKUP_RULES.items():
            if hit := rule(s):
                found.append(Garble("markup", name, s, hit))
        for name, rule in FRAGMENT_RULES.items():
            # a paragraph's own first label is its section label ("What changed:"), not the
            # author's: a double label is two more ('Threat Modeling: Crates ecosystem: ...')
            unlabel = name == "colon_garble" or (name == "double_label" and opens)
            hit = rule(_LABEL.sub("", s, count=1) if unlabel else s)
            if hit and not (src_norm and _in_source(s, hit, src_norm, name == "dangling_end")):
                found.append(Garble("fragment", name, s, hit))
        if src_units and (hit := cut_from_verb(s, src_units)):
            found.append(Garble("fragment", "cut_from_verb", s, hit))
        if source and (hit := capital_clause(s, source)) and hit not in source:
            found.append(Garble("fragment", "capital_clause", s, hit))
    for s in section_openings(text):
        if hit := opens_on_invitation(s):
            found.append(Garble("fragment", "opens_on_invitation", s, hit))
    for line in bare_colons(text):
        found.append(Garble("fragment", "bare_colon", line, line[-40:]))
    return found


def _placed_sentences(text: str) -> list[tuple[str, bool]]:
    """Each sentence of `text`, and whether it opens a paragraph line that is no bullet."""
    out: list[tuple[str, bool]] = []
    for line in text.splitlines():
        for k, s in enumerate(sentences(line)):
            out.append((s, k == 0 and not MD_BULLET.match(line)))
    return out


def _source_units(source: str) -> list[str]:
    out = []
    for s in sentences(source):
        out.append(s)
        out.extend(p for p in re.split(r"(?<=[;:])\s+", s)[1:])
    return out


def garble_counts(text: str, source: str | None = None) -> dict[str, int]:
    """{"fragments": n, "markup": n} for one rewrite."""
    found = find_garbles(text, source)
    return {
        "fragments": sum(1 for g in found if g.kind == "fragment"),
        "markup": sum(1 for g in found if g.kind == "markup"),
    }


__all__ = ["FRAGMENT_RULES", "MARKUP_RULES", "Garble", "find_garbles", "garble_counts"]
