//! Scheduler: runs the probes for each target and assembles its report.
