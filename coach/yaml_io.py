"""YAML, read in one place: coach's own data files and the YAML people hand it.

PyYAML is imported here only, so how YAML is loaded is one decision: always the safe loader
(no Python objects), and for text from an uploaded document (Markdown front matter) no aliases
either, since a few lines of `*a` can expand to gigabytes when the value is printed. Rules
files, eval suites and prompts are the operator's own and may use anchors.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import yaml

YAMLError = yaml.YAMLError


# libyaml's parser where PyYAML has it: the same safe constructor, ~10x faster (the default rules
# were a third of `coach rewrite`'s start-up in pure-Python YAML).
_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """Safe-load one YAML document (None when empty)."""
    return yaml.load(text, Loader=_SAFE)  # SafeLoader or its C twin


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader without aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not allowed here")
        return super().compose_node(parent, index)


def load_untrusted(text: str) -> Any:
    """Safe-load YAML from an uploaded file: an alias is a YAMLError, not an expansion."""
    return yaml.load(text, Loader=_NoAliasLoader)


def data(name: str) -> Any:
    """coach/data/NAME, parsed: the vocabularies and thresholds that ship with coach."""
    return load(resources.files("coach").joinpath("data", name).read_text(encoding="utf-8"))


__all__ = ["YAMLError", "data", "load", "load_untrusted"]
