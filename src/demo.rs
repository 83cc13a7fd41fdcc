//! Demo: in-process loopback servers reproducing common deployments, scanned by tlscheck.

pub async fn run(_args: crate::cli::DemoArgs) -> Result<crate::RunOutput, crate::ConfigError> {
    Err(crate::ConfigError::Demo("not built yet".into()))
}
