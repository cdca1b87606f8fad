#!/usr/bin/env bash
# Reproducer, outside the harness: with the kernel's float ABI on x86_64 --
# C with -mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -mno-80387
# -mno-fp-ret-in-387 (arch/x86/Makefile), Rust for the target.json that
# scripts/generate_rust_target.rs writes (rustc-abi x86-softfloat) -- clang
# and rustc pass a struct of two floats differently: clang lowers it as a
# <2 x float> vector, which without SSE travels as two values in two
# registers; rustc as one double, both floats packed in one register.
# (The kernel's C has no floats; Rust code that shares such a struct with C
# would meet this.) gcc refuses to compile float code under these flags.
#
# The generated fixture finds it as the hfa_f32x2 cases of the x86_64
# soft-float cells, matched.
#
# Usage: scripts/repro/x86_64-softfloat-float-pair.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > x86_64-linux-kernel.json <<'J'
{
    "arch": "x86_64",
    "rustc-abi": "x86-softfloat",
    "data-layout": "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128",
    "features": "-mmx,+soft-float",
    "llvm-target": "x86_64-linux-gnu",
    "target-pointer-width": 64,
    "emit-debug-gdb-scripts": false,
    "frame-pointer": "may-omit",
    "stack-probes": {"kind": "none"}
}
J
cat > caller.c <<'C'
struct pair { float a, b; };
struct pair SEEN;
void take(struct pair p);
static long sys(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}
void _start(void)
{
    struct pair p = {1.5f, 2.5f};
    take(p);
    const unsigned *seen = (const unsigned *)&SEEN, *sent = (const unsigned *)&p;
    int ok = seen[0] == sent[0] && seen[1] == sent[1];
    const char *msg = ok ? "ok: Rust received {1.5, 2.5}\n" : "FAIL: Rust received a different pair\n";
    long n = 0;
    while (msg[n]) n++;
    sys(1, 1, (long)msg, n);
    sys(60, ok ? 0 : 1, 0, 0);
    for (;;) {}
}
C
cat > callee.rs <<'R'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
#[repr(C)] pub struct Pair { a: f32, b: f32 }
unsafe extern "C" { static mut SEEN: Pair; }
#[unsafe(no_mangle)]
pub extern "C" fn take(p: Pair) { unsafe { SEEN = p; } }
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib -Zunstable-options --target=x86_64-linux-kernel.json \
  -Ctarget-feature=-sse,-sse2,-sse3,-ssse3,-sse4.1,-sse4.2,-avx,-avx2 -O -Cpanic=abort \
  --emit=llvm-ir=callee.ll,link=libcallee.a callee.rs
echo "rustc: $(grep -o 'define [^{]*@take(.*)' callee.ll)"
cflags=(-mno-sse -mno-mmx -mno-sse2 -mno-3dnow -mno-avx -mno-80387 -mno-fp-ret-in-387)
"$clang" --target=x86_64-linux-gnu -O2 -ffreestanding -fno-pie -fno-builtin "${cflags[@]}" -S -emit-llvm -o caller.ll caller.c
echo "clang: $(grep -o 'declare [^{]*@take(.*)' caller.ll)"
"$clang" --target=x86_64-linux-gnu -O2 -ffreestanding -fno-pie "${cflags[@]}" -c caller.c -o caller.o
"$clang" --target=x86_64-linux-gnu -fuse-ld=lld -static -nostdlib caller.o libcallee.a -o prog
qemu-x86_64 ./prog
