//! A status line on standard error while scanning, only for a person watching a terminal:
//! targets done and connections made so far.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct LiveProgress {
    total: usize,
    done: AtomicUsize,
    connections: Arc<AtomicU32>,
    started: Instant,
}

impl LiveProgress {
    /// A status line that redraws itself, when standard error is a terminal.
    pub fn start(total: usize, connections: Arc<AtomicU32>) -> Option<Arc<LiveProgress>> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let live = Arc::new(LiveProgress {
            total,
            done: AtomicUsize::new(0),
            connections,
            started: Instant::now(),
        });
        let ticker = live.clone();
        tokio::spawn(async move {
            // Stops once the run drops its handle.
            while Arc::strong_count(&ticker) > 1 {
                ticker.draw();
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        });
        Some(live)
    }

    pub fn target_done(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn draw(&self) {
        eprint!(
            "\r\x1b[2Ktlscheck: {}/{} targets done, {} connections, {:.1}s",
            self.done.load(Ordering::Relaxed),
            self.total,
            self.connections.load(Ordering::Relaxed),
            self.started.elapsed().as_secs_f64()
        );
    }

    /// Erase the line (before a report is written, and at the end).
    pub fn clear(&self) {
        eprint!("\r\x1b[2K");
    }
}
