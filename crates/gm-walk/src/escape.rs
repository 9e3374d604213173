//! Escape analysis for map allocations: does the map made by a `make` or a
//! map literal outlive its function (or the loop iteration that made it)?
//! A map that does not gets a stack header, as Go does (LOWERING §6).
//!
//! The same graph sizes `[]byte(s)` and `[]rune(s)`: Go gives a result that
//! stays in its function a 32-element temporary buffer, and shares the
//! string's bytes for a `[]byte` that is also never written (a store to an
//! element, `append`, `copy` into it, `clear`, or a callee that does one of
//! these). Writes flow to a mutator node, as escapes flow to the heap.
//!
//! The analysis is a flow graph over each function, in the spirit of Go's:
//! nodes are the contents of local variables and of allocations, plus the
//! heap; an edge says that pointer values held by one node are copied into
//! another. Storing into a global, through a pointer, into a slice element
//! or into a map, returning, panicking, and passing to a parameter that
//! itself escapes all flow to the heap. Returning flows to the function's
//! result; a caller sees which parameters reach which result, so a map
//! passed through `m = add(m, k)` stays on the caller's stack. An
//! allocation escapes when its address reaches the heap or a result, or
//! reaches a variable declared outside the loop that made it.
//!
//! It is deliberately conservative where Go is precise: a variable or
//! allocation whose address is stored anywhere has all of its contents
//! treated as escaping, so values read back through pointers never need
//! tracking — except through a parameter, whose pointee is a node of its
//! own. Parameter summaries ("does this parameter escape? do values read
//! through it escape?") are computed for all functions together until
//! they stop changing; passing a pointer to a parameter that neither leaks
//! nor lets its pointee's contents leak exposes nothing.

use std::collections::{HashMap, HashSet};

use gm_diag::Span;
use gm_ir::{
    ConvBuf, Expr, ExprKind, Func, FuncId, LocalId, Program, RangeKind, Stmt, StmtKind, Var,
};

/// An allocation site: its function and span.
type Site = (FuncId, u32, u32);

/// Map allocation sites that stay on the stack, and how string-to-slice
/// conversions that stay in their function are used.
#[derive(Default, Debug)]
pub struct EscapeInfo {
    stack_maps: HashSet<Site>,
    /// Non-escaping conversions, and whether their result is written.
    local_convs: HashMap<Site, bool>,
    /// What makes each escaping map allocation escape, in words.
    heap_reasons: HashMap<Site, String>,
}

impl EscapeInfo {
    /// Whether the map made at `span` in `func` may live on the stack.
    pub fn on_stack(&self, func: FuncId, span: Span) -> bool {
        self.stack_maps.contains(&(func, span.lo, span.hi))
    }

    /// Why the map made at `span` in `func` lives on the heap (`returned`,
    /// `stored in global g`, …), when it does.
    pub fn heap_reason(&self, func: FuncId, span: Span) -> Option<&str> {
        self.heap_reasons
            .get(&(func, span.lo, span.hi))
            .map(String::as_str)
    }

    /// Where the `[]byte` (`bytes`) or `[]rune` conversion at `span` in
    /// `func` gets its array.
    pub fn conv_buf(&self, func: FuncId, span: Span, bytes: bool) -> ConvBuf {
        match self.local_convs.get(&(func, span.lo, span.hi)) {
            None => ConvBuf::Heap,
            Some(false) if bytes => ConvBuf::Exact,
            Some(_) => ConvBuf::Temp,
        }
    }
}

/// What a function does with one of its parameters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ParamLeak {
    /// The parameter's value reaches the heap.
    value: bool,
    /// Values read through the parameter (a pointer) reach the heap, or
    /// the parameter is copied somewhere they could be read from.
    pointee: bool,
    /// The results (bit i for result i) the parameter's value reaches.
    value_to_results: u64,
    /// The results that values read through the parameter reach.
    pointee_to_results: u64,
    /// What the parameter points to (a slice's elements) is written.
    mutates: bool,
}

/// Results past this many are treated as the heap.
const TRACKED_RESULTS: usize = 64;

const LEAKS_EVERYWHERE: ParamLeak = ParamLeak {
    value: true,
    pointee: true,
    value_to_results: 0,
    pointee_to_results: 0,
    mutates: true,
};

type Summaries = HashMap<FuncId, Vec<ParamLeak>>;

pub fn analyze(program: &Program) -> EscapeInfo {
    // Refined to a fixed point, starting from "nothing leaks".
    let mut leaks: Summaries = program
        .funcs
        .iter()
        .map(|(id, f)| (id, vec![ParamLeak::default(); f.params.len()]))
        .collect();
    loop {
        let mut changed = false;
        for (id, f) in program.funcs.iter() {
            let g = Graph::build(program, f, &leaks);
            let escaping = g.escaping();
            let now: Vec<ParamLeak> = f.params.iter().map(|&p| g.summary(p, &escaping)).collect();
            if now != leaks[&id] {
                leaks.insert(id, now);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut info = EscapeInfo::default();
    for (id, f) in program.funcs.iter() {
        let g = Graph::build(program, f, &leaks);
        let escaping = g.escaping();
        for (site, alloc) in g.allocs.iter().enumerate() {
            let key = (id, alloc.span.lo, alloc.span.hi);
            match alloc.kind {
                AllocKind::Map if !g.alloc_escapes(site, &escaping) => {
                    info.stack_maps.insert(key);
                }
                AllocKind::Map => {
                    info.heap_reasons.insert(key, g.escape_reason(site));
                }
                AllocKind::Conv if !g.alloc_escapes(site, &escaping) => {
                    info.local_convs.insert(key, g.alloc_written(site));
                }
                _ => {}
            }
        }
    }
    info
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Heap,
    Var(LocalId),
    Alloc(usize),
    /// Whatever a parameter points to.
    Pointee(LocalId),
    /// The function's i-th result.
    Result(usize),
    /// Whatever writes through the pointers that reach it.
    Mutator,
}

/// Where a pointer value came from.
#[derive(Clone, Copy, Debug)]
enum Src {
    /// Whatever pointers the node holds.
    Contents(Node),
    /// The address of the node (a variable or an allocation).
    Address(Node),
}

/// What a flow into the heap does, for the reason an allocation escapes.
#[derive(Clone, Copy, Debug)]
enum Cause {
    Unknown,
    Panic,
    Global(gm_ir::GlobalId),
    Map,
    SliceElem,
    Pointer,
    SliceLit,
    Append,
    Sliced,
    /// Passed as argument `i` of a function whose parameter leaks.
    Param(FuncId, usize),
}

impl Cause {
    fn text(self, program: &Program) -> String {
        match self {
            Cause::Unknown => "its address is kept where escape analysis cannot follow it".into(),
            Cause::Panic => "passed to panic".into(),
            Cause::Global(g) => format!("stored in global {}", program.globals[g].name),
            Cause::Map => "stored in a map".into(),
            Cause::SliceElem => "stored in a slice element".into(),
            Cause::Pointer => "stored through a pointer".into(),
            Cause::SliceLit => "stored in a slice literal".into(),
            Cause::Append => "appended to a slice".into(),
            Cause::Sliced => "its array is sliced".into(),
            Cause::Param(f, i) => {
                let callee = &program.funcs[f];
                let param = callee
                    .params
                    .get(i)
                    .map_or("", |&p| callee.locals[p].name.as_str());
                format!("passed to {} (leaking param: {param})", callee.name)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AllocKind {
    Map,
    /// The array of `[]byte(s)` or `[]rune(s)`.
    Conv,
    Other,
}

struct Alloc {
    span: Span,
    depth: u32,
    kind: AllocKind,
}

struct Graph<'a> {
    program: &'a Program,
    leaks: &'a Summaries,
    params: &'a [LocalId],
    /// Value edges: contents of `from` flow into contents of `to`.
    edges: Vec<(Node, Node)>,
    /// Addresses stored into a node's contents.
    addr_in: Vec<(usize, Node)>,
    allocs: Vec<Alloc>,
    var_depth: HashMap<LocalId, u32>,
    depth: u32,
    func: &'a Func,
    /// What the flows being recorded do, for escape reasons.
    cause: Cause,
    /// The cause of the first flow from each node into the heap.
    heap_causes: HashMap<Node, Cause>,
}

impl<'a> Graph<'a> {
    fn build(program: &'a Program, f: &'a Func, leaks: &'a Summaries) -> Graph<'a> {
        let mut g = Graph {
            program,
            leaks,
            params: &f.params,
            edges: Vec::new(),
            addr_in: Vec::new(),
            allocs: Vec::new(),
            var_depth: HashMap::new(),
            depth: 0,
            func: f,
            cause: Cause::Unknown,
            heap_causes: HashMap::new(),
        };
        for s in &f.body {
            g.stmt(s);
        }
        g
    }

    /// What the function does with parameter `p`.
    fn summary(&self, p: LocalId, escaping: &HashSet<Node>) -> ParamLeak {
        let results_reached = |n: Node| {
            self.reachable_from(n)
                .into_iter()
                .fold(0u64, |bits, r| match r {
                    Node::Result(i) => bits | 1 << i,
                    _ => bits,
                })
        };
        ParamLeak {
            value: escaping.contains(&Node::Var(p)),
            // Returning a pointer hands it to the caller, which accounts
            // for it, and writing through it copies nothing; any other copy
            // may be read through later.
            pointee: escaping.contains(&Node::Pointee(p))
                || self.edges.iter().any(|&(from, to)| {
                    from == Node::Var(p) && !matches!(to, Node::Result(_) | Node::Mutator)
                }),
            value_to_results: results_reached(Node::Var(p)),
            pointee_to_results: results_reached(Node::Pointee(p)),
            mutates: self.reachable_from(Node::Var(p)).contains(&Node::Mutator),
        }
    }

    fn alloc(&mut self, span: Span, kind: AllocKind) -> usize {
        self.allocs.push(Alloc {
            span,
            depth: self.depth,
            kind,
        });
        self.allocs.len() - 1
    }

    /// Records that what the values in `srcs` point to is written. (Unlike
    /// a store, this keeps no address anywhere.)
    fn mutate(&mut self, srcs: Vec<Src>) {
        for s in srcs {
            match s {
                Src::Contents(n) => self.edges.push((n, Node::Mutator)),
                Src::Address(Node::Alloc(a)) => self.addr_in.push((a, Node::Mutator)),
                Src::Address(_) => {}
            }
        }
    }

    /// Records that the values in `srcs` are stored into `to`.
    fn flow(&mut self, srcs: Vec<Src>, to: Node) {
        for s in srcs {
            if to == Node::Heap {
                let (Src::Contents(n) | Src::Address(n)) = s;
                self.heap_causes.entry(n).or_insert(self.cause);
            }
            match s {
                Src::Contents(n) => self.edges.push((n, to)),
                Src::Address(n) => {
                    // Anything whose address is stored somewhere is
                    // reachable through pointers we do not track.
                    self.edges.push((n, Node::Heap));
                    if let Node::Alloc(a) = n {
                        self.addr_in.push((a, to));
                    }
                }
            }
        }
    }

    fn flow_to_heap(&mut self, srcs: Vec<Src>) {
        self.flow(srcs, Node::Heap);
    }

    /// Names what the flows recorded next do.
    fn because(&mut self, cause: Cause) {
        self.cause = cause;
    }

    /// What makes escaping allocation `a` escape: the first way out found
    /// from a holder of its address, breadth first.
    fn escape_reason(&self, a: usize) -> String {
        let depth = self.allocs[a].depth;
        let mut seen: HashSet<Node> = HashSet::new();
        let mut queue: std::collections::VecDeque<Node> = self
            .addr_in
            .iter()
            .filter(|(x, _)| *x == a)
            .map(|&(_, h)| h)
            .collect();
        while let Some(n) = queue.pop_front() {
            if !seen.insert(n) {
                continue;
            }
            // Its address went straight to the heap.
            if n == Node::Heap
                && let Some(c) = self.heap_causes.get(&Node::Alloc(a))
            {
                return c.text(self.program);
            }
            match n {
                Node::Result(_) => return "returned".to_string(),
                Node::Var(v) if self.var_depth.get(&v).copied().unwrap_or(0) < depth => {
                    let name = &self.func.locals[v].name;
                    return format!("kept in {name}, declared outside the loop that makes it");
                }
                _ => {}
            }
            if let Some(c) = self.heap_causes.get(&n) {
                return c.text(self.program);
            }
            for &(from, to) in &self.edges {
                if from == n {
                    queue.push_back(to);
                }
            }
        }
        Cause::Unknown.text(self.program)
    }

    /// Nodes whose contents reach the heap.
    fn escaping(&self) -> HashSet<Node> {
        let mut set = HashSet::from([Node::Heap]);
        loop {
            let before = set.len();
            for &(from, to) in &self.edges {
                if set.contains(&to) {
                    set.insert(from);
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    /// Nodes whose contents flow (directly or not) into `start`'s successors.
    fn reachable_from(&self, start: Node) -> HashSet<Node> {
        let mut set = HashSet::from([start]);
        loop {
            let before = set.len();
            for &(from, to) in &self.edges {
                if set.contains(&from) {
                    set.insert(to);
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    fn alloc_escapes(&self, a: usize, escaping: &HashSet<Node>) -> bool {
        let depth = self.allocs[a].depth;
        self.addr_in
            .iter()
            .filter(|(x, _)| *x == a)
            .any(|&(_, holder)| {
                if escaping.contains(&holder) {
                    return true;
                }
                // Returned, or kept in a variable that outlives the loop
                // iteration.
                self.reachable_from(holder).into_iter().any(|n| match n {
                    Node::Var(v) => self.var_depth.get(&v).copied().unwrap_or(0) < depth,
                    Node::Heap | Node::Result(_) => true,
                    Node::Alloc(_) | Node::Pointee(_) | Node::Mutator => false,
                })
            })
    }

    /// Whether something writes through the address of allocation `a`.
    fn alloc_written(&self, a: usize) -> bool {
        self.addr_in
            .iter()
            .filter(|(x, _)| *x == a)
            .any(|&(_, holder)| {
                let reached = self.reachable_from(holder);
                reached.contains(&Node::Mutator) || reached.contains(&Node::Heap)
            })
    }

    fn declare(&mut self, v: LocalId) {
        self.var_depth.insert(v, self.depth);
    }

    fn block(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Block(b) => self.block(b),
            StmtKind::Decl(l) => self.declare(*l),
            StmtKind::Assign(dst, src) => {
                let srcs = self.expr(src);
                self.assign(dst, srcs);
            }
            StmtKind::Assign2(ls, rs) => {
                for (l, r) in ls.iter().zip(rs) {
                    let srcs = self.expr(r);
                    self.assign(l, srcs);
                }
            }
            StmtKind::Assign2Func(ls, call) => {
                let mut results = match &call.kind {
                    ExprKind::Call(f, args) => self.call(*f, args),
                    _ => {
                        self.expr(call);
                        vec![]
                    }
                };
                results.resize(ls.len(), vec![]);
                for (l, srcs) in ls.iter().zip(results) {
                    self.assign(l, srcs);
                }
            }
            StmtKind::Assign2MapR(ls, index) => {
                self.expr(index);
                for l in ls {
                    self.assign(l, vec![]);
                }
            }
            StmtKind::AssignOp { lhs, rhs, .. } => {
                self.assign(lhs, vec![]);
                self.expr(rhs);
            }
            StmtKind::Expr(e) => {
                self.expr(e);
            }
            StmtKind::If(c, then, els) => {
                self.expr(c);
                self.block(then);
                self.block(els);
            }
            StmtKind::For {
                cond, post, body, ..
            } => {
                self.depth += 1;
                if let Some(c) = cond {
                    self.expr(c);
                }
                self.block(body);
                if let Some(p) = post {
                    self.stmt(p);
                }
                self.depth -= 1;
            }
            StmtKind::Range {
                kind,
                key,
                value,
                define,
                x,
                body,
                ..
            } => {
                let xs = self.expr(x);
                self.depth += 1;
                for v in key.iter().chain(value) {
                    if let (true, ExprKind::Name(Var::Local(l))) = (*define, &v.kind) {
                        self.declare(*l);
                    }
                }
                // Ranging over an array, or through a pointer to one, yields
                // its elements; those of slices and maps already escaped.
                let elems = match kind {
                    RangeKind::Array => xs,
                    RangeKind::ArrayPtr => xs
                        .into_iter()
                        .filter_map(|s| self.read_through(s))
                        .collect(),
                    _ => vec![],
                };
                if let Some(k) = key {
                    self.assign(k, vec![]);
                }
                if let Some(v) = value {
                    self.assign(v, elems);
                }
                self.block(body);
                self.depth -= 1;
            }
            StmtKind::Switch { tag, cases, .. } => {
                if let Some(t) = tag {
                    self.expr(t);
                }
                for c in cases {
                    for e in &c.exprs {
                        self.expr(e);
                    }
                    self.block(&c.body);
                }
            }
            StmtKind::Return(vals) => {
                for (i, v) in vals.iter().enumerate() {
                    let srcs = self.expr(v);
                    let to = if i < TRACKED_RESULTS {
                        Node::Result(i)
                    } else {
                        Node::Heap
                    };
                    self.flow(srcs, to);
                }
            }
            StmtKind::Panic(x) => {
                let srcs = self.expr(x);
                self.because(Cause::Panic);
                self.flow_to_heap(srcs);
            }
            StmtKind::Delete(m, k) => {
                self.expr(m);
                self.expr(k);
            }
            StmtKind::Clear(x) => {
                let srcs = self.expr(x);
                self.mutate(srcs);
            }
            StmtKind::Print(args, _) => {
                for a in args {
                    self.expr(a);
                }
            }
            StmtKind::Break(_) | StmtKind::Continue(_) => {}
        }
    }

    /// Stores `srcs` into the location `dst` denotes.
    fn assign(&mut self, dst: &Expr, srcs: Vec<Src>) {
        match &dst.kind {
            ExprKind::Blank => {}
            ExprKind::Name(Var::Local(l)) => self.flow(srcs, Node::Var(*l)),
            ExprKind::Name(Var::Global(g)) => {
                self.because(Cause::Global(*g));
                self.flow_to_heap(srcs);
            }
            ExprKind::Dot(x, _) => self.assign(x, srcs),
            ExprKind::Index(x, i) if self.program.types.array_of(x.ty).is_some() => {
                self.expr(i);
                self.assign(x, srcs);
            }
            ExprKind::IndexMap(m, k) => {
                self.expr(m);
                let ks = self.expr(k);
                self.because(Cause::Map);
                self.flow_to_heap(ks);
                self.flow_to_heap(srcs);
            }
            _ => {
                // Through a pointer or into a slice: the heap; and what the
                // pointer or slice leads to is written.
                let written = match &dst.kind {
                    ExprKind::Index(x, _) | ExprKind::Deref(x) | ExprKind::DotPtr(x, _) => {
                        Some(x.as_ref())
                    }
                    _ => None,
                };
                for c in dst.children() {
                    let through = self.expr(c);
                    if written.is_some_and(|w| std::ptr::eq(w, c)) {
                        self.mutate(through);
                    }
                }
                self.because(match &dst.kind {
                    ExprKind::Index(..) => Cause::SliceElem,
                    _ => Cause::Pointer,
                });
                self.flow_to_heap(srcs);
            }
        }
    }

    /// Evaluates an expression; returns where its pointer values come from.
    /// What evaluating `e` may carry. A value with no pointers in it
    /// carries nothing (Go ignores such flows), though its operands' own
    /// flows are still recorded.
    fn expr(&mut self, e: &Expr) -> Vec<Src> {
        let srcs = self.expr_sources(e);
        if carries_pointers(&self.program.types, e.ty) {
            srcs
        } else {
            Vec::new()
        }
    }

    fn expr_sources(&mut self, e: &Expr) -> Vec<Src> {
        match &e.kind {
            ExprKind::Name(Var::Local(l)) => vec![Src::Contents(Node::Var(*l))],
            ExprKind::MakeMap(hint) => {
                if let Some(h) = hint {
                    self.expr(h);
                }
                let a = self.alloc(e.span, AllocKind::Map);
                vec![Src::Address(Node::Alloc(a))]
            }
            ExprKind::MapLit(entries, _) => {
                let a = self.alloc(e.span, AllocKind::Map);
                for (k, v) in entries {
                    let ks = self.expr(k);
                    self.because(Cause::Map);
                    self.flow_to_heap(ks);
                    let vs = self.expr(v);
                    self.because(Cause::Map);
                    self.flow_to_heap(vs);
                }
                vec![Src::Address(Node::Alloc(a))]
            }
            ExprKind::StrToBytes(x, _) | ExprKind::StrToRunes(x, _) => {
                self.expr(x);
                let a = self.alloc(e.span, AllocKind::Conv);
                vec![Src::Address(Node::Alloc(a))]
            }
            ExprKind::PtrLit(lit) => {
                let a = self.alloc(e.span, AllocKind::Other);
                let inner = self.expr(lit);
                self.flow(inner, Node::Alloc(a));
                vec![Src::Address(Node::Alloc(a))]
            }
            ExprKind::New => {
                let a = self.alloc(e.span, AllocKind::Other);
                vec![Src::Address(Node::Alloc(a))]
            }
            ExprKind::Addr(x) => match x.outer_local(&self.program.types) {
                Some(l) => {
                    for c in x.children() {
                        self.expr(c);
                    }
                    vec![Src::Address(Node::Var(l))]
                }
                None => {
                    // &(*p) and friends: the pointer itself.
                    self.expr(x);
                    vec![]
                }
            },
            ExprKind::Dot(x, _) | ExprKind::ConvNop(x) => self.expr(x),
            ExprKind::Deref(x) | ExprKind::DotPtr(x, _) => {
                let srcs = self.expr(x);
                srcs.into_iter()
                    .filter_map(|s| self.read_through(s))
                    .collect()
            }
            ExprKind::Index(x, i) => {
                self.expr(i);
                let xs = self.expr(x);
                if self.program.types.array_of(x.ty).is_some() {
                    xs
                } else {
                    vec![]
                }
            }
            ExprKind::StructLit(items) => items.iter().flat_map(|(_, v)| self.expr(v)).collect(),
            ExprKind::ArrayLit(items) => items.iter().flat_map(|(_, v)| self.expr(v)).collect(),
            ExprKind::SliceLit(items) => {
                for (_, v) in items {
                    let vs = self.expr(v);
                    self.because(Cause::SliceLit);
                    self.flow_to_heap(vs);
                }
                vec![]
            }
            ExprKind::Append(args, spread) => {
                // The result may share the first operand's array, whose
                // spare capacity is written. The values appended are
                // stored in an array that may be new: the heap. With
                // `append(s, t...)` those are t's elements, not t itself.
                let mut it = args.iter();
                let base = it.next().map(|s| self.expr(s)).unwrap_or_default();
                self.mutate(base.clone());
                for a in it {
                    let mut srcs = self.expr(a);
                    if *spread {
                        srcs = srcs
                            .into_iter()
                            .filter_map(|s| self.read_through(s))
                            .collect();
                    }
                    self.because(Cause::Append);
                    self.flow_to_heap(srcs);
                }
                base
            }
            ExprKind::Copy(dst, src) => {
                let written = self.expr(dst);
                self.mutate(written);
                self.expr(src);
                vec![]
            }
            ExprKind::Call(f, args) => self.call(*f, args).into_iter().next().unwrap_or_default(),
            ExprKind::Slice {
                kind,
                x,
                lo,
                hi,
                max,
            } => {
                for b in lo.iter().chain(hi).chain(max) {
                    self.expr(b);
                }
                let xs = self.expr(x);
                match kind {
                    // Slicing an array exposes its storage.
                    gm_ir::SliceKind::Array => {
                        self.because(Cause::Sliced);
                        self.flow_to_heap(xs);
                        vec![]
                    }
                    // A slice of a slice shares its array.
                    gm_ir::SliceKind::Slice => xs,
                    gm_ir::SliceKind::String => vec![],
                }
            }
            ExprKind::Init(stmts, x) => {
                self.block(stmts);
                self.expr(x)
            }
            _ => {
                for c in e.children() {
                    self.expr(c);
                }
                vec![]
            }
        }
    }
}

impl Graph<'_> {
    /// Evaluates a call; returns where each result's pointer values come
    /// from.
    fn call(&mut self, f: FuncId, args: &[Expr]) -> Vec<Vec<Src>> {
        let leaks = self.leaks.get(&f).cloned().unwrap_or_default();
        let count = self.program.funcs[f].result_types.len();
        let mut results: Vec<Vec<Src>> = vec![vec![]; count];
        for (i, a) in args.iter().enumerate() {
            let srcs = self.expr(a);
            let leak = leaks.get(i).copied().unwrap_or(LEAKS_EVERYWHERE);
            self.because(Cause::Param(f, i));
            if leak.value {
                self.flow_to_heap(srcs);
                continue;
            }
            if leak.mutates {
                self.mutate(srcs.clone());
            }
            for (r, out) in results.iter_mut().enumerate() {
                if leak.value_to_results & 1 << r != 0 {
                    out.extend(srcs.iter().copied());
                }
                if leak.pointee_to_results & 1 << r != 0 {
                    out.extend(srcs.iter().filter_map(|&s| self.read_through(s)));
                }
            }
            // A pointer passed to a parameter that lets what it points to
            // be read and kept exposes those contents; a map's entries are
            // never tracked, so a map exposes nothing.
            let pointee = leak.pointee && holds_pointer(&self.program.types, a.ty);
            for s in srcs {
                match s {
                    Src::Address(Node::Alloc(a)) if self.allocs[a].kind == AllocKind::Map => {}
                    Src::Address(n) | Src::Contents(n) if pointee => {
                        // A pointer we hold: treat it as escaping.
                        self.heap_causes.entry(n).or_insert(self.cause);
                        self.edges.push((n, Node::Heap));
                    }
                    _ => {}
                }
            }
        }
        results
    }

    /// The values read through a pointer that comes from `s`. A pointer
    /// held in a variable leads to memory whose contents already count as
    /// escaped, except through a parameter.
    fn read_through(&self, s: Src) -> Option<Src> {
        match s {
            Src::Address(n) => Some(Src::Contents(n)),
            Src::Contents(Node::Var(p)) if self.params.contains(&p) => {
                Some(Src::Contents(Node::Pointee(p)))
            }
            Src::Contents(_) => None,
        }
    }
}

/// Whether values of the type hold Go pointers through which tracked
/// memory could be read (maps, slices and strings lead only to memory
/// whose contents already count as escaped).
/// Whether a value of the type (or any value of a call's results) holds a
/// pointer, a map, a slice or a string.
fn carries_pointers(types: &gm_ir::TypeTable, t: gm_ir::TypeId) -> bool {
    match types.under(t) {
        gm_ir::Type::Tuple(ts) => ts.iter().any(|&t| carries_pointers(types, t)),
        _ => crate::mapfast::has_pointers(types, t),
    }
}

fn holds_pointer(types: &gm_ir::TypeTable, t: gm_ir::TypeId) -> bool {
    match types.under(t) {
        gm_ir::Type::Pointer(_) => true,
        gm_ir::Type::Array(e, _) => holds_pointer(types, *e),
        gm_ir::Type::Struct(fields) => fields.iter().any(|f| holds_pointer(types, f.ty)),
        _ => false,
    }
}
