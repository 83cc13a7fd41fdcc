#!/usr/bin/env bash
# Times the host report of a loopback nginx configured like the how-to articles
# (ssl_protocols/ssl_ciphers, full chain, HSTS, and a port-80
# `return 301 https://$server_name$request_uri;` block): `--quick` (handshake, chain, HTTPS GET +
# HSTS, plain-HTTP redirect) and the default full scan (plus protocol/suite/group enumeration).
#
#   bench/host-report.sh            # builds release, starts nginx on 127.0.0.1, runs hyperfine
#   TLSCHECK_BIN=/tmp/a TLSCHECK_BEFORE_BIN=/tmp/b bench/host-report.sh   # two builds, one run
#
# Needs nginx and hyperfine (apt-get install -y nginx hyperfine). Talks only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in nginx hyperfine; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install -y $tool)" >&2; exit 2; }
done
[[ -n ${TLSCHECK_BIN:-} ]] || cargo build --release --quiet
bin=${TLSCHECK_BIN:-target/release/tlscheck}
before=${TLSCHECK_BEFORE_BIN:-}
certs=$PWD/testdata/certs
dir=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
https_port=$(free_port); http_port=$(free_port)
mkdir -p "$dir/logs"
cat > "$dir/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp; fastcgi_temp_path $dir/tmp;
    uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
    server {
        listen 127.0.0.1:$http_port;
        server_name good.test;
        return 301 https://\$server_name\$request_uri;
    }
    server {
        listen 127.0.0.1:$https_port ssl;
        server_name good.test;
        ssl_certificate $certs/good-fullchain.pem;
        ssl_certificate_key $certs/good.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        location / { return 200 "hello\n"; }
    }
}
CONF
mkdir -p "$dir/tmp"
nginx -p "$dir" -c "$dir/nginx.conf" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do
    (exec 3<>/dev/tcp/127.0.0.1/$https_port) 2>/dev/null && break
    sleep 0.1
done
args=(good.test --ca-file "$certs/root.pem"
      --connect-to "good.test:443:127.0.0.1:$https_port" --connect-to "good.test:80:127.0.0.1:$http_port")
echo "one scan, for the record:"
"$bin" "${args[@]}" --format json | python3 -c '
import json,sys; r=json.load(sys.stdin)["reports"][0]
print(" ", r["tls"]["protocol"], r["tls"]["cipher_suite"], r["tls"]["key_exchange_group"],
      "| trusted:", r["certificates"]["trust"]["trusted"], "| redirect:", r["redirect"]["verdict"],
      "| hsts:", r["https"]["hsts"]["max_age"], "| findings:", [f["id"] for f in r["findings"]])'
commands=(-n quick "$bin ${args[*]} --format json --quick" -n full "$bin ${args[*]} --format json")
if [[ -n $before ]]; then
    commands+=(-n "quick (before)" "$before ${args[*]} --format json --quick"
        -n "full (before)" "$before ${args[*]} --format json")
fi
hyperfine --warmup 5 --runs 50 --export-json "${BENCH_JSON:-/dev/null}" "${commands[@]}"
