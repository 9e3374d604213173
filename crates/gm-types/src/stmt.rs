//! Function bodies and statements: scopes, control flow, labels, returns,
//! unused variables and Go's terminating-statement rule.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use gm_diag::Span;
use gm_ir::constant::ConstValue;
use gm_ir::{
    Basic, Case, Expr, ExprKind, Func, FuncId, LocalId, LocalKind, LoopId, RangeKind, Stmt,
    StmtKind, TypeId,
};
use gm_syntax::ast::{self, StmtKind as S, Unsupported};

use crate::operand::Mode;
use crate::scope::Scopes;
use crate::{Checker, Entity};
use gm_syntax::exprtext::expr_string;

/// What the checker tracks while inside one function body.
pub(crate) struct FuncCtx {
    pub func: Func,
    pub scopes: Scopes,
    pub used: HashSet<LocalId>,
    /// User variables, for the unused-variable check.
    pub vars: Vec<LocalId>,
    pub breakables: Vec<Breakable>,
    /// Every label of the function, and whether a break/continue used it.
    pub labels: HashMap<String, (Span, bool)>,
    pub all_labels: HashSet<String>,
    pub results: Vec<TypeId>,
    pub named_results: bool,
    pub has_goto: bool,
}

pub(crate) struct Breakable {
    pub id: LoopId,
    pub label: Option<String>,
    pub is_loop: bool,
}

impl<'a> Checker<'a> {
    pub fn check_body(&mut self, id: FuncId, decl: &'a ast::FuncDecl) {
        let Some(body) = &decl.body else { return };
        let func = std::mem::replace(&mut self.funcs[id], Func::new("", decl.span));
        let results = self
            .sigs
            .get(&id)
            .map(|s| s.results.clone())
            .unwrap_or_default();
        let mut scopes = Scopes::new();
        for &l in func.params.iter().chain(&func.results) {
            let name = &func.locals[l].name;
            if name != "_" {
                scopes.declare(name, Entity::Local(l));
            }
        }
        let mut all_labels = HashSet::new();
        collect_labels(&body.stmts, &mut all_labels);
        self.fc = Some(FuncCtx {
            named_results: !func.results.is_empty(),
            func,
            scopes,
            used: HashSet::new(),
            vars: Vec::new(),
            breakables: Vec::new(),
            labels: HashMap::new(),
            all_labels,
            results,
            has_goto: false,
        });
        self.deps.clear();
        let stmts = self.block_stmts(&body.stmts);
        let fc = self.fc.take().expect("function context set above");
        let mut func = fc.func;
        func.body = stmts;
        for &v in &fc.vars {
            if !fc.used.contains(&v) {
                let l = &func.locals[v];
                self.diags
                    .error(l.span, format!("declared and not used: {}", l.name));
            }
        }
        let mut unused: Vec<(Span, String)> = fc
            .labels
            .iter()
            .filter(|(_, (_, used))| !used && !fc.has_goto)
            .map(|(name, (span, _))| (*span, name.clone()))
            .collect();
        unused.sort();
        for (span, name) in unused {
            self.error(span, format!("label {name} defined and not used"));
        }
        if !fc.results.is_empty() && !is_terminating_list(&body.stmts) {
            let end = Span::new(body.span.hi as usize - 1, body.span.hi as usize);
            self.error(end, "missing return");
        }
        self.funcs[id] = func;
        let deps = std::mem::take(&mut self.deps);
        self.func_deps.insert(id, deps);
        if decl.name.name == "init" {
            self.user_inits.push(id);
        }
    }

    fn fc(&mut self) -> &mut FuncCtx {
        self.fc.as_mut().expect("inside a function body")
    }

    fn push_scope(&mut self) {
        self.fc().scopes.push();
    }

    fn pop_scope(&mut self) {
        self.fc().scopes.pop();
    }

    /// Declares a local variable in the innermost scope.
    pub fn declare_local(&mut self, name: &ast::Ident, ty: TypeId) -> LocalId {
        let fc = self.fc.as_mut().expect("inside a function body");
        let id = fc.func.locals.push(gm_ir::Local {
            name: name.name.clone(),
            ty,
            kind: LocalKind::Var,
            span: name.span,
            addr_taken: false,
        });
        if name.name != "_" && self.declare_name(name, Entity::Local(id)) {
            self.fc().vars.push(id);
        }
        id
    }

    /// Adds a name to the innermost scope; false (with an error) when the
    /// scope already has it.
    pub fn declare_name(&mut self, name: &ast::Ident, entity: Entity) -> bool {
        if name.name == "_" {
            return false;
        }
        if !self.fc().scopes.declare(&name.name, entity) {
            self.error(name.span, format!("{} redeclared in this block", name.name));
            return false;
        }
        true
    }

    /// Checks a block's statements in a new scope.
    pub fn block(&mut self, stmts: &'a [ast::Stmt]) -> Vec<Stmt> {
        self.push_scope();
        let out = self.block_stmts(stmts);
        self.pop_scope();
        out
    }

    fn block_stmts(&mut self, stmts: &'a [ast::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            if self.diags.is_full() {
                break;
            }
            self.stmt(s, &mut out);
        }
        out
    }

    pub fn stmt(&mut self, s: &'a ast::Stmt, out: &mut Vec<Stmt>) {
        self.labeled_stmt(s, None, out);
    }

    fn labeled_stmt(&mut self, s: &'a ast::Stmt, label: Option<String>, out: &mut Vec<Stmt>) {
        let span = s.span;
        let push = |out: &mut Vec<Stmt>, kind| out.push(Stmt { kind, span });
        match &s.kind {
            S::Empty => {}
            S::Expr(e) => self.expr_stmt(e, out),
            S::IncDec(x, inc) => {
                if let Some(k) = self.incdec(s, x, *inc) {
                    push(out, k);
                }
            }
            S::Assign {
                lhs,
                op,
                op_span,
                rhs,
            } => self.assign_stmt(s, *op_span, lhs, *op, rhs, out),
            S::Var(specs) => {
                for spec in specs {
                    self.local_var(spec, out);
                }
            }
            S::Const(specs) => {
                for (name, cd) in self.const_decls(specs) {
                    let e = self.resolve_const(&name.name, cd);
                    self.declare_name(name, e);
                }
            }
            S::Type(specs) => {
                for spec in specs {
                    self.local_type(spec);
                }
            }
            S::Block(b) => {
                let body = self.block(&b.stmts);
                push(out, StmtKind::Block(body));
            }
            S::If { .. } => {
                self.push_scope();
                let k = self.if_stmt(s);
                self.pop_scope();
                out.push(k);
            }
            S::For {
                init,
                cond,
                post,
                body,
            } => {
                self.push_scope();
                let mut stmts = Vec::new();
                let before = self.fc().func.locals.len();
                if let Some(i) = init {
                    self.stmt(i, &mut stmts);
                }
                let loop_vars: Vec<LocalId> = self.fc().func.locals.keys().skip(before).collect();
                let cond = cond.as_ref().map(|c| self.condition(c, "for statement"));
                let post = post.as_ref().and_then(|p| {
                    let mut v = Vec::new();
                    self.stmt(p, &mut v);
                    v.pop().map(Box::new)
                });
                let id = self.new_loop();
                self.fc().breakables.push(Breakable {
                    id,
                    label,
                    is_loop: true,
                });
                let body = self.block(&body.stmts);
                self.fc().breakables.pop();
                let per_iteration = loop_vars
                    .into_iter()
                    .filter(|&l| self.fc().func.locals[l].addr_taken)
                    .collect();
                stmts.push(Stmt {
                    kind: StmtKind::For {
                        id,
                        cond,
                        post,
                        body,
                        per_iteration,
                    },
                    span,
                });
                self.pop_scope();
                push(out, StmtKind::Block(stmts));
            }
            S::Range {
                key,
                value,
                extra,
                define,
                x,
                body,
            } => {
                self.push_scope();
                let k = self.range_stmt(s, key.as_ref(), value.as_ref(), *define, x, body, label);
                self.pop_scope();
                if let Some(at) = *extra {
                    self.error(at, "range clause permits at most two iteration variables");
                }
                if let Some(k) = k {
                    push(out, k);
                }
            }
            S::Switch { tag: Some(t), .. }
                if matches!(
                    t.kind,
                    ast::ExprKind::Unsupported(Unsupported::TypeSwitches)
                ) =>
            {
                self.unsupported(t.span, Unsupported::TypeSwitches);
            }
            S::Switch {
                init, tag, cases, ..
            } => {
                self.push_scope();
                let mut stmts = Vec::new();
                if let Some(i) = init {
                    self.stmt(i, &mut stmts);
                }
                let k = self.switch_stmt(tag.as_ref(), cases, label);
                stmts.push(Stmt { kind: k, span });
                self.pop_scope();
                push(out, StmtKind::Block(stmts));
            }
            S::Return(values) => {
                if let Some(k) = self.return_stmt(s, values) {
                    push(out, k);
                }
            }
            S::Break(l) => {
                if let Some(id) = self.branch_target(l.as_ref(), false, span) {
                    push(out, StmtKind::Break(id));
                }
            }
            S::Continue(l) => {
                if let Some(id) = self.branch_target(l.as_ref(), true, span) {
                    push(out, StmtKind::Continue(id));
                }
            }
            S::Labeled(l, inner) => {
                if let Some(&(prev, _)) = self.fc().labels.get(&l.name) {
                    let at = self.at(prev);
                    self.error(l.span, format!("label {} already defined{at}", l.name));
                } else if l.name != "_" {
                    self.fc().labels.insert(l.name.clone(), (l.span, false));
                }
                self.labeled_stmt(inner, Some(l.name.clone()), out);
            }
            S::Unsupported(what) => {
                if *what == Unsupported::Goto {
                    // Labels may be goto targets; don't call them unused.
                    self.fc().has_goto = true;
                }
                self.unsupported(span, *what)
            }
        }
    }

    fn expr_stmt(&mut self, e: &'a ast::Expr, out: &mut Vec<Stmt>) {
        let span = e.span;
        self.builtin_stmt = None;
        let op = self.expr(e);
        if let Some(k) = self.builtin_stmt.take() {
            out.push(Stmt { kind: k, span });
            return;
        }
        match op.mode {
            Mode::Invalid => {}
            Mode::NoValue => out.push(Stmt {
                kind: StmtKind::Expr(op.expr),
                span,
            }),
            _ => {
                let is_call = matches!(op.expr.kind, ExprKind::Call(..) | ExprKind::Copy(..));
                let inner = crate::expr::strip_parens(e);
                let is_user_call = matches!(inner.kind, ast::ExprKind::Call { .. }) && is_call;
                if is_user_call {
                    out.push(Stmt {
                        kind: StmtKind::Expr(op.expr),
                        span,
                    });
                } else {
                    let d = self.describe(&op, e);
                    self.error(span, format!("{d} is not used"));
                }
            }
        }
    }

    fn incdec(&mut self, s: &'a ast::Stmt, x: &'a ast::Expr, inc: bool) -> Option<StmtKind> {
        // `x++` reads x: it counts as a use.
        let lhs = self.value(x).expr;
        if self.is_invalid(lhs.ty) {
            return None;
        }
        let lhs = self.lhs_expr(x)?;
        let text = format!("{}{}", expr_string(x), if inc { "++" } else { "--" });
        if !self.types.is_numeric(lhs.ty) {
            let msg = format!(
                "invalid operation: {text} (non-numeric type {})",
                self.types.display(lhs.ty)
            );
            self.error(s.span, msg);
            return None;
        }
        let one = match self.types.is_float(lhs.ty) {
            true => {
                gm_ir::constant::ConstValue::Float(Box::new(num_bigint::BigInt::from(1).into()))
            }
            false => gm_ir::constant::ConstValue::int(1),
        };
        let rhs = Expr::new(ExprKind::Const(one), lhs.ty, s.span);
        Some(StmtKind::AssignOp {
            op: if inc {
                gm_ir::BinOp::Add
            } else {
                gm_ir::BinOp::Sub
            },
            lhs,
            rhs,
            incdec: true,
        })
    }

    /// A condition of `if` / `for`: a boolean value.
    fn condition(&mut self, c: &'a ast::Expr, what: &str) -> Expr {
        let op = self.value(c);
        if op.is_invalid() {
            return op.expr;
        }
        if !self.types.is_boolean(op.ty()) {
            self.error(c.span, format!("non-boolean condition in {what}"));
            return op.expr;
        }
        let mut op = op;
        if self.types.is_untyped(op.ty()) {
            let b = self.types.basic(Basic::Bool);
            let _ = self.implicit_convert(&mut op, b);
        }
        op.expr
    }

    fn if_stmt(&mut self, s: &'a ast::Stmt) -> Stmt {
        let S::If {
            init,
            cond,
            then,
            els,
            ..
        } = &s.kind
        else {
            unreachable!("if_stmt is called on if statements")
        };
        let mut stmts = Vec::new();
        if let Some(i) = init {
            self.stmt(i, &mut stmts);
        }
        let c = self.condition(cond, "if statement");
        let then_body = self.block(&then.stmts);
        let else_body = match els.as_deref() {
            None => Vec::new(),
            Some(
                e @ ast::Stmt {
                    kind: S::If { .. }, ..
                },
            ) => {
                self.push_scope();
                let st = self.if_stmt(e);
                self.pop_scope();
                vec![st]
            }
            Some(ast::Stmt {
                kind: S::Block(b), ..
            }) => self.block(&b.stmts),
            Some(other) => {
                let mut v = Vec::new();
                self.stmt(other, &mut v);
                v
            }
        };
        let if_stmt = Stmt {
            kind: StmtKind::If(c, then_body, else_body),
            span: s.span,
        };
        if stmts.is_empty() {
            return if_stmt;
        }
        stmts.push(if_stmt);
        Stmt {
            kind: StmtKind::Block(stmts),
            span: s.span,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn range_stmt(
        &mut self,
        s: &'a ast::Stmt,
        key: Option<&'a ast::Expr>,
        value: Option<&'a ast::Expr>,
        define: bool,
        x: &'a ast::Expr,
        body: &'a ast::Block,
        label: Option<String>,
    ) -> Option<StmtKind> {
        let xo = self.value(x);
        if xo.is_invalid() {
            self.block(&body.stmts);
            return None;
        }
        let int = self.types.basic(Basic::Int);
        let described = self.describe(&xo, x);
        let mut xo = xo;
        let t = xo.ty();
        // An untyped count takes the type of an assigned key, as Go's
        // checker assigns the count itself to the key.
        let typed_key = !define && key.is_some_and(|k| !is_blank(k));
        let (kind, kt, vt) = if self.types.is_integer(t) {
            if self.types.is_untyped(t) && !typed_key {
                let _ = self.implicit_convert(&mut xo, int);
            }
            (RangeKind::Int, Some(xo.ty()), None)
        } else if self.types.is_string(t) {
            if self.types.is_untyped(t) {
                let string = self.types.basic(Basic::String);
                let _ = self.implicit_convert(&mut xo, string);
            }
            (
                RangeKind::String,
                Some(int),
                Some(self.types.basic(Basic::Rune)),
            )
        } else if let Some((k, v)) = self.types.map_types(t) {
            (RangeKind::Map, Some(k), Some(v))
        } else if let Some(e) = self.types.slice_elem(t) {
            (RangeKind::Slice, Some(int), Some(e))
        } else if let Some((e, _)) = self.types.array_of(t) {
            (RangeKind::Array, Some(int), Some(e))
        } else if let Some((e, _)) = self
            .types
            .pointer_elem(t)
            .and_then(|p| self.types.array_of(p))
        {
            (RangeKind::ArrayPtr, Some(int), Some(e))
        } else {
            let d = self.describe(&xo, x);
            self.error(x.span, format!("cannot range over {d}"));
            self.block(&body.stmts);
            return None;
        };
        if value.is_some() && vt.is_none() {
            let d = described;
            self.error(
                value.map_or(s.span, |v| v.span),
                format!("range over {d} permits only one iteration variable"),
            );
            return None;
        }
        let mut vars = Vec::new();
        for (v, t) in [(key, kt), (value, vt)] {
            let Some(v) = v else {
                vars.push(None);
                continue;
            };
            let t = t.unwrap_or(int);
            if define {
                let ast::ExprKind::Ident(name) = &v.kind else {
                    self.expr(v);
                    self.error(
                        v.span,
                        format!("non-name {} on left side of :=", expr_string(v)),
                    );
                    vars.push(None);
                    continue;
                };
                if name == "_" {
                    vars.push(Some(Expr::new(ExprKind::Blank, t, v.span)));
                    continue;
                }
                let ident = ast::Ident {
                    name: name.clone(),
                    span: v.span,
                };
                let id = self.declare_local(&ident, t);
                vars.push(Some(Expr::local(id, t, v.span)));
            } else if kind == RangeKind::Int {
                let lhs = self.lhs_expr(v)?;
                let errors = self.diags.len();
                xo.expr = self.assign_value(xo.clone(), lhs.ty, x, "range clause");
                // A count that could not be assigned has no type to judge.
                let assigned = self.diags.len() == errors;
                if assigned && !self.types.is_integer(lhs.ty) && !self.is_invalid(lhs.ty) {
                    let msg = format!(
                        "cannot use iteration variable of type {}",
                        self.types.display(lhs.ty)
                    );
                    self.error(v.span, msg);
                }
                vars.push(Some(lhs));
            } else {
                let lhs = self.lhs_expr(v)?;
                if !matches!(lhs.kind, ExprKind::Blank) && !self.assignable_type(t, lhs.ty) {
                    // Go checks `v = <value of the range's type>`, the
                    // value written as the target itself.
                    let msg = format!(
                        "cannot use {} (value of type {}) as {} value in assignment",
                        expr_string(v),
                        self.types.display(t),
                        self.types.display(lhs.ty)
                    );
                    self.error(v.span, msg);
                }
                vars.push(Some(lhs));
            }
        }
        let id = self.new_loop();
        self.fc().breakables.push(Breakable {
            id,
            label,
            is_loop: true,
        });
        let body = self.block(&body.stmts);
        self.fc().breakables.pop();
        let mut vars = vars.into_iter();
        Some(StmtKind::Range {
            id,
            kind,
            key: vars.next().flatten(),
            value: vars.next().flatten(),
            define,
            x: xo.expr,
            body,
        })
    }

    fn switch_stmt(
        &mut self,
        tag: Option<&'a ast::Expr>,
        cases: &'a [ast::CaseClause],
        label: Option<String>,
    ) -> StmtKind {
        let tag_op = tag.map(|t| {
            let op = self.value(t);
            self.defaulted(op, t)
        });
        let tag_ty = tag_op.as_ref().filter(|o| !o.is_invalid()).map(|o| o.ty());
        let id = self.new_loop();
        self.fc().breakables.push(Breakable {
            id,
            label,
            is_loop: false,
        });
        let mut out = Vec::new();
        let mut seen: Vec<gm_ir::constant::ConstValue> = Vec::new();
        let mut first_default: Option<Span> = None;
        for c in cases {
            if c.default {
                match first_default {
                    Some(first) => {
                        let at = self.at(first);
                        self.error(c.span, format!("multiple defaults (first{at})"));
                    }
                    None => first_default = Some(c.span),
                }
            }
            let mut exprs = Vec::new();
            for e in &c.exprs {
                let mut op = self.value(e);
                if op.is_invalid() {
                    continue;
                }
                match tag_ty {
                    Some(tt) => {
                        if self.types.is_untyped(op.ty()) && !self.convert_untyped(&mut op, tt, e) {
                            continue;
                        }
                        if !self.assignable_type(op.ty(), tt) && !self.assignable_type(tt, op.ty())
                        {
                            let tag_text = tag.map(expr_string).unwrap_or_default();
                            let msg = format!(
                                "invalid case {} in switch on {tag_text} (mismatched types {} and {})",
                                expr_string(e),
                                self.types.display(op.ty()),
                                self.types.display(tt)
                            );
                            self.error(e.span, msg);
                            continue;
                        }
                    }
                    None => {
                        // A tagless switch compares each case with `true`.
                        let b = self.types.basic(Basic::Bool);
                        if self.types.is_untyped(op.ty()) && !self.convert_untyped(&mut op, b, e) {
                            continue;
                        }
                        if !self.types.is_boolean(op.ty()) {
                            self.error(
                                e.span,
                                format!(
                                    "invalid case {} in switch (mismatched types {} and bool)",
                                    expr_string(e),
                                    self.types.display(op.ty())
                                ),
                            );
                            continue;
                        }
                        if self.types.is_untyped(op.ty()) {
                            let b = self.types.basic(Basic::Bool);
                            let _ = self.implicit_convert(&mut op, b);
                        }
                    }
                }
                // Go looks for duplicate numbers and strings, not booleans.
                if let Some(v) = op.const_value()
                    && tag_ty.is_some()
                    && !matches!(v, ConstValue::Bool(_))
                {
                    if seen.contains(v) {
                        let d = self.describe(&op, e);
                        self.error(e.span, format!("duplicate case {d} in expression switch"));
                    } else {
                        seen.push(v.clone());
                    }
                }
                exprs.push(op.expr);
            }
            let body = self.block(&c.body);
            out.push(Case {
                exprs,
                body,
                span: c.span,
            });
        }
        self.fc().breakables.pop();
        StmtKind::Switch {
            id,
            tag: tag_op.map(|o| o.expr),
            cases: out,
        }
    }

    /// A bare return needs every named result visible by its name.
    fn results_in_scope(&mut self, results: &[LocalId], span: Span) -> bool {
        let mut ok = true;
        for &r in results {
            let name = self.fc().func.locals[r].name.clone();
            if name == "_" {
                continue;
            }
            let inner = match self.lookup(&name, span) {
                Some(Entity::Local(l)) if l == r => continue,
                Some(Entity::Local(l)) => {
                    let local = &self.fc().func.locals[l];
                    let (at, ty) = (local.span, local.ty);
                    let place = self.at(at);
                    let place = place.strip_prefix(" at ").unwrap_or(&place).to_string();
                    format!(
                        "{place}: inner declaration of var {name} {}",
                        self.types.display(ty)
                    )
                }
                _ => format!("inner declaration of {name}"),
            };
            let msg = format!("result parameter {name} not in scope at return");
            self.diags
                .push(gm_diag::Diagnostic::error(span, msg).with_note(inner));
            ok = false;
        }
        ok
    }

    fn return_stmt(&mut self, s: &'a ast::Stmt, values: &'a [ast::Expr]) -> Option<StmtKind> {
        let results = self.fc().results.clone();
        let span = s.span;
        if values.is_empty() {
            if results.is_empty() {
                return Some(StmtKind::Return(vec![]));
            }
            if self.fc().named_results {
                let locals = self.fc().func.results.clone();
                if !self.results_in_scope(&locals, span) {
                    return None;
                }
                let exprs = locals
                    .into_iter()
                    .map(|l| {
                        let ty = self.fc().func.locals[l].ty;
                        Expr::local(l, ty, span)
                    })
                    .collect();
                return Some(StmtKind::Return(exprs));
            }
            let want: Vec<String> = results.iter().map(|&t| self.types.display(t)).collect();
            let d = gm_diag::Diagnostic::error(span, "not enough return values")
                .with_note("have ()")
                .with_note(format!("want ({})", want.join(", ")));
            self.diags.push(d);
            return None;
        }
        if values.len() == 1 && results.len() > 1 {
            let op = self.expr(&values[0]);
            if let Some(ts) = self.tuple_results(&op)
                && ts.len() == results.len()
                && ts
                    .iter()
                    .zip(&results)
                    .all(|(&a, &b)| self.assignable_type(a, b))
            {
                return Some(StmtKind::Return(vec![op.expr]));
            }
            if !op.is_invalid() {
                self.error(values[0].span, "not enough return values");
            }
            return None;
        }
        if values.len() != results.len() {
            let msg = if values.len() > results.len() {
                "too many return values"
            } else {
                "not enough return values"
            };
            let at = values.get(results.len()).map_or(span, |v| v.span);
            let have: Vec<String> = values
                .iter()
                .map(|v| {
                    let op = self.expr(v);
                    if op.is_const() && self.types.is_untyped(op.ty()) {
                        "number".to_string()
                    } else {
                        self.types.display(op.ty())
                    }
                })
                .collect();
            let want: Vec<String> = results.iter().map(|&t| self.types.display(t)).collect();
            let d = gm_diag::Diagnostic::error(at, msg)
                .with_note(format!("have ({})", have.join(", ")))
                .with_note(format!("want ({})", want.join(", ")));
            self.diags.push(d);
            return None;
        }
        let mut exprs = Vec::new();
        for (v, &t) in values.iter().zip(&results) {
            let op = self.value(v);
            exprs.push(self.assign_value(op, t, v, "return statement"));
        }
        Some(StmtKind::Return(exprs))
    }

    fn branch_target(
        &mut self,
        label: Option<&ast::Ident>,
        is_continue: bool,
        span: Span,
    ) -> Option<LoopId> {
        let word = if is_continue { "continue" } else { "break" };
        let fc = self.fc();
        match label {
            None => {
                let target = fc
                    .breakables
                    .iter()
                    .rev()
                    .find(|b| b.is_loop || !is_continue)
                    .map(|b| b.id);
                if target.is_none() {
                    let msg = if is_continue {
                        "continue is not in a loop"
                    } else {
                        "break is not in a loop, switch, or select"
                    };
                    self.error(span, msg);
                }
                target
            }
            Some(l) => {
                if let Some(entry) = fc.labels.get_mut(&l.name) {
                    entry.1 = true;
                }
                let found = fc
                    .breakables
                    .iter()
                    .rev()
                    .find(|b| b.label.as_deref() == Some(l.name.as_str()));
                match found {
                    Some(b) if b.is_loop || !is_continue => Some(b.id),
                    _ if fc.all_labels.contains(&l.name) => {
                        self.error(l.span, format!("invalid {word} label {}", l.name));
                        None
                    }
                    _ => {
                        self.error(l.span, format!("{word} label not defined: {}", l.name));
                        None
                    }
                }
            }
        }
    }

    fn local_type(&mut self, spec: &'a ast::TypeSpec) {
        if spec.type_params.is_some() {
            self.unsupported(spec.name.span, Unsupported::Generics);
            return;
        }
        if spec.alias {
            let t = self.resolve_type(&spec.ty);
            self.declare_name(&spec.name, Entity::Type(t));
            return;
        }
        self.named_serial += 1;
        let id = self.types.new_named(&spec.name.name, self.named_serial);
        self.declare_name(&spec.name, Entity::Type(id));
        self.define_named(id, spec.name.span, &spec.ty);
    }

    /// `var names [T] = values` inside a function.
    fn local_var(&mut self, spec: &'a ast::VarSpec, out: &mut Vec<Stmt>) {
        let declared = spec.ty.as_ref().map(|t| self.resolve_type(t));
        let (types, rhs) =
            self.var_init(&spec.names, declared, &spec.values, "variable declaration");
        let mut lhs = Vec::new();
        for (name, &t) in spec.names.iter().zip(&types) {
            if name.name == "_" {
                lhs.push(Expr::new(ExprKind::Blank, t, name.span));
                continue;
            }
            let id = self.declare_local(name, t);
            out.push(Stmt {
                kind: StmtKind::Decl(id),
                span: name.span,
            });
            lhs.push(Expr::local(id, t, name.span));
        }
        if let Some(rhs) = rhs {
            out.push(Stmt {
                kind: crate::init::rhs_assign(lhs, rhs),
                span: spec.span,
            });
        }
    }
}

fn collect_labels(stmts: &[ast::Stmt], out: &mut HashSet<String>) {
    for s in stmts {
        collect_labels_in(s, out);
    }
}

fn collect_labels_in(s: &ast::Stmt, out: &mut HashSet<String>) {
    match &s.kind {
        S::Labeled(l, inner) => {
            out.insert(l.name.clone());
            collect_labels_in(inner, out);
        }
        S::Block(b) => collect_labels(&b.stmts, out),
        S::If { then, els, .. } => {
            collect_labels(&then.stmts, out);
            if let Some(e) = els {
                collect_labels_in(e, out);
            }
        }
        S::For { body, .. } | S::Range { body, .. } => collect_labels(&body.stmts, out),
        S::Switch { cases, .. } => {
            for c in cases {
                collect_labels(&c.body, out);
            }
        }
        _ => {}
    }
}

/// Go's terminating statement rule, for "missing return".
fn is_terminating_list(stmts: &[ast::Stmt]) -> bool {
    // Trailing empty statements do not count.
    match stmts.iter().rev().find(|s| !matches!(s.kind, S::Empty)) {
        Some(s) => is_terminating(s, None),
        None => false,
    }
}

fn is_terminating(s: &ast::Stmt, label: Option<&str>) -> bool {
    match &s.kind {
        S::Return(_) => true,
        S::Unsupported(Unsupported::Goto) => true,
        S::Expr(e) => is_panic_call(e),
        S::Block(b) => is_terminating_list(&b.stmts),
        S::If { then, els, .. } => {
            is_terminating_list(&then.stmts)
                && els.as_deref().is_some_and(|e| is_terminating(e, None))
        }
        S::For { cond, body, .. } => cond.is_none() && !has_break(&body.stmts, label, true),
        S::Switch { cases, .. } => {
            cases.iter().any(|c| c.default)
                && cases
                    .iter()
                    .all(|c| is_terminating_list(&c.body) && !has_break(&c.body, label, true))
        }
        S::Labeled(l, inner) => is_terminating(inner, Some(&l.name)),
        _ => false,
    }
}

fn is_panic_call(e: &ast::Expr) -> bool {
    match &e.kind {
        ast::ExprKind::Call { func, .. } => {
            matches!(&func.kind, ast::ExprKind::Ident(n) if n == "panic")
        }
        ast::ExprKind::Paren(x) => is_panic_call(x),
        _ => false,
    }
}

/// Whether a statement list contains a break that targets the enclosing
/// statement (`top`: unlabeled breaks count at this level).
fn has_break(stmts: &[ast::Stmt], label: Option<&str>, top: bool) -> bool {
    stmts.iter().any(|s| stmt_has_break(s, label, top))
}

fn stmt_has_break(s: &ast::Stmt, label: Option<&str>, top: bool) -> bool {
    match &s.kind {
        S::Break(None) => top,
        S::Break(Some(l)) => Some(l.name.as_str()) == label,
        S::Block(b) => has_break(&b.stmts, label, top),
        S::If { then, els, .. } => {
            has_break(&then.stmts, label, top)
                || els
                    .as_deref()
                    .is_some_and(|e| stmt_has_break(e, label, top))
        }
        S::Labeled(_, inner) => stmt_has_break(inner, label, top),
        // Unlabeled breaks inside nested loops and switches target those.
        S::For { body, .. } | S::Range { body, .. } => has_break(&body.stmts, label, false),
        S::Switch { cases, .. } => cases.iter().any(|c| has_break(&c.body, label, false)),
        _ => false,
    }
}

fn is_blank(e: &ast::Expr) -> bool {
    matches!(&crate::expr::strip_parens(e).kind, ast::ExprKind::Ident(n) if n == "_")
}
