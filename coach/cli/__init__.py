"""The `coach` command. Each command group lives in its own module with a `register()`.

Every CoachError becomes one sentence on stderr with exit code 2 (usage and bad input) or 1
(the world failed); nothing prints a traceback unless COACH_DEBUG=1.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from coach.errors import CoachError

# Modules that add subcommands; each defines register(subparsers).
COMMANDS = ("coach.cli.basic", "coach.cli.corpus", "coach.cli.batch", "coach.cli.eval")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Usage errors: one sentence and exit 2, like every other bad input."""
        self.exit(2, f"coach: {message} (see `{self.prog} --help`).\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coach",
        description=(
            "Rewrite status updates from tool-and-process talk into outcome and IMPACT "
            "language, grounded in your strategy documents."
        ),
    )
    from coach import __version__

    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=0,
        help="log more to stderr (-v info, -vv debug; or COACH_LOG_LEVEL); secrets are masked",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    import importlib

    for module in COMMANDS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    from coach.log import setup_logging

    verbose = getattr(args, "verbose", 0) or 0
    setup_logging(("INFO", "DEBUG")[min(verbose, 2) - 1] if verbose else None)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CoachError as exc:
        if os.environ.get("COACH_DEBUG") == "1":
            raise
        print(f"coach: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("coach: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
