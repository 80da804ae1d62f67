"""A run folder: run.json (what was asked) and episodes.jsonl (what happened, append-only).

Each finished episode is one JSON line, written whole with one ``write`` and flushed to
disk before the next attempt starts, so Ctrl-C, a kill or a crash loses no finished
episode. Reading tolerates a last line cut short by a crash (it is dropped and redone);
re-running the same command reads what is there and runs only what is missing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import ValidationError

from benchgen.errors import EvalError
from benchgen.eval.models import Episode, RunSettings

__all__ = ["EPISODES", "RESULTS", "RUN_JSON", "EpisodeLog", "read_episodes", "read_settings"]

RUN_JSON = "run.json"
EPISODES = "episodes.jsonl"
RESULTS = "results.json"


def read_episodes(run: Path) -> list[Episode]:
    """Return the finished episodes of ``run`` in the order they finished.

    A last line without its newline is the write a crash interrupted: it is left out (and
    overwritten by the next append). Any other unreadable line is an error.
    """
    path = run / EPISODES
    if not path.is_file():
        return []
    data = path.read_bytes()
    lines = data.split(b"\n")
    complete, tail = lines[:-1], lines[-1]
    episodes = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            episodes.append(Episode.model_validate_json(line))
        except ValidationError as exc:
            raise EvalError(
                f"{path} line {number} is not an episode ({exc.errors()[0]['msg']}); "
                "it was not written by benchgen eval: move it aside and run again"
            ) from exc
    if tail.strip():
        with path.open("r+b") as handle:  # drop the torn line so appends stay line-aligned
            handle.truncate(len(data) - len(tail))
    return episodes


def read_settings(run: Path) -> RunSettings | None:
    """Return run.json of ``run``, or None for a new run."""
    path = run / RUN_JSON
    if not path.is_file():
        return None
    try:
        return RunSettings.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise EvalError(
            f"{path} is not a run.json of benchgen eval: {exc.errors()[0]['msg']}"
        ) from exc


class EpisodeLog:
    """Append episodes to ``run/episodes.jsonl``, each durable before the call returns."""

    def __init__(self, run: Path) -> None:
        run.mkdir(parents=True, exist_ok=True)
        self.path = run / EPISODES
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def append(self, episode: Episode) -> None:
        """Write one episode as one line, then fsync."""
        line = json.dumps(episode.model_dump(mode="json"), separators=(",", ":")) + "\n"
        data = memoryview(line.encode("utf-8"))
        while data:
            data = data[os.write(self._fd, data) :]
        os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)

    def __enter__(self) -> EpisodeLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
