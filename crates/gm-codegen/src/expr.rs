//! Expressions: names, constants, places (addressable expressions), field
//! and element access, calls and composite literals. Operators are in
//! [`crate::ops`], builtins in [`crate::builtins`].
//!
//! Operands are evaluated left to right. A place (`x.f`, `a[i]`, `*p`) is
//! evaluated in two steps, as Go's assignment is: its operands first, then
//! its nil and bounds checks (right away for a read, after the right side
//! for an assignment).

use std::ops::Range;

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use gm_ir::constant::ConstValue;
use gm_ir::runtime::RtFn;
use gm_ir::{AllocPlace, Expr, ExprKind, FuncId, GlobalId, LocalId, Var};

use crate::func::{Check, FnCx, Loc, Place, Storage, Val};
use crate::layout::{Kind, PTR};
use crate::{R, err};

/// An index operand: the value widened to i64, whether its type is
/// unsigned, and its value when constant.
pub(crate) struct Index {
    pub v: Value,
    pub unsigned: bool,
    pub konst: Option<i64>,
}

/// `v[r]`, or an error when the value has the wrong shape.
pub(crate) fn part<T: Clone>(v: &[T], r: Range<usize>) -> R<Vec<T>> {
    match v.get(r) {
        Some(p) => Ok(p.to_vec()),
        None => err("value shape does not match its type"),
    }
}

/// The local whose address `e` is, if it is one.
fn local_addressed(e: &Expr) -> Option<LocalId> {
    match &e.kind {
        ExprKind::Addr(x) => match x.kind {
            ExprKind::Name(Var::Local(id)) => Some(id),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a pointer expression is known not to be nil.
fn never_nil(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Addr(_) | ExprKind::New(_) | ExprKind::PtrLit(..) => true,
        ExprKind::RuntimeCall(f, _) => f.returns_elem_pointer(),
        ExprKind::ConvNop(x) => never_nil(x),
        _ => false,
    }
}

/// Whether an expression denotes a variable (can be a place).
pub(crate) fn addressable(e: &Expr, types: &gm_ir::TypeTable) -> bool {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Deref(_) | ExprKind::DotPtr(..) => true,
        ExprKind::Dot(x, _) => addressable(x, types),
        ExprKind::Index(x, _) => {
            types.slice_elem(x.ty).is_some()
                || (types.array_of(x.ty).is_some() && addressable(x, types))
        }
        _ => false,
    }
}

impl FnCx<'_, '_> {
    /// Whether `e` is a range loop iterator's `key` or `elem` pointer. The
    /// loop reads them only after testing `it.key != nil`, and the runtime
    /// sets both or neither: they need no nil check.
    fn range_entry(&self, e: &Expr) -> bool {
        let ExprKind::ConvNop(x) = &e.kind else {
            return false;
        };
        matches!(&x.kind, ExprKind::Dot(it, f)
            if (*f == gm_runtime::map::HITER_KEY || *f == gm_runtime::map::HITER_ELEM)
                && matches!(it.kind, ExprKind::Name(Var::Local(id)) if self.iterators.contains_key(&id)))
    }

    pub fn iconst(&mut self, ty: types::Type, v: i64) -> Value {
        let bits = ty.bits();
        let v = if bits < 64 {
            v & ((1i64 << bits) - 1)
        } else {
            v
        };
        self.b.ins().iconst(ty, v)
    }

    /// Evaluates an expression of a single-leaf type.
    pub fn expr1(&mut self, e: &Expr) -> R<Value> {
        self.expr(e)?.one()
    }

    pub fn expr(&mut self, e: &Expr) -> R<Val> {
        match &e.kind {
            ExprKind::Name(Var::Local(id)) => self.read_local(*id),
            ExprKind::Name(Var::Global(g)) => {
                let a = self.global_addr(*g);
                Ok(self.load(e.ty, a, 0))
            }
            ExprKind::Blank => err("_ used as a value"),
            ExprKind::Const(c) => self.constant(c, e.ty),
            ExprKind::Nil | ExprKind::Zero => Ok(self.zero_val(e.ty)),
            ExprKind::Binary(op, a, b) => self.binary(*op, a, b, e.ty),
            ExprKind::Unary(op, a) => self.unary(*op, a, e.ty),
            ExprKind::AddStr(parts) => self.concat(parts),
            ExprKind::Deref(_) | ExprKind::DotPtr(..) => {
                let p = self.place(e, true)?;
                self.place_load(&p)
            }
            ExprKind::Dot(x, i) => {
                if addressable(x, &self.cg.prog.types) {
                    let p = self.place(e, true)?;
                    return self.place_load(&p);
                }
                let v = self.expr(x)?;
                self.field_of_value(x.ty, v, *i, e.ty)
            }
            ExprKind::Index(x, i) => self.index(e, x, i),
            ExprKind::Addr(x) => Ok(Val::Regs(vec![self.addr_of(x)?])),
            ExprKind::IndexMap(..) => self.unlowered("map index"),
            ExprKind::Slice {
                kind,
                x,
                lo,
                hi,
                max,
            } => self.slice_expr(
                *kind,
                x,
                [lo.as_deref(), hi.as_deref(), max.as_deref()],
                e.ty,
            ),
            ExprKind::Call(f, args) => {
                let mut vals = self.call(*f, args)?;
                match vals.len() {
                    0 => Ok(Val::Regs(Vec::new())),
                    1 => Ok(vals.pop().unwrap_or(Val::Regs(Vec::new()))),
                    _ => err("multi-value call used as a single value"),
                }
            }
            ExprKind::RuntimeCall(f, args) => {
                let mut vals = self.runtime_call(*f, args, e.ty, e.span)?;
                match vals.len() {
                    0 => Ok(Val::Regs(Vec::new())),
                    1 => Ok(vals.pop().unwrap_or(Val::Regs(Vec::new()))),
                    _ => err("multi-value call used as a single value"),
                }
            }
            ExprKind::Len(x) => self.len_cap(x, true),
            ExprKind::Cap(x) => self.len_cap(x, false),
            ExprKind::MakeMap(..) => self.unlowered("make(map)"),
            ExprKind::MakeSlice(l, c, place) => self.make_slice(e.ty, l, c.as_deref(), *place),
            ExprKind::New(place) => {
                let Some(elem) = self.cg.prog.types.pointer_elem(e.ty) else {
                    return err("new of a non-pointer type");
                };
                let info = self.ty(elem);
                Ok(Val::Regs(vec![self.zeroed(
                    info.size,
                    info.has_pointers,
                    *place,
                )]))
            }
            ExprKind::Append(args, spread) => self.append(e.ty, args, *spread),
            ExprKind::Copy(d, s) => self.copy(d, s),
            ExprKind::MinMax(is_max, args) => self.min_max(*is_max, args, e.ty),
            ExprKind::Conv(x) => self.conv(x, e.ty),
            ExprKind::ConvNop(x) => {
                let v = self.expr(x)?;
                // A stack header becoming a map value: a map is made here.
                if self.cg.map_trace
                    && self.cg.prog.types.map_types(e.ty).is_some()
                    && self.cg.prog.types.pointer_elem(x.ty).is_some()
                    && let Val::Regs(vs) = &v
                    && let [h] = vs.as_slice()
                {
                    let (h, stack) = (*h, self.bool_const(true));
                    self.trace_make(e.ty, h, None, stack, e.span)?;
                }
                Ok(v)
            }
            ExprKind::StrToBytes(x, buf) => self.str_to_slice(x, RtFn::stringtoslicebyte, *buf),
            ExprKind::StrToRunes(x, buf) => self.str_to_slice(x, RtFn::stringtoslicerune, *buf),
            ExprKind::BytesToStr(x) => self.convert_via(x, RtFn::slicebytetostring, &[], 2),
            ExprKind::RunesToStr(x) => self.convert_via(x, RtFn::slicerunetostring, &[], 2),
            ExprKind::RuneToStr(x) => self.rune_to_str(x),
            ExprKind::MapLit(..) => self.unlowered("map literal"),
            ExprKind::SliceLit(items, place) => self.slice_lit(e.ty, items, *place),
            ExprKind::ArrayLit(_) | ExprKind::StructLit(_) => {
                let info = self.ty(e.ty);
                if info.is_regs() {
                    self.composite_regs(e)
                } else {
                    let a = self.temp(info.size);
                    if !self.writes_every_byte(e) {
                        self.zero_mem(a, info.size);
                    }
                    self.store_composite(e, a, 0)?;
                    Ok(Val::Addr(a))
                }
            }
            ExprKind::PtrLit(lit, place) => {
                let info = self.ty(lit.ty);
                // New memory comes zeroed; frame memory is zeroed here,
                // needlessly when the literal stores every byte.
                let cell = if *place == AllocPlace::Frame && self.writes_every_byte(lit) {
                    self.temp(info.size)
                } else {
                    self.zeroed(info.size, info.has_pointers, *place)
                };
                self.store_composite(lit, cell, 0)?;
                Ok(Val::Regs(vec![cell]))
            }
            ExprKind::TypeDesc(t) => {
                let a = self.cg.map_type(*t)?;
                Ok(Val::Regs(vec![self.b.ins().iconst(PTR, a as i64)]))
            }
            ExprKind::MapZero => {
                let a = self.cg.map_zero();
                Ok(Val::Regs(vec![self.b.ins().iconst(PTR, a as i64)]))
            }
            ExprKind::Reinterpret(x) => self.reinterpret(x, e.ty),
            ExprKind::Init(stmts, x) => {
                self.stmts(stmts)?;
                self.expr(x)
            }
        }
    }

    pub fn unlowered<T>(&self, what: &str) -> R<T> {
        err(format!(
            "unsupported before the walk pass: {what} (maps are lowered by gm-walk)"
        ))
    }

    pub fn global_addr(&mut self, g: GlobalId) -> Value {
        let a = self.cg.data.globals[g.index()];
        self.b.ins().iconst(PTR, a as i64)
    }

    pub fn read_local(&mut self, id: LocalId) -> R<Val> {
        let ty = self.f.locals[id].ty;
        match self.locals[id.index()].clone() {
            Storage::Vars(vars) => Ok(Val::Regs(vars.iter().map(|&v| self.b.use_var(v)).collect())),
            _ => {
                let Some(a) = self.local_addr(id)? else {
                    return err("local without storage");
                };
                Ok(self.load(ty, a, 0))
            }
        }
    }

    pub fn constant(&mut self, c: &ConstValue, ty: gm_ir::TypeId) -> R<Val> {
        let info = self.ty(ty);
        let v = match (&info.kind, c) {
            (_, ConstValue::String(s)) => {
                let a = self.cg.data.string(s);
                let p = self.b.ins().iconst(PTR, a as i64);
                let n = self.b.ins().iconst(PTR, s.len() as i64);
                return Ok(Val::Regs(vec![p, n]));
            }
            (Kind::Float { bits }, _) => {
                // Go constants are exact: there is no negative zero.
                let f = c.as_f64().unwrap_or(0.0);
                let f = if f == 0.0 { 0.0 } else { f };
                if *bits == 32 {
                    self.b.ins().f32const(f as f32)
                } else {
                    self.b.ins().f64const(f)
                }
            }
            (Kind::Bool, ConstValue::Bool(b)) => self.b.ins().iconst(types::I8, i64::from(*b)),
            (Kind::Int { .. }, _) | (Kind::Pointer { .. }, _) => {
                let Some(t) = info.scalar() else {
                    return err("integer constant of a composite type");
                };
                let v = c.as_int().unwrap_or(0) as i64;
                self.iconst(t, v)
            }
            _ => return err(format!("constant {c} of an unexpected type")),
        };
        Ok(Val::Regs(vec![v]))
    }

    /// Widens an integer index to i64.
    pub fn index_val(&mut self, i: &Expr) -> R<Index> {
        let info = self.ty(i.ty);
        let konst = match &i.kind {
            ExprKind::Const(c) => c.as_int().map(|v| v as i64),
            _ => None,
        };
        let v = self.expr1(i)?;
        let unsigned = !info.is_signed();
        let v = self.widen(v, !unsigned);
        Ok(Index { v, unsigned, konst })
    }

    /// Extends an integer to i64.
    pub fn widen(&mut self, v: Value, signed: bool) -> Value {
        let t = self.b.func.dfg.value_type(v);
        if t == types::I64 {
            v
        } else if signed {
            self.b.ins().sextend(types::I64, v)
        } else {
            self.b.ins().uextend(types::I64, v)
        }
    }

    /// The range of leaves of field `i` among a register struct's leaves.
    pub fn field_leaves(&mut self, st: gm_ir::TypeId, i: usize) -> R<Range<usize>> {
        let Kind::Struct { fields } = self.kind(st) else {
            return err("field of a non-struct");
        };
        if i >= fields.len() {
            return err("field index out of range");
        }
        let mut start = 0;
        for f in &fields[..i] {
            start += self.ty(f.ty).leaves().len();
        }
        let n = self.ty(fields[i].ty).leaves().len();
        Ok(start..start + n)
    }

    fn field_off(&mut self, st: gm_ir::TypeId, i: usize) -> R<i32> {
        match self.kind(st) {
            Kind::Struct { fields } if i < fields.len() => Ok(fields[i].off as i32),
            _ => err("field of a non-struct"),
        }
    }

    pub fn field_of_value(
        &mut self,
        st: gm_ir::TypeId,
        v: Val,
        i: usize,
        fty: gm_ir::TypeId,
    ) -> R<Val> {
        match v {
            Val::Regs(vs) => {
                let r = self.field_leaves(st, i)?;
                Ok(Val::Regs(part(&vs, r)?))
            }
            Val::Addr(a) => {
                let off = self.field_off(st, i)?;
                Ok(self.load(fty, a, off))
            }
        }
    }

    fn add_check(&mut self, p: &mut Place, c: Check, eager: bool) {
        if eager {
            match c {
                Check::Nil(v) => self.check_nil(v),
                Check::Index { idx, len, unsigned } => self.check_index(idx, len, unsigned),
            }
        } else {
            p.checks.push(c);
        }
    }

    /// Evaluates a place's operands; its checks are emitted now (`eager`)
    /// or left for [`FnCx::finish`].
    pub fn place(&mut self, e: &Expr, eager: bool) -> R<Place> {
        let mut p = Place {
            loc: Loc::Blank,
            checks: Vec::new(),
            ty: e.ty,
        };
        match &e.kind {
            ExprKind::Blank => {}
            ExprKind::Name(Var::Local(id)) => match self.locals[id.index()].clone() {
                Storage::Vars(vars) => p.loc = Loc::Vars(vars.to_vec()),
                _ => {
                    let Some(a) = self.local_addr(*id)? else {
                        return err("local without storage");
                    };
                    p.loc = Loc::Mem(a, 0);
                }
            },
            ExprKind::Name(Var::Global(g)) => {
                let a = self.global_addr(*g);
                p.loc = Loc::Mem(a, 0);
            }
            ExprKind::Dot(x, i) => {
                let inner = self.place(x, eager)?;
                p.checks = inner.checks;
                p.loc = match inner.loc {
                    Loc::Blank => return err("field of _"),
                    Loc::Vars(vars) => {
                        let r = self.field_leaves(x.ty, *i)?;
                        Loc::Vars(part(&vars, r)?)
                    }
                    Loc::Mem(a, off) => Loc::Mem(a, off + self.field_off(x.ty, *i)?),
                };
            }
            ExprKind::DotPtr(x, i) => {
                let pv = self.expr1(x)?;
                if !never_nil(x) && !self.range_entry(x) {
                    self.add_check(&mut p, Check::Nil(pv), eager);
                }
                let Some(st) = self.cg.prog.types.pointer_elem(x.ty) else {
                    return err("field through a non-pointer");
                };
                p.loc = Loc::Mem(pv, self.field_off(st, *i)?);
            }
            ExprKind::Deref(x) => {
                let pv = self.expr1(x)?;
                if !never_nil(x) && !self.range_entry(x) {
                    self.add_check(&mut p, Check::Nil(pv), eager);
                }
                p.loc = Loc::Mem(pv, 0);
            }
            ExprKind::Index(x, i) => {
                let types = &self.cg.prog.types;
                if let Some((elem, n)) = types.array_of(x.ty) {
                    let inner = self.place(x, eager)?;
                    p.checks = inner.checks;
                    let idx = self.index_val(i)?;
                    let in_range = idx.konst.is_some_and(|k| k >= 0 && (k as u64) < n);
                    if !in_range {
                        let len = self.b.ins().iconst(PTR, n as i64);
                        let c = Check::Index {
                            idx: idx.v,
                            len,
                            unsigned: idx.unsigned,
                        };
                        self.add_check(&mut p, c, eager);
                    }
                    let esize = self.ty(elem).size as i64;
                    p.loc = match inner.loc {
                        Loc::Blank => return err("element of _"),
                        // No element exists; the index check always fails,
                        // so a scratch slot stands in for the element.
                        _ if n == 0 => Loc::Mem(self.temp(esize as u64), 0),
                        Loc::Vars(vars) => Loc::Vars(vars),
                        Loc::Mem(a, off) => match idx.konst {
                            Some(k) if in_range => Loc::Mem(a, off + (k * esize) as i32),
                            _ => {
                                let scaled = self.b.ins().imul_imm_s(idx.v, esize);
                                Loc::Mem(self.b.ins().iadd(a, scaled), off)
                            }
                        },
                    };
                } else if let Some(esize) = self.indexed_elem_size(x.ty) {
                    let s = self.expr(x)?.words(2)?;
                    let idx = self.index_val(i)?;
                    let c = Check::Index {
                        idx: idx.v,
                        len: s[1],
                        unsigned: idx.unsigned,
                    };
                    self.add_check(&mut p, c, eager);
                    p.loc = match idx.konst {
                        Some(k) if k >= 0 && k * esize < i32::MAX as i64 => {
                            Loc::Mem(s[0], (k * esize) as i32)
                        }
                        _ => {
                            let scaled = self.b.ins().imul_imm_s(idx.v, esize);
                            Loc::Mem(self.b.ins().iadd(s[0], scaled), 0)
                        }
                    };
                } else {
                    return err("index of a non-addressable value");
                }
            }
            _ => return err("expression is not assignable"),
        }
        Ok(p)
    }

    /// The element size of a slice, or 1 for a string, which is indexed as
    /// a []byte (walk may pass one of its bytes to the runtime by address,
    /// only to be read).
    fn indexed_elem_size(&mut self, t: gm_ir::TypeId) -> Option<i64> {
        match self.cg.prog.types.slice_elem(t) {
            Some(e) => Some(self.ty(e).size as i64),
            None => self.cg.prog.types.is_string(t).then_some(1),
        }
    }

    /// `&x`.
    pub fn addr_of(&mut self, x: &Expr) -> R<Value> {
        let p = self.place(x, true)?;
        match p.loc {
            Loc::Mem(a, off) => Ok(self.offset(a, off)),
            Loc::Vars(_) => err("address of a variable not marked address-taken"),
            Loc::Blank => err("address of _"),
        }
    }

    fn index(&mut self, e: &Expr, x: &Expr, i: &Expr) -> R<Val> {
        let types = &self.cg.prog.types;
        if types.is_string(x.ty) {
            let s = self.expr(x)?.words(2)?;
            let idx = self.index_val(i)?;
            self.check_index(idx.v, s[1], idx.unsigned);
            let a = self.b.ins().iadd(s[0], idx.v);
            let v = self.b.ins().load(types::I8, FnCx::flags(), a, 0);
            return Ok(Val::Regs(vec![v]));
        }
        if addressable(e, types) {
            let p = self.place(e, true)?;
            return self.place_load(&p);
        }
        // An element of an array value (a call result, a literal).
        let Some((elem, n)) = types.array_of(x.ty) else {
            return err("index of an unexpected type");
        };
        let v = self.expr(x)?;
        let idx = self.index_val(i)?;
        if !idx.konst.is_some_and(|k| k >= 0 && (k as u64) < n) {
            let len = self.b.ins().iconst(PTR, n as i64);
            self.check_index(idx.v, len, idx.unsigned);
        }
        match v {
            // The check above always fails: there is no element to read.
            _ if n == 0 => Ok(self.zero_val(elem)),
            Val::Regs(vs) => Ok(Val::Regs(vs)),
            Val::Addr(a) => {
                let esize = self.ty(elem).size as i64;
                let scaled = self.b.ins().imul_imm_s(idx.v, esize);
                let at = self.b.ins().iadd(a, scaled);
                Ok(self.load(elem, at, 0))
            }
        }
    }

    // ---- calls --------------------------------------------------------------

    /// Evaluates call arguments; a multi-value call as the only argument
    /// spreads over the parameters.
    pub fn args(&mut self, args: &[Expr]) -> R<Vec<Val>> {
        let mut out = Vec::new();
        for a in args {
            if self.cg.prog.types.tuple_elems(a.ty).is_some() {
                out.extend(self.multi(a)?);
            } else {
                out.push(self.expr(a)?);
            }
        }
        Ok(out)
    }

    /// The values of a call with several results.
    pub fn multi(&mut self, e: &Expr) -> R<Vec<Val>> {
        match &e.kind {
            ExprKind::Init(stmts, x) => {
                self.stmts(stmts)?;
                self.multi(x)
            }
            ExprKind::Call(f, args) => self.call(*f, args),
            ExprKind::RuntimeCall(f, args) => self.runtime_call(*f, args, e.ty, e.span),
            _ => Ok(vec![self.expr(e)?]),
        }
    }

    pub fn call(&mut self, fid: FuncId, args: &[Expr]) -> R<Vec<Val>> {
        let prog = self.cg.prog;
        let f = &prog.funcs[fid];
        let vals = self.args(args)?;
        if vals.len() != f.params.len() {
            return err(format!("call of {} with wrong arity", f.name));
        }
        let mut cargs = Vec::new();
        let mut rtemps = Vec::new();
        for &t in &f.result_types {
            let info = self.ty(t);
            if info.is_regs() {
                rtemps.push(None);
            } else {
                let tmp = self.temp(info.size);
                cargs.push(tmp);
                rtemps.push(Some(tmp));
            }
        }
        for (v, &p) in vals.into_iter().zip(&f.params) {
            // A memory argument is passed by address to the caller's copy.
            match self.copied(v, f.locals[p].ty) {
                Val::Regs(vs) => cargs.extend(vs),
                Val::Addr(a) => cargs.push(a),
            }
        }
        let Some(&cf) = self.cg.funcs.get(fid.index()) else {
            return err("call of an unknown function");
        };
        let fr = self.func_ref(cf);
        let want = self.param_types(fr);
        if want.len() != cargs.len() {
            return err(format!("call of {} with wrong arguments", f.name));
        }
        let cargs = cargs
            .iter()
            .zip(want)
            .map(|(&a, t)| self.fit(a, t))
            .collect::<R<Vec<Value>>>()?;
        let call = self.b.ins().call(fr, &cargs);
        let rets = self.b.inst_results(call).to_vec();
        let mut out = Vec::new();
        let mut k = 0;
        for (i, &t) in f.result_types.iter().enumerate() {
            match rtemps[i] {
                Some(tmp) => out.push(Val::Addr(tmp)),
                None => {
                    let n = self.ty(t).leaves().len();
                    out.push(Val::Regs(part(&rets, k..k + n)?));
                    k += n;
                }
            }
        }
        Ok(out)
    }

    /// A call of `runtime.<f>` made by walk. String arguments pass as two
    /// words; the comma-ok forms get an out-pointer for the bool and yield
    /// `(ptr, ok)`.
    pub fn runtime_call(
        &mut self,
        f: RtFn,
        args: &[Expr],
        ty: gm_ir::TypeId,
        span: gm_diag::Span,
    ) -> R<Vec<Val>> {
        let mut words = Vec::new();
        for v in self.args(args)? {
            match v {
                Val::Regs(vs) => words.extend(vs),
                Val::Addr(a) => words.push(a),
            }
        }
        // A range loop's step, with its commonest case inline (for the
        // iterators recorded below).
        if f == RtFn::mapiternext
            && let Some(&iter) = args
                .first()
                .and_then(local_addressed)
                .and_then(|id| self.iterators.get(&id))
        {
            self.rt_span = Some(span);
            self.map_iter_next(words[0], iter)?;
            return Ok(Vec::new());
        }
        let ok_slot = if f.has_ok() {
            let t = self.temp(1);
            words.push(t);
            Some(t)
        } else {
            None
        };
        if self.cg.map_trace {
            self.trace_before(f, &words)?;
        }
        self.rt_span = Some(span);
        let rets = self.call_rt(f, &words)?;
        if self.cg.map_trace {
            self.trace_after(f, &words)?;
            if matches!(f, RtFn::makemap | RtFn::makemap64 | RtFn::makemap_small)
                && let Some(&h) = rets.first()
            {
                let (hint, stack) = match words.as_slice() {
                    [_, hint, hp] => (Some(*hint), self.non_nil(*hp)),
                    _ => (None, self.bool_const(false)),
                };
                self.trace_make(ty, h, hint, stack, span)?;
            }
        }
        // Not while tracing map calls: the trace counts every step.
        if f == RtFn::mapiterinit
            && !self.cg.map_trace
            && let [desc, _, it] = args
            && let ExprKind::TypeDesc(t) = desc.kind
            && let Some(id) = local_addressed(it)
        {
            let iter = self.map_iter_started(words[2], t)?;
            self.iterators.insert(id, iter);
        }
        let mut out: Vec<Val> = rets.into_iter().map(|r| Val::Regs(vec![r])).collect();
        if let Some(t) = ok_slot {
            let ok = self.b.ins().load(types::I8, FnCx::flags(), t, 0);
            out.push(Val::Regs(vec![ok]));
        }
        // A result typed as a narrower integer than the ABI word.
        if out.len() == 1
            && let Some(want) = self.ty(ty).scalar()
            && let Val::Regs(vs) = &out[0]
        {
            let v = self.coerce(vs[0], want);
            out[0] = Val::Regs(vec![v]);
        }
        Ok(out)
    }

    // ---- composite literals ---------------------------------------------------

    /// A literal of a register type, built from its elements' leaves.
    fn composite_regs(&mut self, e: &Expr) -> R<Val> {
        let zero = self.zero_val(e.ty);
        let mut leaves = zero.regs()?.to_vec();
        match &e.kind {
            ExprKind::StructLit(items) => {
                for (i, x) in items {
                    let v = self.expr(x)?;
                    let r = self.field_leaves(e.ty, *i)?;
                    let vs = v.regs()?;
                    if r.end > leaves.len() || vs.len() != r.len() {
                        return err("value shape does not match its type");
                    }
                    leaves.splice(r, vs.iter().copied());
                }
            }
            ExprKind::ArrayLit(items) => {
                // At most one element.
                for (_, x) in items {
                    let v = self.expr(x)?;
                    leaves = v.regs()?.to_vec();
                }
            }
            _ => return err("not a composite literal"),
        }
        Ok(Val::Regs(leaves))
    }

    /// Stores a literal's elements into zeroed memory at `a + off`.
    pub fn store_composite(&mut self, e: &Expr, a: Value, off: i32) -> R<()> {
        match &e.kind {
            ExprKind::StructLit(items) => {
                let Kind::Struct { fields } = self.kind(e.ty) else {
                    return err("struct literal of a non-struct type");
                };
                for (i, x) in items {
                    let Some(f) = fields.get(*i) else {
                        return err("field index out of range");
                    };
                    let foff = off + f.off as i32;
                    self.store_elem(x, a, foff)?;
                }
            }
            ExprKind::ArrayLit(items) => {
                let Some((elem, _)) = self.cg.prog.types.array_of(e.ty) else {
                    return err("array literal of a non-array type");
                };
                let esize = self.ty(elem).size as i64;
                for (i, x) in items {
                    let eoff = i64::from(off) + *i as i64 * esize;
                    if eoff > i32::MAX as i64 {
                        let base = self.b.ins().iadd_imm_s(a, eoff);
                        self.store_elem(x, base, 0)?;
                    } else {
                        self.store_elem(x, a, eoff as i32)?;
                    }
                }
            }
            _ => {
                let v = self.expr(e)?;
                self.store(e.ty, &v, a, off)?;
            }
        }
        Ok(())
    }

    /// Whether [`Self::store_composite`] of `e` stores every byte of its
    /// value: every field or element is given, none of them zero, and they
    /// leave no padding. Zeroing the memory first would then be a dead
    /// store.
    fn writes_every_byte(&mut self, e: &Expr) -> bool {
        let size = self.ty(e.ty).size;
        match &e.kind {
            ExprKind::StructLit(items) => {
                let Kind::Struct { fields } = self.kind(e.ty) else {
                    return false;
                };
                !fields.iter().any(|f| f.blank)
                    && every_index(items.iter().map(|(i, _)| *i as u64), fields.len() as u64)
                    && self.items_fill(items.iter().map(|(_, x)| x), size)
            }
            ExprKind::ArrayLit(items) => {
                let Some((_, len)) = self.cg.prog.types.array_of(e.ty) else {
                    return false;
                };
                every_index(items.iter().map(|(i, _)| *i), len)
                    && self.items_fill(items.iter().map(|(_, x)| x), size)
            }
            _ => true,
        }
    }

    /// Whether storing `items` side by side writes all `size` bytes: none
    /// is left zero and each writes every byte of its own.
    fn items_fill<'e>(&mut self, items: impl Iterator<Item = &'e Expr>, size: u64) -> bool {
        let mut stored = 0;
        for x in items {
            if matches!(x.kind, ExprKind::Zero | ExprKind::Nil) || !self.writes_every_byte(x) {
                return false;
            }
            stored += self.ty(x.ty).size;
        }
        stored == size
    }

    fn store_elem(&mut self, x: &Expr, a: Value, off: i32) -> R<()> {
        match &x.kind {
            ExprKind::StructLit(_) | ExprKind::ArrayLit(_) if !self.ty(x.ty).is_regs() => {
                self.store_composite(x, a, off)
            }
            ExprKind::Zero | ExprKind::Nil => Ok(()),
            _ => {
                let v = self.expr(x)?;
                self.store(x.ty, &v, a, off)
            }
        }
    }

    fn slice_lit(&mut self, ty: gm_ir::TypeId, items: &[(u64, Expr)], place: AllocPlace) -> R<Val> {
        let Some(elem) = self.cg.prog.types.slice_elem(ty) else {
            return err("slice literal of a non-slice type");
        };
        let n = items.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
        let info = self.ty(elem);
        let fills = place == AllocPlace::Frame
            && every_index(items.iter().map(|(i, _)| *i), n)
            && self.items_fill(items.iter().map(|(_, x)| x), info.size * n);
        let p = if fills {
            self.temp(info.size * n)
        } else {
            self.zeroed(info.size * n, info.has_pointers, place)
        };
        for (i, x) in items {
            let off = *i as i64 * info.size as i64;
            if off > i32::MAX as i64 {
                let base = self.b.ins().iadd_imm_s(p, off);
                self.store_elem(x, base, 0)?;
            } else {
                self.store_elem(x, p, off as i32)?;
            }
        }
        let len = self.b.ins().iconst(PTR, n as i64);
        Ok(Val::Regs(vec![p, len, len]))
    }

    /// `x`'s bits viewed as type `ty` (same size).
    fn reinterpret(&mut self, x: &Expr, ty: gm_ir::TypeId) -> R<Val> {
        let v = self.expr(x)?;
        let to = self.ty(ty);
        let from = self.ty(x.ty);
        if let (Val::Regs(vs), Some(t)) = (&v, to.scalar())
            && vs.len() == 1
        {
            let ft = self.b.func.dfg.value_type(vs[0]);
            if ft == t {
                return Ok(Val::Regs(vec![vs[0]]));
            }
            if ft.bits() == t.bits() {
                let mf = cranelift_codegen::ir::MemFlagsData::new();
                return Ok(Val::Regs(vec![self.b.ins().bitcast(t, mf, vs[0])]));
            }
        }
        // Through memory.
        let size = from.size.max(to.size);
        let tmp = self.temp(size);
        if from.size < to.size {
            self.zero_mem(tmp, size);
        }
        self.store(x.ty, &v, tmp, 0)?;
        Ok(self.load(ty, tmp, 0))
    }
}

/// Whether `indices` name each of `0..n` exactly once.
fn every_index(indices: impl ExactSizeIterator<Item = u64>, n: u64) -> bool {
    if indices.len() as u64 != n {
        return false;
    }
    let mut given = vec![false; indices.len()];
    for i in indices {
        match given.get_mut(i as usize) {
            Some(g) if !*g => *g = true,
            _ => return false,
        }
    }
    true
}
