"""Security checks for `make test` (`make audit`): bandit on the code, pip-audit on the locked
dependencies. Exits non-zero on any finding; never reports a pass it could not check.

bandit
    `bandit -r backrun app.py`: every finding fails. A false positive is silenced on its line with
    `# <why>  # nosec <test id>`, never for the whole code base.

pip-audit
    Audits requirements-dev.lock (the runtime dependencies and the test tools, pinned with
    hashes) against PyPI's vulnerability data (from the PyPA advisory database / OSV):
    `pip-audit --disable-pip --require-hashes -r requirements-dev.lock`.

    pip-audit asks PyPI for each pinned version (`https://pypi.org/pypi/<name>/<version>/json`).
    Where that per-version endpoint can't be reached (a package mirror that serves only the
    project pages, as on the machine this was written on, where it answers 404, and where OSV's
    api.osv.dev doesn't even resolve), pip-audit skips the package with "Dependency not found on
    PyPI and could not be audited" and would exit 0 as if it had checked. This script doesn't
    accept that. For a skipped package it reads the project page
    (`https://pypi.org/pypi/<name>/json`), whose `vulnerabilities` list is PyPI's data for the
    *latest* release: when the pinned version is the latest one, that is exactly the answer
    pip-audit would have got. Packages pinned below their latest release stay NOT AUDITED and
    are listed by name.

    Known vulnerability in any audited package: exit 1. Packages that could not be audited: a
    loud warning and exit 0 (a closed network is not a vulnerability), or exit 2 with
    BACKRUN_AUDIT_STRICT=1 (for a CI that must prove it checked everything).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCK = PROJECT_ROOT / "requirements-dev.lock"
PYPI_JSON = os.environ.get("BACKRUN_AUDIT_PYPI", "https://pypi.org/pypi")
# Vulnerabilities looked at and accepted, with the reason: {"ID": "why it doesn't apply"}.
ACCEPTED: dict[str, str] = {}


def run_bandit() -> bool:
    print("== bandit (backrun/, app.py)")
    done = subprocess.run(
        [
            str(BIN / "bandit"),
            "-r",
            "backrun",
            "app.py",
            "-q",
            "-f",
            "custom",
            "--msg-template",
            "{relpath}:{line} {test_id} [{severity}/{confidence}] {msg}",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    findings = [line for line in done.stdout.splitlines() if line.strip()]
    for line in findings:
        print("  " + line)
    if done.returncode not in (0, 1) or (done.returncode == 1 and not findings):
        print(done.stderr[-2000:])
        print("bandit: FAILED TO RUN")
        return False
    print(f"bandit: {'clean' if not findings else f'{len(findings)} finding(s)'}")
    return not findings


def pinned(lock: Path) -> dict[str, str]:
    found = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", line)
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def run_pip_audit(lock: Path) -> dict:
    command = [
        str(BIN / "pip-audit"),
        "--disable-pip",
        "--require-hashes",
        "-r",
        str(lock),
        "--format",
        "json",
        "--progress-spinner",
        "off",
        "--timeout",
        "20",
    ]
    for vuln_id in ACCEPTED:
        command += ["--ignore-vuln", vuln_id]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=900)
    try:
        return json.loads(done.stdout)
    except ValueError:
        return {"error": (done.stderr or done.stdout)[-2000:], "dependencies": []}


def project_vulnerabilities(name: str, version: str) -> tuple[str, list[dict]]:
    """("audited", vulns) when PyPI's project page is about this version, else ("why not", [])."""
    try:
        with urllib.request.urlopen(f"{PYPI_JSON}/{name}/json", timeout=20) as response:
            data = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return f"PyPI unreachable ({exc})", []
    latest = data.get("info", {}).get("version")
    if latest != version:
        return f"pinned {version}, latest {latest}", []
    vulns = [
        v for v in data.get("vulnerabilities") or [] if not v.get("withdrawn") and v.get("id") not in ACCEPTED
    ]
    return "audited", vulns


def audit_dependencies(lock: Path = LOCK) -> tuple[bool, bool]:
    """(no known vulnerabilities, everything audited)."""
    print(f"== pip-audit ({lock.name})")
    versions = pinned(lock)
    report = run_pip_audit(lock)
    if report.get("error"):
        print("pip-audit did not run properly:\n" + report["error"])
    audited, vulnerable, not_audited = [], [], []
    reported = {canonical(dep["name"]): dep for dep in report.get("dependencies", [])}
    for name, version in sorted(versions.items()):
        dep = reported.get(name)
        if dep is not None and "skip_reason" not in dep:
            audited.append((name, "pip-audit"))
            vulnerable += [(name, version, v["id"], v.get("fix_versions", [])) for v in dep.get("vulns", [])]
            continue
        how, vulns = project_vulnerabilities(name, version)
        if how == "audited":
            audited.append((name, "project page"))
            vulnerable += [(name, version, v["id"], v.get("fixed_in", [])) for v in vulns]
        else:
            not_audited.append((name, version, how))

    by_service = sum(1 for _, how in audited if how == "pip-audit")
    print(
        f"{len(versions)} locked packages: {by_service} audited by pip-audit's PyPI service, "
        f"{len(audited) - by_service} from PyPI's project page (pinned = latest release), "
        f"{len(not_audited)} NOT AUDITED."
    )
    for name, version, vuln_id, fixes in vulnerable:
        print(f"  VULNERABLE {name} {version}: {vuln_id} (fixed in {', '.join(fixes) or 'no release yet'})")
    if not_audited:
        print("  NOT AUDITED (no vulnerability data reachable for these versions):")
        for name, version, why in not_audited:
            print(f"    {name} {version}: {why}")
    print(
        f"pip-audit: {'no known vulnerabilities' if not vulnerable else f'{len(vulnerable)} known vulnerabilities'}"
        + (f" in the {len(audited)} audited packages" if not_audited else "")
    )
    return not vulnerable, not not_audited


def main(argv: list[str]) -> int:
    """`tools/security_audit.py [LOCK_FILE]` (default requirements-dev.lock)."""
    bandit_ok = run_bandit()
    deps_ok, complete = audit_dependencies(Path(argv[0]) if argv else LOCK)
    if not (bandit_ok and deps_ok):
        print("SECURITY CHECKS FAILED")
        return 1
    if not complete:
        print("WARNING: some dependencies could not be audited (see above); not a pass for those.")
        return 2 if os.environ.get("BACKRUN_AUDIT_STRICT") == "1" else 0
    print("security checks: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
