#!/usr/bin/env bash
# Reproducer, outside the harness: with MITIGATION_RETPOLINE the kernel gives
# C -mindirect-branch-cs-prefix (arch/x86/Makefile: RETPOLINE_CFLAGS +=
# $(call cc-option,-mindirect-branch-cs-prefix)) and rustc no counterpart, so
# Rust's calls to __x86_indirect_thunk_r8..r15 lack the cs prefix the kernel
# needs to rewrite them in place ("lfence; call *%r11" is 6 bytes). rustc
# has -Zindirect-branch-cs-prefix; with it the prefix is there.
#
# abimatrix finds it in kernel-x86_64.yaml: the thunks fixture's
# rust.thunk_call_cs_prefix check is lost in the kernel's own pair.
#
# Usage: scripts/repro/x86_64-kernel-rust-no-cs-prefix.sh [RUSTC] [EXTRA-RUSTC-ARGS...]
#   e.g. -Zindirect-branch-cs-prefix to see it fixed
set -euo pipefail
rustc=${1:-rustc}
shift $(( $# > 1 ? 1 : $# ))
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

# scripts/generate_rust_target.rs for CONFIG_X86_64 and MITIGATION_RETPOLINE.
cat > x86_64-linux-kernel.json <<'J'
{
    "arch": "x86_64",
    "rustc-abi": "x86-softfloat",
    "data-layout": "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128",
    "features": "-mmx,+soft-float,+retpoline-external-thunk,+retpoline-indirect-branches,+retpoline-indirect-calls",
    "llvm-target": "x86_64-linux-gnu",
    "supported-sanitizers": ["kcfi", "kernel-address"],
    "target-pointer-width": 64,
    "emit-debug-gdb-scripts": false,
    "frame-pointer": "may-omit",
    "stack-probes": {"kind": "none"}
}
J
cat > apply.rs <<'R'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
impl Copy for u64 {}
#[unsafe(no_mangle)]
pub extern "C" fn apply(f: extern "C" fn(u64) -> u64, x: u64) -> u64 { f(x) }
R
args=(-Zunstable-options --target=x86_64-linux-kernel.json -Ctarget-feature=-sse,-sse2,-sse3,-ssse3,-sse4.1,-sse4.2,-avx,-avx2
      -Zfunction-return=thunk-extern -Cno-redzone=y -Ccode-model=kernel "$@")
echo "rustc ${args[*]}:"
RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type lib -O -Cpanic=abort "${args[@]}" --emit=obj -o apply.o apply.rs
llvm-objdump-19 -dr apply.o | sed -n '/<apply>:/,/^$/p' | sed 's/^/  /'
if llvm-objdump-19 -d apply.o | grep -qE '^\s+[0-9a-f]+:\s+2e e[89] '; then
  echo "ok: Rust's thunk call carries the cs prefix"
else
  echo "FAIL: Rust calls __x86_indirect_thunk_r11 without a cs prefix"
  exit 1
fi
