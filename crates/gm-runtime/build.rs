//! Links the Boehm–Demers–Weiser collector (Debian's `libgc-dev`) into the
//! runtime statically: pkg-config finds it, its `libgc.a` is linked.

fn main() {
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_LIBDIR");
    let lib = match pkg_config::Config::new()
        .cargo_metadata(false)
        .probe("bdw-gc")
    {
        Ok(lib) => lib,
        Err(_) => {
            eprintln!(
                "gm-runtime needs the bdwgc collector: apt-get install -y libgc-dev pkg-config"
            );
            std::process::exit(1);
        }
    };
    let libdir = pkg_config::get_variable("bdw-gc", "libdir").ok();
    let mut dirs = lib
        .link_paths
        .iter()
        .cloned()
        .chain(libdir.map(std::path::PathBuf::from));
    let Some(dir) = dirs.find(|d| d.join("libgc.a").exists()) else {
        eprintln!("gm-runtime needs bdwgc's static library libgc.a: apt-get install -y libgc-dev");
        std::process::exit(1);
    };
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static=gc");
    // libgc.a's own needs (threads, dlopen'd libraries' roots).
    println!("cargo:rustc-link-lib=dylib=pthread");
    println!("cargo:rustc-link-lib=dylib=dl");
}
