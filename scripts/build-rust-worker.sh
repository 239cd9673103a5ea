#!/usr/bin/env bash
# Builds examples/rust-worker (a workers-rs Worker over the Rust client) into
# target/rust-worker/build/ (index.js, index_bg.wasm), as wrangler's build
# command would, offline: worker-build (installed into .tools/ by
# scripts/setup.sh) with the tools this repository already has, in place of
# the ones it would download: the wasm-bindgen CLI of .tools/ (the example's
# Cargo.lock holds wasm-bindgen at the workspace's version, checked here),
# esbuild and wasm-opt (binaryen) from node_modules.
#
# Nothing is rebuilt when no input changed (the sources of the example, the
# client and the core, the lock files, the tools' versions): a second run
# takes a fraction of a second. It prints how long each build took.
set -euo pipefail
cd "$(dirname "$0")/.."

example=examples/rust-worker
out=$PWD/target/rust-worker

version_in() { awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print }' "$1"; }
want=$(version_in Cargo.lock)
have=$(version_in "$example/Cargo.lock")
if [ "$want" != "$have" ]; then
  echo "build-rust-worker: $example/Cargo.lock has wasm-bindgen $have, the workspace $want: the CLI in .tools/ builds one of them only" >&2
  echo "  (cd $example && cargo update -p wasm-bindgen --precise $want)" >&2
  exit 1
fi

inputs() {
  find crates/core/src crates/core/Cargo.toml crates/client/src crates/client/Cargo.toml \
    "$example/src" "$example/Cargo.toml" "$example/Cargo.lock" -type f -print0 | sort -z | xargs -0 sha256sum
  sha256sum package-lock.json
  rustc --version
  .tools/bin/worker-build --version
  .tools/bin/wasm-bindgen --version
}
fingerprint=$(inputs | sha256sum | cut -d' ' -f1)
if [ -f "$out/build/index.js" ] && [ "$(cat "$out/fingerprint" 2>/dev/null)" = "$fingerprint" ]; then
  echo "build-rust-worker: up to date ($out/build)"
  exit 0
fi

started=$(date +%s%N)
rm -f "$out/fingerprint"
# The *_BIN variables are worker-build's own overrides of what it would
# download; CARGO_TARGET_DIR keeps its cargo build out of the example.
CARGO_TARGET_DIR="$out/cargo" \
  WASM_BINDGEN_BIN="$PWD/.tools/bin/wasm-bindgen" \
  ESBUILD_BIN="$PWD/node_modules/.bin/esbuild" \
  WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt" \
  .tools/bin/worker-build --release --out-dir "$out/build" "$example" --locked
echo "$fingerprint" >"$out/fingerprint"
echo "build-rust-worker: built in $(( ($(date +%s%N) - started) / 1000000 )) ms ($out/build)"
