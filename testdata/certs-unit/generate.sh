#!/usr/bin/env bash
# Regenerates the certificates in this directory. See README.md.
#
# Requires OpenSSL 3 on PATH. Validity dates and serial numbers are fixed (openssl ca -startdate /
# -enddate), so tests can assert them; keys, signatures and fingerprints change on every run, and
# *.sha256 records each certificate's fingerprint as `openssl x509 -fingerprint -sha256` prints it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir "$work/new"
: > "$work/index.txt"
cat > "$work/ca.cnf" <<CNF
[ca]
default_ca = test_ca
[test_ca]
dir = $work
database = $work/index.txt
new_certs_dir = $work/new
serial = $work/serial
default_md = default
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
[anything]
countryName = optional
stateOrProvinceName = optional
localityName = optional
organizationName = optional
organizationalUnitName = optional
commonName = optional
[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
CNF

# Embedded SCT list (1.3.6.1.4.1.11129.2.4.2): an OCTET STRING holding the RFC 6962 TLS encoding of
# two SCTs with dummy log ids (0x11.., 0x22..) and 4-byte dummy signatures. Only their count is tested.
repeat() { local out="" i; for ((i = 0; i < $2; i++)); do out+="$1"; done; printf '%s' "$out"; }
sct() { printf '0033''00%s''0000018CC251F400''0000''0403''0004DEADBEEF' "$(repeat "$1" 32)"; }
sct_list="046C006A$(sct 11)$(sct 22)"

cat > "$work/ext.cnf" <<CNF
[ca_root]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ca_intermediate]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
authorityInfoAccess = caIssuers;URI:http://ca.example.test/root.crt
[none]
[leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ec_leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:www.example.test, DNS:example.test, IP:127.0.0.1, IP:::1
authorityInfoAccess = OCSP;URI:http://ocsp.example.test, caIssuers;URI:http://ca.example.test/intermediate.crt
tlsfeature = status_request
1.3.6.1.4.1.11129.2.4.2 = DER:$sct_list
[wildcard_leaf]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:*.example.test
[expired_leaf]
basicConstraints = critical, CA:false
subjectAltName = DNS:expired.example.test
[future_leaf]
basicConstraints = critical, CA:false
subjectAltName = DNS:future.example.test
[md5_leaf]
basicConstraints = critical, CA:false
subjectAltName = DNS:md5.howto.test
[howto_selfsigned]
basicConstraints = critical, CA:true
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost
[self_signed_key]
basicConstraints = critical, CA:false
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:key.example.test
CNF

# issue NAME SUBJECT SERIAL START END EXTENSIONS SIGNER [openssl ca options...]
# SIGNER is the name of the issuing certificate/key, or "self" for a self-signed certificate.
issue() {
    local name="$1" subject="$2" serial="$3" start="$4" end="$5" extensions="$6" signer="$7"
    shift 7
    openssl req -config "$work/ca.cnf" -new -key "$name.key" -subj "$subject" -out "$work/$name.csr"
    echo "$serial" > "$work/serial"
    local signing=(-cert "$signer.crt" -keyfile "$signer.key")
    if [ "$signer" = self ]; then signing=(-selfsign -keyfile "$name.key"); fi
    openssl ca -config "$work/ca.cnf" -batch -notext -preserveDN "${signing[@]}" \
        -in "$work/$name.csr" -out "$name.crt" -startdate "$start" -enddate "$end" \
        -extfile "$work/ext.cnf" -extensions "$extensions" "$@" 2> "$work/ca.log" \
        || { cat "$work/ca.log" >&2; exit 1; }
    openssl x509 -in "$name.crt" -noout -fingerprint -sha256 | sed 's/^.*=//' > "$name.sha256"
}

# How-to style private CA: RSA-1024 keys and SHA-1 signatures, v1 leaf without subjectAltName.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out howto-ca.key
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out howto-leaf.key
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out md5-leaf.key
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out howto-selfsigned.key
issue howto-ca "/C=US/ST=State/L=City/O=Howto Org/CN=Howto Test CA" 01 \
    20240101000000Z 20340101000000Z ca_root self -md sha1
issue howto-leaf "/C=US/ST=State/L=City/O=Howto Org/CN=www.howto.test" 1000 \
    20240101000000Z 20340101000000Z none howto-ca -md sha1
issue md5-leaf "/CN=md5.howto.test" 1001 \
    20240101000000Z 20340101000000Z md5_leaf howto-ca -md md5
# `openssl req -x509 -newkey rsa:1024 -subj /CN=localhost`, but with fixed dates and serial.
issue howto-selfsigned "/CN=localhost" 1002 \
    20240101000000Z 20340101000000Z howto_selfsigned self -md sha256

# Modern EC chain: P-384 root, P-256 intermediate, P-256 leaves.
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec-root.key
for name in ec-intermediate ec-leaf wildcard-leaf expired-leaf not-yet-valid-leaf; do
    openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key"
done
issue ec-root "/O=Tlscheck Test/CN=Tlscheck Test Root EC" 0100 \
    20240101000000Z 20440101000000Z ca_root self -md sha384
issue ec-intermediate "/O=Tlscheck Test/CN=Tlscheck Test Intermediate EC" 0200 \
    20240101000000Z 20340101000000Z ca_intermediate ec-root -md sha384
issue ec-leaf "/CN=www.example.test" 9F3A5B7C1D2E \
    20260101000000Z 20260401000000Z ec_leaf ec-intermediate -md sha256
issue wildcard-leaf "/CN=*.example.test" 0301 \
    20260101000000Z 20260401000000Z wildcard_leaf ec-intermediate -md sha256
issue expired-leaf "/CN=expired.example.test" 0302 \
    20240101000000Z 20250101000000Z expired_leaf ec-intermediate -md sha256
issue not-yet-valid-leaf "/CN=future.example.test" 0303 \
    20300101000000Z 20310101000000Z future_leaf ec-intermediate -md sha256

# Self-signed certificates, one per key type the parser must name.
openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa-pss.key
openssl genpkey -quiet -algorithm ED25519 -out ed25519.key
openssl genpkey -quiet -algorithm ED448 -out ed448.key
openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -out p521.key
openssl genpkey -quiet -genparam -algorithm DSA -pkeyopt dsa_paramgen_bits:2048 -out "$work/dsa.params"
openssl genpkey -quiet -paramfile "$work/dsa.params" -out dsa.key
issue rsa-pss "/CN=RSA-PSS self-signed" 0401 20240101000000Z 20340101000000Z self_signed_key self \
    -md sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:32
issue ed25519 "/CN=Ed25519 self-signed" 0402 20240101000000Z 20340101000000Z self_signed_key self
issue ed448 "/CN=Ed448 self-signed" 0403 20240101000000Z 20340101000000Z self_signed_key self
issue p521 "/CN=P-521 self-signed" 0404 20240101000000Z 20340101000000Z self_signed_key self -md sha512
issue dsa "/CN=DSA self-signed" 0405 20240101000000Z 20340101000000Z self_signed_key self -md sha256

echo "regenerated certificates in $here"
