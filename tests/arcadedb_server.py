"""A real Bolt server for the tests and the load benchmark: ArcadeDB with its Bolt plugin, in a process of its own.

No Neo4j server can be installed here; ArcadeDB (the `arcadedb-embedded` wheel, bundled JRE) speaks Bolt and
Cypher. It runs in a child process because the neo4j driver and the JVM in one process crash.

As a script: `python tests/arcadedb_server.py ROOT DATABASE` starts the server under ROOT on free ports
(the root password comes from $ARCADEDB_ROOT_PASSWORD, never the command line), creates DATABASE over the HTTP
API unless ROOT already holds it (a restart), prints `READY <bolt port> <http port>` and stops cleanly on
SIGTERM/SIGINT or when its stdin closes (so it dies with the parent). `BoltServer.start()` is the parent's side.
"""
from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

USER = "root"
PASSWORD_ENV = "ARCADEDB_ROOT_PASSWORD"
BOLT_PLUGIN = "Bolt:com.arcadedb.bolt.BoltProtocolPlugin"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


def http_command(http_port: int, password: str, command: str) -> dict:
    """A server command (e.g. `create database kg`) over ArcadeDB's HTTP API."""
    auth = base64.b64encode(f"{USER}:{password}".encode()).decode()
    req = urllib.request.Request(
        f"http://localhost:{http_port}/api/v1/server", data=json.dumps({"command": command}).encode(),
        headers={"Authorization": f"Basic {auth}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def serve(root: Path, database: str) -> None:
    """Child process: run the server until SIGTERM/SIGINT or stdin EOF."""
    password = os.environ[PASSWORD_ENV]
    bolt_port, http_port = free_port(), free_port()
    from arcadedb_embedded.server import ArcadeDBServer

    # -Xrs: the JVM leaves SIGTERM/SIGINT to Python; its own SIGTERM handler calls back into Python and segfaults.
    server = ArcadeDBServer(str(root), root_password=password,
                            config={"server_plugins": BOLT_PLUGIN, "bolt_port": bolt_port, "http_port": http_port},
                            jvm_kwargs={"heap_size": "1g", "jvm_args": "-Xrs"})
    server.start()
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    try:
        if not (root / "databases" / database).is_dir():  # a restart on the same ROOT reopens the database
            http_command(http_port, password, f"create database {database}")
        print(f"READY {bolt_port} {http_port}", flush=True)
        while not stop.wait(0.2):
            pass
    finally:
        server.stop()


@dataclass
class BoltServer:
    """The parent's handle on a running ArcadeDB child: connection settings and databases on demand."""

    process: subprocess.Popen
    bolt_port: int
    http_port: int
    database: str
    password: str = field(repr=False)
    user: str = USER
    startup_seconds: float = 0.0

    @property
    def uri(self) -> str:
        return f"bolt://localhost:{self.bolt_port}"

    @classmethod
    def start(cls, root: Path, database: str = "kg", timeout: float = 120.0,
              password: str = "kg-test-password") -> "BoltServer":
        """Start the child, wait for READY and for Bolt to answer a query; stop it again if either fails."""
        from neo4j import GraphDatabase

        t0 = time.perf_counter()
        root.mkdir(parents=True, exist_ok=True)
        log = (root / "server.log").open("wb")
        # cwd=root: ArcadeDB writes ./log relative to the working directory.
        proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), str(root / "data"), database],
                                cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                env={**os.environ, PASSWORD_ENV: password})
        try:
            line = proc.stdout.readline().decode()  # blocks until READY or the child exits
            if not line.startswith("READY"):
                raise RuntimeError(f"ArcadeDB did not start (exit {proc.wait(5)}); see {root / 'server.log'}")
            bolt_port, http_port = map(int, line.split()[1:])
            server = cls(proc, bolt_port, http_port, database, password)
            deadline = time.monotonic() + timeout
            with GraphDatabase.driver(server.uri, auth=(USER, password)) as driver:
                while True:
                    try:
                        driver.execute_query("RETURN 1", database_=database)
                        break
                    except Exception:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
        except BaseException:
            cls._terminate(proc)
            raise
        server.startup_seconds = time.perf_counter() - t0
        return server

    def create_database(self, name: str) -> str:
        """A fresh, empty database on this server (one per test module keeps tests independent)."""
        http_command(self.http_port, self.password, f"create database {name}")
        return name

    def stop(self) -> None:
        self._terminate(self.process)

    @staticmethod
    def _terminate(proc: subprocess.Popen) -> None:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    serve(Path(sys.argv[1]).resolve(), sys.argv[2])
