#!/usr/bin/env bash
# Builds the npm package into pkg/: two size-optimised wasm builds, web/ for
# browsers (the client and the calculator) and server/ for Node and Workers
# (plus createProxy and webhooks), the JS entries per runtime, the types, the
# mock and the manifest (from pkg.json). Skips the work when nothing it is
# built from changed.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=pkg/.built
if [ -f "$stamp" ] && [ -z "$(find src Cargo.toml Cargo.lock pkg.json README.md scripts/build.sh -newer "$stamp" | head -n 1)" ]; then
  exit 0
fi

# build <dir> [cargo flags]: one wasm build with its glue and API files in pkg/<dir>.
build() {
  local dir=$1
  shift
  # std rebuilt for size: panics abort at once, so their messages, locations
  # and formatting code never reach the wasm (−8 KB brotli, BENCHMARKS.md).
  # These flags are unstable; RUSTC_BOOTSTRAP lets the pinned stable toolchain
  # take them for the shipped artifact only, in its own target directory.
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none" \
    cargo build --quiet --release --target wasm32-unknown-unknown --target-dir "target/shipped/$dir" \
    -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size "$@"
  .tools/bin/wasm-bindgen --target web --out-dir "pkg/$dir" --out-name kling_extend \
    "target/shipped/$dir/wasm32-unknown-unknown/release/kling_extend.wasm"
  # Debian's wasm-opt (108) breaks the externref table; npm's binaryen is correct.
  node_modules/.bin/wasm-opt -Oz "pkg/$dir/kling_extend_bg.wasm" -o "pkg/$dir/kling_extend_bg.wasm"
  # The generated typings describe internals; src/js/index.d.ts is the public face.
  rm "pkg/$dir/kling_extend.d.ts" "pkg/$dir/kling_extend_bg.wasm.d.ts"
  cp src/js/api.js src/js/boundary.js src/js/driver.js src/js/error.js "pkg/$dir/"
}

rm -rf pkg
build web
build server --features server
cp src/js/server.js src/js/proxy.js pkg/server/
cp src/js/index.js src/js/node.js src/js/workerd.js src/js/index.d.ts README.md pkg/
cp -r src/mock pkg/mock
cp pkg.json pkg/package.json
touch "$stamp"
echo "build: pkg/ ready"
