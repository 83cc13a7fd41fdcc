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

# tests/single_connection_server.rs runs Flask's single-threaded development server.
flask_pin='flask==3.1.3'
if ! python3 -c 'import flask' >/dev/null 2>&1; then
    if [[ "$(id -u)" -eq 0 ]]; then
        echo "tests/run.sh: installing $flask_pin" >&2
        if ! python3 -m pip --version >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
            apt-get install -y --no-install-recommends python3-pip
        fi
        # Debian's Python refuses pip installs outside a venv (PEP 668) unless told otherwise.
        PIP_BREAK_SYSTEM_PACKAGES=1 python3 -m pip install --quiet "$flask_pin"
    else
        echo "tests/run.sh: Flask is missing; run as root to install it, or: pip install $flask_pin" >&2
    fi
fi

cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets --no-fail-fast
