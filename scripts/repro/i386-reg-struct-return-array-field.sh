#!/usr/bin/env bash
# Reproducer, outside the harness: with reg-struct-return on both sides,
# rustc returns an 8-byte struct in EDX:EAX where clang and gcc return it in
# memory, when one of its fields is not 1, 2, 4 or 8 bytes long.
#
# clang's and gcc's i386 -freg-struct-return returns a struct of 1, 2, 4 or
# 8 bytes in registers only if every field is itself register-sized (clang:
# X86_32ABIInfo::shouldReturnTypeInRegister); `struct { uint8_t f0[3];
# int16_t f1[2]; }` has a 3-byte field, so both return it through a hidden
# pointer. rustc's -Zreg-struct-return looks only at the struct's size and
# returns it in EDX:EAX. The caller then reads the struct from memory
# nobody wrote, and the callee's `ret` leaves the hidden pointer on the
# stack. The generated fixture finds it as ret_arrays, both ways.
#
# Usage: scripts/repro/i386-reg-struct-return-array-field.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
struct arrays { unsigned char f0[3]; short f1[2]; };
struct arrays ret_arrays(void);
static long sys(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
void _start(void)
{
    struct arrays a = {{0, 0, 0}, {0, 0}};
    a = ret_arrays();
    int ok = a.f0[0] == 1 && a.f0[2] == 3 && a.f1[1] == 5;
    const char *msg = ok ? "ok: C got {1, 2, 3}, {4, 5}\n" : "FAIL: C got a different struct back\n";
    long n = 0;
    while (msg[n]) n++;
    sys(4, 1, (long)msg, n);
    sys(252, ok ? 0 : 1, 0, 0);
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
#[repr(C)] pub struct Arrays { f0: [u8; 3], f1: [i16; 2] }
#[unsafe(no_mangle)]
pub extern "C" fn ret_arrays() -> Arrays { Arrays { f0: [1, 2, 3], f1: [4, 5] } }
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target i686-unknown-linux-gnu \
  -O -Cpanic=abort -Zreg-struct-return --emit=llvm-ir=callee.ll,link=libcallee.a callee.rs
"$clang" --target=i686-linux-gnu -O2 -ffreestanding -fno-pie -freg-struct-return -S -emit-llvm -o caller.ll caller.c
echo "rustc's definition and clang's declaration:"
grep -o 'define [^(]*@ret_arrays' callee.ll | sed 's/^/  /'
grep -o 'declare [^@]*@ret_arrays(.*)' caller.ll | sed 's/^/  /'
"$clang" --target=i686-linux-gnu -O2 -ffreestanding -fno-pie -freg-struct-return -c caller.c -o caller.o
"$clang" --target=i686-linux-gnu -fuse-ld=lld -static -nostdlib caller.o libcallee.a -o prog
qemu-i386 ./prog
