//! The dead code Go's front end drops before any later pass sees it, so
//! that map operations in it are neither lowered nor make maps escape:
//! - an `if` whose condition is statically known keeps only the branch
//!   taken (a condition with effects is still evaluated, into `_`);
//! - `for init; false; post { … }` keeps only `init`;
//! - a switch on a constant whose cases are all constants keeps only the
//!   clause it takes, as its one `default`;
//! - statements after a terminating statement (`return`, `panic`, a block
//!   ending in one, an `if` whose every branch ends in one) are removed.

use std::mem::take;

use gm_ir::constant::ConstValue;
use gm_ir::{BinOp, Case, Expr, ExprKind, Program, Stmt, StmtKind, UnOp};

pub fn remove_dead_code(program: &mut Program) {
    for f in program.funcs.values_mut() {
        let body = std::mem::take(&mut f.body);
        f.body = stmts(body);
    }
}

fn stmts(list: Vec<Stmt>) -> Vec<Stmt> {
    let mut out = Vec::with_capacity(list.len());
    for s in list {
        let s = stmt(s);
        let done = terminates(&s);
        out.push(s);
        if done {
            break;
        }
    }
    out
}

fn stmt(mut s: Stmt) -> Stmt {
    let span = s.span;
    let replaced = match &mut s.kind {
        StmtKind::Block(list) => {
            *list = stmts(take(list));
            None
        }
        StmtKind::If(cond, then, els) => match static_bool(cond) {
            Some(taken) => {
                let mut list = Vec::new();
                if !matches!(cond.kind, ExprKind::Const(_)) {
                    // Evaluated for its effects only.
                    let cond = take_expr(cond);
                    let blank = Expr::new(ExprKind::Blank, cond.ty, cond.span);
                    list.push(Stmt {
                        kind: StmtKind::Assign(blank, cond),
                        span,
                    });
                }
                list.extend(take(if taken { then } else { els }));
                Some(StmtKind::Block(stmts(list)))
            }
            None => {
                *then = stmts(take(then));
                *els = stmts(take(els));
                None
            }
        },
        StmtKind::For {
            cond: Some(cond), ..
        } if is_false(cond) => Some(StmtKind::Block(Vec::new())),
        StmtKind::For { body, .. } | StmtKind::Range { body, .. } => {
            *body = stmts(take(body));
            None
        }
        StmtKind::Switch { tag, cases, .. } => {
            if let Some(taken) = static_case(tag.as_ref(), cases) {
                // The clause taken, if any, as the one `default`.
                let only = taken.map(|i| Case {
                    exprs: Vec::new(),
                    ..cases.swap_remove(i)
                });
                *tag = None;
                *cases = only.into_iter().collect();
            }
            for c in cases {
                c.body = stmts(take(&mut c.body));
            }
            None
        }
        _ => None,
    };
    if let Some(kind) = replaced {
        s.kind = kind;
    }
    s
}

fn take_expr(e: &mut Expr) -> Expr {
    let placeholder = Expr::new(ExprKind::Nil, e.ty, e.span);
    std::mem::replace(e, placeholder)
}

/// For a switch whose tag (or `true`, without one) and case values are all
/// constants: `Some` of the clause taken, if any (a `default` when nothing
/// matches).
fn static_case(tag: Option<&Expr>, cases: &[Case]) -> Option<Option<usize>> {
    let tag = match tag {
        None => ConstValue::Bool(true),
        Some(Expr {
            kind: ExprKind::Const(v),
            ..
        }) => v.clone(),
        Some(_) => return None,
    };
    let mut target = None;
    for (i, c) in cases.iter().enumerate() {
        if c.exprs.is_empty() {
            target = Some(i);
        }
        for e in &c.exprs {
            let ExprKind::Const(v) = &e.kind else {
                return None;
            };
            if *v == tag {
                return Some(Some(i));
            }
        }
    }
    Some(target)
}

fn is_false(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Const(ConstValue::Bool(false)))
}

/// Go's staticBool: whether a condition is known to be true or false. For
/// `x && y` and `x || y` whose outcome one constant side decides, the
/// condition is narrowed to the side that still has to be evaluated.
fn static_bool(e: &mut Expr) -> Option<bool> {
    let (value, keep) = match &mut e.kind {
        ExprKind::Const(ConstValue::Bool(b)) => return Some(*b),
        ExprKind::Unary(UnOp::Not, x) => return static_bool(x).map(|b| !b),
        ExprKind::Binary(op @ (BinOp::AndAnd | BinOp::OrOr), x, y) => {
            // `&&` is decided by a false side, `||` by a true one.
            let decisive = *op == BinOp::OrOr;
            let xv = static_bool(x);
            if xv == Some(decisive) {
                (xv, Side::Left)
            } else {
                let yv = static_bool(y);
                if xv == Some(!decisive) || yv == Some(decisive) {
                    let side = if matches!(x.kind, ExprKind::Const(_)) {
                        Side::Right
                    } else {
                        Side::Both
                    };
                    (yv, side)
                } else {
                    return None;
                }
            }
        }
        _ => return None,
    };
    let whole = take_expr(e);
    *e = match (whole.kind, keep) {
        (ExprKind::Binary(_, x, _), Side::Left) => *x,
        (ExprKind::Binary(_, _, y), Side::Right) => *y,
        (kind, _) => Expr { kind, ..whole },
    };
    value
}

/// Which part of `x && y` / `x || y` still needs evaluating.
enum Side {
    Left,
    Right,
    Both,
}

/// Whether control never continues past `s` (the spec's terminating
/// statements, as far as gm's statements go).
fn terminates(s: &Stmt) -> bool {
    match &s.kind {
        StmtKind::Return(_) | StmtKind::Panic(_) => true,
        StmtKind::Block(list) => list.last().is_some_and(terminates),
        StmtKind::If(_, then, els) => {
            then.last().is_some_and(terminates) && els.last().is_some_and(terminates)
        }
        _ => false,
    }
}
