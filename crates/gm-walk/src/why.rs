//! Why walk chose each map runtime call, in words: recorded by the code
//! that makes each choice (variant tables, escape analysis, the literal and
//! range lowerings), for `gm explore`.

use foldhash::HashMap;

use gm_diag::Span;
use gm_ir::FuncId;
use gm_ir::runtime::RtFn;

/// The reasons for the runtime calls of a program, by function, span of
/// the call and the function called.
#[derive(Default, Debug)]
pub struct Reasons {
    by_call: HashMap<(FuncId, Span, RtFn), String>,
}

impl Reasons {
    /// Records why `call` at `span` in `func` was chosen; the first reason
    /// recorded for a call stays.
    pub fn add(&mut self, func: FuncId, span: Span, call: RtFn, text: String) {
        self.by_call.entry((func, span, call)).or_insert(text);
    }

    pub fn get(&self, func: FuncId, span: Span, call: RtFn) -> Option<&str> {
        self.by_call.get(&(func, span, call)).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_call.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_call.is_empty()
    }
}
