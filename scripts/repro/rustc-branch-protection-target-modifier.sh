#!/usr/bin/env bash
# Reproducer, outside the harness: rustc 1.96 made -Zbranch-protection an
# RFC 3716 target modifier, 1.95 had not. A crate built without it that
# depends on one built with -Zbranch-protection=bti links under rustc 1.95;
# rustc 1.96 refuses ("mixing `-Zbranch-protection` will cause an ABI
# mismatch"). matrices/evidence.yaml records the same as the branch-protection
# row's two mixing columns (rustup's 1.95: accepts; Debian's rustc-web 1.96:
# refuses). Not a defect: the same rustc now guards arm64 BTI/PAC between
# Rust crates; between C and Rust nothing does.
#
# Prints one line per rustc: its version, and "accepts" or "refuses" with
# its first error line. Exits 0.
# Seen with rustup's rustc 1.95.0 and Debian's rustc-web 1.96.0.
#
# Usage: scripts/repro/rustc-branch-protection-target-modifier.sh [RUSTC...]
set -euo pipefail
[ $# -gt 0 ] || set -- rustc /usr/bin/rustc
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
cat > a.rs <<'RS'
#![feature(no_core, lang_items)]
#![allow(internal_features)]
#![no_core]
#[lang = "pointee_sized"] pub trait PointeeSized {}
#[lang = "meta_sized"] pub trait MetaSized: PointeeSized {}
#[lang = "sized"] pub trait Sized: MetaSized {}
RS
printf '#![feature(no_core)]\n#![no_core]\nextern crate a;\n' > b.rs
for rustc in "$@"; do
  build() { RUSTC_BOOTSTRAP=1 "$rustc" --edition 2024 --crate-type rlib --target aarch64-unknown-linux-gnu "$@"; }
  build --crate-name a -Zbranch-protection=bti -o liba.rlib a.rs
  if out=$(build --crate-name b --extern a=liba.rlib -o libb.rlib b.rs 2>&1); then
    said=accepts
  else
    said="refuses: $(grep -m1 '^error' <<<"$out")"
  fi
  printf '%s: %s\n' "$("$rustc" --version)" "$said"
done
