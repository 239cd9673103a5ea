#!/usr/bin/env bash
# Builds the npm package into pkg/: two size-optimised wasm builds, web/ for
# pages (the client, the calculator, parseWebhook) and server/ for Node and
# Workers (plus createProxy and verifyWebhook, which pages load on demand);
# the shared JS in lib/, the entries per runtime, the types, the mock and the
# manifest (from pkg.json). Skips the work when nothing it is built from changed.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=pkg/.built
if [ -f "$stamp" ] && [ -z "$(find src Cargo.toml Cargo.lock pkg.json README.md scripts/build.sh -newer "$stamp" | head -n 1)" ]; then
  exit 0
fi

# The shipped JS is minified module by module (ESM kept, names of exports
# kept): it counts against the 40 KB budget like the wasm does.
minify() {
  node_modules/.bin/esbuild --minify --format=esm --log-level=warning "$1" --outfile="$2"
}

# build <dir> [cargo flags]: one wasm build and its glue in pkg/<dir>.
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
  .tools/bin/wasm-bindgen --target web --out-dir "target/shipped/$dir/pkg" --out-name kling_extend \
    "target/shipped/$dir/wasm32-unknown-unknown/release/kling_extend.wasm"
  mkdir -p "pkg/$dir"
  # Debian's wasm-opt (108) breaks the externref table; npm's binaryen is correct.
  # No inlining: copies of a function's body shrink the raw bytes a little
  # but the brotli bytes grow (−0.9 KB brotli without, BENCHMARKS.md). A fresh
  # instance's memory is zero-filled, which lets it drop zero data.
  node_modules/.bin/wasm-opt --always-inline-max-function-size=0 --one-caller-inline-max-function-size=0 \
    -Oz --converge --zero-filled-memory --strip-producers --strip-target-features \
    "target/shipped/$dir/pkg/kling_extend_bg.wasm" -o "pkg/$dir/kling_extend_bg.wasm"
  minify "target/shipped/$dir/pkg/kling_extend.js" "pkg/$dir/kling_extend.js"
}

rm -rf pkg
build web
build server --features server
for file in src/js/*.js src/js/lib/*.js; do
  minify "$file" "pkg/${file#src/js/}"
done
cp src/js/index.d.ts README.md pkg/
cp -r src/mock pkg/mock
cp pkg.json pkg/package.json
touch "$stamp"
echo "build: pkg/ ready"
