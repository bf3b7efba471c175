#!/usr/bin/env bash
# The whole test suite: formatting, lints, every test and doc test, and docs without warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

echo "== import rules (no file imports one that imports it back; the engine never reaches api/)"
python3 scripts/check-imports.py
echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy (all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (unit, integration and doc tests)"
cargo test --workspace
echo "== cargo doc (-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
echo "== all checks passed"
