#!/usr/bin/env bash
# Builds the npm package into pkg/: three size-optimised wasm builds, web/
# for pages (the client, the calculator, parseWebhook), server/ for Node and
# Workers (plus createProxy and verifyWebhook, which pages load on demand)
# and quote/ for kling-extend/quote (the calculator alone); the page entry as
# one bundle, the other entries and the shared JS in lib/, each quote entry
# as one bundle, the types, the mock, the license and changelog, and the
# manifest (from pkg.json). Skips the work when nothing it is built from
# changed.
#
# Any stable Rust from Cargo.toml's rust-version on builds it. The size flags
# (std rebuilt for size, panics that abort at once) are unstable, and their
# spelling has changed between compilers: where the compiler refuses them,
# the build falls back to a stable-only one, larger (its size is printed).
#   KLING_EXTEND_BUILD=auto    (default) the size flags if the compiler takes them, else stable-only
#   KLING_EXTEND_BUILD=size    the size flags, or fail
#   KLING_EXTEND_BUILD=stable  stable-only, without trying the size flags
#   KLING_EXTEND_PKG=dir       where the package goes: pkg (the default) or under target/
# tests/build.test.mjs builds the fallback with a rustc that refuses them.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${KLING_EXTEND_BUILD:-auto}
out=${KLING_EXTEND_PKG:-pkg}
case $mode in
  auto | size | stable) ;;
  *) echo "build: KLING_EXTEND_BUILD must be auto, size or stable, not '$mode'" >&2; exit 2 ;;
esac
# The directory is emptied first: only pkg or one under target/.
case $out in
  pkg | target/?*) ;;
  *) echo "build: KLING_EXTEND_PKG must be pkg or a directory under target/, not '$out'" >&2; exit 2 ;;
esac

stamp=$out/.built
if [ "$(cat "$stamp" 2>/dev/null)" = "$mode" ] &&
  [ -z "$(find src crates/core Cargo.toml Cargo.lock pkg.json README.md LICENSE CHANGELOG.md scripts/build.sh -newer "$stamp" | head -n 1)" ]; then
  exit 0
fi

# What a page loads at first (index.js, inline.js, quote/index.js,
# quote/inline.js) is minified: it counts against the budget like the wasm
# does (scripts/size.mjs), and a browser prints no source line with an error.
# The JS of Node, Deno, Bun and Workers (the entries, lib/, quote/node.js and
# quote/workerd.js) is shipped readable instead: esbuild drops the comments
# and keeps the lines and names, so the source line Node and Bun print above
# an uncaught error's message is one statement, not a whole module, and its
# stack names the functions (issue 23). The server build's wasm-bindgen glue
# stays minified: no error a caller sees is thrown there (lib/wasm.js's
# enter() turns what it throws into an internal_error), and readable it
# weighs 2.0 KB brotli more. The rest costs Node's files (scripts/size.mjs's
# server build) 2.0 KB brotli, a page's server half 2.3 KB, quote/node.js and
# quote/workerd.js 0.9 KB each (BENCHMARKS.md); a page's first load, nothing.
minify() {
  node_modules/.bin/esbuild --minify --format=esm --log-level=warning "$@"
}
readable() {
  node_modules/.bin/esbuild --format=esm --log-level=warning "$@"
}

# cargo_size <dir> <opt-level> [cargo flags]: the wasm of one build, with
# std rebuilt for size: panics abort at once, so their messages, locations
# and formatting code never reach the wasm (−8 KB brotli, BENCHMARKS.md).
# Every function is inlinable across crates, as within one: the core is a
# crate of its own (crates/core), and without this the page's wasm grew
# 1.2 KB when it moved; with it the page is 3.9 KB, the calculator 1.1 KB
# smaller than when the core was a module of this crate (scripts/size.mjs).
# These flags are unstable; RUSTC_BOOTSTRAP=1 lets a stable rustc take them,
# for this artifact only, in its own target directory (target/shipped).
cargo_size() {
  local dir=$1 level=$2
  shift 2
  RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Zcross-crate-inline-threshold=always" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=$level cargo build --quiet --release --target wasm32-unknown-unknown --target-dir "target/shipped/$dir" \
    -Z build-std=std,panic_abort -Z build-std-features=optimize_for_size "$@"
}

# cargo_stable <dir> <opt-level> [cargo flags]: the same with stable options
# only (the release profile's, and the precompiled std), in target/stable.
# Its panic locations name source files: those under the home directory
# (cargo's registry, rustup's std sources) are written from ~, so the
# builder's paths stay out of the wasm.
cargo_stable() {
  local dir=$1 level=$2
  shift 2
  RUSTFLAGS="--remap-path-prefix=$HOME=~" \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=$level cargo build --quiet --release --target wasm32-unknown-unknown --target-dir "target/stable/$dir" "$@"
}

# In auto mode the page's own size build is the probe: a compiler that
# refuses a flag, lacks std's source or its optimize_for_size feature fails
# it at once, before anything of the crate is compiled. Its first errors say
# why; then every build is stable-only.
if [ "$mode" = auto ]; then
  mkdir -p target
  if cargo_size web z 2>target/size-flags.log; then
    cat target/size-flags.log >&2
    mode=size
  else
    echo "build: this compiler ($(rustc --version)) refused the size flags; building stable-only:" >&2
    grep -m 3 -E '^ *(error|fatal)' target/size-flags.log >&2 || tail -n 3 target/size-flags.log >&2
    mode=stable
  fi
fi
work=target/$([ "$mode" = size ] && echo shipped || echo stable)

# build <dir> <opt-level> <inlining> [cargo flags]: one wasm build in
# $out/<dir>, its glue in $work/<dir>/pkg. The glue gets no default
# wasm URL: every entry passes its own, and one bundled elsewhere would point
# at nothing. opt-level "z" (the smallest) is the pages' and the
# calculator's; "s" the server's, see below. <inlining>: see wasm-opt below.
build() {
  local dir=$1 level=$2 inlining=$3
  shift 3
  "cargo_$mode" "$dir" "$level" "$@"
  # The reset function lets lib/wasm.js replace an instance that trapped.
  .tools/bin/wasm-bindgen --target web --omit-default-module-path --experimental-reset-state-function --out-dir "$work/$dir/pkg" --out-name kling_extend \
    "$work/$dir/wasm32-unknown-unknown/release/kling_extend.wasm"
  mkdir -p "$out/$dir"
  # Debian's wasm-opt (108) breaks the externref table; npm's binaryen is correct.
  # "none" for the page's build: copies of a function's body shrink the raw
  # bytes a little but the brotli bytes grow (−0.9 KB brotli without,
  # BENCHMARKS.md). "one-caller" for the calculator alone, the other way
  # round: inlining the functions that have one caller saves 0.1 KB brotli
  # of its 9.5. "any" for the server's, built for speed. A fresh instance's
  # memory is zero-filled, which lets it drop zero data.
  local passes=("-O$level")
  case $inlining in
    none) passes=(--always-inline-max-function-size=0 --one-caller-inline-max-function-size=0 "${passes[@]}") ;;
    one-caller) passes=(--always-inline-max-function-size=0 "${passes[@]}") ;;
  esac
  node_modules/.bin/wasm-opt "${passes[@]}" --converge --zero-filled-memory --strip-producers --strip-target-features \
    "$work/$dir/pkg/kling_extend_bg.wasm" -o "$out/$dir/kling_extend_bg.wasm"
}

# inline <dir>: $out/<dir>/kling_extend_bg.wasm.js, the build's wasm as base64
# in a JS module whose default export is its bytes, for runtimes and bundlers
# that can neither read nor fetch the file (lib/load.js).
inline() {
  node -e 'const [wasm, out] = process.argv.slice(1);
    const text = require("node:fs").readFileSync(wasm).toString("base64");
    require("node:fs").writeFileSync(out, `import { decodeBase64 } from "../lib/load.js";\nexport default decodeBase64("${text}");\n`);' \
    "$out/$1/kling_extend_bg.wasm" "$out/$1/kling_extend_bg.wasm.js"
}

rm -rf "$out"
# The page's build is as small as it can be made (its budget: scripts/size.mjs).
# The server build (Node, Workers, a page's server half on first use) runs
# every network call's core between two fetches, where "z" made a getJob's
# wasm 2× slower than "s" does, for 7 KB of brotli (BENCHMARKS.md). The
# crates a call's steps run through (the core, serde_json, talc) are built
# at opt-level 2 there: a getJob's wasm runs ≈ 30 % fewer instructions and
# a workerd call takes ≈ 15 µs less CPU, for 11 KB more brotli of .wasm
# (17.5 KB of Node's base64 module); the whole build at 2 gained no more and
# cost 21 KB (BENCHMARKS.md, "Call overhead, issue 23 — 2026-12-05").
build web z none
build server s any --features server \
  --config 'profile.release.package.kling-extend.opt-level=2' \
  --config 'profile.release.package.kling-extend-core.opt-level=2' \
  --config 'profile.release.package.serde_json.opt-level=2' \
  --config 'profile.release.package.talc.opt-level=2'

build quote z one-caller --no-default-features
inline web
inline server
inline quote
# Node, Workers and a page's server half (lib/server-build.js) import the
# shared modules one by one; on-demand.js is a page's only.
minify "$work/server/pkg/kling_extend.js" --outfile="$out/server/kling_extend.js"
for file in src/js/node.js src/js/workerd.js src/js/node-adapter.js src/js/workflows.js src/js/lib/*.js; do
  [ "$file" = src/js/lib/on-demand.js ] || readable "$file" --outfile="$out/${file#src/js/}"
done
# A page loads one module at first: index.js bundled with the web glue and
# what it imports, from a copy of src/js laid out like pkg/. The server half
# stays an import() of the modules above: bundled in, every page would
# download it; split out (--splitting), the code both use would move to a
# shared chunk, a second module at first.
page=$work/page
rm -rf "$page"
mkdir -p "$page/web"
cp -r src/js/. "$page"
cp "$work/web/pkg/kling_extend.js" "$page/web/"
node_modules/.bin/esbuild --bundle --minify --format=esm --log-level=warning \
  --external:./lib/server-build.js "$page/index.js" --outfile="$out/index.js"
# The same for inline.js (pages bundled by esbuild), whose wasm bytes and
# server half stay modules of their own for the consumer's bundler.
node_modules/.bin/esbuild --bundle --minify --format=esm --log-level=warning \
  --external:./lib/server-inline.js --external:./web/kling_extend_bg.wasm.js "$page/inline.js" --outfile="$out/inline.js"
# Each kling-extend/quote entry is one module with the calculator's glue and
# the lib/ code it uses (so its lib/wasm.js binding is its own next to the
# main entry's); its wasm stays a file or a module of its own.
cp "$work/quote/pkg/kling_extend.js" "$page/quote/"
for entry in index node workerd inline; do
  # A page's entries minified, Node's and Workers' readable (see readable()).
  minified=()
  case $entry in index | inline) minified=(--minify) ;; esac
  node_modules/.bin/esbuild --bundle "${minified[@]}" --format=esm --log-level=warning \
    --external:./kling_extend_bg.wasm.js '--external:./kling_extend_bg.wasm?module' \
    "$page/quote/$entry.js" --outfile="$out/quote/$entry.js"
done
cp src/js/quote/index.d.ts "$out/quote/"
cp src/js/index.d.ts src/js/node-adapter.d.ts src/js/workflows.d.ts README.md LICENSE CHANGELOG.md "$out/"
cp -r src/mock "$out/mock"
cp pkg.json "$out/package.json"
echo "$mode" >"$stamp"
if [ "$mode" = stable ]; then
  echo "build: $out/ ready, stable-only (the size budget holds for the size flags' build only):"
  node scripts/size.mjs "$out" | grep -E '^\| total'
else
  echo "build: $out/ ready"
fi
