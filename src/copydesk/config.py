"""One typed settings object. Defaults are packaged (``defaults.toml``); a user
file (``copydesk.toml`` in the working directory, or an explicit path) overrides
any key. Unknown keys are an error, so a typo never silently does nothing."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True, slots=True)
class IngestSettings:
    max_file_bytes: int = 100 * 1024 * 1024
    max_record_bytes: int = 10 * 1024 * 1024
    batch_size: int = 200


@dataclass(frozen=True, slots=True)
class ExtractSettings:
    min_body_chars: int = 1


@dataclass(frozen=True, slots=True)
class ReuseSettings:
    paraphrase: bool = True
    model: str = "default"
    paraphrase_threshold: float = 0.75
    device: str = "auto"
    max_sentence_df: int = 200
    content_neighbours: int = 2
    content_similarity: float = 0.3


@dataclass(frozen=True, slots=True)
class StoriesSettings:
    enabled: bool = True
    threshold: float = 0.15
    split_threshold: float = 0.15
    neighbourhood: int = 3
    attach_threshold: float = 0.15
    names_weight: float = 1.0
    time_window_days: float = 7.0
    max_df: float = 0.5
    enrich_min_articles: int = 2
    enrich_max_articles: int = 5
    enrich_max_stories: int = 25
    ner_max_chars: int = 4000
    fact_threshold: float = 0.6
    brief_sentences: int = 5


@dataclass(frozen=True, slots=True)
class WebSettings:
    max_request_bytes: int = 10 * 1024 * 1024
    max_records: int = 1000


@dataclass(frozen=True, slots=True)
class Settings:
    ingest: IngestSettings = field(default_factory=IngestSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    reuse: ReuseSettings = field(default_factory=ReuseSettings)
    stories: StoriesSettings = field(default_factory=StoriesSettings)
    web: WebSettings = field(default_factory=WebSettings)

    def with_overrides(self, data: dict[str, Any], *, origin: str = "<settings>") -> "Settings":
        """A copy with ``{"section": {"key": value}}`` applied; unknown keys raise ConfigError."""
        changes: dict[str, Any] = {}
        known = {f.name: f for f in fields(self)}
        for section, values in data.items():
            if section not in known:
                raise ConfigError(f"{origin}: unknown section [{section}] (known: {', '.join(known)})")
            current = getattr(self, section)
            if not isinstance(values, dict):
                raise ConfigError(f"{origin}: [{section}] must be a table")
            keys = {f.name: f for f in fields(current)}
            sub: dict[str, Any] = {}
            for key, value in values.items():
                if key not in keys:
                    raise ConfigError(f"{origin}: unknown key {section}.{key} (known: {', '.join(keys)})")
                expected = type(getattr(current, key))
                if expected is float and isinstance(value, int) and not isinstance(value, bool):
                    value = float(value)
                if expected is int and isinstance(value, bool) or not isinstance(value, expected):
                    raise ConfigError(f"{origin}: {section}.{key} must be {expected.__name__}, got {value!r}")
                sub[key] = value
            changes[section] = replace(current, **sub)
        return replace(self, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def load_settings(path: str | Path | None = None) -> Settings:
    """Packaged defaults, then ``copydesk.toml`` in the working directory (if any),
    then ``path`` (if given; it must exist)."""
    defaults = tomllib.loads(resources.files("copydesk").joinpath("defaults.toml").read_text("utf-8"))
    settings = Settings().with_overrides(defaults, origin="defaults.toml")
    local = Path("copydesk.toml")
    if path is None and local.is_file():
        settings = settings.with_overrides(_read_toml(local), origin=str(local))
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}: settings file not found")
        settings = settings.with_overrides(_read_toml(p), origin=str(p))
    return settings
