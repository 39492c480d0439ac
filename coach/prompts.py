"""Prompt templates as versioned YAML files in prompts/, rendered strictly with Jinja.

A missing variable is an error, never an empty string (StrictUndefined), and so is a variable
the file does not declare (a typo would otherwise be silently ignored). A file may also carry
extra templates (e.g. `repair`) and the JSON `schema` of the answer, so the output contract
is versioned with the words that ask for it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jinja2

from coach import yaml_io
from coach.errors import ConfigError
from coach.resources import data_path

_ENV = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
)
_RESERVED = {"name", "version", "system", "user", "variables", "schema", "options"}


@lru_cache(maxsize=64)
def _compiled(template: str) -> jinja2.Template:
    """Compiling is most of a render's cost, and a prompt is rendered on every request."""
    return _ENV.from_string(template)


@dataclass(frozen=True)
class Prompt:
    """One version of one prompt. `id` ("rewrite@v2") goes into every result."""

    name: str
    version: str
    system: str
    user: str
    variables: tuple[str, ...] = ()
    schema: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    parts: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def id(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def digest(self) -> str:
        """A hash of the whole template, so an edited file never reuses old cache entries."""
        blob = json.dumps(
            [self.system, self.user, self.parts, self.schema, self.options], sort_keys=True
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:16]

    def _render(self, template: str, variables: dict[str, Any]) -> str:
        if self.variables:
            unknown = sorted(set(variables) - set(self.variables) - {"violations"})
            if unknown:
                raise ConfigError(
                    f"Prompt {self.id} does not take variable(s) {', '.join(unknown)}."
                )
        try:
            return _compiled(template).render(**variables)
        except jinja2.UndefinedError as exc:
            raise ConfigError(
                f"Prompt {self.id} needs a variable that was not given: {exc}."
            ) from None
        except jinja2.TemplateError as exc:
            raise ConfigError(f"Prompt {self.id} is not a valid template: {exc}.") from None

    def render(self, **variables: Any) -> tuple[str, str]:
        """(system, user) with every declared variable filled."""
        return self._render(self.system, variables), self._render(self.user, variables)

    def render_part(self, part: str, **variables: Any) -> str:
        """An extra template of the file, e.g. `repair` with `violations`."""
        if part not in self.parts:
            raise ConfigError(f"Prompt {self.id} has no {part!r} template.")
        return self._render(self.parts[part], variables)


def available(name: str) -> list[str]:
    return sorted(p.stem.split(".", 1)[1] for p in data_path("prompts").glob(f"{name}.*.yaml"))


def _version_key(v: str) -> list[Any]:
    return [int(x) if x.isdigit() else x for x in v.lstrip("v").split(".")]


@lru_cache(maxsize=32)
def load_prompt(name: str, version: str | None = None) -> Prompt:
    """The prompt `name` at `version` (default: the highest version on disk)."""
    versions = available(name)
    if not versions:
        raise ConfigError(f"No prompt named {name!r} in {data_path('prompts')}.")
    version = version or max(versions, key=_version_key)
    path = data_path("prompts") / f"{name}.{version}.yaml"
    if not path.is_file():
        raise ConfigError(
            f"No version {version!r} of prompt {name!r}; have: {', '.join(versions)}."
        )
    try:
        data = yaml_io.load(path.read_text("utf-8"))
        system, user = data["system"], data["user"]
    except (yaml_io.YAMLError, KeyError, TypeError) as exc:
        raise ConfigError(f"Prompt file {path.name} is broken: {exc}.") from None
    if data.get("version", version) != version or data.get("name", name) != name:
        raise ConfigError(
            f"Prompt file {path.name} names itself {data.get('name')}@"
            f"{data.get('version')}; rename the file or fix its header."
        )
    parts = {k: v for k, v in data.items() if k not in _RESERVED and isinstance(v, str)}
    return Prompt(
        name=name,
        version=version,
        system=system,
        user=user,
        variables=tuple(data.get("variables") or ()),
        schema=dict(data.get("schema") or {}),
        parts=parts,
        options=dict(data.get("options") or {}),
    )
