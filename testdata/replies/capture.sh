#!/usr/bin/env bash
# Captures real servers' replies to real clients, for the fuzzers' seed corpus (fuzz/README.md)
# and the decoders' tests: each `NAME.server` file holds the bytes a server sent in answer to
# `openssl s_client`, as they crossed the wire (records, unmodified); `NAME.client` the client's.
# Loopback only; every server is stopped by the PID recorded here.
#
#   testdata/replies/capture.sh     # rewrites testdata/replies/*.server and *.client
set -euo pipefail
cd "$(dirname "$0")"
certs=../certs
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

port=$((20000 + RANDOM % 20000))
# A relay that records both directions of one connection.
relay() {
    python3 - "$1" "$2" "$3" <<'PY'
import socket, sys, threading
listen_port, server_port, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", listen_port)); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
u = socket.create_connection(("127.0.0.1", server_port))
def pump(src, dst, path):
    with open(path, "wb") as out:
        while True:
            try:
                data = src.recv(65536)
            except OSError:
                break
            if not data:
                break
            out.write(data)
            try:
                dst.sendall(data)
            except OSError:
                break
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass
a = threading.Thread(target=pump, args=(c, u, name + ".client"))
b = threading.Thread(target=pump, args=(u, c, name + ".server"))
a.start(); b.start(); a.join(); b.join()
PY
}

# capture NAME "s_server options" "s_client options"
capture() {
    local name=$1 server_opts=$2 client_opts=$3
    port=$((port + 2))
    # shellcheck disable=SC2086
    openssl s_server -accept "127.0.0.1:$port" -cert "$certs/good.pem" -key "$certs/good.key" \
        -cert_chain "$certs/intermediate.pem" -naccept 1 -quiet $server_opts </dev/null >/dev/null 2>&1 &
    pids+=($!)
    local server_pid=$!
    for _ in $(seq 100); do [[ -n $(ss -ltnH "sport = :$port") ]] && break; sleep 0.05; done
    relay $((port + 1)) "$port" "$name" > "$name.relay" &
    pids+=($!)
    local relay_pid=$!
    for _ in $(seq 50); do grep -q ready "$name.relay" 2>/dev/null && break; sleep 0.05; done
    # shellcheck disable=SC2086
    timeout 5 openssl s_client -connect "127.0.0.1:$((port + 1))" -servername good.test \
        $client_opts </dev/null >/dev/null 2>&1 || true
    wait "$relay_pid" 2>/dev/null || true
    rm -f "$name.relay"
    echo "$name: $(wc -c < "$name.server") bytes from the server"
}

capture tls13 "" "-tls1_3"
capture tls13-hrr "-groups P-256" "-tls1_3 -groups X25519:P-256"
capture tls12-ecdhe "" "-tls1_2 -cipher ECDHE-RSA-AES128-GCM-SHA256"
capture tls12-rsa "-cipher AES128-SHA:@SECLEVEL=0" "-tls1_2 -cipher AES128-SHA:@SECLEVEL=0"
capture tls12-dhe "-cipher DHE-RSA-AES128-GCM-SHA256" "-tls1_2 -cipher DHE-RSA-AES128-GCM-SHA256"
capture tls10-ecdhe "-cipher ECDHE-RSA-AES128-SHA:@SECLEVEL=0 -tls1" "-tls1 -cipher ECDHE-RSA-AES128-SHA:@SECLEVEL=0"
capture tls12-client-auth "-Verify 1 -CAfile $certs/client-ca.pem" "-tls1_2"
capture alert-protocol-version "-tls1_3" "-tls1_2"
