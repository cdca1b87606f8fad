#!/usr/bin/env bash
# Reproducer, outside the harness: without integer normalization, KCFI type
# hashes of C and Rust never agree, so a matched kcfi=on build (clang
# -fsanitize=kcfi, rustc -Zsanitizer=kcfi) traps on every call between the
# languages. Clang hashes the Itanium mangling of C's types ("int", "long"),
# rustc that of Rust's types, which have no C names; with
# -fsanitize-cfi-icall-experimental-normalize-integers and
# -Zsanitizer-cfi-normalize-integers both hash integers by width and sign
# and agree. This is why the kernel selects CFI_ICALL_NORMALIZE_INTEGERS
# when Rust is on.
#
# Prints the hash each side stores in front of `int f(int)` /
# `extern "C" fn(i32) -> i32` (the constant in its __cfi_ preamble), without
# and with normalization. Exits 1 when the unnormalized hashes differ.
# Seen with clang-19 and rustc 1.95.0.
#
# Usage: scripts/repro/kcfi-integer-encoding.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
echo 'int id_c(int x) { return x; }' > c.c
cat > r.rs <<'RS'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
impl Copy for i32 {}
#[unsafe(no_mangle)] pub extern "C" fn id_rs(x: i32) -> i32 { x }
RS
# The preamble is "movl $HASH, %eax" followed by NOPs, in __cfi_<name>.
hash() { llvm-objdump-19 -d --no-show-raw-insn "$1" | sed -n "/<__cfi_$2>:/,/^$/p" | grep -o '\$0x[0-9a-f]*' | head -1; }
status=0
for mode in plain normalized; do
  cflags=(-fsanitize=kcfi) rflags=(-Zsanitizer=kcfi)
  if [ $mode = normalized ]; then
    cflags+=(-fsanitize-cfi-icall-experimental-normalize-integers)
    rflags+=(-Zsanitizer-cfi-normalize-integers)
  fi
  "$clang" --target=x86_64-linux-gnu -O2 -c "${cflags[@]}" c.c -o c.o
  RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target x86_64-unknown-linux-gnu -O \
    -Cpanic=abort "${rflags[@]}" -o libr.a r.rs
  c=$(hash c.o id_c) r=$(hash libr.a id_rs)
  printf '%-10s  clang int(int): %-12s  rustc fn(i32) -> i32: %-12s  %s\n' "$mode" "$c" "$r" \
    "$([ "$c" = "$r" ] && echo agree || echo DIFFER)"
  [ $mode = plain ] && [ "$c" != "$r" ] && status=1
done
exit $status
