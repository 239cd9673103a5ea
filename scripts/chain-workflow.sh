#!/usr/bin/env bash
# Builds what is missing, then runs examples/chain-workflow in wrangler dev
# against a local mock of the services (no key, no Cloudflare account, no
# internet needed) and prints how to start a chain.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/build.sh
exec node scripts/chain-workflow.mjs "$@"
