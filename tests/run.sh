#!/usr/bin/env bash
# The project's one test command: formatting, lints, then every test, including the integration
# tests against real openssl s_server and nginx on 127.0.0.1.
#
# Run as root on a fresh Debian/Ubuntu machine, it first installs the servers the tests need.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

needed_tools=(nginx gnutls-serv openssl)
missing=()
for tool in "${needed_tools[@]}"; do
    # nginx lives in /usr/sbin, which is not on every PATH.
    if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$tool" ]]; then
        missing+=("$tool")
    fi
done

if ((${#missing[@]} > 0)); then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "tests/run.sh: installing test servers (missing: ${missing[*]})" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y --no-install-recommends nginx gnutls-bin openssl ca-certificates
    else
        # The integration tests fail loudly without them; say why up front.
        echo "tests/run.sh: missing ${missing[*]}; run as root to install them, or:" >&2
        echo "  apt-get install -y --no-install-recommends nginx gnutls-bin openssl ca-certificates" >&2
    fi
fi

cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets --no-fail-fast
