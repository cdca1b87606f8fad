#!/usr/bin/env bash
# Reproducer, outside the harness: rustc for i686 with
# -Ctarget-feature=-mmx,+soft-float copies only every other byte of a
# 16-byte struct passed by value, when it moves it on together with a
# second one.
#
# rustc's LLVM IR is right: `take` gets both structs byval and memcpys them
# (16 bytes each) into a local, then into SEEN. The code LLVM makes of it
# under +soft-float copies the first struct with byte moves at its even
# offsets only (movzbl/movb of bytes 0, 2, 4, ... 14), so its odd bytes are
# whatever the local held: C passes 0xe7caad90 and Rust stores 0x..ca..90.
# The second struct is copied whole. Seen with rustc 1.95.0 (LLVM 22.1.2).
# +soft-float alone does it; -mmx alone, or -sse,-sse2,-mmx, does not.
# The generated fixture finds it in the i386 soft-float cells as the first
# argument of every function taking structs of 13 bytes or more, C calling
# Rust.
#
# Usage: scripts/repro/i386-soft-float-byval-copy.sh [RUSTC] [CLANG]
set -euo pipefail
rustc=${1:-rustc}
clang=${2:-clang-19}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
struct b16 { unsigned f0[4]; };
struct seen { struct b16 a1, a2; } SEEN;
void take(struct b16 a1, struct b16 a2);
static long sys(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(n), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
void _start(void)
{
    struct b16 a = {{0xe7caad90u, 0x11223344u, 0x55667788u, 0x99aabbccu}};
    take(a, a);
    int ok = SEEN.a1.f0[0] == a.f0[0] && SEEN.a1.f0[3] == a.f0[3] && SEEN.a2.f0[0] == a.f0[0];
    const char *msg = ok ? "ok: Rust stored both structs\n" : "FAIL: Rust stored a different first struct\n";
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
#[repr(C)] pub struct B16 { f0: [u32; 4] }
#[repr(C)] pub struct Seen { a1: B16, a2: B16 }
unsafe extern "C" { static mut SEEN: Seen; }
#[unsafe(no_mangle)]
pub extern "C" fn take(a1: B16, a2: B16) { unsafe { SEEN = Seen { a1, a2 }; } }
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target i686-unknown-linux-gnu \
  -O -Cpanic=abort -Ctarget-feature=-mmx,+soft-float --emit=asm=callee.s,link=libcallee.a callee.rs 2>/dev/null
echo "the first struct's bytes that take copies one by one (even offsets only):"
grep -c 'movzbl' callee.s | sed 's/^/  movzbl count: /'
"$clang" --target=i686-linux-gnu -O2 -ffreestanding -fno-pie -c caller.c -o caller.o
"$clang" --target=i686-linux-gnu -fuse-ld=lld -static -nostdlib caller.o libcallee.a -o prog
qemu-i386 ./prog
