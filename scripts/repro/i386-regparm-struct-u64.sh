#!/usr/bin/env bash
# Reproducer, outside the harness: with regparm 3 on both sides, rustc passes
# a 4-byte struct and a 64-bit integer on the stack, while clang and gcc pass
# them in registers, so a matched -Zregparm=3 / -mregparm=3 build still
# exchanges wrong values.
#
# clang-19 and gcc 12 agree with each other: `struct small {u8; i16}` goes in
# EAX (`i32 inreg` in clang's IR), and a `u64` after a `u8` goes in EDX:ECX
# (`i64 inreg`). rustc -Zregparm=3 emits `byval` for the struct and a plain
# `i64` for the integer. Seen with rustc 1.95.0.
#
# REGPARM 1 and 2 show it too, for the registers they have: the struct goes
# in EAX from regparm 1 on, a u64 that comes first in EAX:EDX from regparm 2
# on (the generated fixture finds every struct of up to 8 bytes and every
# i64/u64 argument that fits in the registers left).
#
# Usage: scripts/repro/i386-regparm-struct-u64.sh [RUSTC] [CC] [REGPARM]
#   CC: clang-19 or i686-linux-gnu-gcc; REGPARM: 1, 2 or 3 (default 3)
set -euo pipefail
rustc=${1:-rustc}
cc=${2:-clang-19}
regparm=${3:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > callee.c <<'C'
struct small { unsigned char a; short b; };
static int bad;
static void say(const char *s)
{
    long n = 0;
    while (s[n]) n++;
    __asm__ volatile("int $0x80" : : "a"(4), "b"(1), "c"(s), "d"(n) : "memory");
}
void take_small(struct small s, unsigned tail)
{
    if (s.a == 0xC3 && s.b == -3210 && tail == 7) say("ok: struct small arrived\n");
    else { say("FAIL: struct small arrived wrong\n"); bad = 1; }
}
void take_u64(unsigned char a, unsigned long long b, int c)
{
    if (a == 1 && b == 0x0102030405060708ull && c == -3) say("ok: u64 arrived\n");
    else { say("FAIL: u64 arrived wrong\n"); bad = 1; }
}
void take_u64_first(unsigned long long b)
{
    if (b == 0x1112131415161718ull) say("ok: u64 first arrived\n");
    else { say("FAIL: u64 first arrived wrong\n"); bad = 1; }
}
void drive(void);
void _start(void)
{
    drive();
    __asm__ volatile("int $0x80" : : "a"(252), "b"(bad));
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
impl Copy for i32 {}
#[lang = "neg"] trait Neg { type Output; fn neg(self) -> Self::Output; }
impl Neg for i16 { type Output = i16; fn neg(self) -> i16 { -self } }
impl Neg for i32 { type Output = i32; fn neg(self) -> i32 { -self } }
#[repr(C)] pub struct Small { a: u8, b: i16 }
unsafe extern "C" {
    fn take_small(s: Small, tail: u32);
    fn take_u64(a: u8, b: u64, c: i32);
    fn take_u64_first(b: u64);
}
#[unsafe(no_mangle)]
pub extern "C" fn drive() {
    unsafe {
        take_small(Small { a: 0xC3, b: -3210 }, 7);
        take_u64(1, 0x0102030405060708, -3);
        take_u64_first(0x1112131415161718);
    }
}
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target i686-unknown-linux-gnu \
  -O -Cpanic=abort -Zregparm="$regparm" -Adead_code --emit=llvm-ir=caller.ll,link=libcaller.a caller.rs
echo "rustc -Zregparm=$regparm declares:"
grep -o 'declare .*@take_[a-z0-9]*(.*)' caller.ll | sed 's/^/  /'
case "$cc" in
  clang*) cflags=(--target=i686-linux-gnu -fuse-ld=lld) ;;
  *) cflags=() ;;
esac
"$cc" "${cflags[@]}" -O2 -mregparm="$regparm" -ffreestanding -fno-pie -fno-stack-protector -static -nostdlib \
  callee.c libcaller.a -o prog
qemu-i386 ./prog
