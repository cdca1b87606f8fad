#!/usr/bin/env bash
# Reproducer, outside the harness: rustc does not sign-extend a narrow signed
# integer argument (i16 here; i8 likewise) that is passed on the stack on
# riscv64, while clang-19's callee relies on it.
#
# The RISC-V psABI says integer scalars narrower than XLEN are widened "when
# passed in registers or on the stack". rustc's LLVM IR marks the i16 with
# `signext` when it travels in a register, but not when it is the ninth
# integer argument and goes on the stack; clang-19 marks both. clang-19's
# callee then loads the stack slot with `ld` (trusting the extension) and
# sees 63314 instead of -2222; gcc's callee reloads it with `lh` and sees the
# right value. Seen with rustc 1.95.0 and 1.97.0-nightly (2026-05-19).
#
# Usage: scripts/repro/riscv64-stack-arg-signext.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > callee.c <<'C'
typedef unsigned long u64;
/* The ninth integer argument goes on the stack. */
long take(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7, short a8)
{
    return a8;
}
long take8(u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5, u64 a6, u64 a7, signed char a8)
{
    return a8;
}
static long sys_write(long fd, const void *buf, long n)
{
    register long a7 __asm__("a7") = 64, a0 __asm__("a0") = fd, a1 __asm__("a1") = (long)buf,
                  a2 __asm__("a2") = n;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7), "r"(a1), "r"(a2) : "memory");
    return a0;
}
long drive(void);
long drive8(void);
static void say(const char *msg)
{
    long n = 0;
    while (msg[n]) n++;
    sys_write(1, msg, n);
}
void _start(void)
{
    long got = drive(), got8 = drive8();
    say(got == -2222 ? "ok: callee saw the i16 -2222\n" : "FAIL: callee saw the i16 as 63314, not -2222\n");
    say(got8 == -22 ? "ok: callee saw the i8 -22\n" : "FAIL: callee saw the i8 as 234, not -22\n");
    register long a7 __asm__("a7") = 94, a0 __asm__("a0") = got == -2222 && got8 == -22 ? 0 : 1;
    __asm__ volatile("ecall" : : "r"(a7), "r"(a0));
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
impl Copy for i16 {}
impl Copy for i8 {}
#[lang = "neg"] trait Neg { type Output; fn neg(self) -> Self::Output; }
impl Neg for i16 { type Output = i16; fn neg(self) -> i16 { -self } }
impl Neg for i8 { type Output = i8; fn neg(self) -> i8 { -self } }
unsafe extern "C" {
    fn take(a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64, a8: i16) -> i64;
    fn take8(a0: u64, a1: u64, a2: u64, a3: u64, a4: u64, a5: u64, a6: u64, a7: u64, a8: i8) -> i64;
}
#[unsafe(no_mangle)]
pub extern "C" fn drive() -> i64 { unsafe { take(0, 1, 2, 3, 4, 5, 6, 7, -2222) } }
#[unsafe(no_mangle)]
pub extern "C" fn drive8() -> i64 { unsafe { take8(0, 1, 2, 3, 4, 5, 6, 7, -22) } }
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target riscv64gc-unknown-linux-gnu \
  -O -Cpanic=abort -Adead_code --emit=llvm-ir=caller.ll,link=libcaller.a caller.rs
echo "rustc's calls (no signext on the stack-passed i16 and i8):"
grep -o 'call noundef i64 @take8\?(.*)' caller.ll | sed 's/^ */  /'
"$clang" --target=riscv64-linux-gnu -O2 -ffreestanding -fno-pie -c callee.c -o callee.o
"$clang" --target=riscv64-linux-gnu -fuse-ld=lld -static -nostdlib callee.o libcaller.a -o prog
qemu-riscv64 ./prog
