#!/usr/bin/env bash
# Runs every test: format and lints; the host tests of the Rust core (unit
# and property tests); the bindings' tests in Node; the mock's own tests;
# the stable-only build a compiler without the size flags falls back to, and
# what the crate would publish (tests/build.test.mjs); then the packed
# package installed by a consumer and run in Node, headless Chromium and
# workerd, plus the TypeScript check, publint, @arethetypeswrong/cli and
# `npm publish --dry-run` (tests/e2e/package.test.mjs), after the size
# budget; last, the table of shipped sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh browser
cargo fmt --all --check
# The three crates (ARCHITECTURE.md): the core and the npm bindings on the
# host and in each wasm build (page, server, calculator), the Rust client
# with and without its transports.
cargo clippy --quiet -p kling-extend -p kling-extend-core --all-targets -- -D warnings
cargo clippy --quiet -p kling-extend-core --target wasm32-unknown-unknown --all-targets --features server -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets --features server -- -D warnings
cargo clippy --quiet --target wasm32-unknown-unknown --all-targets --no-default-features -- -D warnings
cargo clippy --quiet -p kling-extend-client --all-targets -- -D warnings
cargo clippy --quiet -p kling-extend-client --all-targets --features reqwest,tokio -- -D warnings
cargo clippy --quiet -p kling-extend-client --target wasm32-unknown-unknown --lib -- -D warnings
cargo clippy --quiet -p kling-extend-client --target wasm32-unknown-unknown --features fetch --lib --test fetch -- -D warnings
cargo clippy --quiet -p rust-native --all-targets -- -D warnings
# examples/rust-worker, a Cargo project of its own built for wasm32 alone
# (tests/e2e/rust-worker.test.mjs builds and runs it): its format and lints.
cargo fmt --manifest-path examples/rust-worker/Cargo.toml --check
CARGO_TARGET_DIR=target/rust-worker/cargo cargo clippy --quiet --locked --manifest-path examples/rust-worker/Cargo.toml \
  --target wasm32-unknown-unknown -- -D warnings
cargo test --quiet -p kling-extend -p kling-extend-core
# The Rust client's tests, those against the mock over HTTP included.
cargo test --quiet -p kling-extend-client --features reqwest,tokio
# Its documentation: no rustdoc warning without features (links to the
# feature-gated items included), and with them every public item shows an
# example (which the tests above compiled as a doctest).
RUSTDOCFLAGS=-Dwarnings cargo doc --quiet -p kling-extend-client --no-deps
node scripts/doc-examples.mjs kling-extend-client reqwest,tokio
# The core, published with the client: the same rules (#![deny(missing_docs)]
# in both; its doctests ran with `cargo test -p kling-extend-core` above).
RUSTDOCFLAGS=-Dwarnings cargo doc --quiet -p kling-extend-core --no-deps
node scripts/doc-examples.mjs kling-extend-core ""
# Both crates as crates.io would take them: packaged, then built from the
# package alone (the client against the packaged core), nothing uploaded.
# Cargo takes a registry's crate of one version to be the same crate for
# ever: it reuses an unpacked copy of the packaged core under
# $CARGO_HOME/registry/src, and its build in a target directory, without
# reading their content, so an earlier run's core would stand in for this
# one's. Those copies go first (the core is on no real registry yet) and the
# check builds in a target directory of its own (≈ 20 s).
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/kling-extend-core-*
publish_target=$(mktemp -d)
cargo publish --quiet --dry-run --allow-dirty --target-dir "$publish_target" -p kling-extend-core -p kling-extend-client
rm -rf "$publish_target"
# examples/rust-native as the README runs it (scripts/rust-native.sh: the mock,
# then a quote and a whole job), from the crates built above.
cargo test --quiet -p rust-native
# issue 25: the JS library type-checked against src/js/index.d.ts and the contract generated from the core (tsconfig.json).
node_modules/.bin/tsc -p tsconfig.json
# The bindings' own tests, in Node through wasm-bindgen-test.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$PWD/.tools/bin/wasm-bindgen-test-runner" \
  cargo test --target wasm32-unknown-unknown --lib 2>&1 | grep -v '^ *Compiling'
# The Rust client on wasm32 through fetch, against the mock: in Node, then headless Chromium.
bash scripts/test-client-wasm.sh
bash scripts/build.sh
# issue 25: the JS driver's unit tests (src/js on the built wasm, an injected fetch, fake timers), in seconds.
node --test tests/driver.test.mjs
# issue 24: the differential test: one list of scenarios through the built package and the Rust client,
# the same requests and results (tests/differential/README.md), in seconds.
node --test tests/differential/
node --test --test-concurrency=1 tests/size.test.mjs tests/mock.test.mjs tests/build.test.mjs tests/e2e/
node scripts/size.mjs
