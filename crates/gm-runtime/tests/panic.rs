//! Go-level panics and fatal errors end the process, so each case re-runs
//! this test binary as a child (selected by an environment variable) and
//! checks its exit status, stderr, and that stdout was flushed first.

use std::process::{Command, Output};
use std::ptr;

use gm_runtime::map::HASH_WRITING;
use gm_runtime::panic::GoPanic;
use gm_runtime::{KeyType, MapType, abi};

const CHILD: &str = "GM_RUNTIME_PANIC_CHILD";

fn map_type() -> &'static MapType {
    static T: std::sync::OnceLock<MapType> = std::sync::OnceLock::new();
    T.get_or_init(|| MapType::new(KeyType::mem(8, 8), 8, 8))
}

fn custom_hook(p: &GoPanic<'_>) -> ! {
    gm_runtime::flush_stdout();
    // Not eprintln!: libtest captures that, and exit would drop it.
    let line = format!("custom hook: {}\n", p.first_line());
    std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes()).unwrap();
    std::process::exit(42)
}

/// The child side: never returns.
fn child(case: &str) -> ! {
    let t = map_type();
    let s = b"before the panic";
    // SAFETY: valid string and descriptor; the calls are meant to fail.
    unsafe {
        abi::printlock();
        abi::printstring(s.as_ptr(), s.len() as i64);
        abi::printsp();
        abi::printint(-42);
        abi::printnl();
        abi::printunlock();
        match case {
            "nil_map" => {
                abi::mapassign_fast64(t, ptr::null_mut(), 1);
            }
            "concurrent_writes" => {
                let h = abi::makemap_small();
                (*h).flags |= HASH_WRITING;
                abi::mapassign_fast64(t, h, 1);
            }
            "concurrent_read" => {
                let h = abi::makemap_small();
                abi::mapassign_fast64(t, h, 1);
                (*h).flags |= HASH_WRITING;
                abi::mapaccess1_fast64(t, h, 1);
            }
            "runtime_error" => gm_runtime::runtime_error("integer divide by zero"),
            "print" => {
                // println(true, 1.5, uint64 max, nil pointer, []int(nil)).
                abi::printlock();
                abi::printbool(1);
                abi::printsp();
                abi::printfloat(1.5);
                abi::printsp();
                abi::printuint(u64::MAX);
                abi::printsp();
                abi::printpointer(ptr::null());
                abi::printsp();
                abi::printslice(0x1000 as *const u8, 3, 8);
                abi::printsp();
                abi::printfloat(-0.0);
                abi::printnl();
                abi::printunlock();
                gm_runtime::flush_stdout();
                std::process::exit(0)
            }
            "hook" => {
                gm_runtime::set_panic_hook(custom_hook);
                abi::mapassign(t, ptr::null_mut(), [0u8; 8].as_ptr());
            }
            _ => {}
        }
    }
    eprintln!("child case {case:?} did not panic");
    std::process::exit(99)
}

fn run_child(test: &str, case: &str) -> Output {
    if let Ok(c) = std::env::var(CHILD) {
        child(&c);
    }
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--test-threads=1"])
        .env(CHILD, case)
        .output()
        .unwrap()
}

fn check(out: &Output, first_line: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let mut lines = stderr.lines();
    assert_eq!(lines.next(), Some(first_line), "stderr: {stderr}");
    assert_eq!(lines.next(), Some(""));
    assert_eq!(lines.next(), Some("goroutine 1 [running]:"));
    assert!(
        stdout.contains("before the panic -42\n"),
        "stdout not flushed: {stdout:?}"
    );
}

#[test]
fn nil_map_assignment_panics() {
    let out = run_child("nil_map_assignment_panics", "nil_map");
    check(&out, "panic: assignment to entry in nil map");
}

#[test]
fn concurrent_writes_are_fatal() {
    let out = run_child("concurrent_writes_are_fatal", "concurrent_writes");
    check(&out, "fatal error: concurrent map writes");
}

#[test]
fn concurrent_read_and_write_is_fatal() {
    let out = run_child("concurrent_read_and_write_is_fatal", "concurrent_read");
    check(&out, "fatal error: concurrent map read and map write");
}

#[test]
fn runtime_errors_have_the_prefix() {
    let out = run_child("runtime_errors_have_the_prefix", "runtime_error");
    check(&out, "panic: runtime error: integer divide by zero");
}

#[test]
fn the_hook_can_be_replaced() {
    let out = run_child("the_hook_can_be_replaced", "hook");
    assert_eq!(out.status.code(), Some(42));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("custom hook: panic: assignment to entry in nil map"),
        "{stderr}"
    );
}

#[test]
fn print_builtins_use_go_formats() {
    let out = run_child("print_builtins_use_go_formats", "print");
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "before the panic -42\ntrue +1.500000e+000 18446744073709551615 0x0 [3/8]0x1000 \
             -0.000000e+000\n"
        ),
        "{stdout:?}"
    );
}
