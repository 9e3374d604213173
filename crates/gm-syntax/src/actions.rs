//! Constructors called by the grammar's actions, so the grammar file stays a
//! list of one-liners. The fallible ones enforce [`MAX_DEPTH`] and the rules
//! an LR grammar can't express (which names in a parameter list are types).

use gm_diag::Span;
use lalrpop_util::ParseError;

use crate::ast::*;
use crate::lexer::Tok;

/// An error raised by a grammar action or the lexer glue.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

pub type PResult<'a, T> = Result<T, ParseError<usize, Tok<'a>, SyntaxError>>;

fn fail<'a, T>(span: Span, message: impl Into<String>) -> PResult<'a, T> {
    Err(ParseError::User {
        error: SyntaxError {
            span,
            message: message.into(),
        },
    })
}

fn checked<'a>(e: Expr) -> PResult<'a, Expr> {
    if e.depth > MAX_DEPTH {
        return fail(e.span, "expression nesting too deep");
    }
    Ok(e)
}

pub fn append<T>(mut v: Vec<T>, e: T) -> Vec<T> {
    v.push(e);
    v
}

pub fn append_opt<T>(mut v: Vec<T>, e: Option<T>) -> Vec<T> {
    v.extend(e);
    v
}

pub fn ident(name: &str, lo: usize, hi: usize) -> Ident {
    Ident {
        name: name.to_string(),
        span: Span::new(lo, hi),
    }
}

pub fn leaf(kind: ExprKind, lo: usize, hi: usize) -> Expr {
    Expr::new(kind, Span::new(lo, hi))
}

pub fn expr<'a>(kind: ExprKind, lo: usize, hi: usize) -> PResult<'a, Expr> {
    checked(Expr::new(kind, Span::new(lo, hi)))
}

pub fn unsupported<'a>(what: Unsupported, lo: usize, hi: usize) -> PResult<'a, Expr> {
    expr(ExprKind::Unsupported(what), lo, hi)
}

pub fn binary<'a>(
    op: BinaryOp,
    op_span: (usize, usize),
    l: Expr,
    r: Expr,
    lo: usize,
    hi: usize,
) -> PResult<'a, Expr> {
    let op_span = Span::new(op_span.0, op_span.1);
    expr(
        ExprKind::Binary(op, Box::new(l), Box::new(r), op_span),
        lo,
        hi,
    )
}

pub fn unary<'a>(op: UnaryOp, x: Expr, lo: usize, hi: usize) -> PResult<'a, Expr> {
    expr(ExprKind::Unary(op, Box::new(x)), lo, hi)
}

pub fn slice<'a>(
    x: Expr,
    lo_e: Option<Expr>,
    hi_e: Option<Expr>,
    max: Option<Expr>,
    lo: usize,
    hi: usize,
) -> PResult<'a, Expr> {
    let kind = ExprKind::Slice {
        x: Box::new(x),
        lo: lo_e.map(Box::new),
        hi: hi_e.map(Box::new),
        max: max.map(Box::new),
    };
    expr(kind, lo, hi)
}

/// `s[::k]` and `s[i:j:]`: Go's message, at the second colon or the `]`.
pub fn missing_index<'a>(which: &str, at: usize) -> PResult<'a, Expr> {
    fail(
        Span::new(at, at + 1),
        format!("{which} index required in 3-index slice"),
    )
}

pub fn call<'a>(
    func: Expr,
    args: Vec<Expr>,
    spread: bool,
    lo: usize,
    hi: usize,
) -> PResult<'a, Expr> {
    let kind = ExprKind::Call {
        func: Box::new(func),
        args,
        spread,
    };
    expr(kind, lo, hi)
}

pub fn composite<'a>(
    ty: Option<Expr>,
    value: (Vec<Element>, Span),
    lo: usize,
    hi: usize,
) -> PResult<'a, Expr> {
    let kind = ExprKind::Composite {
        ty: ty.map(Box::new),
        elems: value.0,
        lbrace: value.1,
    };
    expr(kind, lo, hi)
}

pub fn composite_elided<'a>(
    value: (Vec<Element>, Span),
    lo: usize,
    hi: usize,
) -> PResult<'a, Expr> {
    composite(None, value, lo, hi)
}

pub fn ty<'a>(kind: TypeKind, lo: usize, hi: usize) -> PResult<'a, TypeExpr> {
    let t = TypeExpr::new(kind, Span::new(lo, hi));
    if t.depth > MAX_DEPTH {
        return fail(t.span, "type nesting too deep");
    }
    Ok(t)
}

/// Numbers the lines of a const group for `iota`.
pub fn number_consts(mut specs: Vec<ConstSpec>) -> Vec<ConstSpec> {
    for (i, spec) in specs.iter_mut().enumerate() {
        spec.iota = i as u32;
    }
    specs
}

pub fn labeled(label: Ident, stmt: Option<Stmt>) -> StmtKind {
    let span = label.span;
    let stmt = stmt.unwrap_or(Stmt {
        kind: StmtKind::Empty,
        span: span.to(span),
    });
    StmtKind::Labeled(label, Box::new(stmt))
}

pub fn if_stmt<'a>(
    init: Option<Stmt>,
    cond: Expr,
    then: Block,
    els: Option<Stmt>,
) -> PResult<'a, StmtKind> {
    let depth = match &els {
        Some(Stmt {
            kind: StmtKind::If { depth, .. },
            ..
        }) => depth + 1,
        _ => 1,
    };
    if depth > MAX_DEPTH {
        return fail(cond.span, "else-if chain too long");
    }
    Ok(StmtKind::If {
        init: init.map(Box::new),
        cond,
        then,
        els: els.map(Box::new),
        depth,
    })
}

pub fn range_stmt<'a>(
    vars: Vec<Expr>,
    define: bool,
    x: Expr,
    body: Block,
) -> PResult<'a, StmtKind> {
    let extra = vars.get(2).map(|v| v.span);
    let mut vars = vars.into_iter();
    Ok(StmtKind::Range {
        key: vars.next(),
        value: vars.next(),
        extra,
        define,
        x,
        body,
    })
}

/// `switch a {` has only a tag; `switch a; b {` has an init and a tag.
pub fn switch_stmt<'a>(
    a: Option<Stmt>,
    b: Option<Option<Stmt>>,
    cases: Vec<CaseClause>,
    lbrace: Span,
) -> PResult<'a, StmtKind> {
    let (init, tag) = match b {
        None => (None, a),
        Some(b) => (a, b),
    };
    let tag = match tag {
        None => None,
        Some(Stmt {
            kind: StmtKind::Expr(e),
            ..
        }) => Some(e),
        Some(Stmt {
            kind: StmtKind::Assign { rhs, .. },
            ..
        }) if matches!(
            rhs.as_slice(),
            [Expr {
                kind: ExprKind::Unsupported(Unsupported::TypeSwitches),
                ..
            }]
        ) =>
        {
            Some(rhs.into_iter().next().expect("matched one element"))
        }
        Some(s) => return fail(s.span, "switch expression must be an expression"),
    };
    Ok(StmtKind::Switch {
        init: init.map(Box::new),
        tag,
        cases,
        lbrace,
    })
}

/// A parameter as parsed, before `group_params` decides what a lone name is.
pub struct ParamDecl {
    pub name: Option<Ident>,
    pub ty: TypeExpr,
    pub variadic: bool,
    pub span: Span,
}

/// Settles Go's parameter-list rule: if any parameter is named, every entry
/// is, and a lone identifier is a name sharing the type of the next typed
/// entry (`a, b int`); otherwise every entry is a type (`int, string`).
pub fn group_params<'a>(decls: Vec<ParamDecl>) -> PResult<'a, Vec<Param>> {
    if decls.iter().all(|d| d.name.is_none()) {
        return Ok(decls
            .into_iter()
            .map(|d| Param {
                name: None,
                ty: d.ty,
                variadic: d.variadic,
                span: d.span,
            })
            .collect());
    }
    let mut params = Vec::new();
    let mut pending: Vec<Ident> = Vec::new();
    for d in decls {
        match d.name {
            Some(name) => {
                for n in pending.drain(..) {
                    let span = n.span;
                    params.push(Param {
                        name: Some(n),
                        ty: d.ty.clone(),
                        variadic: d.variadic,
                        span,
                    });
                }
                params.push(Param {
                    name: Some(name),
                    ty: d.ty,
                    variadic: d.variadic,
                    span: d.span,
                });
            }
            None => match d.ty.kind {
                TypeKind::Name(n) if !d.variadic => pending.push(n),
                _ => return fail(d.span, "mixed named and unnamed parameters"),
            },
        }
    }
    if let Some(n) = pending.first() {
        return fail(n.span, "mixed named and unnamed parameters");
    }
    Ok(params)
}

pub fn for_stmt<'a>(
    init: Option<Stmt>,
    cond: Option<Expr>,
    post: Option<Stmt>,
    body: Block,
) -> PResult<'a, StmtKind> {
    if let Some(Stmt {
        kind:
            StmtKind::Assign {
                op: AssignOp::Define,
                op_span,
                ..
            },
        ..
    }) = &post
    {
        return fail(
            *op_span,
            "syntax error: cannot declare in post statement of for loop",
        );
    }
    Ok(StmtKind::For {
        init: init.map(Box::new),
        cond,
        post: post.map(Box::new),
        body,
    })
}

/// The package name an import path binds by default (its last element).
pub fn import_name(path: &[u8]) -> String {
    let path = String::from_utf8_lossy(path);
    path.rsplit('/').next().unwrap_or_default().to_string()
}
