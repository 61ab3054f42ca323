#!/usr/bin/env python3
"""The two set-up commands of the README, on a fresh machine with Python ≥ 3.11 and git.

    python3 dev.py serve   # virtualenv, install, migrate, demo data, http://127.0.0.1:8000
    python3 dev.py test    # virtualenv, install with the test tools, run the whole suite

Extra arguments of `test` go to pytest (e.g. `python3 dev.py test -m browser`).
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args, env=None):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, env=env)


def ensure_venv(extras):
    """Create .venv and install the project; skip the install when nothing changed since the last one."""
    if sys.version_info < (3, 11):  # noqa: UP036 - this file must say why on an older Python
        sys.exit("PEV Coach needs Python 3.11 or newer.")
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != digest:
        target = f".[{extras}]" if extras else "."
        run(PYTHON, "-m", "pip", "install", "--quiet", "-e", target)
        stamp.write_text(digest)


def serve():
    ensure_venv(None)
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "True")}
    run(PYTHON, "manage.py", "migrate", "--noinput", env=env)
    run(PYTHON, "manage.py", "load_demo", env=env)
    print("\nPEV Coach: http://127.0.0.1:8000  (demo accounts: see README, password demo1234)\n", flush=True)
    run(PYTHON, "manage.py", "runserver", "127.0.0.1:8000", env=env)


def test(pytest_args):
    ensure_venv("dev")
    run(PYTHON, "-m", "pytest", *pytest_args)


def main():
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    try:
        if command == "serve":
            serve()
        elif command == "test":
            test(args)
        else:
            sys.exit(__doc__)
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
