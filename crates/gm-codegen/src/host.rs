//! The host's instruction-set extensions, for Cranelift's x86-64 backend.
//!
//! With glibc on x86-64, they are read from the table the C library filled
//! at start-up (`__x86_get_cpuid_feature_leaf`, its `<sys/platform/x86.h>`
//! interface): its *active* bits are the extensions the processor has and
//! the kernel saves the state of, as the standard library's detection
//! decides them. Asking the processor again costs a `cpuid` per leaf, each
//! trapped by a virtual machine's hypervisor. Elsewhere Cranelift's own
//! detection runs.

use cranelift_codegen::isa;

/// A builder for the host's ISA, its extensions set.
pub fn isa_builder() -> Result<isa::Builder, &'static str> {
    #[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
    {
        let mut builder = cranelift_native::builder_with_options(false)?;
        glibc::configure(&mut builder)?;
        Ok(builder)
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu")))]
    cranelift_native::builder()
}

#[cfg(all(target_arch = "x86_64", target_os = "linux", target_env = "gnu"))]
mod glibc {
    use cranelift_codegen::settings::Configurable;

    /// glibc's `struct cpuid_feature`: one leaf's registers as `cpuid`
    /// returned them, and the bits of those the C library found usable.
    #[repr(C)]
    struct Leaf {
        cpuid: [u32; 4],
        active: [u32; 4],
    }

    unsafe extern "C" {
        fn __x86_get_cpuid_feature_leaf(leaf: u32) -> *const Leaf;
    }

    /// glibc's leaf numbers (`CPUID_INDEX_*`).
    const LEAF_1: u32 = 0;
    const LEAF_7: u32 = 1;
    const LEAF_80000001: u32 = 2;
    const LEAF_7_ECX_1: u32 = 6;

    const EAX: usize = 0;
    const EBX: usize = 1;
    const ECX: usize = 2;
    const EDX: usize = 3;

    /// Each Cranelift setting, the feature Rust's detection names it by,
    /// and where `cpuid` reports it: leaf, register, bit.
    pub const FEATURES: [(&str, &str, u32, usize, u32); 20] = [
        ("has_cmpxchg16b", "cmpxchg16b", LEAF_1, ECX, 13),
        ("has_sse3", "sse3", LEAF_1, ECX, 0),
        ("has_ssse3", "ssse3", LEAF_1, ECX, 9),
        ("has_sse41", "sse4.1", LEAF_1, ECX, 19),
        ("has_sse42", "sse4.2", LEAF_1, ECX, 20),
        ("has_popcnt", "popcnt", LEAF_1, ECX, 23),
        ("has_avx", "avx", LEAF_1, ECX, 28),
        ("has_fma", "fma", LEAF_1, ECX, 12),
        ("has_avx2", "avx2", LEAF_7, EBX, 5),
        ("has_bmi1", "bmi1", LEAF_7, EBX, 3),
        ("has_bmi2", "bmi2", LEAF_7, EBX, 8),
        ("has_avx512f", "avx512f", LEAF_7, EBX, 16),
        ("has_avx512dq", "avx512dq", LEAF_7, EBX, 17),
        ("has_avx512vl", "avx512vl", LEAF_7, EBX, 31),
        ("has_avx512vbmi", "avx512vbmi", LEAF_7, ECX, 1),
        ("has_avx512vnni", "avx512vnni", LEAF_7, ECX, 11),
        ("has_avx512bitalg", "avx512bitalg", LEAF_7, ECX, 12),
        ("has_avx_vnni", "avxvnni", LEAF_7_ECX_1, EAX, 4),
        ("has_lzcnt", "lzcnt", LEAF_80000001, ECX, 5),
        // Checked, not set: Cranelift's x86-64 backend requires it.
        ("", "sse2", LEAF_1, EDX, 26),
    ];

    /// Whether glibc found the feature at (leaf, register, bit) usable.
    pub fn active(leaf: u32, register: usize, bit: u32) -> bool {
        // SAFETY: glibc returns a pointer to its static feature table for
        // every leaf number it defines (those above), filled before any of
        // gm's code ran and never written again.
        let leaf = unsafe { &*__x86_get_cpuid_feature_leaf(leaf) };
        leaf.active[register] & (1 << bit) != 0
    }

    pub fn configure(builder: &mut dyn Configurable) -> Result<(), &'static str> {
        for (setting, _, leaf, register, bit) in FEATURES {
            let on = active(leaf, register, bit);
            if setting.is_empty() {
                if !on {
                    return Err("x86-64 without SSE2");
                }
            } else {
                // Every setting is set, to false too: every machine then
                // reads the same names and tables (gm's link order gathers
                // what a run reads, as traced on one machine).
                builder
                    .set(setting, if on { "true" } else { "false" })
                    .map_err(|_| "a Cranelift setting this version lacks")?;
            }
        }
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn glibc_and_the_standard_library_find_the_same_features() {
            for (_, name, leaf, register, bit) in FEATURES {
                let std = match name {
                    "cmpxchg16b" => std::is_x86_feature_detected!("cmpxchg16b"),
                    "sse3" => std::is_x86_feature_detected!("sse3"),
                    "ssse3" => std::is_x86_feature_detected!("ssse3"),
                    "sse4.1" => std::is_x86_feature_detected!("sse4.1"),
                    "sse4.2" => std::is_x86_feature_detected!("sse4.2"),
                    "popcnt" => std::is_x86_feature_detected!("popcnt"),
                    "avx" => std::is_x86_feature_detected!("avx"),
                    "fma" => std::is_x86_feature_detected!("fma"),
                    "avx2" => std::is_x86_feature_detected!("avx2"),
                    "bmi1" => std::is_x86_feature_detected!("bmi1"),
                    "bmi2" => std::is_x86_feature_detected!("bmi2"),
                    "avx512f" => std::is_x86_feature_detected!("avx512f"),
                    "avx512dq" => std::is_x86_feature_detected!("avx512dq"),
                    "avx512vl" => std::is_x86_feature_detected!("avx512vl"),
                    "avx512vbmi" => std::is_x86_feature_detected!("avx512vbmi"),
                    "avx512vnni" => std::is_x86_feature_detected!("avx512vnni"),
                    "avx512bitalg" => std::is_x86_feature_detected!("avx512bitalg"),
                    "avxvnni" => std::is_x86_feature_detected!("avxvnni"),
                    "lzcnt" => std::is_x86_feature_detected!("lzcnt"),
                    "sse2" => std::is_x86_feature_detected!("sse2"),
                    other => panic!("no check for {other}"),
                };
                assert_eq!(active(leaf, register, bit), std, "{name}");
            }
        }

        #[test]
        fn the_flags_are_cranelifts_own() {
            let mut ours = cranelift_native::builder_with_options(false).unwrap();
            configure(&mut ours).unwrap();
            let theirs = cranelift_native::builder().unwrap();
            let flags =
                cranelift_codegen::settings::Flags::new(cranelift_codegen::settings::builder());
            let ours = ours.finish(flags.clone()).unwrap();
            let theirs = theirs.finish(flags).unwrap();
            let show = |isa: &dyn cranelift_codegen::isa::TargetIsa| {
                isa.isa_flags()
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
            };
            assert_eq!(show(&*ours), show(&*theirs));
        }
    }
}
