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

cargo build --quiet --release --target wasm32-unknown-unknown
rm -rf pkg
.tools/bin/wasm-bindgen --target web --out-dir pkg --out-name kling_extend \
  target/wasm32-unknown-unknown/release/kling_extend.wasm
# Debian's wasm-opt (108) breaks the externref table; npm's binaryen is correct.
node_modules/.bin/wasm-opt -Oz pkg/kling_extend_bg.wasm -o pkg/kling_extend_bg.wasm
# The generated typings describe internals; src/js/index.d.ts is the public face.
rm pkg/kling_extend.d.ts pkg/kling_extend_bg.wasm.d.ts
cp src/js/*.js src/js/index.d.ts README.md pkg/
cp -r src/mock pkg/mock
cp pkg.json pkg/package.json
touch "$stamp"
echo "build: pkg/ ready"
