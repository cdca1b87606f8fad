# Sourced by the scripts: rustup installs rustc into ~/.cargo/bin, which a
# non-login shell (cron, CI) may not have on PATH.
if ! command -v rustc >/dev/null 2>&1 && [ -x "$HOME/.cargo/bin/rustc" ]; then
  export PATH="$HOME/.cargo/bin:$PATH"
fi
