#!/usr/bin/env bash
# Prints the benchmark report (markdown, ready to paste into BENCHMARKS.md):
# shipped bytes, start-up in Node and workerd, call overhead against a plain
# fetch, quote() against plain JS, polling efficiency, wasm memory over many
# calls, chains at scale in workerd (scripts/bench/chains.mjs), hostile
# document shapes in the core (crates/core/examples/hostile_documents.rs), large
# documents (scripts/bench/documents.mjs), the Rust client's call overhead
# against a plain reqwest loop (crates/client/examples/overhead.rs); every goal
# marked PASS or MISS.
# About ten minutes on 2 cores.
# Installs nothing beyond scripts/setup.sh; builds pkg/ when it is stale.
# Only the report goes to stdout; set-up, build and progress go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh >&2
bash scripts/build.sh >&2
# The schedule's figures come from the crate itself (host build, before the
# timings start so the compiler does not compete with them).
polling=$(mktemp)
trap 'rm -f "$polling"' EXIT
cargo run --quiet --release -p kling-extend-core --example poll_efficiency >"$polling"
hostile=$(cargo run --quiet --release -p kling-extend-core --example hostile_documents)
cargo build --quiet --release -p kling-extend-client --features reqwest,tokio --example overhead
node scripts/bench.mjs --polling "$polling"
# Chains at scale: the example Workflow, 200 chains at once in workerd.
node scripts/bench/chains.mjs
# Hostile shapes in the core alone (Rust): time against size.
echo "$hostile"
# Large documents: a million tiny objects through getJob, parseWebhook and
# createProxy, cold and warm, and at 8× the size.
node scripts/bench/documents.mjs
# The Rust client against a hand-written reqwest loop: a minimal server on a
# thread of the benchmark's process, then the mock (Node), then the CPU per
# call without a socket.
cargo run --quiet --release -p kling-extend-client --features reqwest,tokio --example overhead -- --mock
