//! Prints the generated map-heavy program of about N lines (default
//! 10 000), for timing gm on a large input:
//! `cargo run -p gm-fuzzing --example large_program -- 10000 > big.gm`.

fn main() {
    let lines = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    print!("{}", gm_fuzzing::large_program(lines));
}
