//! Inlining of small functions into their callers, with Cranelift's
//! inliner: every function is translated first; those with few
//! instructions are then inlined (one level deep) where they are called.

use foldhash::HashMap;
use std::borrow::Cow;

use cranelift_codegen::inline::{Inline, InlineCommand};
use cranelift_codegen::ir;

/// Callees up to this many instructions are inlined.
const MAX_INSTS: usize = 40;

/// Whether a translated function is small enough to inline.
pub fn worth_inlining(f: &ir::Function) -> bool {
    let mut n = 0;
    for b in f.layout.blocks() {
        n += f.layout.block_insts(b).count();
        if n > MAX_INSTS {
            return false;
        }
    }
    true
}

/// Directs Cranelift to inline calls of the small functions, by the index
/// of their module function id.
pub struct Inliner<'a> {
    pub small: &'a HashMap<u32, ir::Function>,
}

impl Inline for Inliner<'_> {
    fn inline(
        &mut self,
        caller: &ir::Function,
        _inst: ir::Inst,
        _opcode: ir::Opcode,
        callee: ir::FuncRef,
        _args: &[ir::Value],
    ) -> InlineCommand<'_> {
        if let ir::ExternalName::User(r) = &caller.dfg.ext_funcs[callee].name {
            let name = &caller.params.user_named_funcs()[*r];
            if name.namespace == 0
                && let Some(f) = self.small.get(&name.index)
            {
                return InlineCommand::Inline {
                    callee: Cow::Borrowed(f),
                    visit_callee: false,
                };
            }
        }
        InlineCommand::KeepCall
    }
}
