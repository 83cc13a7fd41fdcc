#!/bin/sh
# Writes testdata/diff/v1-good-test.json: a genuine schema_version 1 report, made by the tlscheck
# of the commit before fe4d298 ("One pipeline: typed facts...", which brought schema 2) scanning
# nginx configured like tests/common's NginxServer::well_configured() (TLS 1.2 and 1.3, the
# how-to ciphers, good-fullchain.pem, HSTS "max-age=63072000; includeSubDomains", a 301 from
# plain HTTP) on 127.0.0.1. Everything stays on loopback; nginx is stopped by its PID.
#
# Usage: ./testdata/diff/generate-v1.sh   (from anywhere in the repository; needs nginx, cargo)
set -eu

repo=$(git rev-parse --show-toplevel)
v1_commit=$(git -C "$repo" rev-parse fe4d298^)
work=$(mktemp -d)
nginx_pid=
cleanup() {
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    git -C "$repo" worktree remove --force "$work/src" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

git -C "$repo" worktree add --detach "$work/src" "$v1_commit" >/dev/null
(cd "$work/src" && CARGO_TARGET_DIR="${V1_TARGET_DIR:-$work/target}" cargo build --quiet --bin tlscheck)
tlscheck_v1="${V1_TARGET_DIR:-$work/target}/debug/tlscheck"

# Two free loopback ports (ask the kernel for them).
ports=$(python3 -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')
https_port=${ports% *}
http_port=${ports#* }
certs="$repo/testdata/certs"
cat >"$work/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $work/nginx.pid;
error_log stderr info;
events { worker_connections 64; }
http {
    access_log $work/access.log;
    client_body_temp_path $work/client_body;
    proxy_temp_path $work/proxy;
    fastcgi_temp_path $work/fastcgi;
    uwsgi_temp_path $work/uwsgi;
    scgi_temp_path $work/scgi;
    default_type text/plain;
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
        ssl_ciphers 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384';
        ssl_prefer_server_ciphers off;
        add_header Strict-Transport-Security "max-age=63072000; includeSubDomains" always;
        location / { return 200 "hello from good.test\n"; }
    }
}
CONF
nginx=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx" -e stderr -p "$work" -c "$work/nginx.conf" 2>"$work/nginx.log" &
nginx_pid=$!
for _ in $(seq 50); do
    if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$https_port),0.2)" 2>/dev/null; then break; fi
    sleep 0.1
done

status=0
"$tlscheck_v1" good.test \
    --connect-to "good.test:443:127.0.0.1:$https_port" \
    --connect-to "good.test:80:127.0.0.1:$http_port" \
    --ca-file "$certs/root.pem" \
    --format json >"$repo/testdata/diff/v1-good-test.json" || status=$?
echo "tlscheck (schema 1) exited $status; wrote testdata/diff/v1-good-test.json"
