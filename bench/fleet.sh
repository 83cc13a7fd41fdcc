#!/usr/bin/env bash
# Fleet throughput and memory (issue 9): COUNT loopback TLS endpoints (one nginx listening on
# COUNT addresses of 127.0.0.0/8), quick mode (handshake + chain), scanned by tlscheck from a
# target list and by sslyze (--targets_in, certificate info only), in one run, as a ratio; then
# tlscheck's peak memory as the list grows from COUNT to BIG targets (BIG names spread over the
# same addresses), and a check that no target is missing from the output.
#
#   bench/fleet.sh                     # COUNT=1000 BIG=10000 RUNS=3
#   COUNT=200 BIG=2000 bench/fleet.sh  # quicker
#   TLSCHECK_BIN=/tmp/tlscheck-old bench/fleet.sh
#
# Needs nginx (Debian), sslyze (PyPI), GNU time (/usr/bin/time), unshare and ip.
# Everything runs inside a network namespace of its own with only a loopback interface.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${FLEET_IN_NETNS:-}" ]]; then
    for tool in nginx python3 unshare ip; do
        command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] || {
            echo "bench: $tool is missing (see the header of $0)" >&2
            exit 2
        }
    done
    [[ -x /usr/bin/time ]] || { echo "bench: GNU time is missing (apt-get install -y time)" >&2; exit 2; }
    python3 -c 'import sslyze' 2>/dev/null || { echo "bench: sslyze is missing (pip install sslyze)" >&2; exit 2; }
    [[ -n ${TLSCHECK_BIN:-} ]] || cargo build --release --quiet
    userns=()
    [[ $(id -u) -eq 0 ]] || userns=(--map-root-user)
    exec unshare --net "${userns[@]}" -- env FLEET_IN_NETNS=1 "$0" "$@"
fi

export PATH="$PATH:/usr/sbin"
ip link set lo up

COUNT=${COUNT:-1000}
BIG=${BIG:-10000}
RUNS=${RUNS:-3}
CONCURRENCY=${CONCURRENCY:-128}
PORT=8443
bin=${TLSCHECK_BIN:-$PWD/target/release/tlscheck}
certs=$PWD/testdata/certs
dir=$(mktemp -d)
nginx_pid=
cleanup() {
    [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT

# The i-th address (0-based): 127.1.X.Y, Y from 1 to 250.
address() { echo "127.1.$(($1 / 250)).$(($1 % 250 + 1))"; }

# One nginx, COUNT listening addresses, the good chain.
{
    echo "worker_processes 2; pid $dir/nginx.pid; error_log $dir/error.log;"
    echo "worker_rlimit_nofile 65536;"
    echo "events { worker_connections 16384; }"
    echo "http { access_log off; client_body_temp_path $dir/body; proxy_temp_path $dir/proxy;"
    echo "  fastcgi_temp_path $dir/fastcgi; uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;"
    echo "  server {"
    for ((i = 0; i < COUNT; i++)); do echo "    listen $(address "$i"):$PORT ssl;"; done
    echo "    ssl_certificate $certs/good-fullchain.pem; ssl_certificate_key $certs/good.key;"
    echo "    ssl_protocols TLSv1.2 TLSv1.3;"
    echo "    location / { return 200 'ok'; }"
    echo "  }"
    echo "}"
} >"$dir/nginx.conf"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for ((tries = 0; tries < 100; tries++)); do
    (exec 3<>"/dev/tcp/$(address $((COUNT - 1)))/$PORT") 2>/dev/null && break
    sleep 0.1
done

# The lists: COUNT addresses; BIG names spread over them.
for ((i = 0; i < COUNT; i++)); do echo "$(address "$i"):$PORT"; done >"$dir/targets.txt"
for ((i = 0; i < BIG; i++)); do
    echo "t$i.test:$PORT --connect-to t$i.test:$PORT:$(address $((i % COUNT))):$PORT"
done >"$dir/big.txt"

# "seconds peak-KiB" of a command; its stdout to $2.
measure() {
    local out=$1
    shift
    /usr/bin/time -f '%e %M' -o "$dir/time" "$@" >"$out" 2>"$dir/stderr" || true
    tail -n 1 "$dir/time"
}
tlscheck_list() {
    measure "$dir/out.jsonl" "$bin" -i "$1" --quick --no-http --format jsonl \
        --concurrency "$CONCURRENCY" --ca-file "$certs/root.pem" --timeout 10
}
reports() { grep -c '"type":"report"' "$dir/out.jsonl" || true; }

echo "fleet: $COUNT endpoints on one nginx, quick mode, $RUNS tlscheck runs"
best_tlscheck=
for ((run = 0; run < RUNS; run++)); do
    read -r seconds kib < <(tlscheck_list "$dir/targets.txt")
    got=$(reports)
    echo "  tlscheck: ${seconds}s, peak ${kib} KiB, $got of $COUNT reports"
    [[ $got -eq $COUNT ]] || { echo "bench: tlscheck lost targets" >&2; exit 1; }
    if [[ -z $best_tlscheck ]] || awk "BEGIN{exit !($seconds < $best_tlscheck)}"; then
        best_tlscheck=$seconds
        small_kib=$kib
    fi
done

read -r sslyze_seconds sslyze_kib < <(measure /dev/null python3 -m sslyze --quiet --certinfo \
    --targets_in "$dir/targets.txt" --json_out "$dir/sslyze.json")
sslyze_done=$(python3 -c "
import json, sys
d = json.load(open('$dir/sslyze.json'))
print(sum(1 for r in d['server_scan_results'] if r['scan_status'] == 'COMPLETED'))
")
echo "  sslyze:   ${sslyze_seconds}s, peak ${sslyze_kib} KiB, $sslyze_done of $COUNT completed"

read -r big_seconds big_kib < <(tlscheck_list "$dir/big.txt")
big_got=$(reports)
echo "  tlscheck, $BIG targets: ${big_seconds}s, peak ${big_kib} KiB, $big_got of $BIG reports"
[[ $big_got -eq $BIG ]] || { echo "bench: tlscheck lost targets" >&2; exit 1; }

echo
awk -v t="$best_tlscheck" -v s="$sslyze_seconds" -v n="$COUNT" -v big="$BIG" \
    -v m1="$small_kib" -v m2="$big_kib" -v bt="$big_seconds" -v ms="$sslyze_kib" 'BEGIN {
    printf "| | targets | time | targets/s | peak memory |\n|---|---|---|---|---|\n"
    printf "| tlscheck | %d | %.2f s | %.0f | %.1f MiB |\n", n, t, n / t, m1 / 1024
    printf "| sslyze --certinfo | %d | %.2f s | %.0f | %.1f MiB |\n", n, s, n / s, ms / 1024
    printf "| tlscheck | %d | %.2f s | %.0f | %.1f MiB |\n", big, bt, big / bt, m2 / 1024
    printf "\nthroughput: tlscheck %.1fx sslyze; memory at %d targets: %.2fx that at %d\n", s / t, big, m2 / m1, n
}'
