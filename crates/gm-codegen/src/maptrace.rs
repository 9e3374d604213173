//! Calls to gm-runtime's recorder (`gm trace`), emitted only when the
//! program is compiled for tracing: after each map creation, and around
//! each map operation so the runtime can count it on the map's clock.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use gm_ir::TypeId;
use gm_ir::runtime::RtFn;
use gm_runtime::trace::{Op, ValueKind};

use crate::R;
use crate::func::FnCx;
use crate::layout::{Kind, PTR};

/// The operation a map entry point performs, if it is counted.
pub fn op_of(f: RtFn) -> Option<Op> {
    let n = f.name();
    Some(if n.starts_with("mapaccess") {
        Op::Access
    } else if n.starts_with("mapassign") {
        Op::Assign
    } else if n.starts_with("mapdelete") {
        Op::Delete
    } else if f == RtFn::mapiterinit {
        Op::Iterate
    } else if f == RtFn::mapclear {
        Op::Clear
    } else {
        return None;
    })
}

impl FnCx<'_, '_> {
    fn value_kind(&mut self, t: TypeId) -> ValueKind {
        match self.ty(t).kind {
            Kind::Bool => ValueKind::Bool,
            Kind::Int { signed: true, .. } => ValueKind::Int,
            Kind::Int { signed: false, .. } => ValueKind::Uint,
            Kind::Float { .. } => ValueKind::Float,
            Kind::String => ValueKind::String,
            _ => ValueKind::Other,
        }
    }

    /// After a map of type `ty` was made at `span`: `h` is the header,
    /// `hint` the hint passed to makemap (if any), `stack` whether the
    /// header is in this frame.
    pub fn trace_make(
        &mut self,
        ty: TypeId,
        h: Value,
        hint: Option<Value>,
        stack: Value,
        span: gm_diag::Span,
    ) -> R<()> {
        let Some((k, v)) = self.cg.prog.types.map_types(ty) else {
            return Ok(());
        };
        let kinds = self.value_kind(k) as i64 | (self.value_kind(v) as i64) << 8;
        let site = self.cg.map_sites.len() as i64;
        self.cg.map_sites.push((span, ty));
        let t = self.cg.map_type(ty)?;
        let t = self.b.ins().iconst(PTR, t as i64);
        let hint = match hint {
            Some(v) => v,
            None => self.b.ins().iconst(types::I64, -1),
        };
        let site = self.b.ins().iconst(types::I32, site);
        let kinds = self.b.ins().iconst(types::I32, kinds);
        self.call_rt(RtFn::trace_make, &[t, h, hint, site, kinds, stack])?;
        Ok(())
    }

    /// The header a stack-headed makemap was given is in this frame.
    pub fn non_nil(&mut self, p: Value) -> Value {
        self.b.ins().icmp_imm_u(IntCC::NotEqual, p, 0)
    }

    pub fn bool_const(&mut self, v: bool) -> Value {
        self.b.ins().iconst(types::I8, v as i64)
    }

    /// Before map call `f` with arguments `words` (the header second).
    pub fn trace_before(&mut self, f: RtFn, words: &[Value]) -> R<()> {
        if let (Some(op), Some(&h)) = (op_of(f), words.get(1)) {
            let code = self.b.ins().iconst(types::I32, op as i64);
            self.call_rt(RtFn::trace_op, &[h, code])?;
        }
        Ok(())
    }

    /// After map call `f`, for the operations that change the map.
    pub fn trace_after(&mut self, f: RtFn, words: &[Value]) -> R<()> {
        if matches!(op_of(f), Some(Op::Assign | Op::Delete | Op::Clear))
            && let Some(&h) = words.get(1)
        {
            self.call_rt(RtFn::trace_done, &[h])?;
        }
        Ok(())
    }
}
