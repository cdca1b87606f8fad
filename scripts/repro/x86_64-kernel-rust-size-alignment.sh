#!/usr/bin/env bash
# Reproducer, outside the harness: the kernel gives C its function alignment
# (Makefile: KBUILD_CFLAGS += -falign-functions=$(CONFIG_FUNCTION_ALIGNMENT))
# and rustc none. At -O2 LLVM aligns x86-64 functions to 16 bytes anyway; at
# -Copt-level=s (CC_OPTIMIZE_FOR_SIZE) it does not, so Rust functions of a
# FUNCTION_ALIGNMENT_16B kernel start at any byte. -Zmin-function-alignment=16
# restores it.
#
# abimatrix finds it in kernel-x86_64.yaml: the indirect fixture's
# rust.aligned checks are lost in x86_64-kernel-size's own pair.
#
# Usage: scripts/repro/x86_64-kernel-rust-size-alignment.sh [RUSTC] [EXTRA-RUSTC-ARGS...]
#   e.g. -Zmin-function-alignment=16 to see it fixed
set -euo pipefail
rustc=${1:-rustc}
shift $(( $# > 1 ? 1 : $# ))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > f.rs <<'R'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
impl Copy for u64 {}
#[unsafe(no_mangle)] pub extern "C" fn rs_id(x: u64) -> u64 { x }
R
args=(--target=x86_64-unknown-linux-gnu -Copt-level=s "$@")
echo "rustc ${args[*]}:"
RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type lib -Cpanic=abort "${args[@]}" --emit=obj -o f.o f.rs
align=$(llvm-readelf-19 -S --wide f.o | grep -F ' .text.rs_id ' | awk '{print $NF}')
echo "  .text.rs_id is aligned to ${align} bytes"
if [ "$align" -ge 16 ]; then
  echo "ok: Rust functions are aligned to 16 bytes"
else
  echo "FAIL: Rust functions are aligned to ${align} bytes, not the kernel's 16"
  exit 1
fi
