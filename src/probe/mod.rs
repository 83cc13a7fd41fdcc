//! Probes: the only code that touches the network.
