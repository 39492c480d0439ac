"""Grounding gold: item ids map to the passages that hold them; chunks are priority-sized."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from coach.evals.gold import github_slug, item_passages
from coach.evals.grounding import evaluate_grounding, format_report
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


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def _tiny_dataset(tmp_path: Path, models_dir: Path) -> tuple[Path, Path, Path]:
    """Two made-up organisations of the real-updates schema, an unrelated sample corpus and a
    COACH_HOME sharing the session's model files: (data, sample, home)."""
    data = tmp_path / "data"
    for org, doc in {
        "bakery": "# Bakery plan\n\n## Fresh bread every morning\n\nBake sourdough and rye daily "
        "so every shop opens with fresh bread by 7am.\n\n## Zero waste\n\nGive unsold loaves to "
        "food banks and compost the rest.\n",
        "harbour": "# Harbour plan\n\n## Safe moorings\n\nRepair the pontoons and inspect every "
        "mooring chain each spring so boats stay safe in storms.\n",
    }.items():
        (data / "strategy" / org).mkdir(parents=True)
        (data / "strategy" / org / "plan.md").write_text(doc)
        (data / "strategy" / org / "SOURCES.md").write_text("# Sources\n\nnot strategy\n")
    _write_jsonl(
        data / "strategy" / "ITEMS.jsonl",
        [
            {
                "org": "bakery",
                "file": "plan.md",
                "item_id": "plan.md#fresh-bread-every-morning",
                "heading": "Fresh bread every morning",
                "summary": "fresh bread daily",
            },
            {
                "org": "bakery",
                "file": "plan.md",
                "item_id": "plan.md#zero-waste",
                "heading": "Zero waste",
                "summary": "unsold loaves to food banks",
            },
            {
                "org": "harbour",
                "file": "plan.md",
                "item_id": "plan.md#safe-moorings",
                "heading": "Safe moorings",
                "summary": "pontoons and mooring chains",
            },
        ],
    )
    updates = [
        (
            "b1",
            "bakery",
            "Gave 140 unsold loaves to two food banks and composted the rest; waste down.",
            ["plan.md#zero-waste"],
        ),
        (
            "b2",
            "bakery",
            "New ovens: all six shops opened with fresh sourdough and rye by 7am.",
            ["plan.md#fresh-bread-every-morning"],
        ),
        (
            "h1",
            "harbour",
            "Replaced 12 pontoon sections and inspected 80 mooring chains before the storms.",
            ["plan.md#safe-moorings"],
        ),
    ]
    _write_jsonl(data / "updates.jsonl", [{"id": i, "org": o, "text": t} for i, o, t, _ in updates])
    _write_jsonl(
        data / "grounding_updates.jsonl",
        [{"update_id": i, "org": o, "gold_items": g} for i, o, _, g in updates],
    )
    _write_jsonl(
        data / "grounding.jsonl",
        [{"update_id": i, "org": o, "unit": t, "gold": g} for i, o, t, g in updates],
    )
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "library.md").write_text(
        "# Library plan\n\n## Reading for all\n\nLend more books to children.\n"
    )
    home = tmp_path / "home"
    home.mkdir()
    (home / "models").symlink_to(models_dir, target_is_directory=True)
    return data, sample, home


def test_evaluate_grounding_on_any_directory_of_the_schema(
    tmp_path: Path, models_dir: Path
) -> None:
    """Two made-up organisations and an unrelated corpus: own updates hit their item, the
    figures and the folds are all there."""
    data, sample, home = _tiny_dataset(tmp_path, models_dir)
    result = evaluate_grounding(data, sample=sample, home=home)
    s = result["summary"]
    assert s["updates_with_gold"] == 3 and s["hit@1"] == 1.0
    assert s["unrelated pairs"] == 3 * 2  # each update against the other org and the sample
    assert set(result["chunks"]) == {"bakery", "harbour", "sample"}
    assert [f["held out"] for f in result["logo"]] == ["bakery", "harbour"]
    assert [f["hit@1"] for f in result["logo"]] == [1.0, 1.0]  # per fold, as the land rule reads
    assert "leave-one-organisation-out" in format_report(result)


def test_a_fold_refits_the_query_weight_without_the_held_out_strategy(
    tmp_path: Path, models_dir: Path
) -> None:
    """The LOGO folds refit the score's query weight too: `reweigh` moves the run's scores to
    another weight exactly as scoring at that weight does, and each fold's weight is the mean
    slope of the collections other than the held-out organisation's."""
    from coach.evals.grounding import run
    from coach.evals.grounding_logo import logo, reweigh, slope, weight_of

    data, sample, home = _tiny_dataset(tmp_path, models_dir)
    shipped = run(data, sample, home)  # scored at grounding.json's weight
    fitted = run(data, sample, home, calibrate=True)  # scored at the weight fitted on the set
    assert shipped["scored at"] != fitted["scored at"] == fitted["query weight"]
    moved = reweigh(shipped, fitted["scored at"])
    for a, b in zip(moved["rows"], fitted["rows"], strict=True):
        assert a["ranked"] == b["ranked"] and np.allclose(a["scores"], b["scores"], atol=2e-4)
    for a, b in zip(moved["units"], fitted["units"], strict=True):
        assert abs(a["score"] - b["score"]) < 2e-4
        if b["update"] is not None:
            assert np.allclose([s for _, s in a["update"]], [s for _, s in b["update"]], atol=2e-4)
    parts = shipped["background"]
    assert set(parts) == {"bakery", "harbour", "sample"}
    for f in logo(shipped):
        others = [slope(p) for org, p in parts.items() if org != f["held out"]]
        assert f["query weight"] == weight_of(parts, f["held out"]) == round(np.mean(others), 4)
    assert [f["query weight"] for f in logo(shipped, refit_weight=False)] == [
        shipped["scored at"]
    ] * 2


def test_the_replica_scores_as_the_pipeline_does(tmp_path: Path, models_dir: Path) -> None:
    """eval/grounding_replica.py measures variants in numpy; its "shipped" variant must rank
    and score every (update, strategy) pair as coach.evals.grounding.run does, or its figures
    say nothing about the pipeline."""
    from coach.retrieval import query_vector
    from eval.grounding_queries import by_query, query_variants, windows_query
    from eval.grounding_replica import check, dump, figures, rows, variants
    from eval.grounding_round5 import score_variants

    data, sample, home = _tiny_dataset(tmp_path, models_dir)
    d = dump(data, sample, home)
    assert set(d["passages"]) == {"bakery", "harbour", "sample"}
    check(d, data, sample, home)  # raises AssertionError on any difference
    f = figures(rows(d, variants(d)["shipped"]))
    assert f["hit@1"] == 1.0 and set(f["folds"]) == {"bakery", "harbour"}
    # the fifth round's families (eval/grounding_round5.py) score on the same dump: their
    # "shipped" is the replica's, and the dump keeps the query's parts (update, windows)
    for u in d["updates"]:
        parts = u["windows"] if len(u["windows"]) else u["whole"][None, :]
        assert np.allclose(u["query"], query_vector(parts))  # no whole vector when windowed
        if len(u["windows"]) == 0:  # a windows-only query of a short update is its own vector
            assert np.allclose(windows_query(2.0)(u), u["whole"], atol=1e-6)
    for family in (query_variants, score_variants):
        scorers = family(d)
        assert figures(rows(d, scorers["shipped"])) == f
        assert all(0.0 <= figures(rows(d, s))["hit@1"] <= 1.0 for s in scorers.values())
    # the eighth round (eval/grounding_round8.py): its corrections with their shipped settings
    # are the shipped score, and its diagnostics run on any dump
    import eval.grounding_round8 as r8

    assert figures(rows(d, by_query(r8.Corrected(d), lambda u: u["query"]))) == f
    for u in d["updates"]:
        for org in d["passages"]:
            assert np.allclose(
                r8.Corrected(d).score(u["query"], org),
                r8.Normaliser(d, "mini").score(u["query"], org),
                atol=1e-5,
            )
    assert all(0.0 <= figures(rows(d, s))["hit@1"] <= 1.0 for s in r8.corrections(d).values())
    norm = r8.Normaliser(d, "mini")
    assert len(r8.parts(d, norm)) == 1 + len(d["passages"])
    assert r8.background_vs_real(d, norm) and r8.ceiling(d, norm, lambda u: u["query"], (0.5,))
    assert "threshold sd" in r8.threshold_noise(d, norm, lambda u: u["query"], draws=5)
    assert figures(rows(d, r8.sentence_units(d, lambda u: u["query"], None, False))) == f
    assert (
        0.0
        <= figures(rows(d, r8.sentence_units(d, lambda u: u["query"], 0.0, True)))["hit@1"]
        <= 1.0
    )
    # the sixth round (eval/grounding_round6.py): a second encoder attached to the same dump.
    # With MiniLM itself as the "second" encoder every mpnet variant must be the shipped one.
    import doctest

    import eval.grounding_round6 as r6
    from coach.embeddings import get_embedder

    assert doctest.testmod(r6).failed == 0
    r6.attach(d, {}, get_embedder(str(models_dir)).embed, tmp_path / "second.pkl")
    for u in d["updates"]:
        assert np.allclose(u["mp_query"], u["query"], atol=1e-5)
    same = r6.reranker_variants(d)
    for name in ("mpnet alone, windowed query", "shipped ranking, decided 0.5 mpnet"):
        assert figures(rows(d, same[name])) == f
    picks = r6.loco_pick(
        r6.top_hits(rows(d, same["shipped"])), {1.0: r6.top_hits(rows(d, same["shipped"]))}
    )
    assert {org: change for org, (_, _, change, _) in picks.items()} == {"bakery": 0, "harbour": 0}


def test_the_ninth_rounds_variants_score_as_the_folds_do(tmp_path: Path, models_dir: Path) -> None:
    """eval/grounding_round9.py scores decision variants on the pipeline's rows; its shipped
    decision gives the LOGO folds' own figures (query weight and threshold refit per fold), and
    every variant runs on any directory of the schema."""
    from coach.evals.grounding import run
    from coach.evals.grounding_logo import logo
    from eval.grounding_round9 import evaluate, folds, passages, shipped, split_unrelated, variants

    data, sample, home = _tiny_dataset(tmp_path, models_dir)
    raw = run(data, sample, home)
    assert all(len(r["unit picks"]) == 1 for r in raw["rows"])  # each tiny update is one unit
    by_fold = folds(raw)
    got = evaluate(by_fold, shipped)
    for f in logo(raw):
        gold, n, unrelated = got[f["held out"]]
        assert gold / n == f["own cites gold"] and unrelated == f["unrelated cite anything"]
    found = passages(data, sample)
    owner: dict[str, str | None] = {org: org for org in found}
    owner["sample"] = None
    for decide in variants(found, owner).values():
        assert set(evaluate(by_fold, decide)) == {"bakery", "harbour"}
    assert len(split_unrelated(by_fold, {"bakery", "harbour"})) == 2


def test_the_tenth_rounds_variants_score_as_the_folds_do(tmp_path: Path, models_dir: Path) -> None:
    """eval/grounding_round10.py: the logistic decision on the score alone is a monotone
    transform of the shipped one, so it gives the folds' own figures; a term the generic text
    never has counts in the overlap, one it has does not; every variant runs on the schema."""
    import numpy as np

    from coach.evals.grounding import run
    from eval.grounding_round9 import evaluate, folds, shipped
    from eval.grounding_round10 import Lexical, classifier, logistic, passages, variants

    x = np.array([[0.1], [0.2], [0.8], [0.9]])
    model = logistic(x, np.array([0.0, 0.0, 1.0, 1.0]))
    assert model([0.9]) > model([0.1])
    data, sample, home = _tiny_dataset(tmp_path, models_dir)
    raw = run(data, sample, home)
    by_fold = folds(raw)
    p = passages(data, sample)
    some = next(org for org in p if "ids" in p[org] and org != "sample")
    passage = p[some]["ids"][0]
    lex = Lexical(p, {"a": {"zzqxunseenterm"}, "b": {"week"}})
    lex.terms[passage] = {"zzqxunseenterm", "week"}
    assert lex("a", passage, "unseen") > 0.0 == lex("b", passage, "unseen")
    assert evaluate(by_fold, classifier(lex, (0,))) == evaluate(by_fold, shipped)
    for decide in variants(raw, p, lex).values():
        assert set(evaluate(by_fold, decide)) == {"bakery", "harbour"}
