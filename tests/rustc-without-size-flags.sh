#!/usr/bin/env bash
# The installed rustc as a stable compiler from before -Cpanic=immediate-abort
# sees it (1.86 up to its arrival): it refuses that flag with their error and
# compiles everything else. Only one toolchain is installed here, so
# tests/build.test.mjs builds with this as RUSTC to reach scripts/build.sh's
# fallback the way such a compiler does.
for arg in "$@"; do
  if [ "$arg" = -Cpanic=immediate-abort ]; then
    echo 'error: incorrect value `immediate-abort` for codegen option `panic` - either `unwind` or `abort` was expected' >&2
    exit 1
  fi
done
exec rustc "$@"
