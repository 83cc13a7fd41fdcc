#!/usr/bin/env bash
# Full-scan speed: tlscheck against sslscan, sslyze and testssl.sh on the same local servers, in
# one run, as ratios. See bench/README.md for what each tool is asked to do and why that is
# comparable.
#
#   bench/scan-speed.sh                 # build release, start the servers, time every tool
#   RUNS=10 SLOW_RUNS=3 TESTSSL_RUNS=1 bench/scan-speed.sh
#   SERVERS="seed" TOOLS="tlscheck sslscan" bench/scan-speed.sh
#   RTT_MS=20 TOOLS="tlscheck sslscan" bench/scan-speed.sh   # as across a 20 ms link
#   TLSCHECK_BIN=/tmp/tlscheck-old bench/scan-speed.sh       # another build of tlscheck
#   TLSCHECK_BEFORE_BIN=/tmp/tlscheck-old TOOLS="tlscheck tlscheck-before" SERVERS=seed \
#       bench/scan-speed.sh                                     # two builds in one run
#
# Needs nginx, openssl, hyperfine, sslscan, testssl.sh (Debian) and sslyze (PyPI):
#   apt-get install -y nginx openssl hyperfine sslscan testssl.sh && pip install sslyze
#
# Everything runs inside a network namespace of its own (unshare -n) with only a loopback
# interface: no tool can reach anything but 127.0.0.1, and the namespace's TCP counters give each
# tool's exact number of connections (ActiveOpens) for free.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ -z "${SCAN_SPEED_IN_NETNS:-}" ]]; then
    for tool in nginx openssl hyperfine sslscan sslyze python3 unshare ip; do
        command -v "$tool" >/dev/null || [[ -x "/usr/sbin/$tool" ]] || {
            echo "bench: $tool is missing (see the header of $0)" >&2
            exit 2
        }
    done
    command -v testssl.sh >/dev/null || command -v testssl >/dev/null || {
        echo "bench: testssl.sh is missing (apt-get install -y testssl.sh)" >&2
        exit 2
    }
    [[ -n ${TLSCHECK_BIN:-} ]] || cargo build --release --quiet
    # A private network namespace: root, or a user namespace mapped to root.
    userns=()
    [[ $(id -u) -eq 0 ]] || userns=(--map-root-user)
    exec unshare --net "${userns[@]}" -- env SCAN_SPEED_IN_NETNS=1 "$0" "$@"
fi

export PATH="$PATH:/usr/sbin"
ip link set lo up

RUNS=${RUNS:-20}            # tlscheck and sslscan: a few seconds at most per run
SLOW_RUNS=${SLOW_RUNS:-5}   # sslyze
TESTSSL_RUNS=${TESTSSL_RUNS:-2}
RTT_MS=${RTT_MS:-0}         # > 0: every tool reaches the servers through bench/delay_proxy.py
SERVERS=${SERVERS:-"seed modern s_server"}
TOOLS=${TOOLS:-"tlscheck sslscan sslyze testssl"}
testssl_bin=$(command -v testssl.sh || command -v testssl)

bin=${TLSCHECK_BIN:-$PWD/target/release/tlscheck}
# Another build, timed in the same run as "tlscheck-before" (TOOLS="tlscheck tlscheck-before").
before_bin=${TLSCHECK_BEFORE_BIN:-}
certs=$PWD/testdata/certs
dir=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n ${KEEP_OUTPUT:-} ]]; then
        mkdir -p "$KEEP_OUTPUT"
        cp "$dir"/*.out "$dir"/*.json "$dir/nginx.conf" "$KEEP_OUTPUT"/ 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() {
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "bench: nothing listens on 127.0.0.1:$1" >&2
    exit 1
}

# (a) the seed: an nginx from the how-to articles of its day (Mozilla's 2015 "intermediate"
# cipher string), TLS 1.0-1.2, server order, full chain, HSTS, plain-HTTP redirect. @SECLEVEL=0
# because Debian's OpenSSL 3 refuses TLS 1.0/1.1 at its default level.
SEED_CIPHERS='ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:DHE-DSS-AES128-GCM-SHA256:kEDH+AESGCM:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES128-SHA:DHE-DSS-AES128-SHA256:DHE-RSA-AES256-SHA256:DHE-DSS-AES256-SHA:DHE-RSA-AES256-SHA:ECDHE-RSA-DES-CBC3-SHA:ECDHE-ECDSA-DES-CBC3-SHA:EDH-RSA-DES-CBC3-SHA:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:AES:CAMELLIA:DES-CBC3-SHA:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!aECDH:!EDH-DSS-DES-CBC3-SHA:!KRB5-DES-CBC3-SHA:@SECLEVEL=0'
# (b) a modern nginx: TLS 1.2 and 1.3, Mozilla's current "intermediate" suites, client order.
MODERN_CIPHERS='ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305'

declare -A https_port http_port
for name in seed modern s_server; do https_port[$name]=$(free_port); http_port[$name]=$(free_port); done
openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$dir/dhparam.pem" 2>/dev/null

nginx_server() { # name protocols ciphers prefer
    cat <<CONF
    server {
        listen 127.0.0.1:${http_port[$1]};
        server_name good.test;
        return 301 https://\$server_name\$request_uri;
    }
    server {
        listen 127.0.0.1:${https_port[$1]} ssl;
        server_name good.test;
        ssl_certificate $certs/good-fullchain.pem;
        ssl_certificate_key $certs/good.key;
        ssl_dhparam $dir/dhparam.pem;
        ssl_protocols $2;
        ssl_ciphers '$3';
        ssl_prefer_server_ciphers $4;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        location / { return 200 "hello\n"; }
    }
CONF
}
mkdir -p "$dir/logs" "$dir/tmp"
cat >"$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
$(nginx_server seed "TLSv1 TLSv1.1 TLSv1.2" "$SEED_CIPHERS" on)
$(nginx_server modern "TLSv1.2 TLSv1.3" "$MODERN_CIPHERS" off)
}
CONF
nginx -p "$dir" -c "$dir/nginx.conf" &
pids+=($!)
declare -A server_pid=([seed]=$! [modern]=$!)
# (c) openssl s_server with every suite OpenSSL has; it serves one connection at a time, and
# nothing listens on its plain-HTTP port (the redirect check is refused at once).
openssl s_server -accept "127.0.0.1:${https_port[s_server]}" -www -quiet \
    -cert "$certs/good.pem" -cert_chain "$certs/intermediate.pem" -key "$certs/good.key" \
    -dhparam "$dir/dhparam.pem" -cipher 'ALL:COMPLEMENTOFALL:@SECLEVEL=0' </dev/null >/dev/null 2>&1 &
pids+=($!)
server_pid[s_server]=$!
for name in seed modern s_server; do wait_port "${https_port[$name]}"; done
wait_port "${http_port[seed]}"

# The ports the tools are pointed at: the servers', or the delay proxy's in front of them.
declare -A scan_https scan_http
for name in seed modern s_server; do
    scan_https[$name]=${https_port[$name]}
    scan_http[$name]=${http_port[$name]}
done
if ((RTT_MS > 0)); then
    pairs=()
    for name in seed modern s_server; do
        scan_https[$name]=$(free_port)
        pairs+=("${scan_https[$name]}:${https_port[$name]}")
        [[ $name == s_server ]] && continue # nothing listens on its plain-HTTP port
        scan_http[$name]=$(free_port)
        pairs+=("${scan_http[$name]}:${http_port[$name]}")
    done
    python3 bench/delay_proxy.py --count "$dir/proxied" "$RTT_MS" "${pairs[@]}" &
    pids+=($!)
    for name in seed modern s_server; do wait_port "${scan_https[$name]}"; done
fi

# The command each tool runs against server $1.
command_for() { # tool server
    local h=${scan_https[$2]} p=${scan_http[$2]}
    case $1 in
    tlscheck | tlscheck-before)
        local build=$bin
        if [[ $1 == tlscheck-before ]]; then
            [[ -n $before_bin ]] || { echo "bench: tlscheck-before needs TLSCHECK_BEFORE_BIN" >&2; exit 2; }
            build=$before_bin
        fi
        echo "$build good.test --format json --ca-file $certs/root.pem" \
            "--connect-to good.test:443:127.0.0.1:$h --connect-to good.test:80:127.0.0.1:$p"
        ;;
    sslscan)
        echo "sslscan --no-colour --sni-name=good.test 127.0.0.1:$h"
        ;;
    sslyze)
        echo "sslyze --quiet --mozilla_config disable --sslv2 --sslv3 --tlsv1 --tlsv1_1 --tlsv1_2" \
            "--tlsv1_3 --elliptic_curves --certinfo --certinfo_ca_file $certs/root.pem" \
            "--http_headers --json_out $dir/sslyze-$2.result.json good.test:$h{127.0.0.1}"
        ;;
    testssl)
        echo "$testssl_bin --quiet --color 0 --warnings off --nodns none --ip 127.0.0.1" \
            "--add-ca $certs/root.pem -p -E -P -f -S -h https://good.test:$h"
        ;;
    esac
}
runs_for() {
    case $1 in
    sslyze) echo "$SLOW_RUNS" ;;
    testssl) echo "$TESTSSL_RUNS" ;;
    *) echo "$RUNS" ;;
    esac
}
# What a tool found on server $2, from its output: "protocols/suites/groups" (counts of accepted
# protocol versions, of version+suite pairs, and of key-exchange groups).
found() {
    python3 - "$1" "$dir/$1-$2.out" "$dir/sslyze-$2.result.json" <<'PY'
import json, re, sys
tool, out, sslyze_json = sys.argv[1:]
text = open(out, errors="replace").read()
protocols = suites = groups = 0
try:
    if tool.startswith("tlscheck"):
        e = json.loads(text)["reports"][0]["enumeration"]
        protocols = sum(p["accepted"] is True for p in e["protocols"])
        suites = sum(len(v["suites"]) for v in e["cipher_suites"])
        groups = len(e["groups"])
    elif tool == "sslscan":
        protocols = len(re.findall(r"^(?:SSLv\d|TLSv1\.\d)\s+enabled", text, re.M))
        suites = len(re.findall(r"^(?:Preferred|Accepted)\s", text, re.M))
        section = text.split("Key Exchange Group(s):")[-1].split("SSL Certificate")[0]
        groups = len(set(re.findall(r"^TLSv1\.\d\s+\d+ bits\s+(\S+)", section, re.M)))
    elif tool == "sslyze":
        r = json.load(open(sslyze_json))["server_scan_results"][0]["scan_result"]
        for key, value in r.items():
            if key.endswith("_cipher_suites") and value.get("result"):
                accepted = value["result"]["accepted_cipher_suites"]
                protocols += bool(accepted)
                suites += len(accepted)
        groups = len((r["elliptic_curves"].get("result") or {}).get("supported_curves") or [])
    elif tool == "testssl":
        protocols = len(re.findall(r"^ (?:SSLv\d|TLS 1(?:\.\d)?)\s+offered", text, re.M))
        table = text.split("Testing ciphers per protocol")[-1]
        suites = len(re.findall(r"^ x[0-9a-f]+\s", table, re.M))
        names = set()
        for line in re.findall(r"^ (?:Elliptic curves offered|Finite field group|DH group offered):?\s+(.*)$", text, re.M):
            names.update(w for w in line.split() if not w.startswith("("))
        groups = len(names)
except Exception as error:  # a tool that failed: say so rather than crash the table
    print(f"?({type(error).__name__})")
    sys.exit(0)
print(f"{protocols}/{suites}/{groups}")
PY
}
# CPU time (user + system, in clock ticks) the server process has used so far.
server_ticks() { awk '{ print $14 + $15 }' "/proc/${server_pid[$1]}/stat"; }
ticks_per_second=$(getconf CLK_TCK)

# Connections opened in the namespace so far, less the delay proxy's own upstream ones.
active_opens() {
    local proxied=0
    [[ -f $dir/proxied ]] && proxied=$(cat "$dir/proxied")
    echo $(($(awk '/^Tcp:/ && ++n == 2 { print $6 }' /proc/net/snmp) - proxied))
}

echo "tools: tlscheck $("$bin" --version | awk '{print $2}'), sslscan $(sslscan --version | grep -o '[0-9]\+\.[0-9.]\+' | head -1)," \
    "sslyze $(python3 -c 'import importlib.metadata as m; print(m.version("sslyze"))'), testssl.sh $("$testssl_bin" --version 2>&1 | sed -n 's/.*testssl *\([0-9][0-9.]*\).*/\1/p' | head -1)," \
    "$(openssl version | cut -d' ' -f1-2), nginx $(nginx -v 2>&1 | cut -d/ -f2)"
((RTT_MS > 0)) && echo "every connection goes through bench/delay_proxy.py: ${RTT_MS} ms round trips"
results=$dir/results.tsv
for server in $SERVERS; do
    for tool in $TOOLS; do
        cmd=$(command_for "$tool" "$server")
        # One run outside the timing: the connections it opens, and a look at what it found.
        before=$(active_opens)
        status=0
        $cmd >"$dir/$tool-$server.out" 2>&1 || status=$?
        connections=$(($(active_opens) - before))
        runs=$(runs_for "$tool")
        # Exit statuses that mean "scanned": tlscheck exits 1 for high findings (--fail-on), and
        # testssl.sh's status counts what it found wrong.
        warmup=1 hyperfine_options=() ok=$((status == 0))
        case $tool in
        tlscheck | tlscheck-before) hyperfine_options=(--ignore-failure) ok=$((status <= 1)) ;;
        testssl) warmup=0 hyperfine_options=(--ignore-failure) ok=1 ;;
        esac
        if ((!ok)); then
            echo "bench: $tool failed on $server (exit $status): $cmd" >&2
            cat "$dir/$tool-$server.out" >&2
            exit 1
        fi
        ticks_before=$(server_ticks "$server")
        hyperfine --style none --warmup "$warmup" "${hyperfine_options[@]}" --runs "$runs" -N \
            --export-json "$dir/$tool-$server.json" "$cmd" >/dev/null 2>&1 || {
            echo "bench: hyperfine failed for $tool on $server: $cmd" >&2
            exit 1
        }
        # The server's CPU time per scan, over every scan hyperfine ran (warm-up included).
        scans=$((runs + warmup))
        server_ms=$((($(server_ticks "$server") - ticks_before) * 1000 / ticks_per_second / scans))
        found=$(found "$tool" "$server")
        python3 - "$dir/$tool-$server.json" "$server" "$tool" "$connections" "$runs" "$found" "$server_ms" >>"$results" <<'PY'
import json, sys
path, server, tool, connections, runs, found, server_ms = sys.argv[1:]
r = json.load(open(path))["results"][0]
print("\t".join([server, tool, f"{r['mean']:.4f}", f"{r['stddev'] or 0:.4f}", connections, runs, found, server_ms]))
PY
        printf '  %-9s %-9s %ss\n' "$server" "$tool" "$(tail -1 "$results" | cut -f3)"
    done
done

# tlscheck's own account of the seed scan: handshakes and enumeration time.
for server in $SERVERS; do
    [[ -f $dir/tlscheck-$server.out ]] || continue
    python3 - "$dir/tlscheck-$server.out" "$server" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["reports"][0]
e = r["enumeration"]
e = e.get("value", e) if isinstance(e, dict) else e
protocols = [p["version"] for p in e.get("protocols", []) if p.get("accepted")]
suites = sum(len(v["suites"]) for v in e.get("cipher_suites", []))
groups = [g["name"] for g in e.get("groups", [])]
print(f"tlscheck on {sys.argv[2]}: {', '.join(protocols)}; {suites} suite entries; groups {', '.join(groups)};"
      f" {e.get('handshakes')} handshakes, enumeration {e.get('duration_ms')} ms")
PY
done

echo
python3 - "$results" <<'PY'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1])]
ours = {s: float(m) for s, t, m, *_ in rows if t == "tlscheck"}
print(f"{'server':<10} {'tool':<9} {'mean wall':>10} {'± sd':>8} {'runs':>5} {'conns':>6} {'server cpu':>10} {'found p/s/g':>12}  {'peer / tlscheck':>15}")
for server, tool, mean, sd, conns, runs, found, server_ms in rows:
    ratio = ""
    if server in ours and tool != "tlscheck":
        ratio = f"{float(mean) / ours[server]:.1f}x"
    print(f"{server:<10} {tool:<9} {float(mean):>9.3f}s {float(sd):>7.3f}s {runs:>5} {conns:>6} {server_ms + ' ms':>10} {found:>12}  {ratio:>15}")
print("conns: TCP connections one run opened (the namespace's ActiveOpens); server cpu: the server")
print("process's CPU time per scan; found: accepted protocol versions / version+suite pairs /")
print("key-exchange groups the tool reported.")
PY
