#!/usr/bin/env bash
# Reproducer, outside the harness: with regparm on both sides, a struct that
# i386 returns in memory goes wrong between C and Rust. C (clang and gcc)
# passes the hidden return pointer (sret) as the first register argument,
# in EAX; rustc -Zregparm=N takes it from the stack, writes the struct
# through whatever lies there, and the program dies (SIGSEGV) or the caller
# reads garbage. The other way round, Rust calling C, C writes through a
# register Rust never set. Every struct return of the structs fixture
# crashes so under regparm 1, 2 and 3, in both directions, once each call
# runs in its own process (case rs_ret_* and rs_structs_drive).
#
# Usage: scripts/repro/i386-regparm-sret.sh [RUSTC] [CC] [N] [c-calls-rust|rust-calls-c]
#   (CC: clang-19 or i686-linux-gnu-gcc; N: 1..3; N=0 builds without regparm and passes)
set -euo pipefail
rustc=${1:-rustc}
cc=${2:-clang-19}
n=${3:-1}
direction=${4:-c-calls-rust}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"

cat > caller.c <<'C'
struct pair { unsigned a; int b; };
struct pair rs_ret_pair(void);
struct pair c_ret_pair(void) { struct pair p = {0x89ABCDEFu, -77777}; return p; }
struct pair seen; /* what Rust got from c_ret_pair */
void rs_drive_back(void);
static void say(const char *s)
{
    long n = 0;
    while (s[n]) n++;
    __asm__ volatile("int $0x80" : : "a"(4), "b"(1), "c"(s), "d"(n) : "memory");
}
void _start(void)
{
#ifdef RUST_CALLS_C
    rs_drive_back();
    struct pair p = seen;
#else
    struct pair p = rs_ret_pair();
#endif
    int bad = !(p.a == 0x89ABCDEFu && p.b == -77777);
    say(bad ? "FAIL: the returned struct is wrong\n" : "ok: the returned struct is right\n");
    __asm__ volatile("int $0x80" : : "a"(252), "b"(bad));
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
impl Copy for i32 {}
#[lang = "neg"] trait Neg { type Output; fn neg(self) -> Self::Output; }
impl Neg for i32 { type Output = i32; fn neg(self) -> i32 { -self } }
#[repr(C)] pub struct Pair { a: u32, b: i32 }
#[unsafe(no_mangle)]
pub extern "C" fn rs_ret_pair() -> Pair { Pair { a: 0x89ABCDEF, b: -77777 } }
unsafe extern "C" {
    fn c_ret_pair() -> Pair;
    static mut seen: Pair;
}
#[unsafe(no_mangle)]
pub extern "C" fn rs_drive_back() { unsafe { seen = c_ret_pair(); } }
R

RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type staticlib --target i686-unknown-linux-gnu \
  -O -Cpanic=abort -Zregparm="$n" -Adead_code --emit=llvm-ir=callee.ll,link=libcallee.a callee.rs
echo "rustc -Zregparm=$n defines:"
grep -o 'define .*@rs_ret_pair(.*)' callee.ll | sed 's/^/  /'
case "$cc" in
  clang*) cflags=(--target=i686-linux-gnu -fuse-ld=lld) ;;
  *) cflags=() ;;
esac
if [[ "$cc" == clang* ]]; then
  "$cc" --target=i686-linux-gnu -O2 -mregparm="$n" -ffreestanding -fno-pie -S -emit-llvm caller.c -o caller.ll
  echo "$cc -mregparm=$n calls:"
  grep -o 'call .*@rs_ret_pair(.*)' caller.ll | sed 's/^/  /'
fi
defines=()
[ "$direction" = rust-calls-c ] && defines=(-DRUST_CALLS_C)
"$cc" "${cflags[@]}" "${defines[@]}" -O2 -mregparm="$n" -ffreestanding -fno-pie -fno-stack-protector -static \
  -nostdlib caller.c libcallee.a -o prog
set +e
qemu-i386 ./prog
rc=$?
set -e
if [ "$rc" -gt 128 ]; then echo "killed by signal $((rc - 128))"; fi
exit "$rc"
