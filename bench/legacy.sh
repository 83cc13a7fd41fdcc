#!/usr/bin/env bash
# What the legacy client costs a report (issue 7): the time to scan a server only the legacy
# client can talk to (TLS 1.0, AES-CBC) against the same scan of a modern one (TLS 1.2/1.3), both
# openssl s_server with the good chain, each reached through bench/delay_proxy.py so that round
# trips cost what they cost on a link (RTT_MS, default 20). The difference, in round trips, is
# the price of the failed rustls handshake plus the legacy one.
#
#   bench/legacy.sh                 # RUNS=5 of each, --quick and the full scan
#
# Needs openssl and python3; builds the release binary unless TLSCHECK_BIN is set. Loopback only;
# every process it starts is stopped by the PID it recorded.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-5}
RTT_MS=${RTT_MS:-20}
[[ -n ${TLSCHECK_BIN:-} ]] || cargo build --release --quiet
bin=${TLSCHECK_BIN:-$PWD/target/release/tlscheck}
certs=$PWD/testdata/certs
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

base=$((30000 + RANDOM % 20000))
modern=$base legacy=$((base + 1)) modern_proxy=$((base + 2)) legacy_proxy=$((base + 3))
openssl s_server -accept "127.0.0.1:$modern" -cert "$certs/good.pem" -key "$certs/good.key" \
    -cert_chain "$certs/intermediate.pem" -www -quiet </dev/null >/dev/null 2>&1 &
pids+=($!)
openssl s_server -accept "127.0.0.1:$legacy" -cert "$certs/good.pem" -key "$certs/good.key" \
    -cert_chain "$certs/intermediate.pem" -www -quiet -tls1 -cipher 'AES128-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0' \
    </dev/null >/dev/null 2>&1 &
pids+=($!)
python3 bench/delay_proxy.py "$RTT_MS" "$modern_proxy:$modern" "$legacy_proxy:$legacy" &
pids+=($!)
for port in $modern $legacy $modern_proxy $legacy_proxy; do
    for _ in $(seq 100); do [[ -n $(ss -ltnH "sport = :$port") ]] && break; sleep 0.05; done
done

# scan NAME PORT [flags]: prints the median wall time in ms of RUNS scans, checks the client.
scan() {
    local port=$1 client=$2
    shift 2
    local times=()
    for ((run = 0; run < RUNS; run++)); do
        local start end
        start=$(date +%s%N)
        "$bin" "good.test:$port" --connect-to "good.test:$port:127.0.0.1:$port" \
            --ca-file "$certs/root.pem" --no-http --format json "$@" >"/tmp/bench-legacy-$$.json" || true
        end=$(date +%s%N)
        times+=($(((end - start) / 1000000)))
        got=$(python3 -c "import json; print(json.load(open('/tmp/bench-legacy-$$.json'))['reports'][0]['tls'].get('client'))")
        [[ $got == "$client" ]] || { echo "bench: expected the $client client, got $got" >&2; exit 1; }
    done
    rm -f "/tmp/bench-legacy-$$.json"
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

echo "legacy client cost: ${RTT_MS} ms round trips, median of $RUNS runs"
echo
echo "| scan | modern server | legacy-only server | extra | extra round trips |"
echo "|---|---|---|---|---|"
for mode in quick full; do
    flags=()
    [[ $mode == quick ]] && flags=(--quick)
    m=$(scan "$modern_proxy" rustls "${flags[@]}")
    l=$(scan "$legacy_proxy" legacy "${flags[@]}")
    awk -v mode="$mode" -v m="$m" -v l="$l" -v rtt="$RTT_MS" \
        'BEGIN { printf "| %s | %d ms | %d ms | %d ms | %.1f |\n", mode, m, l, l - m, (l - m) / rtt }'
done
