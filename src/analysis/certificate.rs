//! Certificate facts (x509-parser) and certificate/chain findings.
//!
//! PLACEHOLDER SIGNATURES ONLY: the implementation lands from the `cert` branch.

use crate::model::{ChainFacts, Finding, TrustFacts};

#[derive(Clone, Copy, Debug)]
pub struct ExpiryThresholds {
    pub warn_days: i64,
    pub crit_days: i64,
}

#[derive(Debug, thiserror::Error)]
#[error("certificate analysis is not built yet")]
pub struct CertificateError;

pub fn analyse_chain(
    _presented: &[Vec<u8>],
    _anchor_subjects: &[&[u8]],
    _trust: TrustFacts,
    _hostname: &str,
    _now: i64,
) -> Result<ChainFacts, CertificateError> {
    Err(CertificateError)
}

pub fn findings(_chain: &ChainFacts, _thresholds: ExpiryThresholds) -> Vec<Finding> {
    Vec::new()
}
