//! Statements: assignments in Go's two phases, control flow, loops and
//! ranges with Go 1.22 per-iteration variables, switch, return.

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, types};
use gm_ir::runtime::RtFn;
use gm_ir::{BinOp, Case, Expr, ExprKind, LoopId, RangeKind, Stmt, StmtKind, Var};

use crate::func::{FnCx, LoopTargets, Place, Storage, Val};
use crate::layout::PTR;
use crate::ops::const_int;
use crate::{R, err};

/// The stores and reads of a statement that runs straight through: the
/// places it assigns whole and the expressions it evaluates (`None` for a
/// statement that can branch or holds others).
fn straight(s: &Stmt) -> Option<(Vec<&Expr>, Vec<&Expr>)> {
    Some(match &s.kind {
        StmtKind::Decl(_) => (vec![], vec![]),
        StmtKind::Assign(l, r) => (vec![l], vec![r]),
        StmtKind::Assign2(l, r) => (l.iter().collect(), r.iter().collect()),
        StmtKind::Assign2Func(l, call) => (l.iter().collect(), vec![call]),
        StmtKind::AssignOp { lhs, rhs, .. } => (vec![], vec![lhs, rhs]),
        StmtKind::Expr(e) | StmtKind::Clear(e) => (vec![], vec![e]),
        StmtKind::Delete(m, k) => (vec![], vec![m, k]),
        StmtKind::Print(es, _) => (vec![], es.iter().collect()),
        _ => return None,
    })
}

/// How many statements past a declaration [`overwritten_next`] looks: the
/// temporaries order puts between a declaration and its first store are
/// a few, and a bound keeps a long block from costing quadratic time.
const LOOKAHEAD: usize = 16;

/// Whether the statements after the declaration of local `id` store all
/// of it before anything can read it: one assigns it whole, and those
/// before it run straight through without naming it. (Nothing reaches a
/// local just declared but its name.)
fn overwritten_next(rest: &[Stmt], id: gm_ir::LocalId) -> bool {
    let is_id = |e: &Expr| matches!(e.kind, ExprKind::Name(Var::Local(l)) if l == id);
    let names = |e: &&Expr| e.any(&mut |e| is_id(e));
    // A composite literal may be built in place, over the zeroed variable.
    let reads = |e: &&Expr| e.any(&mut |e| is_id(e) || matches!(e.kind, ExprKind::Init(..)));
    for s in rest.iter().take(LOOKAHEAD) {
        let Some((stores, evaluated)) = straight(s) else {
            return false;
        };
        let (whole, other): (Vec<&Expr>, Vec<&Expr>) = stores.into_iter().partition(|e| is_id(e));
        if !whole.is_empty() {
            return !evaluated.iter().any(reads) && !other.iter().any(names);
        }
        if evaluated.iter().chain(&other).any(names) {
            return false;
        }
    }
    false
}

impl FnCx<'_, '_> {
    pub fn stmts(&mut self, body: &[Stmt]) -> R<()> {
        for (i, s) in body.iter().enumerate() {
            if let StmtKind::Decl(id) = s.kind
                && matches!(self.locals[id.index()], Storage::Slot(_))
                && overwritten_next(&body[i + 1..], id)
            {
                // A statement stores the whole variable before it can be
                // read: zeroing it first would be a dead store.
                continue;
            }
            self.stmt(s)?;
        }
        Ok(())
    }

    pub fn stmt(&mut self, s: &Stmt) -> R<()> {
        let outer = self.at(s.span);
        // The innermost statement names the place of a failure.
        let r = self.stmt_kind(s).map_err(|e| e.at(&self.f.name, s.span));
        self.at(outer);
        r
    }

    /// Makes `span` the source of the instructions that follow (when
    /// tracing); returns the previous one.
    pub fn at(&mut self, span: gm_diag::Span) -> gm_diag::Span {
        if self.cg.trace {
            let loc = if span == gm_diag::Span::DUMMY {
                cranelift_codegen::ir::SourceLoc::default()
            } else {
                cranelift_codegen::ir::SourceLoc::new(span.lo)
            };
            self.b.set_srcloc(loc);
        }
        gm_diag::ice::at(span);
        std::mem::replace(&mut self.span, span)
    }

    fn stmt_kind(&mut self, s: &Stmt) -> R<()> {
        match &s.kind {
            StmtKind::Block(b) => self.stmts(b),
            StmtKind::Decl(id) => self.decl(*id),
            StmtKind::Assign(lhs, rhs) => self.assign(lhs, rhs),
            StmtKind::Assign2(lhs, rhs) => self.assign2(lhs, rhs),
            StmtKind::Assign2Func(lhs, call) => {
                let places = lhs
                    .iter()
                    .map(|l| self.place(l, false))
                    .collect::<R<Vec<Place>>>()?;
                let vals = self.multi(call)?;
                if vals.len() != places.len() {
                    return err("assignment count mismatch");
                }
                for (p, v) in places.iter().zip(&vals) {
                    self.finish(p);
                    self.place_store(p, v)?;
                }
                Ok(())
            }
            StmtKind::Assign2MapR(..) => self.unlowered("v, ok = m[k]"),
            StmtKind::AssignOp { op, lhs, rhs, .. } => {
                let p = self.place(lhs, false)?;
                let r = self.expr(rhs)?;
                self.finish(&p);
                let cur = self.place_load(&p)?;
                let v = self.arith(*op, lhs.ty, cur, r, rhs.ty, const_int(rhs))?;
                self.place_store(&p, &v)
            }
            StmtKind::Expr(e) => {
                if self.cg.prog.types.tuple_elems(e.ty).is_some() {
                    self.multi(e)?;
                } else {
                    self.expr(e)?;
                }
                Ok(())
            }
            StmtKind::If(c, then, els) => {
                let cv = self.expr1(c)?;
                let tb = self.b.create_block();
                let eb = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().brif(cv, tb, &[], eb, &[]);
                self.b.switch_to_block(tb);
                self.stmts(then)?;
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(eb);
                self.stmts(els)?;
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(done);
                Ok(())
            }
            StmtKind::For {
                id,
                cond,
                post,
                body,
                per_iteration,
            } => {
                let head = self.b.create_block();
                let entry = self.b.create_block();
                let cont = self.b.create_block();
                let exit = self.b.create_block();
                self.b.ins().jump(head, &[]);
                self.b.switch_to_block(head);
                match cond {
                    Some(c) => {
                        let cv = self.expr1(c)?;
                        self.b.ins().brif(cv, entry, &[], exit, &[]);
                    }
                    None => {
                        self.b.ins().jump(entry, &[]);
                    }
                }
                self.b.switch_to_block(entry);
                self.loop_body(*id, exit, Some(cont), body)?;
                self.b.switch_to_block(cont);
                for &l in per_iteration {
                    self.renew(l)?;
                }
                if let Some(p) = post {
                    self.stmt(p)?;
                }
                self.b.ins().jump(head, &[]);
                self.b.switch_to_block(exit);
                Ok(())
            }
            StmtKind::Range {
                id,
                kind,
                key,
                value,
                define,
                x,
                body,
            } => self.range(*id, kind, key.as_ref(), value.as_ref(), *define, x, body),
            StmtKind::Switch { id, tag, cases } => self.switch(*id, tag.as_ref(), cases),
            StmtKind::Return(es) => self.ret(es),
            StmtKind::Break(id) => {
                let Some(t) = self.loops.get(id) else {
                    return err("break outside its statement");
                };
                let brk = t.brk;
                self.b.ins().jump(brk, &[]);
                self.fresh_block();
                Ok(())
            }
            StmtKind::Continue(id) => {
                let Some(cont) = self.loops.get(id).and_then(|t| t.cont) else {
                    return err("continue outside a loop");
                };
                self.b.ins().jump(cont, &[]);
                self.fresh_block();
                Ok(())
            }
            StmtKind::Delete(..) => self.unlowered("delete"),
            StmtKind::Clear(x) => self.clear_slice(x),
            StmtKind::Print(args, newline) => self.print(args, *newline),
            StmtKind::Panic(x) => self.panic_value(x),
        }
    }

    /// A loop body that ends by jumping to `cont` (or `exit`).
    fn loop_body(
        &mut self,
        id: LoopId,
        exit: cranelift_codegen::ir::Block,
        cont: Option<cranelift_codegen::ir::Block>,
        body: &[Stmt],
    ) -> R<()> {
        self.loops.insert(id, LoopTargets { brk: exit, cont });
        self.stmts(body)?;
        self.b.ins().jump(cont.unwrap_or(exit), &[]);
        Ok(())
    }

    pub fn assign(&mut self, lhs: &Expr, rhs: &Expr) -> R<()> {
        let p = self.place(lhs, false)?;
        if matches!(rhs.kind, ExprKind::Zero | ExprKind::Nil) && !self.ty(lhs.ty).is_regs() {
            self.finish(&p);
            if let crate::func::Loc::Mem(a, off) = p.loc {
                let size = self.ty(lhs.ty).size;
                let at = self.offset(a, off);
                self.zero_mem(at, size);
            }
            return Ok(());
        }
        let v = self.expr(rhs)?;
        self.finish(&p);
        self.place_store(&p, &v)
    }

    fn assign2(&mut self, lhs: &[Expr], rhs: &[Expr]) -> R<()> {
        if lhs.len() != rhs.len() {
            return err("assignment count mismatch");
        }
        let places = lhs
            .iter()
            .map(|l| self.place(l, false))
            .collect::<R<Vec<Place>>>()?;
        let mut vals = Vec::with_capacity(rhs.len());
        for r in rhs {
            // Memory values are copied before any store can change them.
            let v = self.expr(r)?;
            vals.push(self.copied(v, r.ty));
        }
        for (p, v) in places.iter().zip(&vals) {
            self.finish(p);
            self.place_store(p, v)?;
        }
        Ok(())
    }

    pub fn ret(&mut self, es: &[Expr]) -> R<()> {
        let mut vals = Vec::new();
        for e in es {
            if self.cg.prog.types.tuple_elems(e.ty).is_some() {
                vals.extend(self.multi(e)?);
            } else {
                vals.push(self.expr(e)?);
            }
        }
        let rtypes = self.f.result_types.clone();
        if vals.len() != rtypes.len() {
            return err("wrong number of results");
        }
        let mut words = Vec::new();
        for (i, (v, &t)) in vals.iter().zip(&rtypes).enumerate() {
            match (self.sret[i], v) {
                (Some(out), _) => self.store(t, v, out, 0)?,
                (None, Val::Regs(vs)) => words.extend(vs),
                (None, Val::Addr(_)) => return err("result shape mismatch"),
            }
        }
        let want: Vec<_> = self
            .b
            .func
            .signature
            .returns
            .iter()
            .map(|p| p.value_type)
            .collect();
        if want.len() != words.len() {
            return err("result shape mismatch");
        }
        let words = words
            .iter()
            .zip(want)
            .map(|(&w, t)| self.fit(w, t))
            .collect::<R<Vec<_>>>()?;
        self.b.ins().return_(&words);
        self.fresh_block();
        Ok(())
    }

    /// Assigns one range variable (key or value) for an iteration.
    fn range_assign(&mut self, target: Option<&Expr>, define: bool, v: Val) -> R<()> {
        let Some(t) = target else { return Ok(()) };
        if matches!(t.kind, ExprKind::Blank) {
            return Ok(());
        }
        if define && let ExprKind::Name(Var::Local(id)) = t.kind {
            // A fresh variable per iteration.
            if matches!(self.locals[id.index()], Storage::Heap(_)) {
                self.decl(id)?;
            }
        }
        let p = self.place(t, false)?;
        self.finish(&p);
        self.place_store(&p, &v)
    }

    /// Evaluates what Go evaluates of an array operand whose value is not
    /// needed (its `safeExpr`): index expressions, but no dereference,
    /// bounds check or copy.
    fn operand_effects(&mut self, x: &Expr) -> R<()> {
        match &x.kind {
            ExprKind::Name(_) | ExprKind::Const(_) => Ok(()),
            ExprKind::Deref(a) | ExprKind::Dot(a, _) | ExprKind::DotPtr(a, _) => {
                self.operand_effects(a)
            }
            ExprKind::Index(a, i) => {
                self.operand_effects(a)?;
                self.expr(i).map(drop)
            }
            _ => self.expr(x).map(drop),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn range(
        &mut self,
        id: LoopId,
        kind: &RangeKind,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        x: &Expr,
        body: &[Stmt],
    ) -> R<()> {
        let key = key.filter(|k| !matches!(k.kind, ExprKind::Blank));
        let value = value.filter(|v| !matches!(v.kind, ExprKind::Blank));
        match kind {
            RangeKind::Map => return self.unlowered("range over a map"),
            RangeKind::String => return self.range_string(id, key, value, define, x, body),
            _ => {}
        }
        // Counted loops: an integer, an array, a pointer to an array, a slice.
        let ki = match kind {
            RangeKind::Int => Some(self.ty(x.ty)),
            _ => None,
        };
        let (n, base, elem) = match kind {
            RangeKind::Int => {
                let v = self.expr1(x)?;
                let signed = ki.as_ref().is_some_and(|k| k.is_signed());
                (self.widen(v, signed), None, None)
            }
            RangeKind::Slice => {
                let s = self.expr(x)?.words(2)?;
                let elem = self.cg.prog.types.slice_elem(x.ty);
                (s[1], Some(s[0]), elem)
            }
            RangeKind::Array => {
                let Some((elem, n)) = self.cg.prog.types.array_of(x.ty) else {
                    return err("range over a non-array");
                };
                let n = self.b.ins().iconst(PTR, n as i64);
                if value.is_some() {
                    // The array is copied once, before the loop.
                    let v = self.expr(x)?;
                    let info = self.ty(x.ty);
                    let tmp = self.temp(info.size);
                    self.store(x.ty, &v, tmp, 0)?;
                    (n, Some(tmp), Some(elem))
                } else {
                    // Only the length is used, and it is constant: Go
                    // evaluates no more of the operand than its indices.
                    self.operand_effects(x)?;
                    (n, None, Some(elem))
                }
            }
            RangeKind::ArrayPtr => {
                let arr = self.cg.prog.types.pointer_elem(x.ty);
                let Some((elem, n)) = arr.and_then(|a| self.cg.prog.types.array_of(a)) else {
                    return err("range over a non-array pointer");
                };
                let p = self.expr1(x)?;
                let n = self.b.ins().iconst(PTR, n as i64);
                (n, Some(p), Some(elem))
            }
            RangeKind::String | RangeKind::Map => return err("range kind"),
        };
        let i = self.b.declare_var(PTR);
        let zero = self.b.ins().iconst(PTR, 0);
        self.b.def_var(i, zero);
        let head = self.b.create_block();
        let entry = self.b.create_block();
        let cont = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(head);
        let iv = self.b.use_var(i);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, iv, n);
        self.b.ins().brif(more, entry, &[], exit, &[]);
        self.b.switch_to_block(entry);
        let iv = self.b.use_var(i);
        if let Some(k) = key {
            let kv = match &ki {
                Some(info) => match info.scalar() {
                    Some(t) if t != types::I64 => self.b.ins().ireduce(t, iv),
                    _ => iv,
                },
                None => iv,
            };
            self.range_assign(Some(k), define, Val::Regs(vec![kv]))?;
        }
        if let (Some(v), Some(elem)) = (value, elem) {
            let Some(base) = base else {
                return err("range value without elements");
            };
            if *kind == RangeKind::ArrayPtr {
                self.check_nil(base);
            }
            let esize = self.ty(elem).size as i64;
            let off = self.b.ins().imul_imm_s(iv, esize);
            let at = self.b.ins().iadd(base, off);
            let ev = self.load(elem, at, 0);
            self.range_assign(Some(v), define, ev)?;
        }
        self.loop_body(id, exit, Some(cont), body)?;
        self.b.switch_to_block(cont);
        let iv = self.b.use_var(i);
        let iv = self.b.ins().iadd_imm_s(iv, 1);
        self.b.def_var(i, iv);
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// `for i, r := range s`: runes decoded as Go does (ASCII inline).
    fn range_string(
        &mut self,
        id: LoopId,
        key: Option<&Expr>,
        value: Option<&Expr>,
        define: bool,
        x: &Expr,
        body: &[Stmt],
    ) -> R<()> {
        let s = self.expr(x)?.words(2)?;
        let k = self.b.declare_var(PTR);
        let next = self.b.declare_var(PTR);
        let r = self.b.declare_var(types::I32);
        let zero = self.b.ins().iconst(PTR, 0);
        self.b.def_var(k, zero);
        self.b.def_var(next, zero);
        let head = self.b.create_block();
        let entry = self.b.create_block();
        let multi = self.b.create_block();
        let decoded = self.b.create_block();
        let cont = self.b.create_block();
        let exit = self.b.create_block();
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(head);
        let kv = self.b.use_var(k);
        let more = self.b.ins().icmp(IntCC::SignedLessThan, kv, s[1]);
        self.b.ins().brif(more, entry, &[], exit, &[]);
        self.b.switch_to_block(entry);
        let kv = self.b.use_var(k);
        let at = self.b.ins().iadd(s[0], kv);
        let byte = self.b.ins().load(types::I8, FnCx::flags(), at, 0);
        let wide = self.b.ins().uextend(types::I32, byte);
        self.b.def_var(r, wide);
        let n1 = self.b.ins().iadd_imm_s(kv, 1);
        self.b.def_var(next, n1);
        let ascii = self.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, byte, 0x80);
        self.b.ins().brif(ascii, decoded, &[], multi, &[]);
        self.b.switch_to_block(multi);
        let out = self.temp(4);
        let nk = self.call_rt(RtFn::decoderune, &[s[0], s[1], kv, out])?[0];
        let rv = self.b.ins().load(types::I32, FnCx::flags(), out, 0);
        self.b.def_var(r, rv);
        self.b.def_var(next, nk);
        self.b.ins().jump(decoded, &[]);
        self.b.switch_to_block(decoded);
        let kv = self.b.use_var(k);
        self.range_assign(key, define, Val::Regs(vec![kv]))?;
        if value.is_some() {
            let rv = self.b.use_var(r);
            self.range_assign(value, define, Val::Regs(vec![rv]))?;
        }
        self.loop_body(id, exit, Some(cont), body)?;
        self.b.switch_to_block(cont);
        let nv = self.b.use_var(next);
        self.b.def_var(k, nv);
        self.b.ins().jump(head, &[]);
        self.b.switch_to_block(exit);
        Ok(())
    }

    fn switch(&mut self, id: LoopId, tag: Option<&Expr>, cases: &[Case]) -> R<()> {
        let tag = match tag {
            Some(t) => {
                let v = self.expr(t)?;
                Some((t.ty, self.copied(v, t.ty)))
            }
            None => None,
        };
        let exit = self.b.create_block();
        let bodies: Vec<_> = cases.iter().map(|_| self.b.create_block()).collect();
        let mut default = None;
        for (ci, c) in cases.iter().enumerate() {
            if c.exprs.is_empty() {
                default = Some(bodies[ci]);
                continue;
            }
            for e in &c.exprs {
                let cond = match &tag {
                    Some((t, tv)) => {
                        let ev = self.expr(e)?;
                        self.compare(BinOp::Eq, *t, tv, &ev)?
                    }
                    None => self.expr1(e)?,
                };
                let next = self.b.create_block();
                self.b.ins().brif(cond, bodies[ci], &[], next, &[]);
                self.b.switch_to_block(next);
            }
        }
        self.b.ins().jump(default.unwrap_or(exit), &[]);
        for (ci, c) in cases.iter().enumerate() {
            self.b.switch_to_block(bodies[ci]);
            self.loops.insert(
                id,
                LoopTargets {
                    brk: exit,
                    cont: None,
                },
            );
            self.stmts(&c.body)?;
            self.b.ins().jump(exit, &[]);
        }
        self.b.switch_to_block(exit);
        Ok(())
    }

    /// Fills the read-only tables of walk (`Global::init_value`).
    pub fn rodata(&mut self) -> R<()> {
        let entry = self.b.create_block();
        self.b.switch_to_block(entry);
        let prog = self.cg.prog;
        for (g, global) in prog.globals.iter() {
            let Some(init) = &global.init_value else {
                continue;
            };
            let a = self.global_addr(g);
            match &init.kind {
                ExprKind::ArrayLit(_) | ExprKind::StructLit(_) if !self.ty(global.ty).is_regs() => {
                    self.store_composite(init, a, 0)?
                }
                _ => {
                    let v = self.expr(init)?;
                    self.store(global.ty, &v, a, 0)?;
                }
            }
        }
        self.b.ins().return_(&[]);
        self.b.seal_all_blocks();
        match self.failed.take() {
            Some(e) => err(e),
            None => Ok(()),
        }
    }
}
