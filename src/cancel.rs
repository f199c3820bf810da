//! cancel: SIGINT and SIGTERM as a value every stage can check. A build is
//! stopped at the next checkpoint (between clips, between chunks of audio,
//! between renames of the commit) and unwinds normally, so temporary files are
//! removed and the previous bulletin stays as it was.
//!
//! While a phase that cannot be interrupted and has nothing to clean up is
//! running (reading articles from a pipe or terminal), a signal ends the
//! process at once with the interrupted exit code; so does a second signal.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The request to stop, shared by everything that checks it.
#[derive(Debug, Clone, Default)]
pub struct Cancel {
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The signal number received, 0 for none.
    signal: AtomicI32,
    /// A signal now exits the process at once.
    immediate: AtomicBool,
}

/// Stopped by a signal: the error every checkpoint returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("interrupted by {0}")]
pub struct Interrupted(pub &'static str);

/// The exit code of a run stopped by a signal (128 + SIGINT, as shells report it).
const EXIT_INTERRUPTED: i32 = 130;

impl Cancel {
    /// Never cancelled, unless [`Cancel::request`] is called (tests, libraries).
    pub fn never() -> Cancel {
        Cancel::default()
    }

    /// Cancelled by SIGINT or SIGTERM. Installed once per process; later calls
    /// share the first one's state.
    pub fn on_signals() -> Cancel {
        static INSTALLED: OnceLock<Cancel> = OnceLock::new();
        INSTALLED
            .get_or_init(|| {
                let cancel = Cancel::default();
                #[cfg(unix)]
                install(&cancel);
                cancel
            })
            .clone()
    }

    /// Asks for a stop as if `signal` had arrived.
    pub fn request(&self, signal: i32) {
        self.state.signal.store(signal, Ordering::SeqCst);
    }

    /// The signal that asked for a stop, if any.
    pub fn requested(&self) -> Option<&'static str> {
        match self.state.signal.load(Ordering::SeqCst) {
            0 => None,
            n => Some(signal_name(n)),
        }
    }

    /// A checkpoint.
    pub fn check(&self) -> Result<(), Interrupted> {
        match self.requested() {
            None => Ok(()),
            Some(name) => Err(Interrupted(name)),
        }
    }

    /// A checkpoint for code that reports through `io::Error` (writers, sinks);
    /// [`interrupted_by`] recovers the signal from it.
    pub fn check_io(&self) -> io::Result<()> {
        self.check()
            .map_err(|i| io::Error::new(io::ErrorKind::Interrupted, i))
    }

    /// Resolves once a stop is asked for, with the signal's name.
    pub async fn wait(&self) -> &'static str {
        loop {
            if let Some(name) = self.requested() {
                return name;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Runs `f`, during which a signal ends the process at once: for blocking
    /// reads that hold nothing to clean up.
    pub fn exit_at_once<R>(&self, f: impl FnOnce() -> R) -> R {
        if let Some(name) = self.requested() {
            exit_now(name);
        }
        self.state.immediate.store(true, Ordering::SeqCst);
        let result = f();
        self.state.immediate.store(false, Ordering::SeqCst);
        result
    }
}

/// The signal behind an error made by [`Cancel::check_io`], if it is one.
pub fn interrupted_by(error: &io::Error) -> Option<&'static str> {
    error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Interrupted>())
        .map(|i| i.0)
}

#[cfg(unix)]
fn install(cancel: &Cancel) {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("cannot watch for SIGINT and SIGTERM: {e}");
            return;
        }
    };
    let state = Arc::clone(&cancel.state);
    let spawned = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let name = signal_name(signal);
                let again = state.signal.swap(signal, Ordering::SeqCst) != 0;
                if again || state.immediate.load(Ordering::SeqCst) {
                    exit_now(name);
                }
                tracing::warn!("{name} received; stopping at the next safe point");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot watch for SIGINT and SIGTERM: {e}");
    }
}

fn exit_now(name: &str) -> ! {
    eprintln!("error: interrupted by {name}; no bulletin was written");
    std::process::exit(EXIT_INTERRUPTED)
}

fn signal_name(signal: i32) -> &'static str {
    match signal {
        2 => "SIGINT",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_seen_by_every_clone_and_survives_io() {
        let cancel = Cancel::never();
        let other = cancel.clone();
        assert!(cancel.check().is_ok());
        other.request(15);
        assert_eq!(cancel.check(), Err(Interrupted("SIGTERM")));
        let e = cancel.check_io().unwrap_err();
        assert_eq!(interrupted_by(&e), Some("SIGTERM"));
        assert_eq!(interrupted_by(&io::Error::other("disk full")), None);
    }

    #[tokio::test]
    async fn wait_resolves_on_request() {
        let cancel = Cancel::never();
        let c = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            c.request(2);
        });
        assert_eq!(cancel.wait().await, "SIGINT");
    }
}
