#!/usr/bin/env bash
# Installs what the build and the tests need, skipping whatever is already
# there: the wasm target and std's source, the wasm-bindgen CLI matching
# Cargo.lock and worker-build (into .tools/), the npm dev dependencies and,
# with "browser", Debian's chromium and chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
# The shipped wasm rebuilds std from source (scripts/build.sh).
if ! rustup component list --installed | grep -qx rust-src; then
  rustup component add rust-src
fi

# The CLI must match the wasm-bindgen crate exactly. Installed without
# --locked: its lock file pins a webpki-roots release the registry lacks.
# Its dependencies are then the newest that its own rust-version (1.86)
# builds, not the newest of all, so an older stable Rust installs it too.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' Cargo.lock)
have=$(.tools/bin/wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (about 3 minutes, once)"
  CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback cargo install wasm-bindgen-cli --version "=$want" --root .tools --quiet
fi

# worker-build, which builds examples/rust-worker (scripts/build-rust-worker.sh):
# the release of the example's `worker` crate, which it requires. Built
# without optimisation: it only runs cargo, wasm-bindgen, wasm-opt and
# esbuild, as fast either way, and installs in a third of the CPU time
# (150 s against 400 s). It needs Rust 1.91, as `worker` does.
want=$(awk '/^name = "worker"$/ { getline; gsub(/[^0-9.]/, ""); print }' examples/rust-worker/Cargo.lock)
have=$(.tools/bin/worker-build --version 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing worker-build $want (a few minutes, once)"
  cargo install worker-build --version "=$want" --locked --debug --root .tools --quiet
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# chromedriver: wasm-bindgen-test-runner drives Chromium through it
# (scripts/test-client-wasm.sh); Debian's matches its chromium.
if [ "${1:-}" = "browser" ] && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  echo "setup: installing Debian's chromium and chromedriver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
fi
