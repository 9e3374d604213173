//! Go moves a large, side-effect-free package-level map initialiser out of
//! `init` into a function of its own, `map.init.N`, which `init` calls in
//! its place (staticinit's tryWrapGlobalInit). The threshold is 20 IR
//! nodes, counted as Go's node visitor counts them.

use gm_ir::{Expr, ExprKind, Func, Program, Stmt, StmtKind, Var};

/// Initialisers with at least this many IR nodes are outlined.
const MIN_NODES: usize = 20;

pub fn outline_map_inits(program: &mut Program) {
    let Some(init) = program.init else { return };
    let body = std::mem::take(&mut program.funcs[init].body);
    let mut out = Vec::with_capacity(body.len());
    let mut next = 0;
    for s in body {
        let outline = matches!(
            &s.kind,
            StmtKind::Assign(Expr { kind: ExprKind::Name(Var::Global(_)), .. }, rhs @ Expr { kind: ExprKind::MapLit(..), .. })
                if node_count(rhs) >= MIN_NODES && !rhs.any(&mut |n| may_have_effects(n))
        );
        if !outline {
            out.push(s);
            continue;
        }
        let span = s.span;
        let mut f = Func::new(&format!("map.init.{next}"), span);
        next += 1;
        f.synthetic = true;
        f.body = vec![s];
        let id = program.funcs.push(f);
        let void = program.types.tuple(vec![]);
        let call = Expr::new(ExprKind::Call(id, vec![]), void, span);
        out.push(Stmt {
            kind: StmtKind::Expr(call),
            span,
        });
    }
    program.funcs[init].body = out;
}

/// Go's staticinit isSideEffect for one node (its operands are checked on
/// their own): anything that may call, panic or read through a pointer
/// counts, except division by a non-zero constant and `make(map[K]V)` with
/// no or a zero hint.
fn may_have_effects(e: &Expr) -> bool {
    use gm_ir::BinOp;
    match &e.kind {
        ExprKind::Name(_)
        | ExprKind::Const(_)
        | ExprKind::Nil
        | ExprKind::AddStr(_)
        | ExprKind::Addr(_)
        | ExprKind::StrToBytes(..)
        | ExprKind::BytesToStr(_)
        | ExprKind::StrToRunes(..)
        | ExprKind::RunesToStr(_)
        | ExprKind::RuneToStr(_)
        | ExprKind::Len(_)
        | ExprKind::Cap(_)
        | ExprKind::MapLit(..)
        | ExprKind::StructLit(_)
        | ExprKind::ArrayLit(_)
        | ExprKind::SliceLit(..)
        | ExprKind::PtrLit(..)
        | ExprKind::Conv(_)
        | ExprKind::ConvNop(_)
        | ExprKind::Dot(..)
        | ExprKind::Unary(..)
        | ExprKind::New(_) => false,
        ExprKind::Binary(BinOp::Div | BinOp::Rem, _, y) => {
            !matches!(&y.kind, ExprKind::Const(v) if !v.is_zero())
        }
        ExprKind::Binary(..) => false,
        ExprKind::MakeMap(hint, _) => !hint
            .as_deref()
            .is_none_or(|h| matches!(&h.kind, ExprKind::Const(v) if v.is_zero())),
        _ => true,
    }
}

/// Go's count of IR nodes: one per node, plus the key nodes of map entries
/// and struct fields, and the type operand of `new`.
fn node_count(e: &Expr) -> usize {
    let extra = match &e.kind {
        ExprKind::MapLit(entries, ..) => entries.len(),
        ExprKind::StructLit(fields) => fields.len(),
        ExprKind::New(_) => 1,
        _ => 0,
    };
    1 + extra + e.children().into_iter().map(node_count).sum::<usize>()
}
