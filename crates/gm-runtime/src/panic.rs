//! Go's panics and fatal errors (`runtime/error.go`, `runtime/panic.go`).
//!
//! Go-level errors never unwind through generated code: each one flushes the
//! buffered stdout, writes Go's text to stderr and exits with status 2. All of
//! them go through one replaceable hook ([`set_panic_hook`]) so the CLI or a
//! test harness can change the trace or capture the message.

use std::io::Write;
use std::sync::RwLock;

/// How Go labels the error on its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PanicKind {
    /// `panic: <msg>`: a plain error (Go's `plainError`) or a user panic.
    Plain,
    /// `panic: runtime error: <msg>` (Go's `errorString`/`boundsError`).
    RuntimeError,
    /// `fatal error: <msg>`: not recoverable (Go's `fatal`/`throw`).
    Fatal,
}

/// One Go-level error on its way out of the process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GoPanic<'a> {
    pub kind: PanicKind,
    pub msg: &'a str,
}

impl GoPanic<'_> {
    /// The first line, as Go prints it (without the newline).
    pub fn first_line(&self) -> String {
        match self.kind {
            PanicKind::Plain => format!("panic: {}", self.msg),
            PanicKind::RuntimeError => format!("panic: runtime error: {}", self.msg),
            PanicKind::Fatal => format!("fatal error: {}", self.msg),
        }
    }

    /// The whole report: first line, blank line, then gm's short trace.
    pub fn report(&self) -> String {
        format!(
            "{}\n\ngoroutine 1 [running]:\nmain.main()\n\t(gm)\n",
            self.first_line()
        )
    }
}

/// Receives every Go-level error; must not return.
pub type PanicHook = fn(&GoPanic<'_>) -> !;

/// Go's exit status for an unrecovered panic or a fatal error.
pub const EXIT_STATUS: i32 = 2;

static HOOK: RwLock<PanicHook> = RwLock::new(default_hook);

/// Replaces the hook (the default is [`default_hook`]).
pub fn set_panic_hook(hook: PanicHook) {
    *HOOK.write().unwrap_or_else(|e| e.into_inner()) = hook;
}

/// Flushes stdout, writes [`GoPanic::report`] to stderr, exits with 2.
pub fn default_hook(p: &GoPanic<'_>) -> ! {
    crate::print::flush_stdout();
    let mut err = std::io::stderr().lock();
    // Nothing useful can be done if stderr is gone; exit regardless.
    let _ = err.write_all(p.report().as_bytes());
    let _ = err.flush();
    std::process::exit(EXIT_STATUS)
}

#[cold]
fn raise(kind: PanicKind, msg: &str) -> ! {
    let hook = *HOOK.read().unwrap_or_else(|e| e.into_inner());
    hook(&GoPanic { kind, msg })
}

/// `panic: <msg>` (Go: `panic(plainError(msg))`).
#[cold]
pub fn go_panic(msg: &str) -> ! {
    raise(PanicKind::Plain, msg)
}

/// `panic: runtime error: <msg>` (Go: `panic(errorString(msg))`).
#[cold]
pub fn runtime_error(msg: &str) -> ! {
    raise(PanicKind::RuntimeError, msg)
}

/// `fatal error: <msg>` (Go: `runtime.fatal` / `runtime.throw`).
#[cold]
pub fn fatal(msg: &str) -> ! {
    raise(PanicKind::Fatal, msg)
}

/// Go's message table for the errors this runtime raises itself.
pub mod msg {
    /// plainError: no `runtime error:` prefix.
    pub const NIL_MAP_ASSIGN: &str = "assignment to entry in nil map";
    pub const CONCURRENT_WRITES: &str = "concurrent map writes";
    pub const CONCURRENT_READ_WRITE: &str = "concurrent map read and map write";
    pub const CONCURRENT_ITER_WRITE: &str = "concurrent map iteration and map write";
    pub const BAD_MAP_STATE: &str = "bad map state";
    pub const OUT_OF_MEMORY: &str = "runtime: out of memory";
}
