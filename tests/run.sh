#!/usr/bin/env bash
# The project's one test command: formatting, lints, then every test, including the integration
# tests against real servers on 127.0.0.1 (openssl s_server, nginx, tlslite-ng, scripted SSLv2
# and export servers) and the parity tests against sslyze, sslscan and testssl.sh.
#
# Run as root on a fresh Debian/Ubuntu machine, it first installs the servers and peers the tests
# need. Without them those tests fail; they never skip.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Debian packages: servers and peers. nginx and apache2 live in /usr/sbin, which is not on every
# PATH (tests/suggest.rs runs Apache from its own httpd.conf);
# the testssl.sh package installs `testssl`.
# libmonitoring-plugin-perl: tests/nagios.rs reads --format nagios's performance data with the
# Monitoring Plugins' own Perl parser (Monitoring::Plugin::Performance).
# prometheus: installs `prometheus` and `promtool` in /usr/bin (tests/prometheus.rs checks the
# exposition with promtool, tests/prometheus_server.rs runs a real Prometheus against `tlscheck serve`).
# time: tests/servers reads tlscheck's peak memory with GNU time (`time -f %M`).
# curl: tests/legacy_scan.rs compares the legacy client's HTTPS, HSTS and redirect facts with what
# curl sees (through OpenSSL at security level 0) on the same TLS 1.0-only and CBC-only servers.
apt_packages=(nginx apache2 gnutls-bin openssl ca-certificates sslscan testssl.sh python3 python3-pip
    perl libmonitoring-plugin-perl prometheus time curl)
needed_tools=(nginx apache2 gnutls-serv openssl sslscan testssl python3 prometheus promtool curl)
# PyPI packages, pinned to the releases the tests were checked with (module:requirement).
# Flask: tests/single_connection_server.rs runs its single-threaded development server, and
# tests/suggest.rs the app --suggest python writes.
# junitparser: tests/formats.rs reads the JUnit XML back with a JUnit reader of another ecosystem.
python_packages=("tlslite:tlslite-ng==0.8.2" "sslyze:sslyze==6.3.1" "flask:flask==3.1.3" "junitparser:junitparser==5.0.3")

missing=()
for tool in "${needed_tools[@]}"; do
    if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x "/usr/sbin/$tool" ]]; then
        missing+=("$tool")
    fi
done

# `time` is also a shell keyword, so `command -v` cannot tell whether GNU time is there.
if [[ ! -x /usr/bin/time ]]; then
    missing+=("time")
fi

if ! perl -MMonitoring::Plugin::Performance -e 1 >/dev/null 2>&1; then
    missing+=("Monitoring::Plugin::Performance")
fi

if ((${#missing[@]} > 0)); then
    if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "tests/run.sh: installing test servers and peers (missing: ${missing[*]})" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update
        apt-get install -y --no-install-recommends "${apt_packages[@]}"
    else
        # The integration tests fail loudly without them; say why up front.
        echo "tests/run.sh: missing ${missing[*]}; run as root to install them, or:" >&2
        echo "  apt-get install -y --no-install-recommends ${apt_packages[*]}" >&2
    fi
fi

missing_python=()
if command -v python3 >/dev/null 2>&1; then
    for entry in "${python_packages[@]}"; do
        module="${entry%%:*}"
        requirement="${entry#*:}"
        version="${requirement#*==}"
        distribution="${requirement%%==*}"
        installed="$(python3 -c "import importlib.metadata as m; print(m.version('$distribution'))" 2>/dev/null || true)"
        if ! python3 -c "import $module" >/dev/null 2>&1 || [[ "$installed" != "$version" ]]; then
            missing_python+=("$requirement")
        fi
    done
fi

if ((${#missing_python[@]} > 0)); then
    if [[ "$(id -u)" -eq 0 ]]; then
        echo "tests/run.sh: installing Python packages: ${missing_python[*]}" >&2
        # Debian's own python3 refuses pip installs outside a venv unless told otherwise.
        python3 -m pip install --quiet "${missing_python[@]}" ||
            python3 -m pip install --quiet --break-system-packages "${missing_python[@]}"
    else
        echo "tests/run.sh: missing Python packages; run as root to install them, or:" >&2
        echo "  python3 -m pip install ${missing_python[*]}" >&2
    fi
fi

cargo fmt --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets --no-fail-fast

# Every fuzz target for a bounded time from the seed corpus (fuzz/run.sh; a crash fails the run
# and leaves its input in fuzz/artifacts/). TLSCHECK_FUZZ_SECONDS=0 leaves it out, for a quick
# local run; CI runs it.
fuzz_seconds=${TLSCHECK_FUZZ_SECONDS:-30}
if [[ $fuzz_seconds != 0 ]]; then
    ./fuzz/run.sh "$fuzz_seconds"
fi
