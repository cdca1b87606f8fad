#!/usr/bin/env bash
# Reproducer, outside the harness: under KCFI, patchable-function-entry is
# part of the calling convention. The caller's KCFI check reads the callee's
# type hash at a fixed offset before the callee's address: 4 bytes before
# it, or 4 + M bytes with -fpatchable-function-entry=N,M (the M prefix NOPs
# sit between the hash and the function). clang and rustc agree on this, so
# a caller built with CALL_PADDING's 16,16 and a callee without it (or the
# reverse) read the wrong bytes and trap on every indirect call between
# them, where the flag's class (layout) alone would predict only a lost
# property.
#
# Prints the offset of the hash load in `call(f, x) = f(x)` from clang and
# from rustc, without and with 16,16. Exits 1 while the offsets depend on
# the prefix. Seen with clang-19 and rustc 1.95.0.
#
# Usage: scripts/repro/kcfi-patchable-prefix-offset.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
objdump=llvm-objdump-19
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
printf 'typedef long (*fn)(long);\nlong call(fn f, long x) { return f(x); }\n' > c.c
cat > r.rs <<'RS'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
#[unsafe(no_mangle)]
pub extern "C" fn call(f: extern "C" fn(i64) -> i64, x: i64) -> i64 { f(x) }
RS

# The displacement of the load the KCFI check makes from the callee address.
offset() { "$objdump" -d "$1" | sed -n '/<call>:/,/ud2/p' | grep -o -- '-0x[0-9a-f]*(%r[a-z0-9]*)' | head -n 1; }

offsets=()
for pad in none 16,16; do
  cflags=() rflags=()
  if [ "$pad" != none ]; then cflags=("-fpatchable-function-entry=$pad"); rflags=("-Zpatchable-function-entry=$pad"); fi
  "$clang" --target=x86_64-linux-gnu -O2 -fsanitize=kcfi -fsanitize-cfi-icall-experimental-normalize-integers \
    ${cflags[@]+"${cflags[@]}"} -c c.c -o c.o
  RUSTC_BOOTSTRAP=1 "$rustc" --edition=2024 --crate-type=staticlib --target=x86_64-unknown-linux-gnu -Copt-level=2 \
    -Cpanic=abort -Zsanitizer=kcfi -Zsanitizer-cfi-normalize-integers ${rflags[@]+"${rflags[@]}"} r.rs -o r.a
  c=$(offset c.o) r=$(offset r.a)
  echo "patchable-function-entry=$pad: clang reads the hash at $c, rustc at $r"
  offsets+=("$c")
done
if [ "${offsets[0]}" != "${offsets[1]}" ]; then
  echo "DEPENDS: the hash offset moves with the prefix (${offsets[0]} vs ${offsets[1]}); sides that disagree on it trap"
  exit 1
fi
echo "the hash offset does not depend on the prefix"
