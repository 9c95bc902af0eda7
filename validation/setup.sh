#!/usr/bin/env bash
# Creates validation/.venv and installs CPU PyTorch from PyPI for measure.py.
# Run from anywhere: bash validation/setup.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --upgrade pip >/dev/null
# Plain PyPI torch (the default wheel runs on the CPU; no GPU is needed or used).
"$venv/bin/python" -m pip install torch numpy
"$venv/bin/python" -c 'import torch; print("torch", torch.__version__, "ready in", "'"$venv"'")'
