//! The typed IR: a tree per function, with Go's op names.
//!
//! The checker builds it from the AST with every expression typed, every
//! name resolved to a local, global or function, untyped constants converted
//! to their final types, and statement headers (`if x := …; c`) hoisted into
//! enclosing blocks. The order and walk passes rewrite it in place into the
//! lowered form that the JIT compiles: map operations become
//! [`ExprKind::RuntimeCall`]s, literals become assignments, ranges over maps
//! become iterator loops. Nothing the backend needs lives only in a dump.
//!
//! Node shapes (Go's op in brackets):
//! - `Name` [ONAME] a local or global variable; `Blank` [ONAME `_`]
//! - `Const` [OLITERAL], `Nil` [ONIL], `Zero` (the zero value of its type)
//! - `Binary` [OADD … OGE, OANDAND, OOROR], `Unary` [ONEG OPLUS ONOT OBITNOT]
//! - `AddStr` [OADDSTR] string concatenation of 2+ operands
//! - `Deref` [ODEREF] `*p`, `Addr` [OADDR] `&x`, `Dot` [ODOT] `x.f`,
//!   `DotPtr` [ODOTPTR] `p.f` through a pointer
//! - `Index` [OINDEX] array/slice/string element, `IndexMap` [OINDEXMAP]
//! - `Slice` [OSLICE OSLICEARR OSLICESTR]
//! - `Call` [OCALLFUNC] a gm function; `RuntimeCall` [OCALLFUNC runtime.f]
//! - `Len` [OLEN], `Cap` [OCAP], `MakeMap` [OMAKEMAP], `MakeSlice`
//!   [OMAKESLICE], `New` [ONEW], `Append` [OAPPEND], `Copy` [OCOPY],
//!   `MinMax` [OMIN OMAX]
//! - `Conv` [OCONV] numeric conversion, `ConvNop` [OCONVNOP] same
//!   representation, `StrToBytes` [OSTR2BYTES], `BytesToStr` [OBYTES2STR],
//!   `StrToRunes` [OSTR2RUNES], `RunesToStr` [ORUNES2STR], `RuneToStr`
//!   [ORUNESTR]
//! - `MapLit` [OMAPLIT], `SliceLit` [OSLICELIT], `ArrayLit` [OARRAYLIT],
//!   `StructLit` [OSTRUCTLIT], `PtrLit` [OPTRLIT] `&T{…}`
//! - `Init` an expression with statements that run first, each time it is
//!   evaluated (Go's init list on a node): the order pass puts the side
//!   effects of `if` / `for` conditions and `switch` cases there
//! - after walk: `TypeDesc` (`&type:map[K]V`), `MapZero` (`&go:map.zero`),
//!   `Reinterpret` (view a value's bits as another type of the same size)
//!
//! Statements: `Block` [OBLOCK], `Decl` [ODCL], `Assign` [OAS], `Assign2`
//! [OAS2], `Assign2Func` [OAS2FUNC], `Assign2MapR` [OAS2MAPR], `AssignOp`
//! [OASOP], `Expr` (a call for its effects), `If` [OIF], `For` [OFOR],
//! `Range` [ORANGE], `Switch` [OSWITCH], `Return` [ORETURN], `Break`
//! [OBREAK], `Continue` [OCONTINUE], `Delete` [ODELETE], `Clear` [OCLEAR],
//! `Print` [OPRINT OPRINTN], `Panic` [OPANIC].

use cranelift_entity::{PrimaryMap, entity_impl};
use gm_diag::Span;

use crate::constant::ConstValue;
use crate::runtime::RtFn;
use crate::types::{TypeId, TypeTable};

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalId(u32);
entity_impl!(LocalId, "local");

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GlobalId(u32);
entity_impl!(GlobalId, "global");

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FuncId(u32);
entity_impl!(FuncId, "func");

/// A `for`, range or `switch` statement that `break`/`continue` can target.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LoopId(u32);
entity_impl!(LoopId, "loop");

pub struct Program {
    pub types: TypeTable,
    pub globals: PrimaryMap<GlobalId, Global>,
    pub funcs: PrimaryMap<FuncId, Func>,
    /// The package initialisation function (`init`): package-level variable
    /// initialisers in Go's dependency order. Present when there are any.
    pub init: Option<FuncId>,
    pub main: Option<FuncId>,
}

pub struct Global {
    pub name: String,
    pub ty: TypeId,
    pub span: Span,
    /// Read-only data made by walk (static key/elem tables, constant keys);
    /// its value is `init_value`.
    pub readonly: bool,
    pub init_value: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocalKind {
    Param,
    Result,
    Var,
    /// A compiler temporary (`.autotmp_N`).
    Temp,
}

pub struct Local {
    pub name: String,
    pub ty: TypeId,
    pub kind: LocalKind,
    pub span: Span,
    /// Its address is taken somewhere (`&x`, a slow map key, a method-like
    /// auto-address): it must live in memory.
    pub addr_taken: bool,
}

pub struct Func {
    pub name: String,
    pub span: Span,
    pub params: Vec<LocalId>,
    pub results: Vec<LocalId>,
    /// Result types, for functions whose results are not named.
    pub result_types: Vec<TypeId>,
    pub locals: PrimaryMap<LocalId, Local>,
    pub loops: PrimaryMap<LoopId, ()>,
    pub body: Vec<Stmt>,
    /// Set by the walk pass on functions it creates (`map.init.0`).
    pub synthetic: bool,
}

impl Func {
    pub fn new(name: &str, span: Span) -> Func {
        Func {
            name: name.to_string(),
            span,
            params: Vec::new(),
            results: Vec::new(),
            result_types: Vec::new(),
            locals: PrimaryMap::new(),
            loops: PrimaryMap::new(),
            body: Vec::new(),
            synthetic: false,
        }
    }

    /// Adds a compiler temporary, named `.autotmp_N` in the order created.
    pub fn temp(&mut self, ty: TypeId, span: Span) -> LocalId {
        let n = self
            .locals
            .values()
            .filter(|l| l.kind == LocalKind::Temp)
            .count();
        self.locals.push(Local {
            name: format!(".autotmp_{n}"),
            ty,
            kind: LocalKind::Temp,
            span,
            addr_taken: false,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Var {
    Local(LocalId),
    Global(GlobalId),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: TypeId,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    Xor,
    AndNot,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    AndAnd,
    OrOr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnOp {
    Neg,
    Plus,
    Not,
    BitNot,
}

/// Where the array made by `[]byte(s)` or `[]rune(s)` comes from, as Go
/// decides it (`runtime.stringtoslicebyte`/`stringtoslicerune` and escape
/// analysis); only the result's capacity shows the difference.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ConvBuf {
    /// A fresh array rounded up to its allocation size class: the result
    /// escapes.
    #[default]
    Heap,
    /// Go's 32-element temporary buffer when the result fits in it (else
    /// as `Heap`): the result stays in its function.
    Temp,
    /// Exactly as many elements as the result has: the operand is a
    /// constant, or a `[]byte` that stays in its function and is never
    /// written (Go then shares the string's bytes).
    Exact,
}

/// Where the memory of `new(T)`, `&T{…}`, a slice literal's array or the
/// array of `make([]T, len, cap)` lives, as Go's escape analysis decides
/// it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AllocPlace {
    /// Allocated by the runtime (`newobject`, `makeslice`).
    #[default]
    Heap,
    /// In the frame, zeroed at each evaluation: it does not outlive its
    /// function (or the loop iteration that makes it), and its size, a
    /// constant (for `make`, the constant capacity, or length without
    /// one), is at most 64 KB.
    Frame,
}

/// The constant number of elements of the array of `make([]T, len, cap)`:
/// its capacity, or its length without one.
pub fn make_slice_elems(len: &Expr, cap: Option<&Expr>) -> Option<u64> {
    u64::try_from(cap.unwrap_or(len).int_const()?).ok()
}

/// Where the map made by `make` or a map literal lives, as Go's escape
/// analysis decides it; walk lowers a stack map to a header in the frame.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MapEscape {
    /// It does not outlive its function (or the loop iteration that makes
    /// it).
    Stack,
    /// It escapes, for the reason given in words (`returned`, `stored in
    /// global g`, …); empty until escape analysis has looked at it.
    Heap(Box<str>),
}

impl Default for MapEscape {
    /// Undecided maps are on the heap: that is always correct.
    fn default() -> MapEscape {
        MapEscape::Heap(Box::default())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SliceKind {
    /// `s[lo:hi]` on a slice [OSLICE]
    Slice,
    /// `a[lo:hi]` on an addressable array (the operand is `&a`) [OSLICEARR]
    Array,
    /// `s[lo:hi]` on a string [OSLICESTR]
    String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Name(Var),
    Blank,
    Const(ConstValue),
    Nil,
    Zero,
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Unary(UnOp, Box<Expr>),
    AddStr(Vec<Expr>),
    Deref(Box<Expr>),
    Addr(Box<Expr>),
    Dot(Box<Expr>, usize),
    DotPtr(Box<Expr>, usize),
    Index(Box<Expr>, Box<Expr>),
    IndexMap(Box<Expr>, Box<Expr>),
    Slice {
        kind: SliceKind,
        x: Box<Expr>,
        lo: Option<Box<Expr>>,
        hi: Option<Box<Expr>>,
        /// The capacity bound of a 3-index slice `x[lo:hi:max]`.
        max: Option<Box<Expr>>,
    },
    Call(FuncId, Vec<Expr>),
    RuntimeCall(RtFn, Vec<Expr>),
    Len(Box<Expr>),
    Cap(Box<Expr>),
    /// `make(map[K]V)` or `make(map[K]V, hint)`.
    MakeMap(Option<Box<Expr>>, MapEscape),
    MakeSlice(Box<Expr>, Option<Box<Expr>>, AllocPlace),
    New(AllocPlace),
    /// `append(s, xs...)` when `spread`, else `append(s, a, b, …)`.
    Append(Vec<Expr>, bool),
    Copy(Box<Expr>, Box<Expr>),
    MinMax(bool, Vec<Expr>),
    Conv(Box<Expr>),
    ConvNop(Box<Expr>),
    StrToBytes(Box<Expr>, ConvBuf),
    BytesToStr(Box<Expr>),
    StrToRunes(Box<Expr>, ConvBuf),
    RunesToStr(Box<Expr>),
    RuneToStr(Box<Expr>),
    /// `map[K]V{k: v, …}`; the number is how many entries the order pass
    /// moved out as separate assignments (they still count in the hint).
    MapLit(Vec<(Expr, Expr)>, u64, MapEscape),
    SliceLit(Vec<(u64, Expr)>, AllocPlace),
    ArrayLit(Vec<(u64, Expr)>),
    StructLit(Vec<(usize, Expr)>),
    PtrLit(Box<Expr>, AllocPlace),
    TypeDesc(TypeId),
    MapZero,
    Reinterpret(Box<Expr>),
    /// Statements run before the value is computed, every time.
    Init(Vec<Stmt>, Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    /// Empty for `default`.
    pub exprs: Vec<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RangeKind {
    /// `for i := range n` over an integer.
    Int,
    Array,
    /// Over a pointer to an array.
    ArrayPtr,
    Slice,
    String,
    Map,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Block(Vec<Stmt>),
    /// Declares a local; it starts at its zero value.
    Decl(LocalId),
    Assign(Expr, Expr),
    Assign2(Vec<Expr>, Vec<Expr>),
    Assign2Func(Vec<Expr>, Expr),
    Assign2MapR(Vec<Expr>, Expr),
    /// `x op= y`; `x++` is `x += 1` with `incdec` set.
    AssignOp {
        op: BinOp,
        lhs: Expr,
        rhs: Expr,
        incdec: bool,
    },
    Expr(Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    For {
        id: LoopId,
        cond: Option<Expr>,
        post: Option<Box<Stmt>>,
        body: Vec<Stmt>,
        /// Locals re-created per iteration (Go 1.22 loop variables) that
        /// are address-taken: the backend gives each iteration a fresh copy.
        per_iteration: Vec<LocalId>,
    },
    Range {
        id: LoopId,
        kind: RangeKind,
        key: Option<Expr>,
        value: Option<Expr>,
        /// `:=` rather than `=`
        define: bool,
        x: Expr,
        body: Vec<Stmt>,
    },
    Switch {
        id: LoopId,
        tag: Option<Expr>,
        cases: Vec<Case>,
    },
    Return(Vec<Expr>),
    Break(LoopId),
    Continue(LoopId),
    Delete(Expr, Expr),
    Clear(Expr),
    /// `print` / `println` (`newline`).
    Print(Vec<Expr>, bool),
    Panic(Expr),
}

/// The direct sub-expressions of an expression kind, shared by
/// [`Expr::children`] and [`Expr::children_mut`]: the two differ only in the
/// borrowing methods named here.
macro_rules! direct_children {
    ($kind:expr, $as_ref:ident, $as_deref:ident, $iter:ident) => {
        match $kind {
            ExprKind::Name(_)
            | ExprKind::Blank
            | ExprKind::Const(_)
            | ExprKind::Nil
            | ExprKind::Zero
            | ExprKind::New(_)
            | ExprKind::TypeDesc(_)
            | ExprKind::MapZero => vec![],
            ExprKind::Binary(_, a, b)
            | ExprKind::Index(a, b)
            | ExprKind::IndexMap(a, b)
            | ExprKind::Copy(a, b) => vec![a.$as_ref(), b.$as_ref()],
            ExprKind::Unary(_, a)
            | ExprKind::Deref(a)
            | ExprKind::Addr(a)
            | ExprKind::Dot(a, _)
            | ExprKind::DotPtr(a, _)
            | ExprKind::Len(a)
            | ExprKind::Cap(a)
            | ExprKind::Conv(a)
            | ExprKind::ConvNop(a)
            | ExprKind::StrToBytes(a, _)
            | ExprKind::BytesToStr(a)
            | ExprKind::StrToRunes(a, _)
            | ExprKind::RunesToStr(a)
            | ExprKind::RuneToStr(a)
            | ExprKind::PtrLit(a, _)
            | ExprKind::Reinterpret(a)
            | ExprKind::Init(_, a) => vec![a.$as_ref()],
            ExprKind::AddStr(v)
            | ExprKind::Call(_, v)
            | ExprKind::RuntimeCall(_, v)
            | ExprKind::Append(v, _)
            | ExprKind::MinMax(_, v) => v.$iter().collect(),
            ExprKind::Slice { x, lo, hi, max, .. } => {
                let mut v = vec![x.$as_ref()];
                v.extend(lo.$as_deref());
                v.extend(hi.$as_deref());
                v.extend(max.$as_deref());
                v
            }
            ExprKind::MakeMap(h, _) => h.$as_deref().into_iter().collect(),
            ExprKind::MakeSlice(l, c, _) => {
                let mut v = vec![l.$as_ref()];
                v.extend(c.$as_deref());
                v
            }
            ExprKind::MapLit(es, ..) => es.$iter().flat_map(|(k, v)| [k, v]).collect(),
            ExprKind::SliceLit(es, _) | ExprKind::ArrayLit(es) => {
                es.$iter().map(|(_, e)| e).collect()
            }
            ExprKind::StructLit(es) => es.$iter().map(|(_, e)| e).collect(),
        }
    };
}

/// The statements directly nested in a statement kind, by reference or by
/// mutable reference.
macro_rules! nested_stmts {
    ($kind:expr, $as_deref:ident, $iter:ident) => {
        match $kind {
            StmtKind::Block(list) => list.$iter().collect(),
            StmtKind::If(_, a, b) => a.$iter().chain(b).collect(),
            StmtKind::For { post, body, .. } => post.$as_deref().into_iter().chain(body).collect(),
            StmtKind::Range { body, .. } => body.$iter().collect(),
            StmtKind::Switch { cases, .. } => cases.$iter().flat_map(|c| c.body.$iter()).collect(),
            _ => Vec::new(),
        }
    };
}

impl Stmt {
    /// The statements directly nested in this one: a block's, both
    /// branches of an `if`, a loop's post statement and body, every case
    /// body of a switch.
    pub fn nested(&self) -> Vec<&Stmt> {
        nested_stmts!(&self.kind, as_deref, iter)
    }

    /// [`nested`](Self::nested), to edit them.
    pub fn nested_mut(&mut self) -> Vec<&mut Stmt> {
        nested_stmts!(&mut self.kind, as_deref_mut, iter_mut)
    }

    /// The expressions directly in this statement (not those of the
    /// statements [nested](Self::nested) in it), to edit them.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match &mut self.kind {
            StmtKind::Block(_) | StmtKind::Decl(_) | StmtKind::Break(_) | StmtKind::Continue(_) => {
                vec![]
            }
            StmtKind::Assign(a, b) | StmtKind::Delete(a, b) => vec![a, b],
            StmtKind::AssignOp { lhs, rhs, .. } => vec![lhs, rhs],
            StmtKind::Assign2(ls, rs) => ls.iter_mut().chain(rs).collect(),
            StmtKind::Assign2Func(ls, x) | StmtKind::Assign2MapR(ls, x) => {
                ls.iter_mut().chain([x]).collect()
            }
            StmtKind::Expr(x) | StmtKind::Clear(x) | StmtKind::Panic(x) => vec![x],
            StmtKind::Return(xs) | StmtKind::Print(xs, _) => xs.iter_mut().collect(),
            StmtKind::If(c, ..) => vec![c],
            StmtKind::For { cond, .. } => cond.iter_mut().collect(),
            StmtKind::Range { key, value, x, .. } => {
                key.iter_mut().chain(value.iter_mut()).chain([x]).collect()
            }
            StmtKind::Switch { tag, cases, .. } => tag
                .iter_mut()
                .chain(cases.iter_mut().flat_map(|c| c.exprs.iter_mut()))
                .collect(),
        }
    }
}

impl Expr {
    pub fn new(kind: ExprKind, ty: TypeId, span: Span) -> Expr {
        Expr { kind, ty, span }
    }

    pub fn local(id: LocalId, ty: TypeId, span: Span) -> Expr {
        Expr::new(ExprKind::Name(Var::Local(id)), ty, span)
    }

    /// Whether evaluating the expression can have effects or panic (calls,
    /// map writes, divisions, index bounds…): such operands need temps to
    /// keep Go's evaluation order.
    pub fn is_name_or_const(&self) -> bool {
        matches!(
            self.kind,
            ExprKind::Name(_)
                | ExprKind::Const(_)
                | ExprKind::Nil
                | ExprKind::Blank
                | ExprKind::Zero
        )
    }

    /// The value of an integer constant.
    pub fn int_const(&self) -> Option<i128> {
        match &self.kind {
            ExprKind::Const(c) => c.as_int(),
            _ => None,
        }
    }

    /// Visits this expression and every sub-expression, parents first.
    pub fn walk(&self, f: &mut dyn FnMut(&Expr)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
    }

    pub fn children(&self) -> Vec<&Expr> {
        direct_children!(&self.kind, as_ref, as_deref, iter)
    }

    /// The direct sub-expressions, mutably (the statements of an `Init` are
    /// not included).
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        direct_children!(&mut self.kind, as_mut, as_deref_mut, iter_mut)
    }

    /// The local variable whose storage this expression is part of, through
    /// struct fields and array elements (Go's `OuterValue`); `None` when it
    /// lives elsewhere (a global, the heap, a slice's array).
    pub fn outer_local(&self, types: &TypeTable) -> Option<LocalId> {
        match &self.kind {
            ExprKind::Name(Var::Local(id)) => Some(*id),
            ExprKind::Dot(x, _) => x.outer_local(types),
            ExprKind::Index(x, _) if types.array_of(x.ty).is_some() => x.outer_local(types),
            _ => None,
        }
    }

    /// True if any sub-expression satisfies `pred`.
    pub fn any(&self, pred: &mut dyn FnMut(&Expr) -> bool) -> bool {
        if pred(self) {
            return true;
        }
        self.children().into_iter().any(|c| c.any(pred))
    }
}

impl BinOp {
    /// Go's op name, as the dumps print it.
    pub fn go_name(self) -> &'static str {
        match self {
            BinOp::Add => "ADD",
            BinOp::Sub => "SUB",
            BinOp::Mul => "MUL",
            BinOp::Div => "DIV",
            BinOp::Rem => "MOD",
            BinOp::And => "AND",
            BinOp::Or => "OR",
            BinOp::Xor => "XOR",
            BinOp::AndNot => "ANDNOT",
            BinOp::Shl => "LSH",
            BinOp::Shr => "RSH",
            BinOp::Eq => "EQ",
            BinOp::Ne => "NE",
            BinOp::Lt => "LT",
            BinOp::Le => "LE",
            BinOp::Gt => "GT",
            BinOp::Ge => "GE",
            BinOp::AndAnd => "ANDAND",
            BinOp::OrOr => "OROR",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
            BinOp::And => "&",
            BinOp::Or => "|",
            BinOp::Xor => "^",
            BinOp::AndNot => "&^",
            BinOp::Shl => "<<",
            BinOp::Shr => ">>",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::AndAnd => "&&",
            BinOp::OrOr => "||",
        }
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }

    /// Operator precedence as in Go (5 binds tightest).
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Mul
            | BinOp::Div
            | BinOp::Rem
            | BinOp::Shl
            | BinOp::Shr
            | BinOp::And
            | BinOp::AndNot => 5,
            BinOp::Add | BinOp::Sub | BinOp::Or | BinOp::Xor => 4,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 3,
            BinOp::AndAnd => 2,
            BinOp::OrOr => 1,
        }
    }
}

impl UnOp {
    pub fn go_name(self) -> &'static str {
        match self {
            UnOp::Neg => "NEG",
            UnOp::Plus => "PLUS",
            UnOp::Not => "NOT",
            UnOp::BitNot => "BITNOT",
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            UnOp::Neg => "-",
            UnOp::Plus => "+",
            UnOp::Not => "!",
            UnOp::BitNot => "^",
        }
    }
}
