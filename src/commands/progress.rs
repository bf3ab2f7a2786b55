//! The progress bar on stderr while accounts are audited from AWS.
//!
//! Drawn only when stderr is a terminal and `--quiet` is not given, so logs, pipes and CI
//! output never get carriage returns or bar characters. A snapshot (`--snapshot`) never
//! starts it: there is nothing to wait for. Log lines written while the bar is up go
//! through [`suspend`], so they print above the bar instead of through it.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::Progress;
use crate::facts::AccountFacts;

/// The bar being drawn, if any, for [`suspend`].
static ACTIVE: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Whether to draw a bar: a person is watching stderr and did not ask for quiet.
pub(crate) fn wanted(quiet: bool, stderr_is_terminal: bool) -> bool {
    !quiet && stderr_is_terminal
}

/// Counts accounts as they finish; draws nothing unless `show`.
pub(crate) struct Bar {
    bar: ProgressBar,
    color: bool,
    unreachable: std::sync::atomic::AtomicUsize,
}

impl Bar {
    pub(crate) fn new(show: bool, color: bool) -> Bar {
        let bar = if show {
            ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        Bar {
            bar,
            color,
            unreachable: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The bar for this run: shown when stderr is a terminal and not `--quiet`;
    /// coloured as `--color` and NO_COLOR say.
    pub(crate) fn for_stderr(quiet: bool, color: crate::cli::ColorChoice) -> Bar {
        let terminal = std::io::stderr().is_terminal();
        Bar::new(wanted(quiet, terminal), super::use_color(color, terminal))
    }
}

impl Progress for Bar {
    fn start(&self, accounts: usize) {
        if self.bar.is_hidden() {
            return;
        }
        let template = if self.color {
            "{spinner} auditing {bar:30.cyan/blue} {pos}/{len} accounts · {elapsed} {msg}"
        } else {
            "{spinner} auditing {bar:30} {pos}/{len} accounts · {elapsed} {msg}"
        };
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("━╸ ");
        self.bar.set_style(style);
        self.bar.set_length(accounts as u64);
        self.bar.enable_steady_tick(Duration::from_millis(120));
        *ACTIVE.lock().unwrap_or_else(|e| e.into_inner()) = Some(self.bar.clone());
    }

    fn account_done(&self, facts: &AccountFacts) {
        if facts.error.is_some() {
            let n = 1 + self
                .unreachable
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.bar.set_message(format!("· {n} unreachable"));
        }
        self.bar.inc(1);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).take();
        // The report follows on stdout; leave no half-drawn line behind.
        self.bar.finish_and_clear();
    }
}

/// Runs `write` with the bar (if one is drawn) lifted off the screen.
pub(crate) fn suspend<T>(write: impl FnOnce() -> T) -> T {
    let active = ACTIVE.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match active {
        Some(bar) => bar.suspend(write),
        None => write(),
    }
}

/// Stderr for the log, writing around the progress bar.
pub(crate) struct LogWriter;

impl std::io::Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        suspend(|| std::io::stderr().write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        suspend(|| std::io::stderr().write_all(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_for_a_person_at_a_terminal() {
        assert!(wanted(false, true));
        assert!(!wanted(true, true), "--quiet");
        assert!(!wanted(false, false), "a pipe, a file, a CI log");
        assert!(!wanted(true, false));
    }

    #[test]
    fn a_hidden_bar_still_counts_and_registers_nothing() {
        let bar = Bar::new(false, false);
        bar.start(3);
        bar.account_done(&AccountFacts::unreachable("111111111111", "refused"));
        assert_eq!(bar.bar.position(), 1);
        assert!(ACTIVE.lock().unwrap().is_none());
    }
}
