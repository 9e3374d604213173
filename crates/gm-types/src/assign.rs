//! Assignments: `=`, `:=`, `op=`, tuple forms, multi-value calls and the
//! comma-ok map read, with Go's checks on what may be assigned to.

use gm_ir::{Basic, Expr, ExprKind, Stmt, StmtKind, Var};
use gm_syntax::ast::{self, AssignOp, ExprKind as A};

use crate::binary::ir_op;
use crate::decl::plural;
use crate::operand::{Mode, Operand};
use crate::{Checker, Entity};
use gm_syntax::exprtext::expr_string;

impl<'a> Checker<'a> {
    /// Checks an assignment target. A bare identifier is not a use of the
    /// variable; `_` becomes a blank target (its type set by the caller).
    pub fn lhs_expr(&mut self, x: &'a ast::Expr) -> Option<Expr> {
        let inner = crate::expr::strip_parens(x);
        if let A::Ident(name) = &inner.kind {
            if name == "_" {
                let t = self.invalid_type();
                return Some(Expr::new(ExprKind::Blank, t, x.span));
            }
            if let Some(Entity::Local(id)) = self.lookup(name, x.span) {
                let ty = self.func().locals[id].ty;
                if self.is_invalid(ty) {
                    return None;
                }
                return Some(Expr::local(id, ty, x.span));
            }
        }
        let op = self.expr(x);
        match op.mode {
            Mode::Invalid => None,
            Mode::Variable | Mode::MapIndex => Some(op.expr),
            _ => {
                let text = expr_string(x);
                let msg = if field_of_map(&op.expr) {
                    format!("cannot assign to struct field {text} in map")
                } else {
                    format!(
                        "cannot assign to {text} (neither addressable nor a map index expression)"
                    )
                };
                self.error(x.span, msg);
                None
            }
        }
    }

    /// The value on the right of a one-to-one assignment: a multi-value
    /// call there is an assignment mismatch.
    pub fn single_value(&mut self, r: &'a ast::Expr, vars: usize) -> Operand {
        let op = self.expr(r);
        if self.tuple_results(&op).is_some() {
            self.assign_mismatch(vars, r, &op);
            return Operand::new(
                Mode::Invalid,
                Expr::new(ExprKind::Zero, self.invalid_type(), r.span),
            );
        }
        self.require_value(op, r)
    }

    /// Go reports a count mismatch at the (first) right-hand side.
    pub fn assign_mismatch(&mut self, vars: usize, rhs: &ast::Expr, op: &Operand) {
        if op.is_invalid() {
            return;
        }
        let values = match self.tuple_results(op) {
            Some(ts) => ts.len(),
            None if op.mode == Mode::NoValue => 0,
            None => 1,
        };
        let msg = match (&rhs.kind, self.tuple_results(op)) {
            (A::Call { func, .. }, _) if op.mode != Mode::NoValue || values == 0 => format!(
                "assignment mismatch: {} but {} returns {}",
                plural(vars, "variable"),
                expr_string(func),
                plural(values, "value")
            ),
            _ => format!(
                "assignment mismatch: {} but {}",
                plural(vars, "variable"),
                plural(values, "value")
            ),
        };
        self.error(rhs.span, msg);
    }

    pub fn assign_stmt(
        &mut self,
        s: &'a ast::Stmt,
        at: gm_diag::Span,
        lhs: &'a [ast::Expr],
        op: AssignOp,
        rhs: &'a [ast::Expr],
        out: &mut Vec<Stmt>,
    ) {
        let span = s.span;
        match op {
            AssignOp::Op(bop) => {
                if lhs.len() != 1 || rhs.len() != 1 {
                    self.error(
                        span,
                        format!(
                            "assignment operation {}= requires single-valued expressions",
                            bop.symbol()
                        ),
                    );
                    return;
                }
                let Some(target) = self.lhs_expr(&lhs[0]) else {
                    self.value(&rhs[0]);
                    return;
                };
                if let ExprKind::Name(Var::Local(id)) = target.kind {
                    // `x op= y` reads x.
                    if let Some(fc) = &mut self.fc {
                        fc.used.insert(id);
                    }
                }
                let mode = if matches!(target.kind, ExprKind::IndexMap(..)) {
                    Mode::MapIndex
                } else {
                    Mode::Variable
                };
                let x = Operand::new(mode, target.clone());
                let y = self.value(&rhs[0]);
                let text = format!(
                    "{} {}= {}",
                    expr_string(&lhs[0]),
                    bop.symbol(),
                    expr_string(&rhs[0])
                );
                let whole = ast::Expr::new(A::Ident(text), span);
                let result = self.binary_operands(span, &whole, ir_op(bop), x, &lhs[0], y, &rhs[0]);
                if result.is_invalid() {
                    return;
                }
                let ExprKind::Binary(irop, _, r) = result.expr.kind else {
                    // Strings: `s += t` folds into a concatenation whose
                    // first operand is the target; the rest is the value.
                    if let ExprKind::AddStr(parts) = result.expr.kind {
                        let mut rest: Vec<Expr> = parts.into_iter().skip(1).collect();
                        let r = if rest.len() == 1 {
                            rest.pop().expect("one operand")
                        } else {
                            Expr::new(ExprKind::AddStr(rest), result.expr.ty, rhs[0].span)
                        };
                        out.push(Stmt {
                            kind: StmtKind::AssignOp {
                                op: gm_ir::BinOp::Add,
                                lhs: target,
                                rhs: r,
                                incdec: false,
                            },
                            span,
                        });
                    }
                    return;
                };
                out.push(Stmt {
                    kind: StmtKind::AssignOp {
                        op: irop,
                        lhs: target,
                        rhs: *r,
                        incdec: false,
                    },
                    span,
                });
            }
            AssignOp::Plain => {
                if let Some(k) = self.plain_assign(lhs, rhs) {
                    out.push(Stmt { kind: k, span });
                }
            }
            AssignOp::Define => self.define(s, at, lhs, rhs, out),
        }
    }

    fn plain_assign(&mut self, lhs: &'a [ast::Expr], rhs: &'a [ast::Expr]) -> Option<StmtKind> {
        if rhs.len() == 1 && lhs.len() > 1 {
            let targets: Vec<Option<Expr>> = lhs.iter().map(|l| self.lhs_expr(l)).collect();
            let op = self.expr(&rhs[0]);
            return self.multi_value(targets, lhs, op, &rhs[0]);
        }
        if lhs.len() != rhs.len() {
            let msg = format!(
                "assignment mismatch: {} but {}",
                plural(lhs.len(), "variable"),
                plural(rhs.len(), "value")
            );
            self.error(rhs[0].span, msg);
            for r in rhs {
                self.expr(r);
            }
            return None;
        }
        let mut ls = Vec::new();
        let mut rs = Vec::new();
        for (l, r) in lhs.iter().zip(rhs) {
            let target = self.lhs_expr(l);
            let op = self.single_value(r, lhs.len());
            let Some(mut target) = target else { continue };
            let value = if matches!(target.kind, ExprKind::Blank) {
                let v = self.define_value(op, r, "assignment");
                target.ty = v.ty;
                v
            } else {
                self.assign_value(op, target.ty, r, "assignment")
            };
            ls.push(target);
            rs.push(value);
        }
        if ls.len() != lhs.len() {
            return None;
        }
        if ls.len() == 1 {
            return Some(StmtKind::Assign(ls.pop()?, rs.pop()?));
        }
        Some(StmtKind::Assign2(ls, rs))
    }

    /// `a, b = f()` and `v, ok = m[k]`.
    fn multi_value(
        &mut self,
        targets: Vec<Option<Expr>>,
        lhs: &'a [ast::Expr],
        op: Operand,
        rhs: &'a ast::Expr,
    ) -> Option<StmtKind> {
        if op.is_invalid() {
            return None;
        }
        if op.mode == Mode::MapIndex && targets.len() == 2 {
            let bool_ty = self.types.basic(Basic::Bool);
            let mut ls = Vec::new();
            for (i, t) in targets.into_iter().enumerate() {
                let mut t = t?;
                let vt = if i == 0 { op.ty() } else { bool_ty };
                if matches!(t.kind, ExprKind::Blank) {
                    t.ty = vt;
                } else if i == 0 && !self.assignable_type(vt, t.ty) {
                    let msg = format!(
                        "cannot use {} (map index expression of type {}) as {} value in assignment",
                        expr_string(rhs),
                        self.types.display(vt),
                        self.types.display(t.ty)
                    );
                    self.error(rhs.span, msg);
                } else if i == 1 && !self.types.is_boolean(t.ty) {
                    let msg = format!(
                        "cannot use {} (untyped bool value) as {} value in assignment",
                        expr_string(rhs),
                        self.types.display(t.ty)
                    );
                    self.error(rhs.span, msg);
                }
                ls.push(t);
            }
            return Some(StmtKind::Assign2MapR(ls, op.expr));
        }
        match self.tuple_results(&op) {
            Some(ts) if ts.len() == targets.len() => {
                let mut ls = Vec::new();
                for (t, &vt) in targets.into_iter().zip(&ts) {
                    let mut t = t?;
                    if matches!(t.kind, ExprKind::Blank) {
                        t.ty = vt;
                    } else if !self.assignable_type(vt, t.ty) {
                        // Go names the call, with the result's type.
                        let msg = format!(
                            "cannot use {} (value of type {}) as {} value in assignment",
                            expr_string(rhs),
                            self.types.display(vt),
                            self.types.display(t.ty)
                        );
                        self.error(rhs.span, msg);
                    }
                    ls.push(t);
                }
                Some(StmtKind::Assign2Func(ls, op.expr))
            }
            _ => {
                self.assign_mismatch(lhs.len(), rhs, &op);
                None
            }
        }
    }

    fn define(
        &mut self,
        s: &'a ast::Stmt,
        at: gm_diag::Span,
        lhs: &'a [ast::Expr],
        rhs: &'a [ast::Expr],
        out: &mut Vec<Stmt>,
    ) {
        let span = s.span;
        let mut idents = Vec::new();
        for l in lhs {
            match &l.kind {
                A::Ident(name) => idents.push(ast::Ident {
                    name: name.clone(),
                    span: l.span,
                }),
                _ => {
                    // Go still uses what the expression names.
                    self.expr(l);
                    self.error(
                        l.span,
                        format!("non-name {} on left side of :=", expr_string(l)),
                    );
                    for r in rhs {
                        self.expr(r);
                    }
                    return;
                }
            }
        }
        // Which names are new in this scope.
        let scope_has = |c: &Self, n: &str| {
            c.fc.as_ref()
                .and_then(|fc| fc.scopes.in_innermost(n))
                .cloned()
        };
        let mut is_new = Vec::new();
        let mut any_new = false;
        let mut seen = foldhash::HashSet::default();
        for id in &idents {
            if id.name != "_" && !seen.insert(id.name.clone()) {
                self.error(id.span, format!("{} repeated on left side of :=", id.name));
                return;
            }
            let existing = if id.name == "_" {
                None
            } else {
                scope_has(self, &id.name)
            };
            let new = id.name != "_" && !matches!(existing, Some(Entity::Local(_)));
            any_new |= new;
            is_new.push(new);
        }
        if !any_new {
            self.error(at, "no new variables on left side of :=");
        }
        // Evaluate the right side before declaring the new names.
        enum Rhs {
            Each(Vec<Expr>),
            Tuple(Operand),
            Bad,
        }
        let values = if rhs.len() == 1 && lhs.len() > 1 {
            Rhs::Tuple(self.expr(&rhs[0]))
        } else if rhs.len() != lhs.len() {
            let msg = format!(
                "assignment mismatch: {} but {}",
                plural(lhs.len(), "variable"),
                plural(rhs.len(), "value")
            );
            self.error(rhs[0].span, msg);
            for r in rhs {
                self.expr(r);
            }
            Rhs::Bad
        } else {
            let mut v = Vec::new();
            for (r, (id, &new)) in rhs.iter().zip(idents.iter().zip(&is_new)) {
                let op = self.single_value(r, lhs.len());
                let e = if new || id.name == "_" {
                    self.define_value(op, r, "assignment")
                } else {
                    let t = match scope_has(self, &id.name) {
                        Some(Entity::Local(l)) => self.func().locals[l].ty,
                        _ => self.invalid_type(),
                    };
                    self.assign_value(op, t, r, "assignment")
                };
                v.push(e);
            }
            Rhs::Each(v)
        };
        let invalid = self.invalid_type();
        let types: Vec<gm_ir::TypeId> = match &values {
            Rhs::Each(v) => v.iter().map(|e| e.ty).collect(),
            Rhs::Tuple(op) if op.mode == Mode::MapIndex && lhs.len() == 2 => {
                vec![op.ty(), self.types.basic(Basic::Bool)]
            }
            Rhs::Tuple(op) => match self.tuple_results(op) {
                Some(ts) if ts.len() == lhs.len() => ts,
                _ => {
                    self.assign_mismatch(lhs.len(), &rhs[0], op);
                    vec![invalid; lhs.len()]
                }
            },
            Rhs::Bad => vec![invalid; lhs.len()],
        };
        if types.contains(&invalid) {
            // Declare the new names anyway so later uses stay quiet.
            for (id, &new) in idents.iter().zip(&is_new) {
                if new {
                    self.declare_local(id, invalid);
                }
            }
            return;
        }
        let mut targets = Vec::new();
        for ((id, &new), &t) in idents.iter().zip(&is_new).zip(&types) {
            if id.name == "_" {
                targets.push(Some(Expr::new(ExprKind::Blank, t, id.span)));
            } else if new {
                let local = self.declare_local(id, t);
                out.push(Stmt {
                    kind: StmtKind::Decl(local),
                    span: id.span,
                });
                targets.push(Some(Expr::local(local, t, id.span)));
            } else {
                targets.push(self.lhs_expr(&lhs[targets.len()]));
            }
        }
        let kind = match values {
            Rhs::Each(mut v) => {
                let ls: Option<Vec<Expr>> = targets.into_iter().collect();
                let Some(mut ls) = ls else { return };
                if ls.len() == 1 {
                    StmtKind::Assign(ls.pop().expect("one target"), v.pop().expect("one value"))
                } else {
                    StmtKind::Assign2(ls, v)
                }
            }
            Rhs::Tuple(op) => match self.multi_value(targets, lhs, op, &rhs[0]) {
                Some(k) => k,
                None => return,
            },
            Rhs::Bad => return,
        };
        out.push(Stmt { kind, span });
    }
}

/// Whether an expression selects a field of a struct held in a map.
fn field_of_map(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Dot(x, _) => matches!(x.kind, ExprKind::IndexMap(..)) || field_of_map(x),
        _ => false,
    }
}
