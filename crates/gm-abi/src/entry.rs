//! The runtime entry points, by Go's names, with their machine signatures.
//!
//! Adding one: write the `extern "C"` function in gm-runtime's `abi.rs`, add
//! its line there and here (same name, parameters in the same order). The
//! runtime does not compile until the two agree.

/// A machine-level parameter or result type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AbiType {
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    Ptr,
}

impl AbiType {
    /// Equality usable in constant assertions.
    pub const fn same(a: &[AbiType], b: &[AbiType]) -> bool {
        if a.len() != b.len() {
            return false;
        }
        let mut i = 0;
        while i < a.len() {
            if a[i] as u8 != b[i] as u8 {
                return false;
            }
            i += 1;
        }
        true
    }
}

/// Which part of the runtime an entry point belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// The calls Go's walk emits for maps (what `.calls` golden files list).
    Map,
    /// Allocation, strings, slices, print and panics.
    Lang,
    /// The recorder behind `gm trace`.
    Trace,
}

macro_rules! ret {
    () => {
        &[]
    };
    (!) => {
        &[]
    };
    ($t:ident) => {
        &[AbiType::$t]
    };
}

macro_rules! diverges {
    (!) => {
        true
    };
    ($($t:tt)?) => {
        false
    };
}

macro_rules! entries {
    ($([$family:ident] $($name:ident ( $($p:ident),* ) $(-> $r:tt)? ;)*)*) => {
        /// A runtime entry point (`runtime.<name>`).
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum RtFn { $($($name,)*)* }

        impl RtFn {
            /// Every entry point, in declaration order (`ALL[f as usize] == f`).
            pub const ALL: &'static [RtFn] = &[$($(RtFn::$name,)*)*];

            /// Go's name, without the `runtime.` prefix.
            pub const fn name(self) -> &'static str {
                match self { $($(RtFn::$name => stringify!($name),)*)* }
            }

            /// The name the JIT links against: `runtime.<name>`.
            pub const fn symbol(self) -> &'static str {
                match self { $($(RtFn::$name => concat!("runtime.", stringify!($name)),)*)* }
            }

            pub const fn params(self) -> &'static [AbiType] {
                match self { $($(RtFn::$name => &[$(AbiType::$p),*],)*)* }
            }

            /// The results; empty for a function that never returns.
            pub const fn returns(self) -> &'static [AbiType] {
                match self { $($(RtFn::$name => ret!($($r)?),)*)* }
            }

            /// Whether the function never returns (the panics).
            pub const fn diverges(self) -> bool {
                match self { $($(RtFn::$name => diverges!($($r)?),)*)* }
            }

            pub const fn family(self) -> Family {
                match self { $($(RtFn::$name => Family::$family,)*)* }
            }
        }
    };
}

entries! {
    [Map]
    makemap_small() -> Ptr;
    makemap(Ptr, I64, Ptr) -> Ptr;
    makemap64(Ptr, I64, Ptr) -> Ptr;
    mapaccess1(Ptr, Ptr, Ptr) -> Ptr;
    mapaccess2(Ptr, Ptr, Ptr, Ptr) -> Ptr;
    mapaccess1_fast32(Ptr, Ptr, I32) -> Ptr;
    mapaccess2_fast32(Ptr, Ptr, I32, Ptr) -> Ptr;
    mapaccess1_fast64(Ptr, Ptr, I64) -> Ptr;
    mapaccess2_fast64(Ptr, Ptr, I64, Ptr) -> Ptr;
    mapaccess1_faststr(Ptr, Ptr, Ptr, I64) -> Ptr;
    mapaccess2_faststr(Ptr, Ptr, Ptr, I64, Ptr) -> Ptr;
    mapaccess1_fat(Ptr, Ptr, Ptr, Ptr) -> Ptr;
    mapaccess2_fat(Ptr, Ptr, Ptr, Ptr, Ptr) -> Ptr;
    mapassign(Ptr, Ptr, Ptr) -> Ptr;
    mapassign_fast32(Ptr, Ptr, I32) -> Ptr;
    mapassign_fast32ptr(Ptr, Ptr, Ptr) -> Ptr;
    mapassign_fast64(Ptr, Ptr, I64) -> Ptr;
    mapassign_fast64ptr(Ptr, Ptr, Ptr) -> Ptr;
    mapassign_faststr(Ptr, Ptr, Ptr, I64) -> Ptr;
    mapdelete(Ptr, Ptr, Ptr);
    mapdelete_fast32(Ptr, Ptr, I32);
    mapdelete_fast64(Ptr, Ptr, I64);
    mapdelete_faststr(Ptr, Ptr, Ptr, I64);
    mapiterinit(Ptr, Ptr, Ptr);
    mapiternext(Ptr);
    mapclear(Ptr, Ptr);
    rand32() -> I32;

    [Lang]
    newobject(I64, I8) -> Ptr;
    printint(I64);
    printuint(I64);
    printfloat(F64);
    printbool(I8);
    printstring(Ptr, I64);
    printpointer(Ptr);
    printslice(Ptr, I64, I64);
    printsp();
    printnl();
    printlock();
    printunlock();
    concatstrings(Ptr, I64, Ptr);
    cmpstring(Ptr, I64, Ptr, I64) -> I64;
    memequal(Ptr, Ptr, I64) -> I8;
    slicebytetostring(Ptr, I64, Ptr);
    stringtoslicebyte(Ptr, I64, I8, Ptr);
    intstring(I64, Ptr);
    stringtoslicerune(Ptr, I64, I8, Ptr);
    slicerunetostring(Ptr, I64, Ptr);
    decoderune(Ptr, I64, I64, Ptr) -> I64;
    growslice(Ptr, I64, I64, I64, I64, I8, Ptr);
    makeslice(I64, I64, I64, I8) -> Ptr;
    panic_index(I64, I64) -> !;
    panic_index_u(I64, I64) -> !;
    panic_slice_alen(I64, I64) -> !;
    panic_slice_alen_u(I64, I64) -> !;
    panic_slice_acap(I64, I64) -> !;
    panic_slice_acap_u(I64, I64) -> !;
    panic_slice_b(I64, I64) -> !;
    panic_slice_b_u(I64, I64) -> !;
    panic_slice3_alen(I64, I64) -> !;
    panic_slice3_alen_u(I64, I64) -> !;
    panic_slice3_acap(I64, I64) -> !;
    panic_slice3_acap_u(I64, I64) -> !;
    panic_slice3_b(I64, I64) -> !;
    panic_slice3_b_u(I64, I64) -> !;
    panic_slice3_c(I64, I64) -> !;
    panic_slice3_c_u(I64, I64) -> !;
    panic_divide() -> !;
    panic_shift() -> !;
    panic_mem() -> !;
    stack_overflow() -> !;
    gopanic_string(Ptr, I64, Ptr, I64) -> !;
    gopanic_int(Ptr, I64, I64) -> !;
    gopanic_uint(Ptr, I64, I64) -> !;
    gopanic_float(Ptr, I64, F64) -> !;
    gopanic_bool(Ptr, I64, I8) -> !;
    gopanic_other(Ptr, I64, Ptr) -> !;

    [Trace]
    trace_make(Ptr, Ptr, I64, I32, I32, I8);
    trace_op(Ptr, I32);
    trace_done(Ptr);
}

impl RtFn {
    /// The entry point named `name` (without `runtime.`).
    pub fn from_name(name: &str) -> Option<RtFn> {
        RtFn::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Whether this is one of the map calls Go's walk emits.
    pub const fn is_map_call(self) -> bool {
        matches!(self.family(), Family::Map)
    }

    /// Whether the call returns a pointer to a map element (`mapaccess*`,
    /// `mapassign*`).
    pub fn returns_elem_pointer(self) -> bool {
        let n = self.name();
        n.starts_with("mapaccess") || n.starts_with("mapassign")
    }

    /// Whether the call also reports presence (the comma-ok reads).
    pub fn has_ok(self) -> bool {
        self.name().starts_with("mapaccess2")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_indexed_by_discriminant() {
        for (i, &f) in RtFn::ALL.iter().enumerate() {
            assert_eq!(f as usize, i);
            assert_eq!(RtFn::from_name(f.name()), Some(f));
            assert_eq!(f.symbol(), format!("runtime.{}", f.name()));
        }
    }

    #[test]
    fn signatures_read_as_declared() {
        assert_eq!(RtFn::makemap_small.params(), &[]);
        assert_eq!(RtFn::makemap_small.returns(), &[AbiType::Ptr]);
        assert_eq!(RtFn::mapdelete_fast32.returns(), &[]);
        assert!(!RtFn::mapdelete_fast32.diverges());
        assert!(RtFn::panic_divide.diverges());
        assert_eq!(RtFn::panic_divide.returns(), &[]);
        assert!(RtFn::rand32.is_map_call());
        assert!(!RtFn::newobject.is_map_call());
        assert!(RtFn::mapaccess2_fat.has_ok() && RtFn::mapaccess2_fat.returns_elem_pointer());
        assert!(!RtFn::mapdelete.returns_elem_pointer());
    }
}
