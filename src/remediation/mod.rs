//! Remediation: how to fix each finding in the servers people deploy (nginx, Apache mod_ssl,
//! Python's `ssl` / Flask), as data the analysis attaches to its findings.

pub mod certificate;
