#!/usr/bin/env bash
# Reproducer, outside the harness: clang before 18 and rustc disagree on
# where an __int128 / i128 argument passed on the stack goes on x86_64.
#
# The SysV psABI gives __int128 16-byte alignment, on the stack too. LLVM
# before 18 aligned i128 to 8 bytes, so clang-14 and clang-16 put the first
# __int128 that no longer fits in registers at the next 8-byte slot; rustc
# (LLVM 18 and later, since Rust 1.77) and gcc put it at the next 16-byte
# slot. After an 8-byte argument on the stack the two are 8 bytes apart.
# clang-19 agrees with rustc. The generated fixture finds it as
# mixed_i8_i128: a6, the first i128 on the stack, and everything after it.
#
# Usage: scripts/repro/x86_64-clang-pre18-i128-stack-alignment.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-14}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > callee.c <<'C'
/* rdi, rsi:rdx, rcx, r8:r9, then the stack: e at 0, f at 8 (clang < 18)
 * or at 16 (the psABI). */
unsigned long take(char a, __int128 b, char c, __int128 d, char e, __int128 f)
{
    return (unsigned long)(f >> 64);
}
static long sys(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}
unsigned long drive(void);
void _start(void)
{
    unsigned long got = drive();
    const char *msg = got == 0x1122334455667788ul ? "ok: the callee found the third i128\n"
                                                   : "FAIL: the callee read the third i128 from the wrong stack slot\n";
    long n = 0;
    while (msg[n]) n++;
    sys(1, 1, (long)msg, n);
    sys(231, got == 0x1122334455667788ul ? 0 : 1, 0, 0);
    for (;;) {}
}
C

cat > caller.rs <<'R'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] trait PointeeSized {}
#[lang = "meta_sized"] trait MetaSized: PointeeSized {}
#[lang = "sized"] trait Sized: MetaSized {}
#[lang = "copy"] trait Copy {}
unsafe extern "C" { fn take(a: i8, b: i128, c: i8, d: i128, e: i8, f: i128) -> u64; }
#[unsafe(no_mangle)]
pub extern "C" fn drive() -> u64 {
    unsafe { take(1, 2, 3, 4, 5, 0x1122334455667788_0000000000000006) }
}
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target x86_64-unknown-linux-gnu \
  -O -Cpanic=abort -Adead_code -o libcaller.a caller.rs
"$clang" --version | head -n 1
"$clang" --target=x86_64-linux-gnu -O2 -ffreestanding -fno-pie -c callee.c -o callee.o
"$clang" --target=x86_64-linux-gnu -fuse-ld=lld -static -nostdlib callee.o libcaller.a -o prog
qemu-x86_64 ./prog
