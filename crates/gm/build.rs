//! Link settings that shorten `gm`'s start-up, which every `gm run` pays:
//! on Linux with glibc, the loader's work before `main` is a large part of
//! running a small program.

use std::path::{Path, PathBuf};
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
    // And a static one, where the C library's static archives exist: no
    // shared library is left for the loader to map, relocate and look
    // symbols up in at each start, and the C library's functions a program
    // runs sit beside gm's own in the link order below, instead of in
    // libc.so's pages (about 1 MB less resident memory while a program
    // runs, 0.9x the time of running the empty program).
    link_statically();
    // The functions a run executes, side by side (scripts/link_order.sh
    // lists them: those the program runs, then those only the compiler
    // runs, the empty program's where the two meet): compiling the empty
    // program then keeps about 1.3 MB of gm's code resident instead of 6 MB
    // spread over all of it, which the kernel maps in 64 KB at a time, and
    // once the compiler's pages have left, the program maps back about
    // 200 KB instead of 1 MB. The option is rust-lld's, the linker of this
    // toolchain on x86-64 Linux; debug builds keep the default order.
    println!("cargo:rerun-if-changed=link-order.txt");
    println!("cargo:rerun-if-changed=link-data.ld");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let order = manifest.join("link-order.txt");
    let data = manifest.join("link-data.ld");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let profile = std::env::var("PROFILE").unwrap_or_default();
    if arch == "x86_64" && profile == "release" && order.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        // Functions renamed since the list was made are only left out.
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
        // The read-only data the empty program reads (jump tables,
        // constants, strings, tables of function pointers), side by side
        // too: 0.7 MB resident instead of 1.2 MB. A linker script that only
        // adds a section before .rodata and opens .data.rel.ro, written by
        // scripts/link_order.sh from the sections such a run reads and
        // where this link map says they are.
        if data.is_file() {
            println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", data.display());
        }
        println!(
            "cargo:rustc-link-arg-bins=-Wl,-Map={}",
            out.join("gm.map").display()
        );
    }
    // libgcc's unwinder linked in rather than loaded: libgcc_s.so is one
    // shared library fewer to map, relocate and initialise at each start.
    if let Some(dir) = libgcc_eh_dir() {
        println!("cargo:rustc-link-search=native={}", dir.display());
        println!("cargo:rustc-link-lib=static=gcc_eh");
    }
}

/// The libraries Rust's standard library asks the linker for by name.
/// Each name is made to find a static archive first: a folder searched
/// before the system's holds `lib<name>.a` links to the C library's
/// archives, and `gcc_s` (the shared unwinder) to libgcc's static one.
/// (Rust's own switch, `-C target-feature=+crt-static`, reaches every
/// crate cargo builds, and proc-macro crates cannot be built with it.)
const SYSTEM_LIBRARIES: [(&str, &str); 7] = [
    ("c", "libc.a"),
    ("m", "libm.a"),
    ("pthread", "libpthread.a"),
    ("dl", "libdl.a"),
    ("rt", "librt.a"),
    ("util", "libutil.a"),
    ("gcc_s", "libgcc_eh.a"),
];

fn link_statically() {
    if static_archive("libc.a").is_none() {
        return;
    }
    let dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default()).join("static");
    if let Err(e) = link_archives(&dir) {
        println!("cargo:warning=gm is linked dynamically: {e}");
        return;
    }
    println!("cargo:rustc-link-search=native={}", dir.display());
    // For the tests too: the folder is searched when they link as well.
    println!("cargo:rustc-link-arg=-static");
}

fn link_archives(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, archive) in SYSTEM_LIBRARIES {
        let link = dir.join(format!("lib{name}.a"));
        let _ = std::fs::remove_file(&link);
        if let Some(target) = static_archive(archive) {
            std::os::unix::fs::symlink(target, link)?;
        }
    }
    Ok(())
}

/// The folder of the C compiler's static unwinder, if it has one.
fn libgcc_eh_dir() -> Option<PathBuf> {
    static_archive("libgcc_eh.a")?.parent().map(PathBuf::from)
}

/// Where the C compiler finds the archive `file`, if it has it.
fn static_archive(file: &str) -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let out = Command::new(cc)
        .arg(format!("-print-file-name={file}"))
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    // Without the library, the compiler echoes the bare name.
    path.is_absolute().then_some(path)
}
