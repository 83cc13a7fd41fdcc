#!/usr/bin/env bash
# Regenerates the DH parameters in this folder (see testdata/README.md). Re-runnable; the prime
# changes, its size does not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# 1024 bits: the Logjam-era size that `dh.weak` must catch. OpenSSL 3 serves it only at
# @SECLEVEL=0.
openssl genpkey -quiet -genparam -algorithm DH -pkeyopt dh_paramgen_prime_len:1024 \
    -pkeyopt dh_paramgen_type:generator -out "$here/dh1024.pem"
