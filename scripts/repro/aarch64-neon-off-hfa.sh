#!/usr/bin/env bash
# Reproducer, outside the harness: on arm64, Rust built for
# aarch64-unknown-linux-gnu with -Ctarget-feature=-neon passes a struct of
# two floats in two registers, while C built with -mgeneral-regs-only (which
# cannot name a float, so the struct holds the same bits as two uint32_t)
# passes it in one, x0. rustc warns that with -neon "the ABI of the current
# target" cannot be implemented; the kernel's own Rust target,
# aarch64-unknown-none-softfloat, passes it in x0 like C.
#
# The generated fixture finds it as the hfa_f32x2 and hfa_f64x4 cases of
# the float-feature cells on aarch64, the spelling a user might try instead
# of the soft-float target.
#
# With clang-14 or clang-16 and --target=aarch64-unknown-none-softfloat it
# shows the other disagreement: those clangs still name float under
# -mgeneral-regs-only and pass the struct one float per general register,
# where rustc's soft-float target (and clang-19, gcc) pass one composite.
#
# Usage: scripts/repro/aarch64-neon-off-hfa.sh [RUSTC] [CLANG] [RUST-TARGET-ARGS...]
#   default Rust side: --target=aarch64-unknown-linux-gnu -Ctarget-feature=-neon
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
shift $(( $# > 2 ? 2 : $# ))
rust_target=("$@")
[ ${#rust_target[@]} -gt 0 ] || rust_target=(--target=aarch64-unknown-linux-gnu -Ctarget-feature=-neon)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
/* 1.5f and 2.5f as bits: C without FP registers cannot name a float
 * (clang before 17 still can, and then passes one float per register). */
#ifdef __ARM_FP
typedef float f32;
#else
typedef unsigned f32;
#endif
struct hfa { f32 a, b; };
struct hfa SEEN;
void take(struct hfa h);
static long sys(long n, long a, long b, long c)
{
    register long x8 __asm__("x8") = n, x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    return x0;
}
void _start(void)
{
    static const unsigned bits[2] = {0x3fc00000u, 0x40200000u};
    struct hfa h = *(const struct hfa *)bits;
    take(h);
    const unsigned *seen = (const unsigned *)&SEEN;
    int ok = seen[0] == bits[0] && seen[1] == bits[1];
    const char *msg = ok ? "ok: Rust received {1.5, 2.5}\n" : "FAIL: Rust received a different struct\n";
    long n = 0;
    while (msg[n]) n++;
    sys(64, 1, (long)msg, n);
    sys(94, ok ? 0 : 1, 0, 0);
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
#[repr(C)] pub struct Hfa { a: f32, b: f32 }
unsafe extern "C" { static mut SEEN: Hfa; }
#[unsafe(no_mangle)]
pub extern "C" fn take(h: Hfa) { unsafe { SEEN = h; } }
R

echo "rustc ${rust_target[*]}:"
RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib "${rust_target[@]}" \
  -O -Cpanic=abort --emit=llvm-ir=callee.ll,link=libcallee.a callee.rs 2>&1 | grep -m1 'warning: target feature' || true
grep -o 'define [^{]*@take(.*)' callee.ll | sed 's/^/  /'
"$clang" --target=aarch64-linux-gnu -O2 -ffreestanding -fno-pie -mgeneral-regs-only -c caller.c -o caller.o
"$clang" --target=aarch64-linux-gnu -fuse-ld=lld -static -nostdlib caller.o libcallee.a -o prog
qemu-aarch64 ./prog
