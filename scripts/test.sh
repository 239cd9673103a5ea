#!/usr/bin/env bash
# Runs every test: format and lints, the host tests of the Rust core, the
# mock's own tests, then the consumer tests of the packed package in Node,
# headless Chromium and workerd, the TypeScript check, and the shipped sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh browser
cargo fmt --check
cargo clippy --quiet --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --release -- -D warnings
cargo test --quiet
bash scripts/build.sh
node --test --test-concurrency=1 tests/mock.test.mjs tests/e2e/
node scripts/size.mjs
