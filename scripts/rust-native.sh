#!/usr/bin/env bash
# Runs examples/rust-native (a tokio program: a quote, then a whole job) against
# the package's mock on 127.0.0.1: no key, no internet needed. It starts the
# mock with a key of its own on a free port, hands the program that key and
# the mock's URL, and stops the mock when the program ends.
#
#   scripts/rust-native.sh [VIDEO_ID] [PROMPT]
#
# The mock's jobs end by their video id (src/mock/README.md): one starting
# with "fail" fails, so `scripts/rust-native.sh fail_1` shows an error.
# RUST_NATIVE_BIN runs a program already built instead of `cargo run`.
set -euo pipefail
cd "$(dirname "$0")/.."

key="rust-native-key"
out=$(mktemp)
# Each status lasts one read, so the job ends after three polls.
node src/mock/cli.js --api-key "$key" --advance polls --step-polls 1 >"$out" &
mock=$!
trap 'kill "$mock" 2>/dev/null || true; wait "$mock" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$out" && break
  kill -0 "$mock" 2>/dev/null || { echo "the mock did not start" >&2; exit 1; }
  sleep 0.05
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$out") || { echo "the mock printed no URL" >&2; exit 1; }

export TRINETRA_API_KEY="$key" KLING_EXTEND_BASE_URL="$url"
if [[ -n "${RUST_NATIVE_BIN:-}" ]]; then
  "$RUST_NATIVE_BIN" "$@"
else
  cargo run --quiet -p rust-native -- "$@"
fi
