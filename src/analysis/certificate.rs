//! Certificate facts (x509-parser) and certificate/chain findings.
