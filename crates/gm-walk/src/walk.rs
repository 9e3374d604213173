//! The walk pass driver: statements, and the state shared by the files that
//! lower each construct family (`expr`, `assign`, `maplit`, `range`).

use gm_diag::Span;
use gm_ir::{Expr, ExprKind, FuncId, Program, RangeKind, Stmt, StmtKind, TypeId};

use crate::escape;
use crate::rtypes::RuntimeTypes;
use crate::util::{Ctx, is_name, stmt};
use crate::why::Reasons;
use gm_ir::runtime::RtFn;

pub fn walk_program(program: &mut Program) -> Reasons {
    escape::analyze(program);
    let mut rt = RuntimeTypes::default();
    let mut why = Reasons::default();
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
        let mut w = Walk {
            ctx: &mut ctx,
            rt: &mut rt,
            func_id: id,
            why: &mut why,
            context: None,
        };
        let body = w.block(body);
        func.body = body;
        program.funcs[id] = func;
    }
    why
}

pub(crate) struct Walk<'c, 'p> {
    pub ctx: &'c mut Ctx<'p>,
    pub rt: &'c mut RuntimeTypes,
    pub func_id: FuncId,
    pub why: &'c mut Reasons,
    /// Added to the reasons of the calls being made (a map literal's).
    pub context: Option<String>,
}

impl Walk<'_, '_> {
    pub fn block(&mut self, stmts: Vec<Stmt>) -> Vec<Stmt> {
        let mut out = Vec::new();
        for s in stmts {
            gm_diag::ice::at(s.span);
            self.stmt(s, &mut out);
        }
        out
    }

    /// Records why `call` at `span` is made.
    pub fn explain(&mut self, call: RtFn, span: Span, text: String) {
        let text = match &self.context {
            Some(c) => format!("{text}; {c}"),
            None => text,
        };
        self.why.add(self.func_id, span, call, text);
    }

    /// The type of calls that return nothing.
    pub fn void(&mut self) -> TypeId {
        self.ctx.types.tuple(vec![])
    }

    pub fn stmt(&mut self, s: Stmt, out: &mut Vec<Stmt>) {
        let span = s.span;
        match s.kind {
            StmtKind::Block(b) => {
                let b = self.block(b);
                out.push(stmt(StmtKind::Block(b), span));
            }
            StmtKind::Decl(_) | StmtKind::Break(_) | StmtKind::Continue(_) => out.push(s),
            StmtKind::Assign(x, y) => self.assign(x, y, span, out),
            StmtKind::AssignOp {
                op,
                lhs,
                rhs,
                incdec,
            } => self.assign_op(op, lhs, rhs, incdec, span, out),
            StmtKind::Assign2(ls, rs) => self.assign_list(ls, rs, span, out),
            StmtKind::Assign2Func(ls, call) => {
                let ls = ls.into_iter().map(|l| self.lhs(l, out)).collect();
                let call = self.expr(call, out);
                out.push(stmt(StmtKind::Assign2Func(ls, call), span));
            }
            StmtKind::Assign2MapR(ls, index) => self.map_read2(ls, index, span, out),
            StmtKind::Expr(e) => {
                let e = self.expr(e, out);
                out.push(stmt(StmtKind::Expr(e), span));
            }
            StmtKind::If(c, then, els) => {
                let c = self.expr_in_place(c);
                let then = self.block(then);
                let els = self.block(els);
                out.push(stmt(StmtKind::If(c, then, els), span));
            }
            StmtKind::For {
                id,
                cond,
                post,
                body,
                per_iteration,
            } => {
                let cond = cond.map(|c| self.expr_in_place(c));
                let post = post.map(|p| Box::new(self.single(*p)));
                let body = self.block(body);
                out.push(stmt(
                    StmtKind::For {
                        id,
                        cond,
                        post,
                        body,
                        per_iteration,
                    },
                    span,
                ));
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
                if kind == RangeKind::Map {
                    self.map_range(id, key, value, define, x, body, span, out);
                    return;
                }
                let x = self.expr(x, out);
                let key = key.map(|k| self.expr_in_place(k));
                let value = value.map(|v| self.expr_in_place(v));
                let body = self.block(body);
                out.push(stmt(
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
                ));
            }
            StmtKind::Switch { id, tag, cases } => {
                let tag = tag.map(|t| self.expr(t, out));
                let cases = cases
                    .into_iter()
                    .map(|mut c| {
                        c.exprs = c.exprs.into_iter().map(|e| self.expr_in_place(e)).collect();
                        c.body = self.block(c.body);
                        c
                    })
                    .collect();
                out.push(stmt(StmtKind::Switch { id, tag, cases }, span));
            }
            StmtKind::Return(vals) => {
                let vals = vals.into_iter().map(|v| self.expr(v, out)).collect();
                out.push(stmt(StmtKind::Return(vals), span));
            }
            StmtKind::Delete(m, k) => {
                let call = self.map_delete(m, k, span, out);
                out.push(stmt(StmtKind::Expr(call), span));
            }
            StmtKind::Clear(x) => {
                let x = self.expr(x, out);
                if self.ctx.types.map_types(x.ty).is_some() {
                    let call = self.map_clear(x, span, out);
                    out.push(stmt(StmtKind::Expr(call), span));
                } else {
                    out.push(stmt(StmtKind::Clear(x), span));
                }
            }
            StmtKind::Print(args, nl) => {
                // print's operands are evaluated into temporaries first.
                let args = args
                    .into_iter()
                    .map(|a| {
                        let a = self.expr(a, out);
                        if is_name(&a) || matches!(a.kind, ExprKind::Const(_)) {
                            a
                        } else {
                            self.ctx.copy_expr(out, a)
                        }
                    })
                    .collect();
                out.push(stmt(StmtKind::Print(args, nl), span));
            }
            StmtKind::Panic(x) => {
                let x = self.expr(x, out);
                out.push(stmt(StmtKind::Panic(x), span));
            }
        }
    }

    /// Walks one statement that must stay a single statement (a `for`
    /// post statement): several results become a block.
    fn single(&mut self, s: Stmt) -> Stmt {
        let span = s.span;
        let mut list = Vec::new();
        self.stmt(s, &mut list);
        if list.len() == 1 {
            list.pop().expect("one statement")
        } else {
            stmt(StmtKind::Block(list), span)
        }
    }

    /// Walks an expression whose side effects must run each time it is
    /// evaluated (conditions): they stay in its `Init`.
    pub fn expr_in_place(&mut self, e: Expr) -> Expr {
        let mut init = Vec::new();
        let e = self.expr(e, &mut init);
        if init.is_empty() {
            return e;
        }
        let (ty, span) = (e.ty, e.span);
        Expr::new(ExprKind::Init(init, Box::new(e)), ty, span)
    }
}
