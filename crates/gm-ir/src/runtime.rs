//! The runtime entry points that lowered code calls, by Go's names.

macro_rules! runtime_fns {
    ($($variant:ident => $name:literal,)*) => {
        /// A runtime function called by lowered code (`runtime.<name>`).
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum RtFn { $($variant,)* }

        impl RtFn {
            /// Go's name of the function, without the `runtime.` prefix.
            pub fn name(self) -> &'static str {
                match self { $(RtFn::$variant => $name,)* }
            }

            pub const ALL: &'static [RtFn] = &[$(RtFn::$variant,)*];
        }
    };
}

runtime_fns! {
    makemap_small => "makemap_small",
    makemap => "makemap",
    makemap64 => "makemap64",
    mapaccess1 => "mapaccess1",
    mapaccess2 => "mapaccess2",
    mapaccess1_fast32 => "mapaccess1_fast32",
    mapaccess2_fast32 => "mapaccess2_fast32",
    mapaccess1_fast64 => "mapaccess1_fast64",
    mapaccess2_fast64 => "mapaccess2_fast64",
    mapaccess1_faststr => "mapaccess1_faststr",
    mapaccess2_faststr => "mapaccess2_faststr",
    mapaccess1_fat => "mapaccess1_fat",
    mapaccess2_fat => "mapaccess2_fat",
    mapassign => "mapassign",
    mapassign_fast32 => "mapassign_fast32",
    mapassign_fast32ptr => "mapassign_fast32ptr",
    mapassign_fast64 => "mapassign_fast64",
    mapassign_fast64ptr => "mapassign_fast64ptr",
    mapassign_faststr => "mapassign_faststr",
    mapdelete => "mapdelete",
    mapdelete_fast32 => "mapdelete_fast32",
    mapdelete_fast64 => "mapdelete_fast64",
    mapdelete_faststr => "mapdelete_faststr",
    mapiterinit => "mapiterinit",
    mapiternext => "mapiternext",
    mapclear => "mapclear",
    rand32 => "rand32",
}

impl RtFn {
    /// Whether this is one of the map entry points (what the walk golden
    /// files compare against Go).
    pub fn is_map_call(self) -> bool {
        true
    }

    /// Whether the call returns a pointer to a map element (`*mapaccess…`).
    pub fn returns_elem_pointer(self) -> bool {
        let n = self.name();
        n.starts_with("mapaccess") || n.starts_with("mapassign")
    }

    /// Whether the call also reports presence (the comma-ok forms).
    pub fn has_ok(self) -> bool {
        self.name().starts_with("mapaccess2")
    }
}
