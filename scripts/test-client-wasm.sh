#!/usr/bin/env bash
# The Rust client on wasm32 (crates/client, feature `fetch`) against the
# package's mock over HTTP: its tests (crates/client/tests/fetch/) run in
# Node, then in headless Chromium through chromedriver, both by
# wasm-bindgen-test-runner. The mock is started here, on a free port; the
# tests take its URL at build time (KLING_EXTEND_MOCK_URL), as a page or a
# Worker is configured. `scripts/setup.sh browser` installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

out=$(mktemp)
node src/mock/cli.js --api-key test-key --kling-key ak:sk --advance polls --step-polls 1 >"$out" &
mock=$!
# Our own child, by its id.
trap 'kill "$mock" 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 100); do
  [ -s "$out" ] && break
  sleep 0.05
done
url=$(awk '{ print $NF; exit }' "$out")
case "$url" in
  http://127.0.0.1:*) ;;
  *) echo "test-client-wasm: the mock did not start: $(cat "$out")" >&2; exit 1 ;;
esac

export KLING_EXTEND_MOCK_URL="$url"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$PWD/.tools/bin/wasm-bindgen-test-runner"
# Not --quiet: cargo would hand it to the runner, which refuses it.
run() {
  cargo test -p kling-extend-client --target wasm32-unknown-unknown --features fetch "$@" 2>&1 |
    grep -v -e '^ *Compiling' -e '^ *Finished' -e '^ *Running' -e '^ *Doc-tests' \
      -e '^Try find .webdriver.json' -e '^Not found$' -e '^Loading Wasm module'
}
# The examples of FetchClient and JsRuntime, which exist only on wasm32:
# compiled for it (they are no_run), as the others are natively.
run --doc fetch
echo "test-client-wasm: Node"
run --test fetch
echo "test-client-wasm: headless Chromium"
CHROMEDRIVER=${CHROMEDRIVER:-/usr/bin/chromedriver} WASM_BINDGEN_USE_BROWSER=1 run --test fetch
