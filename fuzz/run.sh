#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 30) from the seed corpus (seed.py), on the
# nightly toolchain when there is one, else on stable with RUSTC_BOOTSTRAP=1 (cargo fuzz needs
# the unstable sanitizer flags). Fails when a target crashes: the input is left in
# fuzz/artifacts/TARGET/ (replay it with `cargo fuzz run TARGET FILE`), to become a test.
#
#   fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-30}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
if rustup run nightly rustc --version >/dev/null 2>&1; then
    fuzz=(cargo +nightly fuzz)
else
    export RUSTC_BOOTSTRAP=1
    fuzz=(cargo fuzz)
fi
python3 seed.py
"${fuzz[@]}" build -O
targets=$("${fuzz[@]}" list)
failed=()
for target in $targets; do
    echo "fuzz: $target for ${seconds}s"
    if ! "${fuzz[@]}" run -O "$target" "corpus/$target" -- -max_total_time="$seconds" \
        -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 >"/tmp/fuzz-$target.log" 2>&1; then
        failed+=("$target")
        tail -n 40 "/tmp/fuzz-$target.log"
    fi
    grep -E '^stat::number_of_executed_units|^Done' "/tmp/fuzz-$target.log" || true
done
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "fuzz: crashed: ${failed[*]} (inputs in fuzz/artifacts/)" >&2
    exit 1
fi
echo "fuzz: every target ran ${seconds}s without a crash"
