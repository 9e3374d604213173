//! The syntax tree of a `.gm` file, as the grammar builds it.
//!
//! Every node carries its byte span. The tree follows Go's syntax rather than
//! gm's subset: constructs outside the subset (goroutines, interfaces, …) are
//! parsed into [`Unsupported`] nodes so the checker can name them in an error.
//! Expressions and types share one syntax in Go (`[]byte(s)`, `(*T)(p)`), so a
//! type literal in expression position is an [`ExprKind::Type`].

use gm_diag::Span;

/// The deepest nesting of expressions, types or `else if` chains the parser
/// accepts; deeper input gets an error instead of exhausting the stack in
/// later (recursive) passes.
pub const MAX_DEPTH: u32 = 10_000;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub package: Option<Ident>,
    pub imports: Vec<Import>,
    pub decls: Vec<Decl>,
}

/// An import declaration (outside gm's subset) and the names it binds.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    pub span: Span,
    pub names: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    Var(Vec<VarSpec>),
    Const(Vec<ConstSpec>),
    Type(Vec<TypeSpec>),
    Func(FuncDecl),
}

/// `var a, b T = x, y`
#[derive(Clone, Debug, PartialEq)]
pub struct VarSpec {
    pub names: Vec<Ident>,
    pub ty: Option<TypeExpr>,
    pub values: Vec<Expr>,
    pub span: Span,
}

/// One line of a const declaration. `values` empty means the previous line's
/// type and values are repeated (with the new `iota`).
#[derive(Clone, Debug, PartialEq)]
pub struct ConstSpec {
    pub names: Vec<Ident>,
    pub ty: Option<TypeExpr>,
    pub values: Vec<Expr>,
    pub iota: u32,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeSpec {
    pub name: Ident,
    pub type_params: Option<Span>,
    /// `type A = B` (an alias) rather than a defined type.
    pub alias: bool,
    pub ty: TypeExpr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FuncDecl {
    pub name: Ident,
    /// Set for a method: the span of its receiver.
    pub receiver: Option<Span>,
    pub type_params: Option<Span>,
    pub sig: Signature,
    pub body: Option<Block>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub params: Vec<Param>,
    pub results: Vec<Param>,
    pub span: Span,
}

/// A parameter or result; `name` is absent for unnamed ones.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Option<Ident>,
    pub ty: TypeExpr,
    /// `...T`
    pub variadic: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeKind,
    pub span: Span,
    pub depth: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// A type name (`int`, `Point`), or a qualified one (`pkg.T`, kept as an
    /// expression so the checker can report it).
    Name(Ident),
    Qualified(Ident, Ident),
    /// `[N]T`; `None` length is `[...]T`.
    Array(Option<Box<Expr>>, Box<TypeExpr>),
    Slice(Box<TypeExpr>),
    Map(Box<TypeExpr>, Box<TypeExpr>),
    Pointer(Box<TypeExpr>),
    Struct(Vec<FieldDecl>),
    Paren(Box<TypeExpr>),
    /// A type the parser recognises only to reject it.
    Unsupported(Unsupported),
    /// A type that could not be parsed as one (`T[int]`, …).
    Bad,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    pub names: Vec<Ident>,
    pub ty: TypeExpr,
    /// An embedded field has no names; its span is recorded to report it.
    pub embedded: bool,
    pub tag: Option<Span>,
    pub span: Span,
}

/// Go constructs outside the `.gm` subset, by the name used in the
/// `unsupported: <construct>` error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unsupported {
    Imports,
    Goroutines,
    Channels,
    Select,
    Defer,
    Goto,
    Fallthrough,
    Interfaces,
    TypeSwitches,
    TypeAssertions,
    Methods,
    Generics,
    Closures,
    FunctionValues,
    ComplexNumbers,
    StructEmbedding,
    StructTags,
    Recover,
    VariadicFunctions,
    TypeAliases,
    /// `append(g())` and friends; `print`/`println` and user functions
    /// accept them.
    MultiValueBuiltinArgs,
}

impl Unsupported {
    pub fn name(self) -> &'static str {
        match self {
            Unsupported::Imports => "imports",
            Unsupported::Goroutines => "goroutines",
            Unsupported::Channels => "channels",
            Unsupported::Select => "select",
            Unsupported::Defer => "defer",
            Unsupported::Goto => "goto",
            Unsupported::Fallthrough => "fallthrough",
            Unsupported::Interfaces => "interfaces",
            Unsupported::TypeSwitches => "type switches",
            Unsupported::TypeAssertions => "type assertions",
            Unsupported::Methods => "methods",
            Unsupported::Generics => "generics",
            Unsupported::Closures => "closures",
            Unsupported::FunctionValues => "function values",
            Unsupported::ComplexNumbers => "complex numbers",
            Unsupported::StructEmbedding => "struct embedding",
            Unsupported::StructTags => "struct tags",
            Unsupported::Recover => "recover",
            Unsupported::VariadicFunctions => "variadic functions",
            Unsupported::TypeAliases => "type aliases",
            Unsupported::MultiValueBuiltinArgs => "multiple-value built-in arguments",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    /// Nesting depth of this expression tree (a leaf is 1).
    pub depth: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Ident(String),
    /// An integer literal's source text (`0x_ff`); the checker reads it.
    Int(Box<str>),
    /// A floating-point literal's source text (`1.5e3`, `0x1p-2`).
    Float(Box<str>),
    Rune(u32),
    /// String contents after escape decoding (Go strings are bytes).
    Str(Vec<u8>),
    /// The operator, its operands, and the operator's own span (where Go
    /// reports a constant result's overflow).
    Binary(BinaryOp, Box<Expr>, Box<Expr>, Span),
    Unary(UnaryOp, Box<Expr>),
    Paren(Box<Expr>),
    Selector(Box<Expr>, Ident),
    Index(Box<Expr>, Box<Expr>),
    /// `x[lo:hi]`; `max` is set for the three-index form `x[lo:hi:max]`.
    Slice {
        x: Box<Expr>,
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
        max: Option<Box<Expr>>,
    },
    Call {
        func: Box<Expr>,
        args: Vec<Expr>,
        /// `f(a, b...)`
        spread: bool,
    },
    /// `T{...}`; `ty` is `None` for an elided type inside another literal.
    Composite {
        ty: Option<Box<Expr>>,
        elems: Vec<Element>,
        lbrace: Span,
    },
    /// A type literal used as an expression (`[]byte` in `[]byte(s)`).
    Type(Box<TypeExpr>),
    /// `x.(T)` / `x.(type)`, func literals, `<-ch`, imaginary literals, …
    Unsupported(Unsupported),
}

/// One element of a composite literal: `value` or `key: value`.
#[derive(Clone, Debug, PartialEq)]
pub struct Element {
    pub key: Option<Expr>,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    OrOr,
    AndAnd,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Or,
    Xor,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    And,
    AndNot,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::OrOr => "||",
            BinaryOp::AndAnd => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Or => "|",
            BinaryOp::Xor => "^",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::And => "&",
            BinaryOp::AndNot => "&^",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinaryOp::Eq | BinaryOp::Ne | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }

    pub fn is_shift(self) -> bool {
        matches!(self, BinaryOp::Shl | BinaryOp::Shr)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Plus,
    Neg,
    Not,
    /// `^x`
    BitNot,
    /// `*x`: a dereference, or a pointer type in expression position.
    Deref,
    /// `&x`
    Addr,
}

impl UnaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Plus => "+",
            UnaryOp::Neg => "-",
            UnaryOp::Not => "!",
            UnaryOp::BitNot => "^",
            UnaryOp::Deref => "*",
            UnaryOp::Addr => "&",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssignOp {
    /// `=`
    Plain,
    /// `:=`
    Define,
    /// `op=`
    Op(BinaryOp),
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Empty,
    Expr(Expr),
    /// `x++` / `x--`
    IncDec(Expr, bool),
    Assign {
        lhs: Vec<Expr>,
        op: AssignOp,
        /// Where the `=` / `:=` / `op=` is: Go reports assignment errors there.
        op_span: Span,
        rhs: Vec<Expr>,
    },
    Var(Vec<VarSpec>),
    Const(Vec<ConstSpec>),
    Type(Vec<TypeSpec>),
    Block(Block),
    If {
        init: Option<Box<Stmt>>,
        cond: Expr,
        then: Block,
        /// Another `If` statement or a `Block`.
        els: Option<Box<Stmt>>,
        /// Length of the `else if` chain from here.
        depth: u32,
    },
    For {
        init: Option<Box<Stmt>>,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
        body: Block,
    },
    Range {
        key: Option<Expr>,
        value: Option<Expr>,
        /// Where a third iteration variable stands (an error the checker
        /// reports, as Go's does).
        extra: Option<Span>,
        /// `:=` rather than `=`
        define: bool,
        x: Expr,
        body: Block,
    },
    Switch {
        init: Option<Box<Stmt>>,
        tag: Option<Expr>,
        cases: Vec<CaseClause>,
        lbrace: Span,
    },
    Return(Vec<Expr>),
    Break(Option<Ident>),
    Continue(Option<Ident>),
    Labeled(Ident, Box<Stmt>),
    Unsupported(Unsupported),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CaseClause {
    /// Empty for `default`.
    pub exprs: Vec<Expr>,
    pub default: bool,
    pub body: Vec<Stmt>,
    pub span: Span,
}

impl Expr {
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        let depth = 1 + expr_child_depth(&kind);
        Expr { kind, span, depth }
    }
}

fn expr_child_depth(kind: &ExprKind) -> u32 {
    let d = |e: &Expr| e.depth;
    let od = |e: &Option<Box<Expr>>| e.as_ref().map_or(0, |e| e.depth);
    match kind {
        ExprKind::Binary(_, l, r, _) => d(l).max(d(r)),
        ExprKind::Unary(_, x) | ExprKind::Paren(x) | ExprKind::Selector(x, _) => d(x),
        ExprKind::Index(x, i) => d(x).max(d(i)),
        ExprKind::Slice { x, lo, hi, max } => d(x).max(od(lo)).max(od(hi)).max(od(max)),
        ExprKind::Call { func, args, .. } => args.iter().map(d).max().unwrap_or(0).max(d(func)),
        ExprKind::Composite { ty, elems, .. } => elems
            .iter()
            .map(|e| e.value.depth.max(e.key.as_ref().map_or(0, d)))
            .max()
            .unwrap_or(0)
            .max(od(ty)),
        ExprKind::Type(t) => t.depth,
        _ => 0,
    }
}

impl TypeExpr {
    pub fn new(kind: TypeKind, span: Span) -> TypeExpr {
        let depth = 1 + match &kind {
            TypeKind::Array(n, t) => t.depth.max(n.as_ref().map_or(0, |n| n.depth)),
            TypeKind::Slice(t) | TypeKind::Pointer(t) | TypeKind::Paren(t) => t.depth,
            TypeKind::Map(k, v) => k.depth.max(v.depth),
            TypeKind::Struct(fields) => fields.iter().map(|f| f.ty.depth).max().unwrap_or(0),
            _ => 0,
        };
        TypeExpr { kind, span, depth }
    }
}
