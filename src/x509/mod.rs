//! X.509: certificate facts from DER, the presented chain, host name matching, and the trust
//! stores a chain is judged against. Pure, apart from reading `--ca-file` and the system store.

pub mod chain;
pub mod hostname;
pub mod parse;
pub mod trust;
