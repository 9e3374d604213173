//! The one function of the C math library gm uses, so that `gm` does not
//! load libm.so at every start: num-bigint's radix conversion calls `log2`.
//! An executable's own definition takes precedence over a shared
//! library's; this is the Rust port of the same routine.

#[unsafe(no_mangle)]
pub extern "C" fn log2(x: f64) -> f64 {
    libm::log2(x)
}
