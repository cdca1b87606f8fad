#!/usr/bin/env bash
# Reproducer, outside the harness: with -Zsanitizer=kcfi
# -Zsanitizer-cfi-normalize-integers, rustc's function merging makes
# `extern "C" fn(u32) -> u32` an alias of an identical `extern "C" fn(i32)
# -> i32`, so the KCFI hash in front of the shared body is the i32 one, and
# a C caller holding an `unsigned (*)(unsigned)` traps (matched kcfi,
# normalized, on both sides). The same happens to usize merged into i64.
# The symbol table shows it: both names at one address, one __cfi_ prefix.
# With -Zmerge-functions=disabled the aliases go away.
# Seen with rustc 1.95.0 (and the nightly of the same weeks).
#
# Usage: scripts/repro/kcfi-merged-functions.sh [RUSTC] [extra rustc flags...]
set -euo pipefail
rustc=${1:-rustc}
shift || true
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
cat > core.rs <<'RS'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] pub trait PointeeSized {}
#[lang = "meta_sized"] pub trait MetaSized: PointeeSized {}
#[lang = "sized"] pub trait Sized: MetaSized {}
#[lang = "copy"] pub trait Copy {}
impl Copy for i32 {}
impl Copy for u32 {}
RS
cat > ids.rs <<'RS'
#![feature(no_core)]
#![no_core]
extern crate minicore;
#[unsafe(no_mangle)] pub extern "C" fn id_i32(x: i32) -> i32 { x }
#[unsafe(no_mangle)] pub extern "C" fn id_u32(x: u32) -> u32 { x }
RS
flags=(--edition=2024 --target=x86_64-unknown-linux-gnu -Copt-level=2 -Cpanic=abort
       -Zsanitizer=kcfi -Zsanitizer-cfi-normalize-integers "$@")
RUSTC_BOOTSTRAP=1 "$rustc" "${flags[@]}" --crate-type=rlib --crate-name=minicore core.rs -o libminicore.rlib
RUSTC_BOOTSTRAP=1 "$rustc" "${flags[@]}" --crate-type=staticlib --crate-name=ids \
  --extern=minicore=libminicore.rlib ids.rs -o libids.a
llvm-readelf-19 -s --wide libids.a | grep -E ' (id_i32|id_u32|__cfi_id_i32|__cfi_id_u32)$'
addr() { llvm-readelf-19 -s --wide libids.a | awk -v n="$1" '$8 == n { print $7 ":" $2 }'; }
if [ "$(addr id_i32)" = "$(addr id_u32)" ]; then
  echo "REPRODUCED: id_u32 shares id_i32's body and KCFI hash"
  exit 1
fi
echo "not reproduced: id_u32 has its own body"
