//! Package initialisation: ordering package-level variable initialisers by
//! their dependencies, as Go does, and building the `init` function.
//!
//! Go's rule: repeatedly initialise the earliest variable (in declaration
//! order) whose initialiser depends on no uninitialised variable, where a
//! reference to a function counts as references to everything that
//! function refers to. A variable that depends on itself is an
//! initialisation cycle.

use foldhash::{HashMap, HashSet, HashSetExt};

use gm_diag::Span;
use gm_ir::{Expr, ExprKind, Func, FuncId, GlobalId, Stmt, StmtKind, Var};

use crate::{Checker, Dep};

/// The right-hand side of a package-level `var` spec.
pub(crate) enum InitRhs {
    /// One expression per variable.
    Each(Vec<Expr>),
    /// One multi-value call.
    Tuple(Expr),
    /// `v, ok = m[k]`.
    MapIndex(Expr),
}

pub(crate) struct InitSpec {
    /// The globals the spec declares; `None` for `_`.
    pub lhs: Vec<Option<GlobalId>>,
    pub rhs: InitRhs,
    pub deps: HashSet<Dep>,
    pub span: Span,
}

/// The assignment statement for `lhs = rhs`.
pub(crate) fn rhs_assign(mut lhs: Vec<Expr>, rhs: InitRhs) -> StmtKind {
    match rhs {
        InitRhs::Tuple(call) => StmtKind::Assign2Func(lhs, call),
        InitRhs::MapIndex(index) => StmtKind::Assign2MapR(lhs, index),
        InitRhs::Each(mut values) if values.len() == 1 => StmtKind::Assign(
            lhs.pop().expect("one target"),
            values.pop().expect("one value"),
        ),
        InitRhs::Each(values) => StmtKind::Assign2(lhs, values),
    }
}

impl<'a> Checker<'a> {
    /// The global variables a dependency set reaches, through functions.
    fn reachable_globals(&self, deps: &HashSet<Dep>) -> HashSet<GlobalId> {
        let mut globals = HashSet::new();
        let mut seen_funcs = HashSet::new();
        let mut work: Vec<Dep> = deps.iter().copied().collect();
        while let Some(d) = work.pop() {
            match d {
                Dep::Global(g) => {
                    globals.insert(g);
                }
                Dep::Func(f) => {
                    if seen_funcs.insert(f)
                        && let Some(fd) = self.func_deps.get(&f)
                    {
                        work.extend(fd.iter().copied());
                    }
                }
            }
        }
        globals
    }

    pub fn build_init(&mut self) {
        if self.diags.has_errors() {
            return;
        }
        let specs = std::mem::take(&mut self.inits);
        let owner: HashMap<GlobalId, usize> = specs
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.lhs.iter().flatten().map(move |&g| (g, i)))
            .collect();
        let needs: Vec<HashSet<usize>> = specs
            .iter()
            .map(|s| {
                self.reachable_globals(&s.deps)
                    .into_iter()
                    .filter_map(|g| owner.get(&g).copied())
                    .collect()
            })
            .collect();
        for (i, s) in specs.iter().enumerate() {
            if needs[i].contains(&i) {
                let name = s
                    .lhs
                    .iter()
                    .flatten()
                    .next()
                    .map(|&g| self.globals[g].name.clone());
                let name = name.unwrap_or_else(|| "_".to_string());
                let span = s
                    .lhs
                    .iter()
                    .flatten()
                    .next()
                    .map_or(s.span, |&g| self.globals[g].span);
                self.error(span, format!("initialization cycle for {name}"));
                return;
            }
        }
        let mut done = vec![false; specs.len()];
        let mut order = Vec::new();
        while order.len() < specs.len() {
            let ready = (0..specs.len()).find(|&i| !done[i] && needs[i].iter().all(|&j| done[j]));
            let Some(i) = ready else {
                let i = (0..specs.len()).find(|&i| !done[i]).unwrap_or(0);
                let name = specs[i]
                    .lhs
                    .iter()
                    .flatten()
                    .next()
                    .map(|&g| self.globals[g].name.clone());
                self.error(
                    specs[i].span,
                    format!("initialization cycle for {}", name.unwrap_or_default()),
                );
                return;
            };
            done[i] = true;
            order.push(i);
        }
        let mut slots: Vec<Option<InitSpec>> = specs.into_iter().map(Some).collect();
        let mut body = Vec::new();
        for i in order {
            let Some(spec) = slots[i].take() else {
                continue;
            };
            let lhs: Vec<Expr> = spec
                .lhs
                .iter()
                .enumerate()
                .map(|(k, g)| match g {
                    Some(g) => Expr::new(
                        ExprKind::Name(Var::Global(*g)),
                        self.globals[*g].ty,
                        spec.span,
                    ),
                    None => {
                        let ty = match &spec.rhs {
                            InitRhs::Each(v) => v[k].ty,
                            InitRhs::Tuple(c) => {
                                self.types.tuple_elems(c.ty).map_or(c.ty, |t| t[k])
                            }
                            InitRhs::MapIndex(index) if k == 0 => index.ty,
                            InitRhs::MapIndex(_) => self.types.basic(gm_ir::Basic::Bool),
                        };
                        Expr::new(ExprKind::Blank, ty, spec.span)
                    }
                })
                .collect();
            body.push(Stmt {
                kind: rhs_assign(lhs, spec.rhs),
                span: spec.span,
            });
        }
        for &f in &self.user_inits.clone() {
            let void = self.types.tuple(vec![]);
            let call = Expr::new(ExprKind::Call(f, vec![]), void, Span::DUMMY);
            body.push(Stmt {
                kind: StmtKind::Expr(call),
                span: Span::DUMMY,
            });
        }
        if body.is_empty() {
            return;
        }
        let mut init = Func::new("init", Span::DUMMY);
        init.body = body;
        init.synthetic = true;
        let id: FuncId = self.funcs.push(init);
        self.init_func = Some(id);
    }
}
