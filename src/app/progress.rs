//! Progress on standard error while scanning (indicatif), only for a person watching a terminal
//! and only beside output meant for people (the table, `--suggest`): targets done of the total,
//! the rate, the time left, the targets that could not be scanned and the connections made.
//! Machine formats and pipes get none.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct LiveProgress {
    bar: ProgressBar,
    connections: Arc<AtomicU32>,
    unreachable: AtomicUsize,
}

impl LiveProgress {
    /// A progress bar for `total` targets, when `wanted` and standard error is a terminal.
    pub fn start(
        total: usize,
        connections: Arc<AtomicU32>,
        wanted: bool,
    ) -> Option<Arc<LiveProgress>> {
        if !wanted || !std::io::stderr().is_terminal() {
            return None;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "tlscheck: {pos}/{len} targets  {per_sec:.1}  ETA {eta}  {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Some(Arc::new(LiveProgress {
            bar,
            connections,
            unreachable: AtomicUsize::new(0),
        }))
    }

    /// One target done; `unreachable` when it could not be scanned.
    pub fn target_done(&self, unreachable: bool) {
        if unreachable {
            self.unreachable.fetch_add(1, Ordering::Relaxed);
        }
        self.bar.set_message(format!(
            "{} could not be scanned  {} connections",
            self.unreachable.load(Ordering::Relaxed),
            self.connections.load(Ordering::Relaxed)
        ));
        self.bar.inc(1);
    }

    /// Run `write` with the bar out of the way, so a report never mixes with it.
    pub fn suspend<T>(&self, write: impl FnOnce() -> T) -> T {
        self.bar.suspend(write)
    }

    /// Remove the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
