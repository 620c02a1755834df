"""Small helpers for the real servers the tests start: free ports, waiting, running as a user."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str, interval_s: float = 0.05) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval_s)
    raise TimeoutError(f"{what} not within {timeout_s:g} s")


def as_user(user: str | None, command: Sequence[str]) -> list[str]:
    """`command` run as `user` when we are root (PostgreSQL refuses to run as root)."""
    if user is None or os.geteuid() != 0:
        return list(command)
    runuser = shutil.which("runuser")
    if runuser is None:
        raise RuntimeError("runuser (util-linux) is needed to start PostgreSQL as a non-root user")
    return [runuser, "-u", user, "--", *command]


def chown_to(path: Path, user: str | None) -> None:
    if user is None or os.geteuid() != 0:
        return
    entry = pwd.getpwnam(user)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def run(command: Sequence[str], *, timeout_s: float = 120, what: str = "") -> subprocess.CompletedProcess:
    done = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout_s)
    if done.returncode != 0:
        raise RuntimeError(f"{what or command[0]} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done
