#!/usr/bin/env bash
# Regenerates every certificate fixture in this directory with the openssl CLI, the way how-to
# articles make them. Re-runnable: it overwrites the same file names each time (the keys, serials
# and fingerprints change; the names, subjects, SANs and dates do not). See ../README.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
OUT="$PWD"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Long validity for the "good" certificates, so the tests do not rot: 20 years.
DAYS=7300

# Debian's OpenSSL 3 still creates RSA-1024/SHA-1 certificates, but refuses to *use* them at its
# default security level; the weak CA below is made exactly as old how-to articles make it.

# --- extension profiles -------------------------------------------------------------------------

cat >"$WORK/ca.ext" <<'EXT'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT

server_ext() { # server_ext NAME SAN...
    local name="$1"
    shift
    local san
    san="$(
        IFS=,
        echo "$*"
    )"
    cat >"$WORK/$name.ext" <<EXT
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $san
EXT
}

cat >"$WORK/client.ext" <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EXT

# sign CSR EXT CA_CERT CA_KEY OUT [extra x509 options...]
sign() {
    local csr="$1" ext="$2" ca_cert="$3" ca_key="$4" out="$5"
    shift 5
    openssl x509 -req -in "$csr" -CA "$ca_cert" -CAkey "$ca_key" \
        -CAcreateserial -CAserial "$WORK/serial.srl" \
        -days "$DAYS" -extfile "$ext" -out "$out" "$@"
}

# --- the private PKI: root -> intermediate -> good.test -----------------------------------------

openssl genrsa -out root.key 2048
openssl req -x509 -new -key root.key -sha256 -days "$DAYS" \
    -subj "/O=tlscheck tests/CN=tlscheck Test Root CA" -out root.pem

openssl genrsa -out intermediate.key 2048
openssl req -new -key intermediate.key -subj "/O=tlscheck tests/CN=tlscheck Test Intermediate CA" \
    -out "$WORK/intermediate.csr"
sign "$WORK/intermediate.csr" "$WORK/ca.ext" root.pem root.key intermediate.pem -sha256

server_ext good "DNS:good.test" "DNS:www.good.test" "IP:127.0.0.1"
openssl genrsa -out good.key 2048
openssl req -new -key good.key -subj "/CN=good.test" -out "$WORK/good.csr"
sign "$WORK/good.csr" "$WORK/good.ext" intermediate.pem intermediate.key good.pem -sha256

cat good.pem intermediate.pem >good-fullchain.pem
# The classic `cat` mistake that servers still load (the first certificate must be the leaf, to
# match the key): the root pasted before the intermediate, so the leaf is not followed by its issuer.
cat good.pem root.pem intermediate.pem >good-wrong-order.pem

# --- EC P-256 leaf from the same intermediate ----------------------------------------------------

server_ext ec "DNS:ec.test"
openssl ecparam -name prime256v1 -genkey -noout -out ec.key
openssl req -new -key ec.key -subj "/CN=ec.test" -out "$WORK/ec.csr"
sign "$WORK/ec.csr" "$WORK/ec.ext" intermediate.pem intermediate.key ec.pem -sha256
cat ec.pem intermediate.pem >ec-fullchain.pem

# --- expired and not-yet-valid leaves: `openssl ca` with explicit dates -------------------------

mkdir -p "$WORK/ca/newcerts"
: >"$WORK/ca/index.txt"
cat >"$WORK/ca/ca.cnf" <<CNF
[ ca ]
default_ca = test_ca

[ test_ca ]
dir = $WORK/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none

[ policy_any ]
commonName = supplied
CNF

# dated_leaf NAME START END
dated_leaf() {
    local name="$1" start="$2" end="$3"
    server_ext "$name" "DNS:$name.test"
    openssl genrsa -out "$name.key" 2048
    openssl req -new -key "$name.key" -subj "/CN=$name.test" -out "$WORK/$name.csr"
    openssl ca -batch -notext -config "$WORK/ca/ca.cnf" \
        -cert intermediate.pem -keyfile intermediate.key \
        -startdate "$start" -enddate "$end" -extfile "$WORK/$name.ext" \
        -in "$WORK/$name.csr" -out "$name.pem"
    cat "$name.pem" intermediate.pem >"$name-fullchain.pem"
}
dated_leaf expired 20200101000000Z 20210101000000Z
dated_leaf future 20900101000000Z 20950101000000Z

# --- self-signed, as `openssl req -x509` makes it ------------------------------------------------

openssl req -x509 -newkey rsa:2048 -nodes -keyout selfsigned.key -sha256 -days "$DAYS" \
    -subj "/CN=selfsigned.test" -addext "subjectAltName=DNS:selfsigned.test" -out selfsigned.pem

# --- a how-to-style weak CA: RSA-1024 keys, SHA-1 signatures ------------------------------------

openssl genrsa -out weak-root.key 1024
openssl req -x509 -new -key weak-root.key -sha1 -days "$DAYS" \
    -subj "/O=tlscheck tests/CN=tlscheck Weak Test CA" -out weak-root.pem
server_ext weak "DNS:weak.test"
openssl genrsa -out weak.key 1024
openssl req -new -key weak.key -sha1 -subj "/CN=weak.test" -out "$WORK/weak.csr"
sign "$WORK/weak.csr" "$WORK/weak.ext" weak-root.pem weak-root.key weak.pem -sha1

# --- mutual TLS: the client CA the server trusts, our client, and a rogue client ----------------

openssl genrsa -out client-ca.key 2048
openssl req -x509 -new -key client-ca.key -sha256 -days "$DAYS" \
    -subj "/O=tlscheck tests/CN=tlscheck Test Client CA" -out client-ca.pem
openssl genrsa -out client.key 2048
openssl req -new -key client.key -subj "/CN=tlscheck test client" -out "$WORK/client.csr"
sign "$WORK/client.csr" "$WORK/client.ext" client-ca.pem client-ca.key client.pem -sha256

openssl genrsa -out rogue-ca.key 2048
openssl req -x509 -new -key rogue-ca.key -sha256 -days "$DAYS" \
    -subj "/O=somebody else/CN=Rogue Client CA" -out rogue-ca.pem
openssl genrsa -out rogue-client.key 2048
openssl req -new -key rogue-client.key -subj "/CN=rogue client" -out "$WORK/rogue-client.csr"
sign "$WORK/rogue-client.csr" "$WORK/client.ext" rogue-ca.pem rogue-ca.key rogue-client.pem -sha256

chmod 0644 ./*.key ./*.pem
echo "certificates written to $OUT"
