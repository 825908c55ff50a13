"""Prompt catalogue: every prompt's audio file, with the text the recording says beside it.

Loaded once from TOML (`prompts.toml` shipped here, or the file the setting
CALLCENTER_IVR_PROMPTS names). A catalogue missing a prompt a flow uses is refused at
start-up, naming the prompt, rather than failing mid-call.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_FILE = Path(__file__).with_name("prompts.toml")


class PromptError(ValueError):
    """The prompt catalogue is unreadable or lacks a prompt a flow needs."""


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    file: str
    text: str


@dataclass(frozen=True, slots=True)
class PromptBook:
    prompts: Mapping[str, Prompt]

    def files(self, *names: str) -> list[str]:
        """The audio files of `names`, in order, for one playback."""
        return [self[name].file for name in names]

    def __getitem__(self, name: str) -> Prompt:
        try:
            return self.prompts[name]
        except KeyError:
            raise PromptError(f"no prompt {name!r} in the catalogue") from None

    def require(self, names: Iterable[str]) -> None:
        missing = sorted(set(names) - set(self.prompts))
        if missing:
            raise PromptError(f"prompt catalogue lacks {', '.join(missing)}")


def load_prompts(path: str | Path | None = None) -> PromptBook:
    """Read a catalogue: `[prompts.<name>]` tables with `file` and `text`."""
    source = Path(path) if path else DEFAULT_FILE
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PromptError(f"cannot read prompts from {source}: {exc}") from None
    prompts: dict[str, Prompt] = {}
    for name, entry in dict(data.get("prompts", {})).items():
        file, text = entry.get("file"), entry.get("text")
        if not isinstance(file, str) or not file.strip() or not isinstance(text, str):
            raise PromptError(f"{source}: prompt {name!r} needs a file and its text")
        if any(c in file for c in " &,|\"\n"):
            raise PromptError(f"{source}: prompt {name!r} file {file!r} is not a sound name")
        prompts[name] = Prompt(name, file.strip(), text)
    return PromptBook(prompts)


__all__ = ["DEFAULT_FILE", "Prompt", "PromptBook", "PromptError", "load_prompts"]
