#!/usr/bin/env bash
# Reproducer, outside the harness: a user who wants riscv64 Rust without FP
# registers may try -Ctarget-feature=-f,-d on riscv64gc-unknown-linux-gnu.
# rustc warns ("target feature `d` must be enabled to ensure that the ABI of
# the current target can be implemented correctly") and builds objects that
# still declare the double-float ABI in their ELF header, so the linker
# refuses them next to the kernel's lp64 C. The kernel's own Rust target,
# riscv64imac-unknown-none-elf, declares the soft-float ABI like the C.
#
# abimatrix's float-feature flag finds it as a link failure of every matched
# floats cell on riscv64.
#
# Usage: scripts/repro/riscv64-target-feature-float-abi.sh [RUSTC] [CLANG] [RUST-TARGET-ARGS...]
#   default Rust side: --target=riscv64gc-unknown-linux-gnu -Ctarget-feature=-f,-d
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
shift $(( $# > 2 ? 2 : $# ))
rust_target=("$@")
[ ${#rust_target[@]} -gt 0 ] || rust_target=(--target=riscv64gc-unknown-linux-gnu -Ctarget-feature=-f,-d)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
unsigned long rs_id(unsigned long x);
void _start(void) { rs_id(42); for (;;) {} }
C
cat > callee.rs <<'R'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
impl Copy for u64 {}
#[unsafe(no_mangle)]
pub extern "C" fn rs_id(x: u64) -> u64 { x }
R

echo "rustc ${rust_target[*]}:"
RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type lib "${rust_target[@]}" -O -Cpanic=abort \
  --emit=obj -o callee.o callee.rs 2>rustc.err || { cat rustc.err; exit 2; }
grep -m1 'warning: target feature' rustc.err || true
"$clang" --target=riscv64-linux-gnu -march=rv64imac -mabi=lp64 -O2 -ffreestanding -fno-pie -c caller.c -o caller.o
echo "  C (lp64):    $(llvm-readelf-19 -h caller.o | sed -n 's/^ *Flags: *//p')"
echo "  Rust object: $(llvm-readelf-19 -h callee.o | sed -n 's/^ *Flags: *//p')"
if out=$("$clang" --target=riscv64-linux-gnu -fuse-ld=lld -static -nostdlib caller.o callee.o -o prog 2>&1); then
  echo "ok: the objects link"
else
  echo "$out" | grep -m1 'floating-point ABI' | sed 's/^.*error: /  ld.lld: /' || echo "$out"
  echo "FAIL: the linker refuses the Rust object's float ABI"
  exit 1
fi
