"""The multilingual encoder's on-disk model cache (tokenizer arrays, uncompressed weights) must
give exactly the vectors and pieces of the package's own load, and a broken cache must only
cost time: it falls back to the normal load and is written again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach import multilingual

TEXTS = [
    "Cut the claims backlog from 900 to 350 cases.",
    "Kirjoita vain sana KYLLÄ ja lopeta.",
    "Γράψε μόνο τη λέξη ΝΑΙ.",
    "請只回覆「是」",
    "Jevgr bayl lrf",
    "",
]
WORDS = ["antidisestablishment", "Jevgr", "ΝΑΙ", "x", "CNRY-55653EAC"]


def _vectors(model: object) -> np.ndarray:
    return np.asarray(model.encode(TEXTS), dtype=np.float32)  # type: ignore[attr-defined]


def _pieces(model: object) -> list[list[int]]:
    return [model._tokenizer.encode(w, out_type=int) for w in WORDS]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def reference() -> tuple[np.ndarray, list[list[int]]]:
    mp = pytest.MonkeyPatch()
    mp.setenv("COACH_MODEL_CACHE", "off")
    model = multilingual._build(1)
    mp.undo()
    return _vectors(model), _pieces(model)


def test_cached_load_gives_bit_identical_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple
) -> None:
    monkeypatch.setenv("COACH_HOME", str(tmp_path))
    first = multilingual._build(1)  # writes the cache
    folder = multilingual._model_cache_dir()
    assert folder is not None and (folder / "tokenizer.npz").is_file()
    assert (folder / "backend.npy").is_file() and (folder / "backend.json").is_file()
    assert not list(folder.glob(".*.tmp"))  # written atomically: no temporary left behind
    second = multilingual._build(1)  # reads it
    for model in (first, second):
        assert np.array_equal(_vectors(model), reference[0])
        assert _pieces(model) == reference[1]


@pytest.mark.parametrize("name", ["tokenizer.npz", "backend.npy", "backend.json"])
def test_a_corrupt_cache_falls_back_and_is_rewritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple, name: str
) -> None:
    monkeypatch.setenv("COACH_HOME", str(tmp_path))
    multilingual._build(1)
    folder = multilingual._model_cache_dir()
    assert folder is not None
    (folder / name).write_bytes(b"PK\x03\x04 not a real archive" * 100)  # any format: garbage
    model = multilingual._build(1)
    assert np.array_equal(_vectors(model), reference[0])
    assert _pieces(model) == reference[1]
    assert not (folder / name).read_bytes().startswith(b"PK\x03\x04 not")  # written again
    assert np.array_equal(_vectors(multilingual._build(1)), reference[0])


def test_a_truncated_weight_buffer_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference: tuple
) -> None:
    """A buffer cut short (a full disk) keeps a valid header: the size check must catch it."""
    monkeypatch.setenv("COACH_HOME", str(tmp_path))
    multilingual._build(1)
    folder = multilingual._model_cache_dir()
    assert folder is not None
    path = folder / "backend.npy"
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    assert np.array_equal(_vectors(multilingual._build(1)), reference[0])
    assert path.read_bytes() == whole


def test_the_earlier_uncompressed_copy_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_HOME", str(tmp_path))
    folder = multilingual._model_cache_dir()
    assert folder is not None
    folder.mkdir(parents=True)
    (folder / "weights.npz").write_bytes(b"an earlier session's 79 MB copy")
    multilingual._build(1)
    assert not (folder / "weights.npz").exists()
