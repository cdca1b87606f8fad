#!/usr/bin/env bash
# Reproducer, outside the harness: on i386, clang -msoft-float still returns
# float and double in x87 st(0), while gcc -msoft-float and rustc with
# -Ctarget-feature=+soft-float return them in EAX / EDX:EAX. So a C side
# built by clang with the kernel's -msoft-float and a Rust side built with
# the kernel's +soft-float exchange float return values wrongly, and clang
# with -msoft-float agrees with a Rust side *without* soft-float. clang needs
# -mno-80387 (or -mno-fp-ret-in-387) as well to return in EDX:EAX. (LLVM
# issue #56351 notes that clang's 32-bit soft-float is incomplete.)
#
# Prints how each compiler returns a double constant, then runs a clang
# -msoft-float caller against a Rust (+soft-float) callee: it reports the
# double it got back. Seen with clang-19.1 and rustc 1.95.0.
#
# Usage: scripts/repro/i386-clang-soft-float-x87-return.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
double rust_two_and_three_quarters(void);
static void say(const char *s)
{
    long n = 0;
    while (s[n]) n++;
    __asm__ volatile("int $0x80" : : "a"(4), "b"(1), "c"(s), "d"(n) : "memory");
}
void _start(void)
{
    double d = rust_two_and_three_quarters();
    unsigned long long bits;
    __builtin_memcpy(&bits, &d, sizeof bits); /* no float arithmetic: no libgcc */
    int ok = bits == 0x4006000000000000ull;
    say(ok ? "ok: C got 2.75 back\n" : "FAIL: C got a different double back\n");
    __asm__ volatile("int $0x80" : : "a"(252), "b"(!ok));
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
impl Copy for f64 {}
#[unsafe(no_mangle)]
pub extern "C" fn rust_two_and_three_quarters() -> f64 { 2.75 }
R

echo "double f(void) { return 2.75; } compiled for i386:"
for cc in "$clang --target=i686-linux-gnu -msoft-float" "$clang --target=i686-linux-gnu -msoft-float -mno-80387" \
          "i686-linux-gnu-gcc -msoft-float"; do
  echo 'double f(void) { return 2.75; }' > f.c
  $cc -O2 -c f.c -o f.o
  echo "  $cc:"
  llvm-objdump-19 -d --no-show-raw-insn f.o | sed -n '/<f>:/,$p' | grep -E 'fld|mov' | sed 's/^/      /'
done
RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target i686-unknown-linux-gnu -O -Cpanic=abort \
  -Ctarget-feature=-mmx,+soft-float -Awarnings -o libcallee.a callee.rs
"$clang" --target=i686-linux-gnu -fuse-ld=lld -O2 -msoft-float -ffreestanding -fno-pie -fno-stack-protector \
  -static -nostdlib caller.c libcallee.a -o prog
echo "clang -msoft-float calling Rust (+soft-float):"
qemu-i386 ./prog
