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
                if !has_calls(rhs) && node_count(rhs) >= MIN_NODES
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

fn has_calls(e: &Expr) -> bool {
    e.any(&mut |n| matches!(n.kind, ExprKind::Call(..)))
}

/// Go's count of IR nodes: one per node, plus the key nodes of map entries
/// and struct fields.
fn node_count(e: &Expr) -> usize {
    let extra = match &e.kind {
        ExprKind::MapLit(entries, _) => entries.len(),
        ExprKind::StructLit(fields) => fields.len(),
        _ => 0,
    };
    1 + extra + e.children().into_iter().map(node_count).sum::<usize>()
}
