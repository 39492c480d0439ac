"""Grounding gold: item ids map to the passages that hold them; chunks are priority-sized."""

from __future__ import annotations

from coach.evals.gold import github_slug, item_passages
from coach.ingest import chunk_markdown
from coach.ingest.chunking import blocks, chunk_document
from coach.ingest.formats import load_markdown

PLAN = """# Plan 2026

Intro paragraph that names no goal in particular, only the plan.

## Why these flagship goals?

[**Async.**](https://x/async.html) Bring async closer to sync, with async closures.

[**2024 Edition.**](https://x/ed.html) Finish the edition; async fn capture rules change too.

## Objectives & Key Results

| **Objective #1: Secure software through staffing** | |
|-|-|
| **KR 1.2**: Monthly reporting for each engagement. | In Progress |
| **Objective #2: Projects free of critical vulnerabilities** | |
| **KR2.1**: Open data sets of security data. | Started |
"""

NEWS = """Agency sets out plan

Three objectives: by 2030 nature is recovering; communities are resilient; pollution is minimised.

Named after the vision, the plan halts biodiversity decline with partners and shares knowledge.

It supports cutting greenhouse gas emissions and adapting communities and wildlife to climate.
"""


def _item(file: str, item_id: str, summary: str = "") -> dict[str, str]:
    return {"file": file, "item_id": f"{file}#{item_id}", "summary": summary}


def test_github_slug() -> None:
    assert github_slug("Objectives & Key Results") == "objectives--key-results"
    assert github_slug("Rust’s mission") == "rusts-mission"


def test_items_map_to_their_own_passage() -> None:
    chunks = chunk_markdown(PLAN, "plan.md")
    text = {c.id: c.text for c in chunks}
    got = item_passages(_item("plan.md", "why-these-flagship-goals/async"), chunks)
    assert [text[i][:12] for i in got] == ["[**Async.**]"]  # not the edition's "async fn"
    kr = item_passages(_item("plan.md", "objectives--key-results/kr1-2"), chunks)
    assert len(kr) == 1 and "KR 1.2" in text[next(iter(kr))]
    o2 = item_passages(_item("plan.md", "objectives--key-results/objective-2"), chunks)
    assert kr.isdisjoint(o2)  # a bold objective row opens a new passage
    assert item_passages(_item("other.md", "why-these-flagship-goals/async"), chunks) == set()


def test_item_without_heading_uses_words_and_summary() -> None:
    chunks = chunk_document(load_markdown(NEWS.encode(), "news.md"), "news.md", pack=0)
    got = item_passages(
        _item(
            "news.md",
            "nature-is-recovering",
            "nature recovering: halt and reverse biodiversity decline with partners",
        ),
        chunks,
    )
    texts = [c.text for c in chunks if c.id in got]
    assert len(texts) == 2  # where the words are, and the paragraph that spells the item out
    assert any("nature is recovering" in t for t in texts)
    assert any(t.startswith("Named after") for t in texts)


def test_blocks_are_paragraphs_bullets_and_rows() -> None:
    got = blocks(
        "Intro.\n\n- one\n  - one.a\n- two\n[ref]: https://x\n\n| **A** | x |\n|-|-|\n| B | y |"
    )
    assert got == ["Intro.", "- one\n  - one.a", "- two", "**A** | x", "B | y"]
