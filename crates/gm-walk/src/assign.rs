//! Walking assignments (Go's walkAssign, ascompatee, walkAssignMapRead):
//! `m[k] = v` becomes `p := mapassign…(T, m, k); *p = v`, `m[k] op= v`
//! one mapassign and `*p = *p op v`, `a, ok = m[k]` a mapaccess2 and a
//! load, and tuple assignments keep Go's left-to-right semantics.

use gm_diag::Span;
use gm_ir::runtime::RtFn;
use gm_ir::{BinOp, Expr, ExprKind, Stmt, StmtKind, Var};

use crate::mapfast::MapOp;
use crate::util::{declare, is_map_append, stmt};
use crate::walk::Walk;

impl Walk<'_, '_> {
    pub fn assign(&mut self, x: Expr, y: Expr, span: Span, out: &mut Vec<Stmt>) {
        // A literal assigned to a plain local is built in place.
        if let (ExprKind::MapLit(..), ExprKind::Name(Var::Local(l))) = (&y.kind, &x.kind)
            && !self.ctx.func.locals[*l].addr_taken
        {
            self.map_lit(y, x, out);
            return;
        }
        let map_append = is_map_append(&x, &y);
        let left = self.lhs(x, out);
        let left = self.safe_target(left, out);
        let right = if map_append {
            // m[k] = append(m[k], …): one mapassign serves both sides.
            let Expr {
                kind,
                ty,
                span: aspan,
            } = y;
            let ExprKind::Append(args, spread) = kind else {
                unreachable!("checked above")
            };
            let mut new_args = vec![left.clone()];
            for a in args.into_iter().skip(1) {
                new_args.push(self.expr(a, out));
            }
            Expr::new(ExprKind::Append(new_args, spread), ty, aspan)
        } else {
            self.expr(y, out)
        };
        out.push(stmt(StmtKind::Assign(left, right), span));
    }

    /// `*mapassign(…)` as a target is evaluated once, into a temporary.
    fn safe_target(&mut self, left: Expr, out: &mut Vec<Stmt>) -> Expr {
        match left.kind {
            ExprKind::Deref(p) if matches!(p.kind, ExprKind::RuntimeCall(..)) => {
                let (ty, span) = (left.ty, left.span);
                let tmp = self.ctx.copy_expr(out, *p);
                Expr::new(ExprKind::Deref(Box::new(tmp)), ty, span)
            }
            kind => Expr { kind, ..left },
        }
    }

    pub fn assign_op(
        &mut self,
        op: BinOp,
        lhs: Expr,
        rhs: Expr,
        incdec: bool,
        span: Span,
        out: &mut Vec<Stmt>,
    ) {
        if !matches!(lhs.kind, ExprKind::IndexMap(..)) {
            let lhs = self.lhs(lhs, out);
            let rhs = self.expr(rhs, out);
            out.push(stmt(
                StmtKind::AssignOp {
                    op,
                    lhs,
                    rhs,
                    incdec,
                },
                span,
            ));
            return;
        }
        // m[k] op= v → p := mapassign…(T, m, k); *p = *p op v
        let left = self.lhs(lhs, out);
        let left = self.safe_target(left, out);
        let right = self.expr(rhs, out);
        let ty = left.ty;
        let value = if op == BinOp::Add && self.ctx.types.is_string(ty) {
            Expr::new(ExprKind::AddStr(vec![left.clone(), right]), ty, span)
        } else {
            Expr::new(
                ExprKind::Binary(op, Box::new(left.clone()), Box::new(right)),
                ty,
                span,
            )
        };
        out.push(stmt(StmtKind::Assign(left, value), span));
    }

    /// `a, b = x, y` (Go's ascompatee): assignments run left to right, and
    /// a later operand that an earlier store may change is copied first.
    pub fn assign_list(&mut self, ls: Vec<Expr>, rs: Vec<Expr>, span: Span, out: &mut Vec<Stmt>) {
        let mut early: Vec<Stmt> = Vec::new();
        let mut late: Vec<(Expr, Expr)> = Vec::new();
        let mut assigned: Vec<gm_ir::LocalId> = Vec::new();
        let mut mem_write = false;
        for (l, r) in ls.into_iter().zip(rs) {
            let affected = |e: &Expr, assigned: &[gm_ir::LocalId], mem_write: bool, w: &Walk| {
                e.any(&mut |n| match &n.kind {
                    ExprKind::Name(Var::Local(id)) if assigned.contains(id) => true,
                    _ => mem_write && w.reads_memory(n),
                })
            };
            let mut save = |e: Expr, w: &mut Walk, early: &mut Vec<Stmt>| {
                if affected(&e, &assigned, mem_write, w) {
                    w.ctx.copy_expr(early, e)
                } else {
                    e
                }
            };
            // Save the operands the target needs, then the value.
            let target = self.save_target(l, &mut save, &mut early);
            let value = save(r, self, &mut early);
            // A store into a field or array element of a variable is a
            // store to that variable.
            let mut base = &target;
            while let ExprKind::Dot(x, _) | ExprKind::Index(x, _) = &base.kind {
                if matches!(base.kind, ExprKind::Index(..))
                    && self.ctx.types.array_of(x.ty).is_none()
                {
                    break;
                }
                base = x;
            }
            match &base.kind {
                ExprKind::Name(Var::Local(id)) => {
                    // An address-taken variable may alias any memory.
                    if self.ctx.func.locals[*id].addr_taken {
                        mem_write = true;
                    } else {
                        assigned.push(*id);
                    }
                }
                ExprKind::Blank => {}
                _ => mem_write = true,
            }
            late.push((target, value));
        }
        for s in early {
            self.stmt(s, out);
        }
        for (l, r) in late {
            self.assign(l, r, span, out);
        }
    }

    fn save_target(
        &mut self,
        l: Expr,
        save: &mut dyn FnMut(Expr, &mut Walk, &mut Vec<Stmt>) -> Expr,
        early: &mut Vec<Stmt>,
    ) -> Expr {
        let Expr { kind, ty, span } = l;
        let kind = match kind {
            ExprKind::Index(x, i) if self.ctx.types.array_of(x.ty).is_some() => {
                let i = save(*i, self, early);
                let x = self.save_target(*x, save, early);
                ExprKind::Index(Box::new(x), Box::new(i))
            }
            ExprKind::Dot(x, f) => ExprKind::Dot(Box::new(self.save_target(*x, save, early)), f),
            ExprKind::Index(x, i) => {
                let x = save(*x, self, early);
                ExprKind::Index(Box::new(x), Box::new(save(*i, self, early)))
            }
            ExprKind::IndexMap(x, i) => {
                let x = save(*x, self, early);
                ExprKind::IndexMap(Box::new(x), Box::new(save(*i, self, early)))
            }
            ExprKind::Deref(x) => ExprKind::Deref(Box::new(save(*x, self, early))),
            ExprKind::DotPtr(x, f) => ExprKind::DotPtr(Box::new(save(*x, self, early)), f),
            other => other,
        };
        Expr { kind, ty, span }
    }

    /// Whether evaluating `n` itself reads memory a store could change
    /// (Go's readsMemory).
    fn reads_memory(&self, n: &Expr) -> bool {
        match &n.kind {
            ExprKind::Name(Var::Local(id)) => self.ctx.func.locals[*id].addr_taken,
            ExprKind::Name(Var::Global(_)) => true,
            ExprKind::Binary(..)
            | ExprKind::Unary(..)
            | ExprKind::Conv(_)
            | ExprKind::ConvNop(_)
            | ExprKind::Dot(..)
            | ExprKind::Const(_)
            | ExprKind::Nil => false,
            _ => true,
        }
    }

    /// `a, ok = m[k]` → `p, ok = mapaccess2…(T, m, k); a = *p`.
    pub fn map_read2(&mut self, ls: Vec<Expr>, index: Expr, span: Span, out: &mut Vec<Stmt>) {
        let mut ls: Vec<Expr> = ls.into_iter().map(|l| self.lhs(l, out)).collect();
        let ExprKind::IndexMap(m, k) = index.kind else {
            unreachable!("AS2MAPR reads a map index")
        };
        let m = self.expr(*m, out);
        let k = self.expr(*k, out);
        let map = m.ty;
        let key = self.map_key_arg(map, k, false);
        let desc = self.type_desc(map, span);
        let mut args = vec![desc, m, key];
        let (f, why) = crate::mapfast::map_fn_why(self.ctx.types, map, MapOp::Access2);
        self.explain(f, span, why);
        if f == RtFn::mapaccess2_fat {
            args.push(self.map_zero(span));
        }
        let elem = index.ty;
        let pty = self.ctx.types.pointer(elem);
        let bool_ty = self.ctx.types.basic(gm_ir::Basic::Bool);
        let tuple = self.ctx.types.tuple(vec![pty, bool_ty]);
        let call = self.call_in(f, args, tuple, span, out);
        let value = ls.remove(0);
        let ok = ls.remove(0);
        if matches!(value.kind, ExprKind::Blank) {
            let blank = Expr::new(ExprKind::Blank, pty, value.span);
            out.push(stmt(StmtKind::Assign2Func(vec![blank, ok], call), span));
            return;
        }
        let p = self.ctx.temp(pty, span);
        declare(out, &p);
        out.push(stmt(StmtKind::Assign2Func(vec![p.clone(), ok], call), span));
        let load = Expr::new(ExprKind::Deref(Box::new(p)), elem, span);
        out.push(stmt(StmtKind::Assign(value, load), span));
    }
}
