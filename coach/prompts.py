"""Prompt templates as versioned YAML files in prompts/, rendered strictly with Jinja.

A missing variable is an error, never an empty string (StrictUndefined).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jinja2
import yaml

from coach.errors import ConfigError
from coach.resources import data_path

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
)


@dataclass(frozen=True)
class Prompt:
    name: str
    version: str
    system: str
    user: str

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, **variables: Any) -> tuple[str, str]:
        try:
            return (
                _ENV.from_string(self.system).render(**variables),
                _ENV.from_string(self.user).render(**variables),
            )
        except jinja2.UndefinedError as exc:
            raise ConfigError(
                f"Prompt {self.id} needs a variable that was not given: {exc}."
            ) from None


def available(name: str) -> list[str]:
    return sorted(p.stem.split(".", 1)[1] for p in data_path("prompts").glob(f"{name}.*.yaml"))


@lru_cache(maxsize=32)
def load_prompt(name: str, version: str | None = None) -> Prompt:
    """The prompt `name` at `version` (default: the highest version on disk)."""
    versions = available(name)
    if not versions:
        raise ConfigError(f"No prompt named {name!r} in {data_path('prompts')}.")
    version = version or max(
        versions, key=lambda v: [int(x) if x.isdigit() else x for x in v.lstrip("v").split(".")]
    )
    path = data_path("prompts") / f"{name}.{version}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"No version {version!r} of prompt {name!r}; have: {', '.join(versions)}."
        )
    data = yaml.safe_load(path.read_text("utf-8"))
    return Prompt(name=name, version=version, system=data["system"], user=data["user"])
