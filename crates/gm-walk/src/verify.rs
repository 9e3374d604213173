//! Checks that the IR keeps what the order and walk passes promise (the
//! crate documentation lists it). Debug builds run them after each pass, so
//! a broken promise is an internal compiler error at the node that breaks
//! it rather than a wrong program found much later.
//!
//! Only what order really guarantees is checked, where that is cheap to
//! see. Order leaves a map range's targets to walk and the range-delete
//! idiom's body as written: there only the structural checks apply.

use std::fmt;

use cranelift_entity::EntityRef;
use gm_diag::Span;
use gm_ir::runtime::RtFn;
use gm_ir::{
    Basic, BinOp, Expr, ExprKind, Func, LocalId, LocalKind, LoopId, Program, RangeKind, Stmt,
    StmtKind, Type, TypeId, TypeTable, Var,
};

use crate::mapfast::{MapFast, map_fast};
use crate::order::{is_map_clear, is_static_literal};
use crate::util::{appends_to_itself, is_cheap, same_safe_expr};

/// A promise of a pass that the IR does not keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// The function, or the global whose initial value it is in.
    pub func: String,
    pub span: Span,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "in {}: {}", self.func, self.message)
    }
}

/// What [`crate::order`] promises, checked on its output.
pub fn verify_ordered(program: &Program) -> Vec<Violation> {
    verify(program, Stage::Ordered)
}

/// What [`crate::walk`] promises, checked on its output.
pub fn verify_walked(program: &Program) -> Vec<Violation> {
    verify(program, Stage::Walked)
}

/// Reports the first violation as an internal compiler error: the place
/// is recorded for the panic hook of the `gm` command, which renders it.
pub(crate) fn enforce(pass: &str, violations: &[Violation]) {
    let Some(first) = violations.first() else {
        return;
    };
    gm_diag::ice::enter(&first.func, first.span);
    let more = match violations.len() - 1 {
        0 => String::new(),
        n => format!(" (and {n} more)"),
    };
    panic!("after {pass}: {}{more}", first.message);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Ordered,
    Walked,
}

/// Where an expression stands, for order's rule on calls.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pos {
    /// An operand: calls were evaluated into temporaries before.
    Operand,
    /// The whole value of an expression statement, of `a, b = f()`, or of
    /// an assignment to a variable: a call stays there.
    Call,
    /// The whole value assigned to a compiler temporary (also a `Call`
    /// position).
    Temp,
    /// The value of `x = append(x, …)` or `x = x[i:j]`, which order keeps.
    Kept,
}

fn verify(program: &Program, stage: Stage) -> Vec<Violation> {
    let types = &program.types;
    let type_count = types.ids().count();
    let mut out = Vec::new();
    let mut v = Verifier {
        program,
        types,
        type_count,
        stage,
        func: None,
        name: "",
        unordered: false,
        out: &mut out,
    };
    for (what, id) in [("init", program.init), ("main", program.main)] {
        if let Some(id) = id
            && !program.funcs.is_valid(id)
        {
            v.fail(Span::DUMMY, format!("{what} is {id}, which does not exist"));
        }
    }
    for g in program.globals.values() {
        v.name = &g.name;
        v.ty(g.ty, g.span);
        if let Some(e) = &g.init_value {
            v.expr(e, Pos::Operand);
        }
    }
    for f in program.funcs.values() {
        v.func = Some(f);
        v.name = &f.name;
        v.signature(f);
        v.stmts(&f.body);
    }
    out
}

struct Verifier<'a, 'o> {
    program: &'a Program,
    types: &'a TypeTable,
    type_count: usize,
    stage: Stage,
    /// `None` in a global's initial value.
    func: Option<&'a Func>,
    name: &'a str,
    /// Inside IR that order leaves as written.
    unordered: bool,
    out: &'o mut Vec<Violation>,
}

impl Verifier<'_, '_> {
    fn fail(&mut self, span: Span, message: impl Into<String>) {
        self.out.push(Violation {
            func: self.name.to_string(),
            span,
            message: message.into(),
        });
    }

    /// Whether order's rules apply here.
    fn ordered(&self) -> bool {
        self.stage == Stage::Ordered && !self.unordered
    }

    fn walked(&self) -> bool {
        self.stage == Stage::Walked
    }

    fn unordered_if(&mut self, cond: bool, f: impl FnOnce(&mut Self)) {
        let saved = self.unordered;
        self.unordered |= cond;
        f(self);
        self.unordered = saved;
    }

    fn show(&self, t: TypeId) -> String {
        self.types.display(t)
    }

    // ---- structure --------------------------------------------------------

    fn ty(&mut self, t: TypeId, span: Span) {
        if t.index() >= self.type_count {
            self.fail(span, format!("{t} is not in the type table"));
        }
    }

    fn local(&mut self, id: LocalId, span: Span) -> Option<LocalKind> {
        let kind = self.func.and_then(|f| f.locals.get(id)).map(|l| l.kind);
        if kind.is_none() {
            self.fail(span, format!("{id} is not a local of the function"));
        }
        kind
    }

    fn loop_id(&mut self, id: LoopId, span: Span) {
        if !self.func.is_some_and(|f| f.loops.is_valid(id)) {
            self.fail(span, format!("{id} is not a loop of the function"));
        }
    }

    fn signature(&mut self, f: &Func) {
        for &id in f.params.iter().chain(&f.results) {
            self.local(id, f.span);
        }
        for &t in &f.result_types {
            self.ty(t, f.span);
        }
        for l in f.locals.values() {
            self.ty(l.ty, l.span);
        }
    }

    fn is_temp(&self, e: &Expr) -> bool {
        match e.kind {
            ExprKind::Name(Var::Local(id)) => self
                .func
                .and_then(|f| f.locals.get(id))
                .is_some_and(|l| l.kind == LocalKind::Temp),
            _ => false,
        }
    }

    // ---- statements -------------------------------------------------------

    fn stmts(&mut self, list: &[Stmt]) {
        for s in list {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        let span = s.span;
        match &s.kind {
            StmtKind::Block(list) => self.stmts(list),
            StmtKind::Decl(id) => {
                self.local(*id, span);
            }
            StmtKind::Break(id) | StmtKind::Continue(id) => self.loop_id(*id, span),
            StmtKind::Assign(x, y) => self.assign(x, y),
            StmtKind::AssignOp { op, lhs, rhs, .. } => {
                self.target(lhs);
                if self.ordered() && matches!(lhs.kind, ExprKind::IndexMap(..)) {
                    if matches!(op, BinOp::Div | BinOp::Rem) {
                        self.fail(
                            span,
                            format!(
                                "m[k] {}= r is not split into a read, the operation and an assignment",
                                op.symbol()
                            ),
                        );
                    }
                    if !cheap_operand(rhs) {
                        self.fail(rhs.span, "the operand of m[k] op= r is not cheap");
                    }
                }
                self.expr(rhs, Pos::Operand);
            }
            StmtKind::Assign2(ls, rs) => {
                if ls.len() != rs.len() {
                    self.fail(
                        span,
                        format!("{} targets are assigned {} values", ls.len(), rs.len()),
                    );
                }
                for l in ls {
                    self.target(l);
                }
                for r in rs {
                    self.expr(r, Pos::Operand);
                }
            }
            StmtKind::Assign2Func(ls, call) => {
                for l in ls {
                    self.target(l);
                    self.temp_target(l, "the results of a call are");
                }
                self.expr(call, Pos::Call);
            }
            StmtKind::Assign2MapR(ls, index) => {
                if self.walked() {
                    self.fail(span, "a comma-ok map read is left");
                }
                if ls.len() != 2 {
                    self.fail(
                        span,
                        format!("a comma-ok map read has {} targets", ls.len()),
                    );
                }
                for l in ls {
                    self.target(l);
                    self.temp_target(l, "a comma-ok map read is");
                }
                match &index.kind {
                    ExprKind::IndexMap(m, k) => {
                        self.ty(index.ty, index.span);
                        self.expr(m, Pos::Operand);
                        self.expr(k, Pos::Operand);
                        if self.ordered() {
                            self.key_ready(m.ty, k);
                        }
                    }
                    _ => {
                        self.fail(index.span, "a comma-ok map read reads no map element");
                        self.expr(index, Pos::Operand);
                    }
                }
            }
            StmtKind::Expr(e) => self.expr(e, Pos::Call),
            StmtKind::If(c, then, els) => {
                self.expr(c, Pos::Operand);
                self.stmts(then);
                self.stmts(els);
            }
            StmtKind::For {
                id,
                cond,
                post,
                body,
                per_iteration,
            } => {
                self.loop_id(*id, span);
                for &l in per_iteration {
                    self.local(l, span);
                }
                if let Some(c) = cond {
                    self.expr(c, Pos::Operand);
                }
                if let Some(p) = post {
                    self.stmt(p);
                }
                self.stmts(body);
            }
            StmtKind::Range {
                id,
                kind,
                key,
                value,
                define,
                x,
                body,
            } => self.range(*id, kind, key, value, *define, x, body, span),
            StmtKind::Switch { id, tag, cases } => {
                self.loop_id(*id, span);
                if let Some(t) = tag {
                    self.expr(t, Pos::Operand);
                }
                for c in cases {
                    for e in &c.exprs {
                        self.expr(e, Pos::Operand);
                    }
                    self.stmts(&c.body);
                }
            }
            StmtKind::Return(vals) | StmtKind::Print(vals, _) => {
                for v in vals {
                    self.expr(v, Pos::Operand);
                }
            }
            StmtKind::Delete(m, k) => {
                if self.walked() {
                    self.fail(span, "a delete is left");
                }
                self.expr(m, Pos::Operand);
                self.expr(k, Pos::Operand);
                if self.ordered() {
                    self.key_ready(m.ty, k);
                }
            }
            StmtKind::Clear(x) => {
                if self.walked() && self.types.map_types(x.ty).is_some() {
                    self.fail(span, "a clear of a map is left");
                }
                self.expr(x, Pos::Operand);
            }
            StmtKind::Panic(x) => self.expr(x, Pos::Operand),
        }
    }

    fn assign(&mut self, x: &Expr, y: &Expr) {
        self.target(x);
        let map_write = matches!(x.kind, ExprKind::IndexMap(..));
        if self.ordered() && map_write && !cheap_map_value(y) {
            self.fail(y.span, "the value stored in a map element is not cheap");
        }
        let kept = match &y.kind {
            ExprKind::Append(args, _) => args.first().is_some_and(|a| appends_to_itself(x, a)),
            ExprKind::Slice { x: s, .. } => same_safe_expr(x, s),
            _ => false,
        };
        let pos = match x.kind {
            ExprKind::Name(_) if self.is_temp(x) => Pos::Temp,
            ExprKind::Name(_) => Pos::Call,
            _ if kept => Pos::Kept,
            _ => Pos::Operand,
        };
        self.expr(y, pos);
    }

    /// An assignment target: a map element is one only as a whole.
    fn target(&mut self, x: &Expr) {
        match &x.kind {
            ExprKind::IndexMap(m, k) if !self.walked() => {
                self.ty(x.ty, x.span);
                self.expr(m, Pos::Operand);
                self.expr(k, Pos::Operand);
                if self.ordered() {
                    self.key_ready(m.ty, k);
                }
            }
            _ => {
                if self.ordered() && in_map_element(self.types, x) {
                    self.fail(x.span, "a part of a map element is assigned");
                }
                self.expr(x, Pos::Operand);
            }
        }
    }

    /// Order assigns multiple results through temporaries.
    fn temp_target(&mut self, l: &Expr, what: &str) {
        if self.ordered() && !matches!(l.kind, ExprKind::Blank) && !self.is_temp(l) {
            self.fail(l.span, format!("{what} not assigned through temporaries"));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn range(
        &mut self,
        id: LoopId,
        kind: &RangeKind,
        key: &Option<Expr>,
        value: &Option<Expr>,
        define: bool,
        x: &Expr,
        body: &[Stmt],
        span: Span,
    ) {
        self.loop_id(id, span);
        let map = *kind == RangeKind::Map;
        if map && self.walked() {
            self.fail(span, "a range over a map is left");
        }
        self.expr(x, Pos::Operand);
        let idiom = map && is_map_clear(self.types, key, value, define, x, body);
        let blank = |t: &Option<Expr>| t.as_ref().is_none_or(|t| matches!(t.kind, ExprKind::Blank));
        let copied = match kind {
            RangeKind::String => true,
            RangeKind::Map => !idiom,
            RangeKind::Array | RangeKind::Slice => !blank(value),
            RangeKind::Int | RangeKind::ArrayPtr => false,
        };
        if self.ordered() && copied && !self.is_temp(x) {
            self.fail(
                x.span,
                "the ranged-over operand is not copied into a temporary",
            );
        }
        for t in key.iter().chain(value) {
            let simple = matches!(t.kind, ExprKind::Name(_) | ExprKind::Blank);
            if self.ordered() && !map && !simple {
                self.fail(t.span, "a range target is not a variable");
            }
            // Walk assigns a map range's targets, ordering them then.
            self.unordered_if(map, |v| v.target(t));
        }
        self.unordered_if(idiom, |v| v.stmts(body));
    }

    // ---- expressions ------------------------------------------------------

    fn expr(&mut self, e: &Expr, pos: Pos) {
        self.ty(e.ty, e.span);
        let span = e.span;
        match &e.kind {
            ExprKind::Name(Var::Local(id)) => {
                self.local(*id, span);
            }
            ExprKind::Name(Var::Global(id)) if !self.program.globals.is_valid(*id) => {
                self.fail(span, format!("{id} is not a global of the program"));
            }
            ExprKind::Call(f, args) => match self.program.funcs.get(*f) {
                None => self.fail(span, format!("{f} is not a function of the program")),
                Some(callee) if callee.params.len() != args.len() => {
                    let message = format!(
                        "{} takes {} arguments but is passed {}",
                        callee.name,
                        callee.params.len(),
                        args.len()
                    );
                    self.fail(span, message);
                }
                Some(_) => {}
            },
            ExprKind::RuntimeCall(f, args) => self.runtime_call(*f, args, e),
            ExprKind::TypeDesc(t) => {
                self.ty(*t, span);
                if t.index() < self.type_count && self.types.map_types(*t).is_none() {
                    let message = format!("a type descriptor of {}, not a map", self.show(*t));
                    self.fail(span, message);
                }
            }
            ExprKind::IndexMap(m, k) => {
                if self.walked() {
                    self.fail(span, "a map index is left");
                } else if self.ordered() {
                    self.key_ready(m.ty, k);
                    // A key converted from []byte is read at once.
                    if pos != Pos::Temp && converts_bytes(k) {
                        self.fail(
                            span,
                            "a map read keyed by string(b) is not copied into a temporary",
                        );
                    }
                }
            }
            ExprKind::MapLit(entries, ..) => {
                if self.walked() {
                    self.fail(span, "a map literal is left");
                } else if self.ordered() {
                    for (k, v) in entries {
                        if !is_static_literal(k) || !is_static_literal(v) {
                            self.fail(k.span, "a map literal keeps a dynamic entry");
                        }
                    }
                }
            }
            ExprKind::MakeMap(..) if self.walked() => self.fail(span, "a make(map) is left"),
            ExprKind::Binary(op @ (BinOp::AndAnd | BinOp::OrOr), ..) if self.ordered() => {
                let message = format!(
                    "{} is not evaluated into a temporary, its right side conditionally",
                    op.symbol()
                );
                self.fail(span, message);
            }
            ExprKind::Addr(x) if self.ordered() && in_map_element_or_is(self.types, x) => {
                self.fail(span, "the address of a map element is taken");
            }
            ExprKind::Init(stmts, _) => self.stmts(stmts),
            _ => {}
        }
        if self.ordered()
            && let Some(what) = call_like(&e.kind)
        {
            let allowed = match what {
                "append" | "a slice expression" => pos != Pos::Operand,
                _ => matches!(pos, Pos::Call | Pos::Temp),
            };
            if !allowed {
                self.fail(
                    span,
                    format!("{what} is not evaluated into a temporary before its statement"),
                );
            }
        }
        for c in e.children() {
            self.expr(c, Pos::Operand);
        }
    }

    /// Order's key preparation: slow keys addressable, fast keys of the
    /// runtime parameter's type.
    fn key_ready(&mut self, map: TypeId, k: &Expr) {
        if map.index() >= self.type_count || self.types.map_types(map).is_none() {
            let message = format!("a map operation on {}", self.show(map));
            self.fail(k.span, message);
            return;
        }
        let want = match map_fast(self.types, map) {
            MapFast::Slow => {
                if !addressable(self.types, k) {
                    self.fail(
                        k.span,
                        "a slow-path map key is not addressable (a temporary or a read-only static)",
                    );
                }
                return;
            }
            MapFast::Fast32 => Basic::Uint32,
            MapFast::Fast64 => Basic::Uint64,
            MapFast::Fast32Ptr | MapFast::Fast64Ptr => Basic::UnsafePointer,
            MapFast::FastStr => Basic::String,
        };
        if k.ty != self.types.basic(want) {
            let message = format!(
                "a fast map key is {}, not converted to {}",
                self.show(k.ty),
                want.name()
            );
            self.fail(k.span, message);
        }
    }

    /// The call's machine words and results against the runtime's table.
    fn runtime_call(&mut self, f: RtFn, args: &[Expr], call: &Expr) {
        let ok = usize::from(f.has_ok());
        let words: Option<usize> = args.iter().map(|a| arg_words(self.types, a.ty)).sum();
        if let Some(words) = words
            && words + ok != f.params().len()
        {
            let message = format!(
                "runtime.{} takes {} machine words but is passed {}",
                f.name(),
                f.params().len(),
                words + ok
            );
            self.fail(call.span, message);
        }
        let results = self.types.tuple_elems(call.ty).map_or(1, |t| t.len());
        if results != f.returns().len() + ok {
            let message = format!(
                "runtime.{} returns {} values but its call is typed {}",
                f.name(),
                f.returns().len() + ok,
                self.show(call.ty)
            );
            self.fail(call.span, message);
        }
        // The descriptor describes the map made, or the map operated on.
        let map = match f {
            RtFn::makemap | RtFn::makemap64 => Some(call.ty),
            RtFn::makemap_small | RtFn::rand32 | RtFn::mapiternext => None,
            _ if f.is_map_call() => args.get(1).map(|m| m.ty),
            _ => None,
        };
        if let Some(map) = map {
            match args.first().map(|a| &a.kind) {
                Some(ExprKind::TypeDesc(t)) if *t == map => {}
                _ => {
                    let message = format!(
                        "runtime.{}'s first argument is not the descriptor of {}",
                        f.name(),
                        self.show(map)
                    );
                    self.fail(call.span, message);
                }
            }
        }
    }
}

/// How many machine words a runtime call argument takes, as the JIT
/// passes it; `None` for a type no runtime entry point takes.
fn arg_words(types: &TypeTable, t: TypeId) -> Option<usize> {
    match types.under(t) {
        Type::Basic(Basic::String) => Some(2),
        Type::Basic(_) | Type::Pointer(_) | Type::Map(..) => Some(1),
        Type::Slice(_) => Some(3),
        _ => None,
    }
}

/// What order evaluates into a temporary unless it is a statement's whole
/// value, in words.
fn call_like(kind: &ExprKind) -> Option<&'static str> {
    Some(match kind {
        ExprKind::Call(..) => "a call",
        ExprKind::Len(_) => "len",
        ExprKind::Cap(_) => "cap",
        ExprKind::Copy(..) => "copy",
        ExprKind::MakeMap(..) => "make(map)",
        ExprKind::MakeSlice(..) => "make",
        ExprKind::MinMax(..) => "min/max",
        ExprKind::New(_) => "new",
        ExprKind::StrToBytes(..) => "[]byte(s)",
        ExprKind::StrToRunes(..) => "[]rune(s)",
        ExprKind::Append(..) => "append",
        ExprKind::Slice { .. } => "a slice expression",
        _ => return None,
    })
}

/// A name or constant, or the length or capacity of one.
fn cheap_operand(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Len(x) | ExprKind::Cap(x) => is_cheap(x),
        _ => is_cheap(e),
    }
}

/// What order stores into a map element: a cheap operand, or an append to
/// the element whose appended operands are cheap.
fn cheap_map_value(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Append(args, _) => args.iter().skip(1).all(is_cheap),
        _ => cheap_operand(e),
    }
}

/// Whether a (fast) map key is a `string(b)` conversion of a byte slice.
fn converts_bytes(k: &Expr) -> bool {
    match &k.kind {
        ExprKind::ConvNop(x) => converts_bytes(x),
        ExprKind::BytesToStr(_) => true,
        _ => false,
    }
}

/// Go's addressability (a string's bytes are not addressable).
fn addressable(types: &TypeTable, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Deref(_) | ExprKind::DotPtr(..) => true,
        ExprKind::Dot(x, _) => addressable(types, x),
        ExprKind::Index(x, _) if types.slice_elem(x.ty).is_some() => true,
        ExprKind::Index(x, _) if types.array_of(x.ty).is_some() => addressable(types, x),
        _ => false,
    }
}

/// A field or array element of a map element.
fn in_map_element(types: &TypeTable, e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Dot(x, _) => in_map_element_or_is(types, x),
        ExprKind::Index(x, _) if types.array_of(x.ty).is_some() => in_map_element_or_is(types, x),
        _ => false,
    }
}

fn in_map_element_or_is(types: &TypeTable, e: &Expr) -> bool {
    matches!(e.kind, ExprKind::IndexMap(..)) || in_map_element(types, e)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use gm_diag::{Diagnostics, SourceFile};
    use gm_ir::constant::ConstValue;
    use gm_ir::{FuncId, GlobalId, SliceKind};

    use super::*;

    /// Every construct order and walk rewrite for maps, and the calls,
    /// `&&` and ranges order moves around them.
    const PROGRAM: &str = r#"package main

type P struct{ x, y int }

func two() (int, bool) { return 1, true }

func f(n int) int { return n + 1 }

func main() {
	m := map[int]int{1: 2, 3: f(4)}
	s := map[string][]int{}
	fl := map[float64]string{}
	big := map[int][200]byte{}
	mk := make(map[int]int, 10)
	m[f(1)] = f(2)
	m[5] += 3
	m[6] /= 2
	v, ok := m[7]
	a, b := two()
	s["k"] = append(s["k"], 1)
	fl[1.5] = "x"
	x := 2.5
	fl[x] = fl[x+1]
	var buf []byte
	n := m[len(buf)] + len(fl[x])
	t := s[string(buf)]
	big[1] = big[2]
	delete(m, 1)
	delete(fl, x)
	if m[1] > 0 && m[2] > 0 || ok {
		println("yes")
	}
	for k, e := range m {
		println(k, e)
	}
	for k := range fl {
		delete(fl, k)
	}
	xs := []int{1, 2, 3}
	for i, e := range xs {
		println(i, e)
	}
	clear(mk)
	ps := map[P]int{P{1, 2}: 3}
	ps[P{f(1), 2}]++
	println(v, ok, a, b, n, len(t), ps[P{1, 2}], len(big[3]))
}
"#;

    fn check(name: &str, src: &str) -> Option<Program> {
        let file = SourceFile::new(name, src);
        let (ast, diags) = gm_syntax::parse(&file.text);
        if !diags.is_empty() {
            return None;
        }
        let mut diags = Diagnostics::new();
        let program = gm_types::check_source(&ast?, &file, &mut diags)?;
        (!diags.has_errors()).then_some(program)
    }

    /// The program after order (without the pass's own check, so that a
    /// failure shows as a list).
    fn ordered() -> Program {
        let mut p = check("t.gm", PROGRAM).expect("the program checks");
        crate::order::order_program(&mut p);
        p
    }

    fn walked() -> Program {
        let mut p = ordered();
        crate::walk::walk_program(&mut p);
        p
    }

    fn fires(violations: &[Violation], needle: &str) {
        assert!(
            violations.iter().any(|v| v.message.contains(needle)),
            "no violation saying {needle:?} in {violations:#?}"
        );
    }

    fn main_id(p: &Program) -> FuncId {
        p.main.expect("a main function")
    }

    fn func_named(p: &Program, name: &str) -> FuncId {
        p.funcs
            .iter()
            .find(|(_, f)| f.name == name)
            .map(|(id, _)| id)
            .expect("the function exists")
    }

    /// Main's local variable `name`, as an expression.
    fn name_of(p: &Program, name: &str) -> Expr {
        let f = &p.funcs[main_id(p)];
        let (id, l) = f
            .locals
            .iter()
            .find(|(_, l)| l.name == name)
            .expect("the local exists");
        Expr::local(id, l.ty, Span::DUMMY)
    }

    fn int_const(p: &Program, v: i128) -> Expr {
        let int = p.types.basic(Basic::Int);
        Expr::new(ExprKind::Const(ConstValue::int(v)), int, Span::DUMMY)
    }

    fn binary(op: BinOp, x: Expr, y: Expr) -> Expr {
        let (ty, span) = (x.ty, x.span);
        Expr::new(ExprKind::Binary(op, Box::new(x), Box::new(y)), ty, span)
    }

    fn push(p: &mut Program, kind: StmtKind) {
        let id = main_id(p);
        p.funcs[id].body.push(Stmt {
            kind,
            span: Span::DUMMY,
        });
    }

    fn print(p: &mut Program, e: Expr) {
        push(p, StmtKind::Print(vec![e], true));
    }

    /// The type table and main's body, to edit the one knowing the other.
    fn split(p: &mut Program) -> (&TypeTable, &mut Vec<Stmt>) {
        let id = main_id(p);
        (&p.types, &mut p.funcs[id].body)
    }

    fn key_is(types: &TypeTable, m: &Expr, key: Basic) -> bool {
        types.map_types(m.ty).map(|(k, _)| k) == Some(types.basic(key))
    }

    fn edit_list(list: &mut [Stmt], f: &mut dyn FnMut(&mut Stmt) -> bool) -> bool {
        list.iter_mut().any(|s| {
            f(s) || s
                .nested_mut()
                .into_iter()
                .any(|n| edit_list(std::slice::from_mut(n), f))
        })
    }

    /// Applies `f` to the statements, outer ones first, until it edits one.
    fn edit_stmt(body: &mut [Stmt], mut f: impl FnMut(&mut Stmt) -> bool) {
        assert!(edit_list(body, &mut f), "nothing to edit");
    }

    fn edit_in(e: &mut Expr, f: &mut dyn FnMut(&mut Expr) -> bool) -> bool {
        f(e) || e.children_mut().into_iter().any(|c| edit_in(c, f))
    }

    /// Applies `f` to the statements' expressions until it edits one.
    fn edit_expr(body: &mut [Stmt], mut f: impl FnMut(&mut Expr) -> bool) {
        edit_stmt(body, |s| {
            s.exprs_mut().into_iter().any(|e| edit_in(e, &mut f))
        });
    }

    /// A copy of the first expression `pick` accepts.
    fn find(p: &mut Program, pick: impl Fn(&TypeTable, &Expr) -> bool) -> Expr {
        let (types, body) = split(p);
        let mut found = None;
        edit_expr(body, |e| {
            let hit = pick(types, e);
            if hit {
                found = Some(e.clone());
            }
            hit
        });
        found.expect("found")
    }

    // ---- valid programs ---------------------------------------------------

    #[test]
    fn passes_on_the_program_after_each_pass() {
        let mut p = check("t.gm", PROGRAM).expect("the program checks");
        crate::order(&mut p);
        assert_eq!(verify_ordered(&p), vec![]);
        crate::walk(&mut p);
        assert_eq!(verify_walked(&p), vec![]);
    }

    #[test]
    fn passes_on_every_program_of_the_test_corpus() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut checked = 0;
        for dir in ["tests/walk", "tests/run", "tests/typed", "examples"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_none_or(|e| e != "gm") {
                    continue;
                }
                let src = std::fs::read_to_string(&path).expect("readable");
                let name = path.display().to_string();
                let Some(mut p) = check(&name, &src) else {
                    continue;
                };
                crate::order::order_program(&mut p);
                assert_eq!(verify_ordered(&p), vec![], "after order: {name}");
                crate::walk::walk_program(&mut p);
                assert_eq!(verify_walked(&p), vec![], "after walk: {name}");
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} programs found");
    }

    // ---- order's promises -------------------------------------------------

    #[test]
    fn a_slow_key_that_is_not_addressable() {
        let mut p = ordered();
        let (types, body) = split(&mut p);
        edit_expr(body, |e| match &mut e.kind {
            ExprKind::IndexMap(m, k) if key_is(types, m, Basic::Float64) => {
                **k = binary(BinOp::Add, (**k).clone(), (**k).clone());
                true
            }
            _ => false,
        });
        fires(&verify_ordered(&p), "slow-path map key is not addressable");
    }

    #[test]
    fn a_fast_key_that_is_not_converted() {
        let mut p = ordered();
        let one = int_const(&p, 1);
        let (types, body) = split(&mut p);
        edit_expr(body, |e| match &mut e.kind {
            ExprKind::IndexMap(m, k) if key_is(types, m, Basic::Int) => {
                **k = one.clone();
                true
            }
            _ => false,
        });
        fires(
            &verify_ordered(&p),
            "a fast map key is int, not converted to uint64",
        );
    }

    #[test]
    fn a_map_store_of_a_value_that_is_not_cheap() {
        let mut p = ordered();
        let (_, body) = split(&mut p);
        edit_stmt(body, |s| match &mut s.kind {
            StmtKind::Assign(x, y) if matches!(x.kind, ExprKind::IndexMap(..)) && is_cheap(y) => {
                *y = binary(BinOp::Add, y.clone(), y.clone());
                true
            }
            _ => false,
        });
        fires(
            &verify_ordered(&p),
            "the value stored in a map element is not cheap",
        );
    }

    #[test]
    fn a_map_division_left_as_one_statement() {
        let mut p = ordered();
        let (_, body) = split(&mut p);
        edit_stmt(body, |s| match &mut s.kind {
            StmtKind::AssignOp { op, lhs, .. } if matches!(lhs.kind, ExprKind::IndexMap(..)) => {
                *op = BinOp::Div;
                true
            }
            _ => false,
        });
        fires(&verify_ordered(&p), "m[k] /= r is not split");
    }

    #[test]
    fn a_map_update_by_a_value_that_is_not_cheap() {
        let mut p = ordered();
        let (_, body) = split(&mut p);
        edit_stmt(body, |s| match &mut s.kind {
            StmtKind::AssignOp { lhs, rhs, .. } if matches!(lhs.kind, ExprKind::IndexMap(..)) => {
                *rhs = binary(BinOp::Add, rhs.clone(), rhs.clone());
                true
            }
            _ => false,
        });
        fires(
            &verify_ordered(&p),
            "the operand of m[k] op= r is not cheap",
        );
    }

    #[test]
    fn multiple_results_assigned_to_variables_directly() {
        for (stmt_is_map_read, var, needle) in [
            (
                true,
                "v",
                "a comma-ok map read is not assigned through temporaries",
            ),
            (
                false,
                "a",
                "the results of a call are not assigned through temporaries",
            ),
        ] {
            let mut p = ordered();
            let target = name_of(&p, var);
            let (_, body) = split(&mut p);
            edit_stmt(body, |s| match &mut s.kind {
                StmtKind::Assign2MapR(ls, _) if stmt_is_map_read => {
                    ls[0] = target.clone();
                    true
                }
                StmtKind::Assign2Func(ls, _) if !stmt_is_map_read => {
                    ls[0] = target.clone();
                    true
                }
                _ => false,
            });
            fires(&verify_ordered(&p), needle);
        }
    }

    #[test]
    fn a_map_literal_with_a_dynamic_entry() {
        let mut p = ordered();
        let (k, v) = (int_const(&p, 9), name_of(&p, "n"));
        let (_, body) = split(&mut p);
        edit_expr(body, |e| match &mut e.kind {
            ExprKind::MapLit(entries, ..) => {
                entries.push((k.clone(), v.clone()));
                true
            }
            _ => false,
        });
        fires(&verify_ordered(&p), "a map literal keeps a dynamic entry");
    }

    #[test]
    fn a_call_used_as_an_operand() {
        let mut p = ordered();
        let one = int_const(&p, 1);
        let (_, body) = split(&mut p);
        edit_stmt(body, |s| match &mut s.kind {
            StmtKind::Assign(_, y) if matches!(y.kind, ExprKind::Call(..)) => {
                *y = binary(BinOp::Add, y.clone(), one.clone());
                true
            }
            _ => false,
        });
        fires(
            &verify_ordered(&p),
            "a call is not evaluated into a temporary before its statement",
        );
    }

    #[test]
    fn an_append_or_a_slice_used_as_an_operand() {
        let mut p = ordered();
        let append = find(&mut p, |_, e| matches!(e.kind, ExprKind::Append(..)));
        print(&mut p, append);
        let xs = name_of(&p, "xs");
        let ty = xs.ty;
        let slice = ExprKind::Slice {
            kind: SliceKind::Slice,
            x: Box::new(xs),
            lo: None,
            hi: None,
            max: None,
        };
        print(&mut p, Expr::new(slice, ty, Span::DUMMY));
        let v = verify_ordered(&p);
        fires(&v, "append is not evaluated into a temporary");
        fires(&v, "a slice expression is not evaluated into a temporary");
    }

    #[test]
    fn a_condition_that_still_short_circuits() {
        let mut p = ordered();
        let bool_ty = p.types.basic(Basic::Bool);
        let yes = Expr::new(
            ExprKind::Const(ConstValue::Bool(true)),
            bool_ty,
            Span::DUMMY,
        );
        let both = Expr::new(
            ExprKind::Binary(BinOp::OrOr, Box::new(yes.clone()), Box::new(yes)),
            bool_ty,
            Span::DUMMY,
        );
        push(&mut p, StmtKind::If(both, vec![], vec![]));
        fires(&verify_ordered(&p), "|| is not evaluated into a temporary");
    }

    #[test]
    fn a_range_over_an_operand_that_is_not_copied() {
        let mut p = ordered();
        let xs = name_of(&p, "xs");
        let (_, body) = split(&mut p);
        edit_stmt(body, |s| match &mut s.kind {
            StmtKind::Range {
                kind: RangeKind::Slice,
                x,
                ..
            } => {
                *x = xs.clone();
                true
            }
            _ => false,
        });
        fires(&verify_ordered(&p), "the ranged-over operand is not copied");
    }

    #[test]
    fn a_range_target_that_is_not_a_variable() {
        let mut p = ordered();
        let (xs, zero) = (name_of(&p, "xs"), int_const(&p, 0));
        let elem = Expr::new(
            ExprKind::Index(Box::new(xs), Box::new(zero.clone())),
            zero.ty,
            Span::DUMMY,
        );
        let (_, body) = split(&mut p);
        edit_stmt(body, |s| match &mut s.kind {
            StmtKind::Range {
                kind: RangeKind::Slice,
                key: Some(k),
                ..
            } => {
                *k = elem.clone();
                true
            }
            _ => false,
        });
        fires(&verify_ordered(&p), "a range target is not a variable");
    }

    #[test]
    fn a_read_keyed_by_converted_bytes_that_is_not_copied() {
        let mut p = ordered();
        let read = find(
            &mut p,
            |_, e| matches!(&e.kind, ExprKind::IndexMap(_, k) if converts_bytes(k)),
        );
        print(&mut p, read);
        fires(&verify_ordered(&p), "keyed by string(b) is not copied");
    }

    #[test]
    fn a_map_element_assigned_in_part_or_addressed() {
        let mut p = ordered();
        let elem = find(&mut p, |_, e| matches!(e.kind, ExprKind::IndexMap(..)));
        let (ty, one) = (elem.ty, int_const(&p, 1));
        let part = Expr::new(ExprKind::Dot(Box::new(elem.clone()), 0), ty, Span::DUMMY);
        push(&mut p, StmtKind::Assign(part, one));
        let pty = p.types.pointer(ty);
        print(
            &mut p,
            Expr::new(ExprKind::Addr(Box::new(elem)), pty, Span::DUMMY),
        );
        let v = verify_ordered(&p);
        fires(&v, "a part of a map element is assigned");
        fires(&v, "the address of a map element is taken");
    }

    // ---- walk's promises --------------------------------------------------

    #[test]
    fn every_map_operation_left_for_walk_is_reported() {
        let v = verify_walked(&ordered());
        for needle in [
            "a map index is left",
            "a map literal is left",
            "a make(map) is left",
            "a delete is left",
            "a clear of a map is left",
            "a range over a map is left",
            "a comma-ok map read is left",
        ] {
            fires(&v, needle);
        }
    }

    /// Edits the first `mapaccess1_fast64` call of the walked program.
    fn walked_with_read(edit: impl Fn(&mut Expr, &mut Vec<Expr>, &TypeTable)) -> Vec<Violation> {
        let mut p = walked();
        let (types, body) = split(&mut p);
        edit_expr(body, |e| {
            let ExprKind::RuntimeCall(RtFn::mapaccess1_fast64, args) = &mut e.kind else {
                return false;
            };
            let mut args = std::mem::take(args);
            edit(e, &mut args, types);
            if let ExprKind::RuntimeCall(_, a) = &mut e.kind {
                *a = args;
            }
            true
        });
        verify_walked(&p)
    }

    #[test]
    fn a_runtime_call_with_too_few_arguments() {
        let v = walked_with_read(|_, args, _| {
            args.pop();
        });
        fires(
            &v,
            "runtime.mapaccess1_fast64 takes 3 machine words but is passed 2",
        );
    }

    #[test]
    fn a_runtime_call_typed_with_the_wrong_results() {
        // mapdelete_fast64 takes the same words but returns nothing.
        let v = walked_with_read(|e, args, _| {
            e.kind = ExprKind::RuntimeCall(RtFn::mapdelete_fast64, args.clone());
        });
        fires(
            &v,
            "runtime.mapdelete_fast64 returns 0 values but its call is typed *int",
        );
        assert!(
            !v.iter().any(|v| v.message.contains("machine words")),
            "{v:#?}"
        );
    }

    #[test]
    fn a_runtime_call_with_another_map_descriptor() {
        let v = walked_with_read(|_, args, types| {
            let int = types.basic(Basic::Int);
            args[0].kind = ExprKind::TypeDesc(int);
        });
        fires(&v, "a type descriptor of int, not a map");
        fires(&v, "first argument is not the descriptor of map[int]int");
    }

    // ---- structure --------------------------------------------------------

    #[test]
    fn references_to_what_does_not_exist() {
        for (stage, verify) in [
            ("order", verify_ordered as fn(&Program) -> Vec<Violation>),
            ("walk", verify_walked),
        ] {
            let mut p = if stage == "order" {
                ordered()
            } else {
                walked()
            };
            let int = p.types.basic(Basic::Int);
            let void = p.types.tuple(vec![]);
            push(&mut p, StmtKind::Decl(LocalId::new(9999)));
            push(&mut p, StmtKind::Break(LoopId::new(999)));
            let nowhere = Expr::new(ExprKind::Call(FuncId::new(999), vec![]), void, Span::DUMMY);
            push(&mut p, StmtKind::Expr(nowhere));
            let f = func_named(&p, "f");
            let no_args = Expr::new(ExprKind::Call(f, vec![]), int, Span::DUMMY);
            push(&mut p, StmtKind::Expr(no_args));
            let global = Expr::new(
                ExprKind::Name(Var::Global(GlobalId::new(999))),
                int,
                Span::DUMMY,
            );
            print(&mut p, global);
            print(
                &mut p,
                Expr::new(ExprKind::Zero, TypeId::new(99_999), Span::DUMMY),
            );
            let v = verify(&p);
            for needle in [
                "local9999 is not a local of the function",
                "loop999 is not a loop of the function",
                "func999 is not a function of the program",
                "f takes 1 arguments but is passed 0",
                "global999 is not a global of the program",
                "type99999 is not in the type table",
            ] {
                fires(&v, needle);
            }
            assert!(v.iter().all(|v| v.func == "main"), "after {stage}: {v:#?}");
        }
    }

    #[test]
    fn malformed_statements_signatures_and_globals() {
        let mut p = ordered();
        let (int, one) = (p.types.basic(Basic::Int), int_const(&p, 1));
        let n = name_of(&p, "n");
        push(
            &mut p,
            StmtKind::Assign2(vec![n.clone()], vec![one.clone(), one.clone()]),
        );
        push(&mut p, StmtKind::Assign2MapR(vec![n.clone()], one.clone()));
        push(&mut p, StmtKind::Delete(one.clone(), one.clone()));
        let main = main_id(&p);
        let id = p.funcs[main].loops.push(());
        push(
            &mut p,
            StmtKind::For {
                id,
                cond: None,
                post: None,
                body: vec![],
                per_iteration: vec![LocalId::new(9997)],
            },
        );
        p.funcs[main].params.push(LocalId::new(9998));
        p.globals.push(gm_ir::Global {
            name: "g".to_string(),
            ty: int,
            span: Span::DUMMY,
            readonly: true,
            init_value: Some(n),
        });
        p.init = Some(FuncId::new(999));
        let v = verify_ordered(&p);
        for needle in [
            "1 targets are assigned 2 values",
            "a comma-ok map read has 1 targets",
            "a comma-ok map read reads no map element",
            "a map operation on int",
            "local9997 is not a local of the function",
            "local9998 is not a local of the function",
            "init is func999, which does not exist",
        ] {
            fires(&v, needle);
        }
        assert!(
            v.iter()
                .any(|v| v.func == "g" && v.message.ends_with("is not a local of the function")),
            "{v:#?}"
        );
    }

    #[test]
    fn a_violation_is_an_internal_error_at_its_place() {
        enforce("order", &[]);
        let at = Span::new(3, 5);
        let violation = |message: &str| Violation {
            func: "main".to_string(),
            span: at,
            message: message.to_string(),
        };
        let list = [
            violation("a map index is left"),
            violation("a delete is left"),
        ];
        let payload = std::panic::catch_unwind(|| enforce("walk", &list)).expect_err("panics");
        let message = payload.downcast::<String>().expect("a message");
        assert_eq!(*message, "after walk: a map index is left (and 1 more)");
        let place = gm_diag::ice::current();
        assert_eq!(place.func.as_deref(), Some("main"));
        assert_eq!(place.span, Some(at));
    }
}
