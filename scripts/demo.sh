#!/usr/bin/env bash
# Builds what is missing, then serves the demo page with a local mock of the
# service (no key, no internet needed) and prints its URL.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/demo.mjs "$@"
