#!/usr/bin/env bash
# Shows that qemu-aarch64 -cpu max enforces BTI, so that the harness's
# aarch64 runs mean something for branch-protection: C built with
# -mbranch-protection=bti calls a Rust function through a pointer.
#
#   Rust with bti:                     the program has the BTI note; runs.
#   Rust without bti:                  lld drops the BTI note from the
#                                      program, so nothing is enforced; runs.
#   Rust without bti, -z force-bti:    the note is forced on; the call lands
#                                      on a function without "bti c": SIGILL.
#
# The second line is the silent loss the harness's bti-note check reports;
# the third shows it would otherwise have trapped. Exits 0 when all three
# behave so. Seen with qemu 7.2, clang-19 and rustc 1.95.0.
#
# Usage: scripts/repro/qemu-aarch64-bti-enforced.sh [RUSTC] [CLANG]
set -uo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
typedef long (*fn)(long);
long rust_inc(long);
static fn volatile target = rust_inc; /* volatile: a real indirect call */
static void sys(long n, long a, long b, long c)
{
    register long x0 __asm__("x0") = a, x1 __asm__("x1") = b, x2 __asm__("x2") = c, x8 __asm__("x8") = n;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
}
void _start(void)
{
    long ok = target(41) == 42;
    sys(64, 1, (long)(ok ? "ok: called through a pointer\n" : "FAIL: wrong value\n"), ok ? 29 : 18);
    sys(94, !ok, 0, 0);
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
#[lang = "add"] trait Add<R = Self> { type Output; fn add(self, r: R) -> Self::Output; }
impl Add for i64 { type Output = i64; fn add(self, r: i64) -> i64 { self + r } }
impl Copy for i64 {}
#[unsafe(no_mangle)]
pub extern "C" fn rust_inc(a: i64) -> i64 { a + 1 }
R

status=0
run() { # $1: rustc flags, $2: extra link flag, $3: the exit status expected
  RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target aarch64-unknown-linux-gnu -O \
    -Cpanic=abort $1 -Awarnings -o libcallee.a callee.rs || exit 2
  "$clang" --target=aarch64-linux-gnu -fuse-ld=lld -O2 -mbranch-protection=bti -ffreestanding -fno-pie \
    -fno-stack-protector -static -nostdlib $2 caller.c libcallee.a -o prog 2>/dev/null || exit 2
  local note
  note=$(llvm-readelf-19 -n prog | grep -o 'BTI' || echo 'no BTI')
  local got
  got=$(qemu-aarch64 -cpu max ./prog >/dev/null 2>&1; echo $?) 2>/dev/null
  printf '%-34s program note: %-7s exit %s%s\n' "rust ${1:-without bti} ${2}" "$note" "$got" \
    "$([ "$got" = 132 ] && echo ' (SIGILL)')"
  [ "$got" = "$3" ] || status=1
}
run "-Zbranch-protection=bti" "" 0
run "" "" 0
run "" "-Wl,-z,force-bti" 132
exit $status
