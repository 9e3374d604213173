//! The `gm` command: `check`, `dump <stage>`, `run`, `explore`, `trace` and `test`.

// gm starts at its own C `main`: Rust's start-up reads /proc/self/maps to
// place the main thread's stack guard, a twentieth of running a small
// program, and gm runs everything on a stack it maps itself.
#![cfg_attr(not(test), no_main)]

mod cli;
mod explore;
mod golden;
mod mathlib;
mod oracle;
mod select;

/// Compilation runs on a large stack: the passes recurse over expression
/// trees (whose depth the parser bounds). `gm run` then runs the program on
/// the same stack, below what compilation used.
const STACK_SIZE: usize = (256 << 20) + gm_driver::PROGRAM_STACK;

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    // Writing to a closed pipe fails (EPIPE) rather than ending the
    // process, as under Rust's start-up.
    #[cfg(unix)]
    // SAFETY: sets a signal's disposition; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN)
    };
    // One malloc arena for every thread: the compiler then takes the same
    // memory from run to run, whichever thread it runs on, and the
    // addresses generated code embeds (map descriptors, constants) keep the
    // same encoding, so the machine code is the same in every run. gm's
    // threads take turns.
    #[cfg(target_os = "linux")]
    // SAFETY: a malloc setting, made before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1)
    };
    gm()
}

/// Runs the command line on a stack of its own, then ends the process.
#[cfg_attr(test, allow(dead_code))]
fn gm() -> std::ffi::c_int {
    // A Rust panic is a broken invariant of gm: report it as one, with the
    // function the passes were working on.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panic".to_string());
        let at = info
            .location()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let place = gm_diag::ice::current();
        eprint!("{}", gm_diag::ice::render(&format!("{what}{at}"), &place));
        std::process::exit(i32::from(gm_diag::ice::EXIT_STATUS));
    }));
    // On the main thread: a thread of its own would cost its start and,
    // when the process ends, waking this one on the other processor.
    #[cfg(target_os = "linux")]
    gm_driver::run_on_new_stack(STACK_SIZE, || exit(cli::run(cli::Cli::from_env())));
    #[cfg(not(target_os = "linux"))]
    {
        let worker = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(|| exit(cli::run(cli::Cli::from_env())));
        if let Ok(worker) = worker {
            let _ = worker.join();
        }
        std::ffi::c_int::from(gm_diag::ice::EXIT_STATUS)
    }
}

/// Ends the process without returning through the stack switch (or, where
/// there is none, from the thread that did the work).
fn exit(status: u8) -> ! {
    use std::io::Write;
    // Rust's start-up flushes standard output at exit; exit() does not.
    let _ = std::io::stdout().flush();
    std::process::exit(i32::from(status))
}
