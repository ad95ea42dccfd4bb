#!/usr/bin/env bash
# Run a command inside the project's virtual environment at .venv/,
# creating it (and installing the package with the pinned stack) when missing.
#
#   bash tools/run_in_venv.sh python tools/train.py configs/diffult_resnet32_cifar100lt.py
#   bash tools/run_in_venv.sh python -m pytest tests
#
# Set DIFFULT_PYTHON to choose the interpreter used to create the venv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.diffult-installed"
# The stamp holds a hash of the files that define the install, so an edit to
# them re-runs the install while an unchanged venv is reused as it is.
want="$(cat "$root/pyproject.toml" "$root/constraints.txt" | sha256sum | cut -d' ' -f1)"

if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "[run_in_venv] setting up $venv (once; about 2 minutes)" >&2
    if [ ! -x "$venv/bin/python" ]; then
        "${DIFFULT_PYTHON:-python3}" -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --upgrade "pip>=24" -c "$root/constraints.txt"
    "$venv/bin/python" -m pip install --quiet -c "$root/constraints.txt" \
        "setuptools>=77.0.3,<82" wheel
    "$venv/bin/python" -m pip install --quiet -c "$root/constraints.txt" \
        -e "$root[lite,tests]"
    echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"
export VIRTUAL_ENV="$venv"
exec "$@"
