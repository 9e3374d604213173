//! Go's order pass: evaluation-order temporaries and map key preparation.
//! See the crate documentation for what holds afterwards.

use gm_diag::Span;
use gm_ir::constant::ConstValue;
use gm_ir::{
    BinOp, Expr, ExprKind, FuncId, LocalKind, Program, RangeKind, Stmt, StmtKind, Type, TypeId,
};

use crate::mapfast::{MapFast, map_fast, reflexive};
use crate::util::{Ctx, appends_to_itself, is_cheap, is_map_append, is_name, same_safe_expr, stmt};

pub fn order_program(program: &mut Program) {
    // Go's front end drops dead code, then outlines large package-level
    // map literals, before ordering (while their dynamic entries are still
    // part of the literal).
    crate::deadcode::remove_dead_code(program);
    crate::outline::outline_map_inits(program);
    let ids: Vec<FuncId> = program.funcs.keys().collect();
    for id in ids {
        let mut func = std::mem::replace(&mut program.funcs[id], gm_ir::Func::new("", Span::DUMMY));
        let body = std::mem::take(&mut func.body);
        gm_diag::ice::enter(&func.name, func.span);
        let mut ctx = Ctx {
            types: &mut program.types,
            globals: &mut program.globals,
            func: &mut func,
        };
        func_body(&mut ctx, body);
        program.funcs[id] = func;
    }
}

fn func_body(ctx: &mut Ctx, body: Vec<Stmt>) {
    let ordered = block(ctx, body);
    ctx.func.body = ordered;
}

/// Orders a statement list into a new list.
pub(crate) fn block(ctx: &mut Ctx, stmts: Vec<Stmt>) -> Vec<Stmt> {
    let mut o = Order {
        ctx,
        out: Vec::new(),
    };
    for s in stmts {
        gm_diag::ice::at(s.span);
        o.stmt(s);
    }
    o.out
}

/// Orders one statement into a list (Go's orderStmtInPlace).
pub(crate) fn stmt_in_place(ctx: &mut Ctx, s: Stmt) -> Vec<Stmt> {
    block(ctx, vec![s])
}

struct Order<'c, 'p> {
    ctx: &'c mut Ctx<'p>,
    out: Vec<Stmt>,
}

impl Order<'_, '_> {
    fn push(&mut self, kind: StmtKind, span: Span) {
        self.out.push(stmt(kind, span));
    }

    fn copy_expr(&mut self, e: Expr) -> Expr {
        self.ctx.copy_expr(&mut self.out, e)
    }

    /// A name or constant; anything else is copied into a temporary.
    fn cheap_expr(&mut self, e: Expr) -> Expr {
        match &e.kind {
            _ if is_cheap(&e) => e,
            ExprKind::Len(x) | ExprKind::Cap(x) if is_cheap(x) => e,
            _ => self.copy_expr(e),
        }
    }

    /// A version of `e` that may be evaluated several times and assigned
    /// to with the same effect (for rewriting `x op= y`).
    fn safe_expr(&mut self, e: Expr) -> Expr {
        let Expr { kind, ty, span } = e;
        let kind = match kind {
            ExprKind::Name(_) | ExprKind::Const(_) | ExprKind::Nil => kind,
            ExprKind::Dot(x, i) => ExprKind::Dot(Box::new(self.safe_expr(*x)), i),
            ExprKind::DotPtr(x, i) => ExprKind::DotPtr(Box::new(self.cheap_expr(*x)), i),
            ExprKind::Deref(x) => ExprKind::Deref(Box::new(self.cheap_expr(*x))),
            ExprKind::Index(x, i) => {
                let x = if self.ctx.types.array_of(x.ty).is_some() {
                    self.safe_expr(*x)
                } else {
                    self.cheap_expr(*x)
                };
                ExprKind::Index(Box::new(x), Box::new(self.cheap_expr(*i)))
            }
            ExprKind::IndexMap(x, i) => {
                let x = self.cheap_expr(*x);
                ExprKind::IndexMap(Box::new(x), Box::new(self.cheap_expr(*i)))
            }
            other => return self.copy_expr(Expr::new(other, ty, span)),
        };
        Expr { kind, ty, span }
    }

    /// Replaces range targets other than names by temporaries assigned to
    /// them (together, as one tuple assignment) at the top of the body.
    fn range_targets(
        &mut self,
        key: Option<Expr>,
        value: Option<Expr>,
        mut body: Vec<Stmt>,
    ) -> (Option<Expr>, Option<Expr>, Vec<Stmt>) {
        let simple = |t: &Option<Expr>| {
            t.as_ref()
                .is_none_or(|t| matches!(t.kind, ExprKind::Name(_) | ExprKind::Blank))
        };
        if simple(&key) && simple(&value) {
            return (key, value, body);
        }
        let mut targets = Vec::new();
        let mut temps = Vec::new();
        let mut temp_for = |o: &mut Self, t: Option<Expr>| {
            let t = t.filter(|t| !matches!(t.kind, ExprKind::Blank))?;
            let tmp = o.ctx.zeroed_temp(&mut o.out, t.ty, t.span);
            targets.push(t);
            temps.push(tmp.clone());
            Some(tmp)
        };
        let key = temp_for(self, key);
        let value = temp_for(self, value);
        let span = targets[0].span;
        let assign = if targets.len() == 1 {
            let (t, v) = (targets.pop(), temps.pop());
            StmtKind::Assign(t.expect("one target"), v.expect("one temporary"))
        } else {
            StmtKind::Assign2(targets, temps)
        };
        body.insert(0, stmt(assign, span));
        (key, value, body)
    }

    fn stmt(&mut self, s: Stmt) {
        let span = s.span;
        match s.kind {
            StmtKind::Block(list) => {
                for s in list {
                    self.stmt(s);
                }
            }
            StmtKind::Decl(_) | StmtKind::Break(_) | StmtKind::Continue(_) => self.out.push(s),
            StmtKind::Assign(x, y) => self.assign(x, y, span),
            StmtKind::AssignOp {
                op,
                lhs,
                rhs,
                incdec,
            } => {
                let lhs = self.target(lhs);
                let rhs = self.expr(rhs, None);
                if matches!(lhs.kind, ExprKind::IndexMap(..))
                    && matches!(op, BinOp::Div | BinOp::Rem)
                {
                    // m[k] op= r → t := m[k]; m[k] = t op r, so a division
                    // by zero panics before the map is written.
                    let l1 = self.safe_expr(lhs);
                    let read = self.copy_expr(l1.clone());
                    let ty = l1.ty;
                    let value = self.expr(
                        Expr::new(
                            ExprKind::Binary(op, Box::new(read), Box::new(rhs)),
                            ty,
                            span,
                        ),
                        None,
                    );
                    let value = self.cheap_expr(value);
                    self.push(StmtKind::Assign(l1, value), span);
                    return;
                }
                let rhs = if matches!(lhs.kind, ExprKind::IndexMap(..)) {
                    self.cheap_expr(rhs)
                } else {
                    rhs
                };
                self.push(
                    StmtKind::AssignOp {
                        op,
                        lhs,
                        rhs,
                        incdec,
                    },
                    span,
                );
            }
            StmtKind::Assign2(ls, rs) => {
                let ls = self.targets(ls);
                let rs = self.expr_list(rs);
                self.push(StmtKind::Assign2(ls, rs), span);
            }
            StmtKind::Assign2Func(ls, call) => {
                let ls = self.targets(ls);
                let call = self.call(call);
                self.as2(ls, call, span, false);
            }
            StmtKind::Assign2MapR(ls, index) => {
                let ls = self.targets(ls);
                let ExprKind::IndexMap(m, k) = index.kind else {
                    unreachable!("AS2MAPR reads a map index")
                };
                let m = self.expr(*m, None);
                let k = self.expr(*k, None);
                let k = self.map_key_temp(m.ty, k);
                let index = Expr::new(
                    ExprKind::IndexMap(Box::new(m), Box::new(k)),
                    index.ty,
                    index.span,
                );
                self.as2(ls, index, span, true);
            }
            StmtKind::Expr(e) => {
                let e = self.call(e);
                self.push(StmtKind::Expr(e), span);
            }
            StmtKind::If(c, then, els) => {
                let c = self.expr_in_place(c);
                let then = block(self.ctx, then);
                let els = block(self.ctx, els);
                self.push(StmtKind::If(c, then, els), span);
            }
            StmtKind::For {
                id,
                cond,
                post,
                body,
                per_iteration,
            } => {
                let cond = cond.map(|c| self.expr_in_place(c));
                let body = block(self.ctx, body);
                let post = post.map(|p| {
                    let mut list = stmt_in_place(self.ctx, *p);
                    if list.len() == 1 {
                        Box::new(list.pop().expect("one statement"))
                    } else {
                        Box::new(stmt(StmtKind::Block(list), span))
                    }
                });
                self.push(
                    StmtKind::For {
                        id,
                        cond,
                        post,
                        body,
                        per_iteration,
                    },
                    span,
                );
            }
            StmtKind::Range {
                id,
                kind,
                key,
                value,
                define,
                x,
                body,
            } => {
                let x = self.expr(x, None);
                let clear_idiom = kind == RangeKind::Map
                    && is_map_clear(self.ctx.types, &key, &value, define, &x, &body);
                let x = match kind {
                    RangeKind::Int => x,
                    RangeKind::Array | RangeKind::Slice
                        if value
                            .as_ref()
                            .is_none_or(|v| matches!(v.kind, ExprKind::Blank)) =>
                    {
                        x
                    }
                    RangeKind::Map if clear_idiom => x,
                    RangeKind::ArrayPtr => x,
                    _ => self.copy_expr(x),
                };
                // Targets are assigned in the body each iteration, as
                // Go's walkRange does after ordering: a map range's by
                // walk, the others' by an assignment from temporaries.
                let (key, value, body) = if kind == RangeKind::Map {
                    (key, value, body)
                } else {
                    self.range_targets(key, value, body)
                };
                let body = if clear_idiom {
                    body
                } else {
                    block(self.ctx, body)
                };
                self.push(
                    StmtKind::Range {
                        id,
                        kind,
                        key,
                        value,
                        define,
                        x,
                        body,
                    },
                    span,
                );
            }
            StmtKind::Switch { id, tag, cases } => {
                let tag = tag.map(|t| self.expr(t, None));
                let cases = cases
                    .into_iter()
                    .map(|mut c| {
                        c.exprs = c.exprs.into_iter().map(|e| self.expr_in_place(e)).collect();
                        c.body = block(self.ctx, c.body);
                        c
                    })
                    .collect();
                self.push(StmtKind::Switch { id, tag, cases }, span);
            }
            StmtKind::Return(vals) => {
                let vals = self.operands(vals);
                self.push(StmtKind::Return(vals), span);
            }
            StmtKind::Delete(m, k) => {
                let m = self.expr(m, None);
                let k = self.expr(k, None);
                let k = self.map_key_temp(m.ty, k);
                self.push(StmtKind::Delete(m, k), span);
            }
            StmtKind::Clear(x) => {
                let x = self.expr(x, None);
                self.push(StmtKind::Clear(x), span);
            }
            StmtKind::Panic(x) => {
                let x = self.expr(x, None);
                self.push(StmtKind::Panic(x), span);
            }
            StmtKind::Print(args, nl) => {
                let args = self.operands(args);
                self.push(StmtKind::Print(args, nl), span);
            }
        }
    }

    fn assign(&mut self, x: Expr, y: Expr, span: Span) {
        // m[k] = append(m[k], …) keeps one map operand and key for both
        // sides, so walk can use one mapassign.
        let map_append = is_map_append(&x, &y);
        if map_append {
            let x = self.target(x);
            let ExprKind::IndexMap(m, k) = x.kind else {
                unreachable!("checked above")
            };
            let m = self.cheap_expr(*m);
            let k = self.cheap_expr(*k);
            let target = Expr::new(ExprKind::IndexMap(Box::new(m), Box::new(k)), x.ty, x.span);
            let Expr {
                kind,
                ty,
                span: yspan,
            } = y;
            let ExprKind::Append(mut args, spread) = kind else {
                unreachable!("checked above")
            };
            let rest: Vec<Expr> = args.drain(1..).collect();
            let rest: Vec<Expr> = rest.into_iter().map(|a| self.expr(a, None)).collect();
            let rest: Vec<Expr> = rest.into_iter().map(|a| self.cheap_expr(a)).collect();
            let mut all = vec![target.clone()];
            all.extend(rest);
            let y = Expr::new(ExprKind::Append(all, spread), ty, yspan);
            self.push(StmtKind::Assign(target, y), span);
            return;
        }
        let x = self.target(x);
        let y = self.expr(y, Some(&x));
        let y = if matches!(x.kind, ExprKind::IndexMap(..)) {
            self.safe_map_rhs(y)
        } else {
            y
        };
        self.push(StmtKind::Assign(x, y), span);
    }

    /// The right side of a map assignment must not panic once the map
    /// write has started: make it cheap.
    fn safe_map_rhs(&mut self, r: Expr) -> Expr {
        if let ExprKind::Append(..) = r.kind {
            let Expr { kind, ty, span } = r;
            let ExprKind::Append(args, spread) = kind else {
                unreachable!()
            };
            let mut it = args.into_iter();
            let mut out = vec![it.next().expect("append has a slice")];
            out.extend(it.map(|a| self.cheap_expr(a)));
            return Expr::new(ExprKind::Append(out, spread), ty, span);
        }
        self.cheap_expr(r)
    }

    /// `a, b = f()` / `a, ok = m[k]`: each non-blank target gets a
    /// temporary, then `a, b = t1, t2` assigns left to right.
    fn as2(&mut self, ls: Vec<Expr>, rhs: Expr, span: Span, map_read: bool) {
        let mut temps = Vec::new();
        let mut targets = Vec::new();
        let mut values = Vec::new();
        let bool_ty = self.ctx.types.basic(gm_ir::Basic::Bool);
        let result_types: Vec<TypeId> = if map_read {
            vec![rhs.ty, bool_ty]
        } else {
            self.ctx
                .types
                .tuple_elems(rhs.ty)
                .map(|t| t.to_vec())
                .unwrap_or_default()
        };
        for (i, l) in ls.into_iter().enumerate() {
            if matches!(l.kind, ExprKind::Blank) {
                temps.push(l);
                continue;
            }
            let ty = result_types.get(i).copied().unwrap_or(l.ty);
            let t = self.ctx.temp(ty, l.span);
            crate::util::declare(&mut self.out, &t);
            temps.push(t.clone());
            // The ok result is converted to the target's (maybe named) bool type.
            let value = if map_read && i == 1 && ty != l.ty {
                Expr::new(ExprKind::ConvNop(Box::new(t)), l.ty, l.span)
            } else {
                t
            };
            targets.push(l);
            values.push(value);
        }
        let kind = if map_read {
            StmtKind::Assign2MapR(temps, rhs)
        } else {
            StmtKind::Assign2Func(temps, rhs)
        };
        self.push(kind, span);
        if !targets.is_empty() {
            let as2 = if targets.len() == 1 {
                StmtKind::Assign(targets.pop().expect("one"), values.pop().expect("one"))
            } else {
                StmtKind::Assign2(targets, values)
            };
            self.stmt(stmt(as2, span));
        }
    }

    /// Orders an assignment target: a map element keeps its key's
    /// conversions, which happen before the write.
    fn target(&mut self, e: Expr) -> Expr {
        match e.kind {
            ExprKind::IndexMap(m, k) => {
                let m = self.expr(*m, None);
                let k = self.expr(*k, None);
                let k = self.map_key_temp(m.ty, k);
                Expr::new(ExprKind::IndexMap(Box::new(m), Box::new(k)), e.ty, e.span)
            }
            kind => self.expr(Expr::new(kind, e.ty, e.span), None),
        }
    }

    fn targets(&mut self, es: Vec<Expr>) -> Vec<Expr> {
        es.into_iter().map(|e| self.target(e)).collect()
    }

    fn expr_list(&mut self, es: Vec<Expr>) -> Vec<Expr> {
        es.into_iter().map(|e| self.expr(e, None)).collect()
    }

    /// Orders the operands of a call, `return` or `print`. A single call
    /// with several results supplies them all: `f(g())` becomes
    /// `t1, t2 := g(); f(t1, t2)`.
    fn operands(&mut self, es: Vec<Expr>) -> Vec<Expr> {
        let tuple = match es.as_slice() {
            [call] => self.ctx.types.tuple_elems(call.ty).map(|ts| ts.to_vec()),
            _ => None,
        };
        let Some(types) = tuple else {
            return self.expr_list(es);
        };
        let call = self.call(es.into_iter().next().expect("one operand"));
        let span = call.span;
        let temps: Vec<Expr> = types
            .iter()
            .map(|&t| self.ctx.zeroed_temp(&mut self.out, t, span))
            .collect();
        self.push(StmtKind::Assign2Func(temps.clone(), call), span);
        temps
    }

    /// Orders a call's operands (the call itself stays in place).
    fn call(&mut self, e: Expr) -> Expr {
        let Expr { kind, ty, span } = e;
        let kind = match kind {
            ExprKind::Call(f, args) => ExprKind::Call(f, self.operands(args)),
            other => {
                let mut e = Expr::new(other, ty, span);
                self.children(&mut e);
                return e;
            }
        };
        Expr::new(kind, ty, span)
    }

    fn children(&mut self, e: &mut Expr) {
        for c in e.children_mut() {
            let taken = std::mem::replace(c, Expr::new(ExprKind::Zero, c.ty, c.span));
            *c = self.expr(taken, None);
        }
    }

    /// Orders an expression whose side effects must stay attached to it
    /// (conditions, case values): they become its `Init` statements.
    fn expr_in_place(&mut self, e: Expr) -> Expr {
        let mut inner = Order {
            ctx: self.ctx,
            out: Vec::new(),
        };
        let e = inner.expr(e, None);
        let stmts = inner.out;
        if stmts.is_empty() {
            return e;
        }
        let (ty, span) = (e.ty, e.span);
        Expr::new(ExprKind::Init(stmts, Box::new(e)), ty, span)
    }

    /// Orders an expression, moving side effects into statements before it.
    /// `lhs` is the assignment target when the expression is a right side.
    fn expr(&mut self, e: Expr, lhs: Option<&Expr>) -> Expr {
        let assigned_to_name = lhs.is_some_and(is_name);
        match e.kind {
            ExprKind::IndexMap(..) => {
                let Expr { kind, ty, span } = e;
                let ExprKind::IndexMap(m, k) = kind else {
                    unreachable!()
                };
                let m = self.expr(*m, None);
                let k = self.expr(*k, None);
                // A read whose key converts a []byte happens at once, so
                // the bytes cannot change in between (Go's
                // mapKeyReplaceStrConv).
                let copy = converts_bytes(&k);
                let k = self.map_key_temp(m.ty, k);
                let read = Expr::new(ExprKind::IndexMap(Box::new(m), Box::new(k)), ty, span);
                if copy { self.copy_expr(read) } else { read }
            }
            ExprKind::Binary(op @ (BinOp::AndAnd | BinOp::OrOr), ..) => {
                // r = x; if r { r = y } (for ||: if !r)
                let Expr { kind, ty, span } = e;
                let ExprKind::Binary(_, x, y) = kind else {
                    unreachable!()
                };
                let r = self.ctx.temp(ty, span);
                crate::util::declare(&mut self.out, &r);
                let x = self.expr(*x, None);
                self.push(StmtKind::Assign(r.clone(), x), span);
                let mut inner = Order {
                    ctx: self.ctx,
                    out: Vec::new(),
                };
                let y = inner.expr(*y, None);
                inner.push(StmtKind::Assign(r.clone(), y), span);
                let generated = inner.out;
                let kind = if op == BinOp::AndAnd {
                    StmtKind::If(r.clone(), generated, vec![])
                } else {
                    StmtKind::If(r.clone(), vec![], generated)
                };
                self.push(kind, span);
                r
            }
            ExprKind::Call(..)
            | ExprKind::Len(_)
            | ExprKind::Cap(_)
            | ExprKind::Copy(..)
            | ExprKind::MakeMap(..)
            | ExprKind::MakeSlice(..)
            | ExprKind::MinMax(..)
            | ExprKind::New(_)
            | ExprKind::StrToBytes(..)
            | ExprKind::StrToRunes(..) => {
                let e = self.call(e);
                if assigned_to_name {
                    e
                } else {
                    self.copy_expr(e)
                }
            }
            ExprKind::Append(..) => {
                let mut e = e;
                self.children(&mut e);
                let first = match &e.kind {
                    ExprKind::Append(args, _) => args.first(),
                    _ => None,
                };
                let keep = lhs
                    .is_some_and(|l| is_name(l) || first.is_some_and(|a| appends_to_itself(l, a)));
                if keep { e } else { self.copy_expr(e) }
            }
            ExprKind::Slice { .. } => {
                let Expr { kind, ty, span } = e;
                let ExprKind::Slice {
                    kind: sk,
                    x,
                    lo,
                    hi,
                    max,
                } = kind
                else {
                    unreachable!()
                };
                let x = self.expr(*x, None);
                let mut bound = |b: Option<Box<Expr>>| {
                    b.map(|b| {
                        let b = self.expr(*b, None);
                        Box::new(self.cheap_expr(b))
                    })
                };
                let (lo, hi, max) = (bound(lo), bound(hi), bound(max));
                let keep = lhs.is_some_and(|l| is_name(l) || same_safe_expr(l, &x));
                let e = Expr::new(
                    ExprKind::Slice {
                        kind: sk,
                        x: Box::new(x),
                        lo,
                        hi,
                        max,
                    },
                    ty,
                    span,
                );
                if keep { e } else { self.copy_expr(e) }
            }
            ExprKind::MapLit(..) => self.map_lit(e),
            _ => {
                let mut e = e;
                self.children(&mut e);
                e
            }
        }
    }

    /// Splits a map literal: static entries stay in the literal, dynamic
    /// ones become assignments after it (Go issue 26552).
    fn map_lit(&mut self, e: Expr) -> Expr {
        let Expr { kind, ty, span } = e;
        let ExprKind::MapLit(entries, moved, esc) = kind else {
            unreachable!()
        };
        let (statics, dynamics): (Vec<_>, Vec<_>) = entries
            .into_iter()
            .partition(|(k, v)| is_static_literal(k) && is_static_literal(v));
        if dynamics.is_empty() {
            return Expr::new(ExprKind::MapLit(statics, moved, esc), ty, span);
        }
        let m = self.ctx.temp(ty, span);
        crate::util::declare(&mut self.out, &m);
        let lit = Expr::new(
            ExprKind::MapLit(statics, moved + dynamics.len() as u64, esc),
            ty,
            span,
        );
        self.push(StmtKind::Assign(m.clone(), lit), span);
        let elem = self.ctx.types.map_types(ty).map_or(ty, |(_, v)| v);
        for (k, v) in dynamics {
            let kspan = k.span;
            let target = Expr::new(
                ExprKind::IndexMap(Box::new(m.clone()), Box::new(k)),
                elem,
                kspan,
            );
            self.stmt(stmt(StmtKind::Assign(target, v), kspan));
        }
        m
    }

    /// Prepares a map key for the runtime call (Go's mapKeyTemp): slow keys
    /// must be addressable; fast keys are converted to the parameter type.
    fn map_key_temp(&mut self, map_ty: TypeId, k: Expr) -> Expr {
        let fast = map_fast(self.ctx.types, map_ty);
        let types = &mut *self.ctx.types;
        let kt = match fast {
            MapFast::Slow => return self.addr_temp(k),
            MapFast::Fast32 => types.basic(gm_ir::Basic::Uint32),
            MapFast::Fast64 => types.basic(gm_ir::Basic::Uint64),
            MapFast::Fast32Ptr | MapFast::Fast64Ptr => types.basic(gm_ir::Basic::UnsafePointer),
            MapFast::FastStr => types.basic(gm_ir::Basic::String),
        };
        let nt = k.ty;
        if nt == kt {
            return k;
        }
        let span = k.span;
        let same_kind = types.basic_of(nt).is_some() && types.basic_of(nt) == types.basic_of(kt);
        let ptr_shaped = |t: TypeId, types: &gm_ir::TypeTable| {
            types.pointer_elem(t).is_some()
                || types.basic_of(t) == Some(gm_ir::Basic::UnsafePointer)
        };
        if same_kind || (ptr_shaped(nt, types) && ptr_shaped(kt, types)) {
            return Expr::new(ExprKind::ConvNop(Box::new(k)), kt, span);
        }
        if types.is_integer(nt) && types.is_integer(kt) {
            if let ExprKind::Const(v @ ConstValue::Int(_)) = &k.kind {
                // A signed constant becomes the unsigned constant with the
                // same 64 bits (Go: `uint64(int64(v))`).
                let bits = v.bits();
                return Expr::new(ExprKind::Const(ConstValue::int(bits)), kt, span);
            }
            return Expr::new(ExprKind::Conv(Box::new(k)), kt, span);
        }
        // Composite keys are reinterpreted through memory:
        // var tmp kt; *(*nt)(&tmp) = k
        let tmp = self.ctx.zeroed_temp(&mut self.out, kt, span);
        let addr = self.ctx.addr_of(tmp.clone());
        let pnt = self.ctx.types.pointer(nt);
        let view = Expr::new(ExprKind::ConvNop(Box::new(addr)), pnt, span);
        let target = Expr::new(ExprKind::Deref(Box::new(view)), nt, span);
        self.push(StmtKind::Assign(target, k), span);
        tmp
    }

    /// Makes `e` addressable for a runtime call taking its address:
    /// constants become read-only statics, register-friendly locals are
    /// copied, other addressable operands are used as they are.
    fn addr_temp(&mut self, e: Expr) -> Expr {
        if matches!(e.kind, ExprKind::Const(_) | ExprKind::Nil) {
            return self.ctx.readonly_static(e);
        }
        if self.addressable(&e) {
            if let Some(local) = e.outer_local(self.ctx.types) {
                let l = &self.ctx.func.locals[local];
                let is_auto = matches!(l.kind, LocalKind::Var | LocalKind::Temp);
                if is_auto && !l.addr_taken && can_ssa(self.ctx.types, l.ty) {
                    return self.copy_expr(e);
                }
            }
            return e;
        }
        self.copy_expr(e)
    }

    /// Go's addressability: variables, pointer indirections, slice
    /// elements, and fields or array elements of addressable operands (a
    /// string's bytes are not addressable).
    fn addressable(&self, e: &Expr) -> bool {
        let types = &*self.ctx.types;
        match &e.kind {
            ExprKind::Name(_) | ExprKind::Deref(_) | ExprKind::DotPtr(..) => true,
            ExprKind::Dot(x, _) => self.addressable(x),
            ExprKind::Index(x, _) if types.slice_elem(x.ty).is_some() => true,
            ExprKind::Index(x, _) if types.array_of(x.ty).is_some() => self.addressable(x),
            _ => false,
        }
    }
}

/// Whether Go's SSA backend could keep a value of this type in registers
/// (small, and not an array of several elements).
fn can_ssa(types: &mut gm_ir::TypeTable, t: TypeId) -> bool {
    if types.size(t) > 32 {
        return false;
    }
    match types.under(t).clone() {
        Type::Array(e, n) => n <= 1 && can_ssa(types, e),
        Type::Struct(fields) => fields.len() <= 4 && fields.iter().all(|f| can_ssa(types, f.ty)),
        _ => true,
    }
}

/// Go's isStaticCompositeLiteral: constants, nil, and array/struct
/// literals made of them.
pub(crate) fn is_static_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Nil => true,
        ExprKind::ConvNop(x) => matches!(x.kind, ExprKind::Nil),
        ExprKind::ArrayLit(items) => items.iter().all(|(_, v)| is_static_literal(v)),
        ExprKind::StructLit(items) => items.iter().all(|(_, v)| is_static_literal(v)),
        _ => false,
    }
}

/// Go's isMapClear: `for k := range m { delete(m, k) }` with a key declared
/// by the range, a one-statement body, and a reflexive key type.
pub(crate) fn is_map_clear(
    types: &gm_ir::TypeTable,
    key: &Option<Expr>,
    value: &Option<Expr>,
    define: bool,
    x: &Expr,
    body: &[Stmt],
) -> bool {
    let (Some(k), None) = (key, value) else {
        return false;
    };
    if !define || matches!(k.kind, ExprKind::Blank) {
        return false;
    }
    let body = flatten(body);
    let [only] = body.as_slice() else {
        return false;
    };
    let StmtKind::Delete(m, dk) = &only.kind else {
        return false;
    };
    if !same_safe_expr(m, x) || !same_safe_expr(dk, k) {
        return false;
    }
    let key_ty = types.map_types(x.ty).map(|(k, _)| k);
    key_ty.is_some_and(|kt| reflexive(types, kt))
}

/// The statements of a body with nested blocks flattened (Go's frontend
/// flattens them and drops empty statements).
fn flatten(body: &[Stmt]) -> Vec<&Stmt> {
    let mut out = Vec::new();
    for s in body {
        match &s.kind {
            StmtKind::Block(inner) => out.extend(flatten(inner)),
            _ => out.push(s),
        }
    }
    out
}

/// Whether a map key is, or holds as a literal's element, a `string(b)`
/// conversion of a byte slice.
fn converts_bytes(k: &Expr) -> bool {
    match &k.kind {
        ExprKind::BytesToStr(_) => true,
        ExprKind::StructLit(fields) => fields.iter().any(|(_, v)| converts_bytes(v)),
        ExprKind::ArrayLit(elems) => elems.iter().any(|(_, v)| converts_bytes(v)),
        _ => false,
    }
}
