#!/usr/bin/env bash
# Regenerates the captured server replies in this folder. See README.md.
# Every server listens on 127.0.0.1 only, serves one connection (-naccept 1) and is stopped by
# its PID. Needs openssl (3.x) and python3.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${CAPTURE_PORT:-47443}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --quiet --manifest-path "$root/Cargo.toml" --example capture_server_reply
capture="$root/target/debug/examples/capture_server_reply"

# A throwaway RSA key and self-signed certificate; the certificate ends up in the captures.
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=tlscheck-wire-test" \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
openssl genpkey -genparam -algorithm DH -pkeyopt dh_paramgen_prime_len:1024 \
    -out "$work/dh1024.pem" 2>/dev/null

wait_for_listener() {
    for _ in $(seq 50); do
        if ss -ltn "sport = :$port" | grep -q LISTEN; then return 0; fi
        sleep 0.1
    done
    echo "server on port $port did not start" >&2
    return 1
}

# serve NAME "SERVER OPTIONS" VERSION [CAPTURE OPTIONS...]
serve() {
    local name="$1" server_options="$2" version="$3"
    shift 3
    # shellcheck disable=SC2086
    openssl s_server -accept "127.0.0.1:$port" -naccept 1 -quiet \
        -cert "$work/cert.pem" -key "$work/key.pem" $server_options >/dev/null 2>&1 &
    local pid=$!
    wait_for_listener
    "$capture" "127.0.0.1:$port" "$version" "$here/$name.bin" "$@" || true
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

serve tls12-ecdhe-rsa "-cipher ALL:@SECLEVEL=0" \
    tls12 --suites ECDHE-RSA-AES128-GCM-SHA256 --groups x25519
serve tls12-dhe-rsa-1024 "-cipher DHE-RSA-AES256-SHA:@SECLEVEL=0 -dhparam $work/dh1024.pem" \
    tls12 --suites DHE-RSA-AES256-SHA
serve tls12-anon-dh "-cipher ADH-AES128-SHA:@SECLEVEL=0 -dhparam $work/dh1024.pem" \
    tls12 --suites ADH-AES128-SHA
serve tls12-cert-request "-cipher ALL:@SECLEVEL=0 -Verify 1 -CAfile $work/cert.pem" \
    tls12 --suites ECDHE-RSA-AES256-GCM-SHA384 --groups secp384r1
serve tls12-fragmented "-cipher ALL:@SECLEVEL=0 -max_send_frag 512" \
    tls12 --suites ECDHE-RSA-AES128-SHA --groups secp256r1
serve tls10-rsa-cbc "-tls1 -cipher AES128-SHA:@SECLEVEL=0" \
    tls10 --suites AES128-SHA
serve tls13 "-tls1_3" \
    tls13 --suites TLS_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_CHACHA20_POLY1305_SHA256
serve tls13-hello-retry "-tls1_3 -groups P-384" \
    tls13 --suites TLS_AES_128_GCM_SHA256
serve alert-handshake-failure "-no_tls1_3 -cipher AES256-SHA:@SECLEVEL=0" \
    tls12 --suites ECDHE-RSA-AES128-GCM-SHA256
serve alert-protocol-version "-tls1_3" \
    tls10 --suites AES128-SHA
serve sslv2-hello-to-openssl3 "-cipher ALL:@SECLEVEL=0" \
    tls12 --sslv2

# A plain HTTP server answering a ClientHello. Python's http.server reads the hello as an
# HTTP/0.9 request line and answers with a bare HTML error page, no status line.
python3 -m http.server --bind 127.0.0.1 "$port" >/dev/null 2>&1 &
pid=$!
wait_for_listener
"$capture" "127.0.0.1:$port" tls12 "$here/plain-http-server.bin" --half-close || true
kill "$pid"
wait "$pid" 2>/dev/null || true
