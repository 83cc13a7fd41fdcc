//! Analysis: pure functions from facts to findings, one file per family.

pub mod certificate;
