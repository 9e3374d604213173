//! Link settings that shorten `gm`'s start-up, which every `gm run` pays:
//! on Linux with glibc, the loader's work before `main` is a large part of
//! running a small program.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os != "linux" || env != "gnu" {
        return;
    }
    // A position-dependent executable: the loader has no relocations to
    // apply to its relocated read-only data, and no pages of it to copy.
    println!("cargo:rustc-link-arg-bins=-no-pie");
    // libgcc's unwinder linked in rather than loaded: libgcc_s.so is one
    // shared library fewer to map, relocate and initialise at each start.
    if let Some(dir) = libgcc_eh_dir() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static=gcc_eh");
    }
}

/// The folder of the C compiler's static unwinder, if it has one.
fn libgcc_eh_dir() -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // Without the library, the compiler echoes the bare name.
    path.is_absolute()
        .then(|| path.parent().map(PathBuf::from))?
}
