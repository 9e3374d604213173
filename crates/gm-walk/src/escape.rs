//! Escape analysis for map allocations: does the map made by a `make` or a
//! map literal outlive its function (or the loop iteration that made it)?
//! A map that does not gets a stack header, as Go does (LOWERING §6).
//!
//! The same graph sizes `[]byte(s)` and `[]rune(s)`: Go gives a result that
//! stays in its function a 32-element temporary buffer, and shares the
//! string's bytes for a `[]byte` that is also never written (a store to an
//! element, `append`, `copy` into it, `clear`, or a callee that does one of
//! these). Writes flow to a mutator node, as escapes flow to the heap. And
//! it places in the frame, as Go does, memory of a constant size of at
//! most 64 KB that stays in its function: `new(T)`, `&T{…}`, a slice
//! literal's array, and the array of `make([]T, len, cap)` with a
//! constant capacity (or length, without one).
//!
//! The analysis is a flow graph over each function, as Go's: nodes are
//! local variables, allocations, the function's results and the heap; an
//! edge says that a value derived from one node is stored into another,
//! with a count of dereferences: -1 stores the node's address, 0 copies
//! its contents, 1 what they point to, and so on. From each node that
//! outlives others (the heap, a result, a variable declared outside a
//! loop), the fewest dereferences to every node are found; a node whose
//! address reaches one that outlives it escapes, and then outlives
//! everything itself. Storing through a pointer, into a slice element or
//! into a map, panicking, and passing to a parameter that escapes reach
//! the heap. Parameter summaries (how many dereferences from a parameter
//! reach the heap, each result, or a write) are computed for all
//! functions together until they stop changing, so a caller sees that a
//! map passed through `m = add(m, k)` stays on its stack.
//!
//! Each decision is written into the node it is about: the
//! [`MapEscape`] of a `MakeMap` or `MapLit`, the [`ConvBuf`] of a
//! `StrToBytes` or `StrToRunes`. Nodes are told apart by address, not
//! span: the order pass copies expressions along with their spans.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use gm_ir::{
    AllocPlace, ConvBuf, Expr, ExprKind, Func, FuncId, LocalId, MapEscape, Program, RangeKind,
    Stmt, StmtKind, Var,
};

/// What escape analysis decided for one allocation node.
#[derive(Debug)]
enum Decision {
    Map(MapEscape),
    Conv(ConvBuf),
    Place(AllocPlace),
}

/// Allocation nodes of one function body by address. The addresses are
/// only compared, never followed, and stay valid because the body does
/// not change between the analysis and writing its decisions back.
type Decisions = HashMap<*const Expr, Decision>;

/// What a function does with one of its parameters: the fewest
/// dereferences of it that reach the heap and each result, if any do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ParamLeak {
    heap: Option<i32>,
    results: Vec<Option<i32>>,
    /// The fewest dereferences of it that are written through (0: what it
    /// points to, a slice's elements, is written).
    mutates: Option<i32>,
}

/// Results past this many are treated as the heap.
const TRACKED_RESULTS: usize = 64;

type Summaries = HashMap<FuncId, Vec<ParamLeak>>;

/// Analyses every function and records the decisions in its nodes.
pub fn analyze(program: &mut Program) {
    let leaks = summaries(program);
    let ids: Vec<FuncId> = program.funcs.keys().collect();
    for id in ids {
        let decided = decide(program, &program.funcs[id], &leaks);
        let found = annotate(&mut program.funcs[id].body, &decided);
        debug_assert_eq!(found, decided.len(), "allocation nodes not found");
    }
}

/// The parameter summaries of all functions, at their fixed point.
fn summaries(program: &Program) -> Summaries {
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
    leaks
}

/// The decision for every map and string-to-slice conversion in `f`.
fn decide(program: &Program, f: &Func, leaks: &Summaries) -> Decisions {
    let g = Graph::build(program, f, leaks);
    let escaping = g.escaping();
    let mut decided = Decisions::new();
    for (site, alloc) in g.allocs.iter().enumerate() {
        let escapes = escaping.contains(&Node::Alloc(site));
        let decision = match alloc.kind {
            AllocKind::Map if !escapes => Decision::Map(MapEscape::Stack),
            AllocKind::Map => {
                Decision::Map(MapEscape::Heap(g.escape_reason(site, &escaping).into()))
            }
            AllocKind::Conv { .. } if escapes => Decision::Conv(ConvBuf::Heap),
            // Go shares the string's bytes only for a `[]byte`.
            AllocKind::Conv { bytes: true } if !g.alloc_written(site) => {
                Decision::Conv(ConvBuf::Exact)
            }
            AllocKind::Conv { .. } => Decision::Conv(ConvBuf::Temp),
            AllocKind::Small if !escapes => Decision::Place(AllocPlace::Frame),
            AllocKind::Small | AllocKind::Other => continue,
        };
        let old = decided.insert(alloc.node, decision);
        debug_assert!(old.is_none(), "an allocation node analysed twice");
    }
    decided
}

/// Writes each decision into its node; returns how many nodes it found.
fn annotate(stmts: &mut [Stmt], decided: &Decisions) -> usize {
    stmts.iter_mut().map(|s| annotate_stmt(s, decided)).sum()
}

fn annotate_stmt(s: &mut Stmt, decided: &Decisions) -> usize {
    let mut found = 0;
    for e in s.exprs_mut() {
        found += annotate_expr(e, decided);
    }
    for n in s.nested_mut() {
        found += annotate_stmt(n, decided);
    }
    found
}

fn annotate_expr(e: &mut Expr, decided: &Decisions) -> usize {
    let mut found = 0;
    if let Some(d) = decided.get(&std::ptr::from_ref(e)) {
        found += 1;
        match (&mut e.kind, d) {
            (ExprKind::MakeMap(_, esc) | ExprKind::MapLit(_, _, esc), Decision::Map(m)) => {
                *esc = m.clone();
            }
            // A buffer the checker already chose (a constant operand's
            // exact one) stands.
            (
                ExprKind::StrToBytes(_, buf @ ConvBuf::Heap)
                | ExprKind::StrToRunes(_, buf @ ConvBuf::Heap),
                Decision::Conv(b),
            ) => *buf = *b,
            (ExprKind::StrToBytes(..) | ExprKind::StrToRunes(..), Decision::Conv(_)) => {}
            (
                ExprKind::New(place)
                | ExprKind::PtrLit(_, place)
                | ExprKind::SliceLit(_, place)
                | ExprKind::MakeSlice(_, _, place),
                Decision::Place(p),
            ) => *place = *p,
            (kind, d) => unreachable!("decision {d:?} for {kind:?}"),
        }
    }
    if let ExprKind::Init(stmts, _) = &mut e.kind {
        found += annotate(stmts, decided);
    }
    for c in e.children_mut() {
        found += annotate_expr(c, decided);
    }
    found
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
    Append,
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
            Cause::Append => "appended to a slice".into(),
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Heap,
    Var(LocalId),
    Alloc(usize),
    /// The function's i-th result.
    Result(usize),
    /// Whatever writes through the pointers that reach it.
    Mutator,
}

/// Where a value comes from: a node, after `derefs` dereferences (-1:
/// the node's address).
#[derive(Clone, Copy, Debug)]
struct Src {
    node: Node,
    derefs: i32,
}

impl Src {
    fn contents(node: Node) -> Src {
        Src { node, derefs: 0 }
    }

    fn address(node: Node) -> Src {
        Src { node, derefs: -1 }
    }

    /// What the value points to.
    fn read_through(self) -> Src {
        Src {
            node: self.node,
            derefs: self.derefs + 1,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AllocKind {
    Map,
    /// The array of `[]byte(s)` (`bytes`) or `[]rune(s)`.
    Conv {
        bytes: bool,
    },
    /// Memory of a constant size small enough for the frame: `new(T)`,
    /// `&T{…}`, a slice literal's array, a `make` of a slice with a
    /// constant capacity (or length, without one).
    Small,
    Other,
}

impl AllocKind {
    /// An allocation of `bytes`, when known: Go places one that stays in
    /// its function in the frame when it is at most 64 KB.
    fn of_size(bytes: Option<u64>) -> AllocKind {
        const MAX_IMPLICIT_STACK_BYTES: u64 = 64 << 10;
        match bytes {
            Some(b) if b <= MAX_IMPLICIT_STACK_BYTES => AllocKind::Small,
            _ => AllocKind::Other,
        }
    }
}

struct Alloc {
    /// The node that allocates, as a key into [`Decisions`].
    node: *const Expr,
    depth: u32,
    kind: AllocKind,
}

struct Graph<'a> {
    program: &'a Program,
    func: &'a Func,
    leaks: &'a Summaries,
    /// What the flows being recorded do, for escape reasons.
    cause: Cause,
    /// The cause of the first flow from each node into the heap.
    heap_causes: HashMap<Node, Cause>,
    /// How many results are tracked as their own nodes.
    results: usize,
    /// `(from, to, derefs)`: `from` after `derefs` dereferences is stored
    /// into `to`.
    edges: Vec<(Node, Node, i32)>,
    /// The edges by the node they flow into, once the graph is built.
    incoming: HashMap<Node, Vec<(Node, i32)>>,
    allocs: Vec<Alloc>,
    var_depth: HashMap<LocalId, u32>,
    depth: u32,
}

impl<'a> Graph<'a> {
    fn build(program: &'a Program, f: &'a Func, leaks: &'a Summaries) -> Graph<'a> {
        let mut g = Graph {
            program,
            func: f,
            leaks,
            cause: Cause::Unknown,
            heap_causes: HashMap::new(),
            results: f.result_types.len().min(TRACKED_RESULTS),
            edges: Vec::new(),
            incoming: HashMap::new(),
            allocs: Vec::new(),
            var_depth: HashMap::new(),
            depth: 0,
        };
        for s in &f.body {
            g.stmt(s);
        }
        for &(from, to, k) in &g.edges {
            g.incoming.entry(to).or_default().push((from, k));
        }
        g
    }

    /// What the function does with parameter `p`.
    fn summary(&self, p: LocalId, escaping: &HashSet<Node>) -> ParamLeak {
        let from = |root: Node| {
            let d = self.walk_from(root);
            d.get(&Node::Var(p)).map(|&d| d.max(0))
        };
        ParamLeak {
            heap: escaping.iter().filter_map(|&root| from(root)).min(),
            results: (0..self.results).map(|i| from(Node::Result(i))).collect(),
            mutates: from(Node::Mutator),
        }
    }

    fn alloc(&mut self, e: &Expr, kind: AllocKind) -> usize {
        self.allocs.push(Alloc {
            node: std::ptr::from_ref(e),
            depth: self.depth,
            kind,
        });
        self.allocs.len() - 1
    }

    /// Records that what the values in `srcs` point to is written. (Unlike
    /// a store, this keeps no address anywhere.)
    fn mutate(&mut self, srcs: Vec<Src>) {
        self.flow(srcs, Node::Mutator);
    }

    /// Records that the values in `srcs` are stored into `to`.
    fn flow(&mut self, srcs: Vec<Src>, to: Node) {
        for s in srcs {
            if to == Node::Heap {
                self.heap_causes.entry(s.node).or_insert(self.cause);
            }
            self.edges.push((s.node, to, s.derefs));
        }
    }

    /// Names what the flows recorded next do.
    fn because(&mut self, cause: Cause) {
        self.cause = cause;
    }

    /// What makes escaping allocation `a` escape: the first way out found
    /// following where its address is stored, breadth first (Go's `-m`
    /// reasons, in words).
    fn escape_reason(&self, a: usize, escaping: &HashSet<Node>) -> String {
        let depth = self.allocs[a].depth;
        let start = Node::Alloc(a);
        let mut seen = HashSet::from_iter([start]);
        let mut queue = std::collections::VecDeque::from([start]);
        while let Some(n) = queue.pop_front() {
            for &(from, to, _) in &self.edges {
                if from != n || !seen.insert(to) {
                    continue;
                }
                match to {
                    Node::Heap => {
                        let cause = self.heap_causes.get(&n).copied().unwrap_or(Cause::Unknown);
                        return cause.text(self.program);
                    }
                    Node::Result(_) => return "returned".to_string(),
                    Node::Var(v)
                        if self.var_depth.get(&v).copied().unwrap_or(0) < depth
                            && !escaping.contains(&to) =>
                    {
                        let name = &self.func.locals[v].name;
                        return format!("kept in {name}, declared outside the loop that makes it");
                    }
                    _ => queue.push_back(to),
                }
            }
        }
        Cause::Unknown.text(self.program)
    }

    fn flow_to_heap(&mut self, srcs: Vec<Src>) {
        self.flow(srcs, Node::Heap);
    }

    /// The fewest dereferences from `root` back to every node that flows
    /// into it (Go's walkOne). A negative count means the node's address
    /// reaches `root`; what flows into that node is then counted from 0.
    fn walk_from(&self, root: Node) -> HashMap<Node, i32> {
        let mut best = HashMap::from_iter([(root, 0)]);
        let mut todo = vec![root];
        while let Some(l) = todo.pop() {
            let d = best[&l].max(0);
            for &(from, k) in self.incoming.get(&l).map_or(&[][..], |v| v) {
                let nd = d + k;
                if best.get(&from).is_none_or(|&old| nd < old) {
                    best.insert(from, nd);
                    todo.push(from);
                }
            }
        }
        best
    }

    /// Whether `root` lives longer than `other`.
    fn outlives(&self, root: Node, other: Node, escaping: &HashSet<Node>) -> bool {
        if escaping.contains(&root) || matches!(root, Node::Result(_)) {
            return true;
        }
        let depth = |n: Node| match n {
            Node::Var(v) => Some(self.var_depth.get(&v).copied().unwrap_or(0)),
            Node::Alloc(a) => Some(self.allocs[a].depth),
            _ => None,
        };
        matches!((root, depth(root), depth(other)), (Node::Var(_), Some(r), Some(o)) if r < o)
    }

    /// The nodes that escape (the heap among them): their address reaches
    /// a node that outlives them.
    fn escaping(&self) -> HashSet<Node> {
        // Only a node that something flows into can be a root; a variable
        // only outlives what is made in a deeper loop.
        let deepest = self.allocs.iter().map(|a| a.depth).max().unwrap_or(0);
        let deepest = self
            .var_depth
            .values()
            .copied()
            .max()
            .unwrap_or(0)
            .max(deepest);
        let roots: Vec<Node> = self
            .incoming
            .keys()
            .copied()
            .filter(|&n| match n {
                Node::Var(v) => self.var_depth.get(&v).copied().unwrap_or(0) < deepest,
                Node::Mutator | Node::Alloc(_) => false,
                Node::Heap | Node::Result(_) => true,
            })
            .collect();
        let mut set = HashSet::from_iter([Node::Heap]);
        let mut walked: HashSet<Node> = HashSet::new();
        loop {
            let before = set.len();
            // Roots already walked as escaping need no second walk.
            let todo: Vec<Node> = roots
                .iter()
                .chain(set.iter())
                .copied()
                .filter(|n| !(set.contains(n) && walked.contains(n)))
                .collect();
            for root in todo {
                if set.contains(&root) {
                    walked.insert(root);
                }
                for (n, d) in self.walk_from(root) {
                    if d < 0 && n != root && self.outlives(root, n, &set) {
                        set.insert(n);
                    }
                }
            }
            if set.len() == before {
                return set;
            }
        }
    }

    /// The bytes of an array of `n` elements of slice type `ty`'s.
    fn array_bytes(&self, ty: gm_ir::TypeId, n: u64) -> Option<u64> {
        let types = &self.program.types;
        types.size(types.slice_elem(ty)?).checked_mul(n)
    }

    /// Whether something writes through the address of allocation `a`.
    fn alloc_written(&self, a: usize) -> bool {
        self.walk_from(Node::Mutator)
            .get(&Node::Alloc(a))
            .is_some_and(|&d| d < 0)
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
                    RangeKind::ArrayPtr | RangeKind::Slice => {
                        xs.into_iter().map(Src::read_through).collect()
                    }
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

    /// `&x`: a variable's address, or the pointer that `x` is reached
    /// through (`&p.f`, `&s[i]`).
    fn addr(&mut self, x: &Expr) -> Vec<Src> {
        match &x.kind {
            ExprKind::Name(Var::Local(l)) => vec![Src::address(Node::Var(*l))],
            ExprKind::Dot(y, _) => self.addr(y),
            ExprKind::Index(y, i) if self.program.types.array_of(y.ty).is_some() => {
                self.expr(i);
                self.addr(y)
            }
            ExprKind::Index(y, i) => {
                self.expr(i);
                self.expr(y)
            }
            ExprKind::Deref(p) | ExprKind::DotPtr(p, _) => self.expr(p),
            _ => {
                // A global, or a value without a location of its own.
                self.expr(x);
                vec![]
            }
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
            ExprKind::Name(Var::Local(l)) => vec![Src::contents(Node::Var(*l))],
            ExprKind::MakeMap(hint, _) => {
                if let Some(h) = hint {
                    self.expr(h);
                }
                let a = self.alloc(e, AllocKind::Map);
                vec![Src::address(Node::Alloc(a))]
            }
            ExprKind::MapLit(entries, ..) => {
                let a = self.alloc(e, AllocKind::Map);
                for (k, v) in entries {
                    let ks = self.expr(k);
                    self.because(Cause::Map);
                    self.flow_to_heap(ks);
                    let vs = self.expr(v);
                    self.because(Cause::Map);
                    self.flow_to_heap(vs);
                }
                vec![Src::address(Node::Alloc(a))]
            }
            ExprKind::StrToBytes(x, _) | ExprKind::StrToRunes(x, _) => {
                self.expr(x);
                let bytes = matches!(e.kind, ExprKind::StrToBytes(..));
                let a = self.alloc(e, AllocKind::Conv { bytes });
                vec![Src::address(Node::Alloc(a))]
            }
            ExprKind::PtrLit(lit, _) => {
                let a = self.alloc(e, AllocKind::of_size(Some(self.program.types.size(lit.ty))));
                let inner = self.expr(lit);
                self.flow(inner, Node::Alloc(a));
                vec![Src::address(Node::Alloc(a))]
            }
            ExprKind::New(_) => {
                let types = &self.program.types;
                let bytes = types.pointer_elem(e.ty).map(|t| types.size(t));
                let a = self.alloc(e, AllocKind::of_size(bytes));
                vec![Src::address(Node::Alloc(a))]
            }
            ExprKind::Addr(x) => self.addr(x),
            ExprKind::Dot(x, _) | ExprKind::ConvNop(x) => self.expr(x),
            ExprKind::Deref(x) | ExprKind::DotPtr(x, _) => {
                let srcs = self.expr(x);
                srcs.into_iter().map(Src::read_through).collect()
            }
            ExprKind::Index(x, i) => {
                self.expr(i);
                let xs = self.expr(x);
                if self.program.types.array_of(x.ty).is_some() {
                    xs
                } else if self.program.types.is_string(x.ty) {
                    vec![]
                } else {
                    xs.into_iter().map(Src::read_through).collect()
                }
            }
            ExprKind::StructLit(items) => items.iter().flat_map(|(_, v)| self.expr(v)).collect(),
            ExprKind::ArrayLit(items) => items.iter().flat_map(|(_, v)| self.expr(v)).collect(),
            ExprKind::SliceLit(items, _) => {
                // The elements live in an array of their own.
                let n = items.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
                let a = self.alloc(e, AllocKind::of_size(self.array_bytes(e.ty, n)));
                for (_, v) in items {
                    let vs = self.expr(v);
                    self.flow(vs, Node::Alloc(a));
                }
                vec![Src::address(Node::Alloc(a))]
            }
            ExprKind::MakeSlice(len, cap, _) => {
                for x in std::iter::once(len).chain(cap) {
                    self.expr(x);
                }
                let n = gm_ir::make_slice_elems(len, cap.as_deref());
                let bytes = n.and_then(|n| self.array_bytes(e.ty, n));
                let a = self.alloc(e, AllocKind::of_size(bytes));
                vec![Src::address(Node::Alloc(a))]
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
                        srcs = srcs.into_iter().map(Src::read_through).collect();
                    }
                    self.because(Cause::Append);
                    self.flow_to_heap(srcs);
                }
                base
            }
            ExprKind::Copy(dst, src) => {
                let written = self.expr(dst);
                self.mutate(written);
                // The elements copied are stored in dst's array: the heap.
                let copied = self.expr(src);
                let elem = self.program.types.slice_elem(src.ty);
                if elem.is_some_and(|t| carries_pointers(&self.program.types, t)) {
                    self.because(Cause::SliceElem);
                    self.flow_to_heap(copied.into_iter().map(Src::read_through).collect());
                }
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
                    // The operand is the array's address (or a pointer
                    // to it), and a slice of a slice shares its array.
                    gm_ir::SliceKind::Array | gm_ir::SliceKind::Slice => xs,
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
            let leak = leaks.get(i).cloned().unwrap_or(ParamLeak {
                heap: Some(0),
                results: vec![],
                mutates: Some(0),
            });
            let shifted = |d: i32| -> Vec<Src> {
                srcs.iter()
                    .map(|s| Src {
                        node: s.node,
                        derefs: s.derefs + d,
                    })
                    .collect()
            };
            if let Some(d) = leak.heap {
                self.because(Cause::Param(f, i));
                self.flow_to_heap(shifted(d));
            }
            if let Some(d) = leak.mutates {
                self.mutate(shifted(d));
            }
            for (r, out) in results.iter_mut().enumerate() {
                if let Some(Some(d)) = leak.results.get(r) {
                    out.extend(shifted(*d));
                }
            }
        }
        results
    }
}

/// Whether a value of the type (or any value of a call's results) holds a
/// pointer, a map, a slice or a string.
fn carries_pointers(types: &gm_ir::TypeTable, t: gm_ir::TypeId) -> bool {
    match types.under(t) {
        gm_ir::Type::Tuple(ts) => ts.iter().any(|&t| carries_pointers(types, t)),
        _ => types.layout(t).has_pointers(),
    }
}

#[cfg(test)]
mod tests {
    use cranelift_entity::PrimaryMap;
    use gm_diag::Span;
    use gm_ir::{Basic, Global, Local, LocalKind, TypeId, TypeTable};

    use super::*;

    /// The span every allocation below shares, as copies made by the order
    /// pass share their original's.
    const SHARED: Span = Span { lo: 10, hi: 20 };

    fn program(mut types: TypeTable) -> Program {
        types.complete_layouts();
        Program {
            types,
            globals: PrimaryMap::new(),
            funcs: PrimaryMap::new(),
            init: None,
            main: None,
        }
    }

    fn local(f: &mut Func, name: &str, ty: TypeId, kind: LocalKind) -> LocalId {
        f.locals.push(Local {
            name: name.to_string(),
            ty,
            kind,
            span: Span::DUMMY,
            addr_taken: false,
        })
    }

    fn name(v: Var, ty: TypeId) -> Expr {
        Expr::new(ExprKind::Name(v), ty, Span::DUMMY)
    }

    fn assign(dst: Expr, src: Expr) -> Stmt {
        Stmt {
            kind: StmtKind::Assign(dst, src),
            span: SHARED,
        }
    }

    /// The right-hand sides of the function's assignments, then what it
    /// returns.
    fn sources(f: &Func) -> Vec<&ExprKind> {
        f.body
            .iter()
            .flat_map(|s| match &s.kind {
                StmtKind::Assign(_, src) => vec![src],
                StmtKind::Return(vals) => vals.iter().collect(),
                _ => vec![],
            })
            .map(|e| &e.kind)
            .collect()
    }

    #[test]
    fn maps_with_one_span_get_their_own_place() {
        let mut types = TypeTable::new();
        let int = types.basic(Basic::Int);
        let map = types.map(int, int);
        let mut p = program(types);
        let g = p.globals.push(Global {
            name: "g".to_string(),
            ty: map,
            span: Span::DUMMY,
            readonly: false,
            init_value: None,
        });
        let mut f = Func::new("f", Span::DUMMY);
        let m = local(&mut f, "m", map, LocalKind::Var);
        let make = Expr::new(ExprKind::MakeMap(None, MapEscape::default()), map, SHARED);
        let lit = Expr::new(
            ExprKind::MapLit(vec![], 0, MapEscape::default()),
            map,
            SHARED,
        );
        f.body = vec![
            Stmt {
                kind: StmtKind::Decl(m),
                span: SHARED,
            },
            assign(name(Var::Local(m), map), make.clone()),
            assign(name(Var::Global(g), map), make),
            assign(name(Var::Local(m), map), lit.clone()),
            assign(name(Var::Global(g), map), lit),
        ];
        let f = p.funcs.push(f);
        analyze(&mut p);
        let global = MapEscape::Heap("stored in global g".into());
        assert_eq!(
            sources(&p.funcs[f]),
            vec![
                &ExprKind::MakeMap(None, MapEscape::Stack),
                &ExprKind::MakeMap(None, global.clone()),
                &ExprKind::MapLit(vec![], 0, MapEscape::Stack),
                &ExprKind::MapLit(vec![], 0, global),
            ]
        );
    }

    #[test]
    fn conversions_with_one_span_get_their_own_buffer() {
        let mut types = TypeTable::new();
        let string = types.basic(Basic::String);
        let bytes = types.slice(types.basic(Basic::Uint8));
        let runes = types.slice(types.basic(Basic::Int32));
        let mut p = program(types);
        let mut f = Func::new("f", Span::DUMMY);
        let s = local(&mut f, "s", string, LocalKind::Param);
        let b = local(&mut f, "b", bytes, LocalKind::Var);
        let r = local(&mut f, "r", runes, LocalKind::Var);
        f.params = vec![s];
        f.result_types = vec![bytes];
        let s = name(Var::Local(s), string);
        let to_bytes = |buf| {
            let kind = ExprKind::StrToBytes(Box::new(s.clone()), buf);
            Expr::new(kind, bytes, SHARED)
        };
        let to_runes = Expr::new(
            ExprKind::StrToRunes(Box::new(s.clone()), ConvBuf::Heap),
            runes,
            SHARED,
        );
        f.body = vec![
            assign(name(Var::Local(b), bytes), to_bytes(ConvBuf::Heap)),
            assign(name(Var::Local(r), runes), to_runes),
            Stmt {
                kind: StmtKind::Return(vec![to_bytes(ConvBuf::Heap)]),
                span: SHARED,
            },
        ];
        let f = p.funcs.push(f);
        analyze(&mut p);
        let boxed = || Box::new(s.clone());
        assert_eq!(
            sources(&p.funcs[f]),
            vec![
                // Kept and never written: the string's own bytes.
                &ExprKind::StrToBytes(boxed(), ConvBuf::Exact),
                &ExprKind::StrToRunes(boxed(), ConvBuf::Temp),
                // Returned: a fresh array.
                &ExprKind::StrToBytes(boxed(), ConvBuf::Heap),
            ]
        );
    }

    /// Where each `new`, `&T{…}`, slice literal and `make` of a slice in
    /// function `name` of `src` is placed, in source order.
    fn places(src: &str, name: &str) -> Vec<AllocPlace> {
        fn collect(e: &mut Expr, out: &mut Vec<(u32, AllocPlace)>) {
            match &e.kind {
                ExprKind::New(p)
                | ExprKind::PtrLit(_, p)
                | ExprKind::SliceLit(_, p)
                | ExprKind::MakeSlice(_, _, p) => out.push((e.span.lo, *p)),
                _ => {}
            }
            if let ExprKind::Init(body, _) = &mut e.kind {
                stmts(body, out);
            }
            for c in e.children_mut() {
                collect(c, out);
            }
        }
        fn stmts(body: &mut [Stmt], out: &mut Vec<(u32, AllocPlace)>) {
            for s in body {
                for e in s.exprs_mut() {
                    collect(e, out);
                }
                for n in s.nested_mut() {
                    stmts(std::slice::from_mut(n), out);
                }
            }
        }
        let file = gm_diag::SourceFile::new("t.gm", src);
        let (ast, diags) = gm_syntax::parse(&file.text);
        assert!(diags.is_empty(), "{diags:?}");
        let mut diags = gm_diag::Diagnostics::new();
        let mut p = gm_types::check_source(&ast.unwrap(), &file, &mut diags).unwrap();
        assert!(!diags.has_errors());
        crate::order::order_program(&mut p);
        analyze(&mut p);
        let f = p.funcs.values_mut().find(|f| f.name == name).unwrap();
        let mut out = vec![];
        stmts(&mut f.body, &mut out);
        // The order pass may copy a node; each source position counts once.
        out.sort_by_key(|&(lo, _)| lo);
        out.dedup_by_key(|&mut (lo, _)| lo);
        out.into_iter().map(|(_, p)| p).collect()
    }

    /// Go 1.23's `-gcflags=-m` says the same of each (`does not escape`:
    /// `Frame`).
    #[test]
    fn small_allocations_that_stay_go_in_the_frame() {
        let src = r#"package main

type T struct {
	n    int
	next *T
}

type Big [8193]int64

var g []int

var gp *T

func f(n int) []int {
	a := make([]byte, 0, 12)
	a = append(a, 'x')
	b := make([]int, 3)
	c := make([]int, n)
	d := make([]int, n, 8)
	e := make([]int64, 8192)
	h := make([]int64, 8193)
	var keep [][]int
	for i := 0; i < 2; i++ {
		k := make([]int, 2)
		keep = append(keep, k)
		l := make([]int, 2)
		l[0] = i
	}
	g = make([]int, 1)
	r := make([]int, 4)
	p := new(int)
	*p = len(a)
	q := &T{n: 1}
	q.next = &T{n: 2}
	gp = &T{n: 3}
	big := new(Big)
	s := []int{1, 2, n}
	println(string(a), len(b), len(c), len(d), len(e), len(h), len(keep))
	println(*p, q.next.n, big[0], len(s))
	return r
}

func main() { f(1) }
"#;
        use AllocPlace::{Frame, Heap};
        #[rustfmt::skip]
        let expected = vec![
            Frame, // a
            Frame, // b
            Heap,  // c: a variable size
            Frame, // d
            Frame, // e: 64 KB
            Heap,  // h: one element more
            Heap,  // k: kept past its loop iteration
            Frame, // l
            Heap,  // g: stored globally
            Heap,  // r: returned
            Frame, // new(int)
            Frame, // &T{n: 1}
            Heap,  // &T{n: 2}: stored through a pointer
            Heap,  // &T{n: 3}: stored globally
            Heap,  // new(Big): over 64 KB
            Frame, // the slice literal
        ];
        assert_eq!(places(src, "f"), expected);
    }
}
