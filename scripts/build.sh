#!/usr/bin/env bash
# Builds the npm package into pkg/: one wasm (size-optimised) plus small JS
# entries per runtime, the types, the mock and the manifest (from pkg.json).
# Skips the work when nothing it is built from changed.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=pkg/.built
if [ -f "$stamp" ] && [ -z "$(find src Cargo.toml Cargo.lock pkg.json README.md scripts/build.sh -newer "$stamp" | head -n 1)" ]; then
  exit 0
fi

# std rebuilt for size: panics abort at once, so their messages, locations and
# formatting code never reach the wasm (−8 KB brotli, see BENCHMARKS.md). These
# flags are unstable; RUSTC_BOOTSTRAP lets the pinned stable toolchain take
# them for this one artifact, in its own target directory. Host and wasm tests
# build the ordinary way.
RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
  cargo build --quiet --release --target wasm32-unknown-unknown --target-dir target/shipped \
  -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size
rm -rf pkg
.tools/bin/wasm-bindgen --target web --out-dir pkg --out-name kling_extend \
  target/shipped/wasm32-unknown-unknown/release/kling_extend.wasm
# Debian's wasm-opt (108) breaks the externref table; npm's binaryen is correct.
node_modules/.bin/wasm-opt -Oz pkg/kling_extend_bg.wasm -o pkg/kling_extend_bg.wasm
# The generated typings describe internals; src/js/index.d.ts is the public face.
rm pkg/kling_extend.d.ts pkg/kling_extend_bg.wasm.d.ts
cp src/js/*.js src/js/index.d.ts README.md pkg/
cp -r src/mock pkg/mock
cp pkg.json pkg/package.json
touch "$stamp"
echo "build: pkg/ ready"
