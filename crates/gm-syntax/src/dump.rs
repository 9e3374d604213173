//! The tree form of the AST printed by `gm dump ast`: one node per line,
//! indented by nesting, with the node's line:col.

use gm_diag::{SourceFile, Span};

use crate::ast::*;
use crate::exprtext::literal_text;

pub fn dump_file(src: &SourceFile, f: &File) -> String {
    let mut d = Dumper {
        src,
        out: String::new(),
    };
    if let Some(p) = &f.package {
        d.line(0, p.span, &format!("Package {}", p.name));
    }
    for i in &f.imports {
        d.line(0, i.span, &format!("Import {}", i.names.join(", ")));
    }
    for decl in &f.decls {
        d.decl(decl, 0);
    }
    d.out
}

struct Dumper<'s> {
    src: &'s SourceFile,
    out: String,
}

impl Dumper<'_> {
    fn line(&mut self, depth: usize, span: Span, text: &str) {
        let pos = self.src.line_col(span.lo);
        for _ in 0..depth {
            self.out.push_str("    ");
        }
        self.out
            .push_str(&format!("{text} @{}:{}\n", pos.line, pos.col));
    }

    fn names(ids: &[Ident]) -> String {
        ids.iter()
            .map(|i| i.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn decl(&mut self, d: &Decl, depth: usize) {
        match d {
            Decl::Var(specs) => self.var_specs(specs, depth),
            Decl::Const(specs) => self.const_specs(specs, depth),
            Decl::Type(specs) => self.type_specs(specs, depth),
            Decl::Func(f) => {
                let mut head = format!("FuncDecl {}", f.name.name);
                if f.receiver.is_some() {
                    head.push_str(" (method)");
                }
                if f.type_params.is_some() {
                    head.push_str(" (generic)");
                }
                self.line(depth, f.span, &head);
                for p in &f.sig.params {
                    self.param("Param", p, depth + 1);
                }
                for p in &f.sig.results {
                    self.param("Result", p, depth + 1);
                }
                if let Some(b) = &f.body {
                    self.block(b, depth + 1);
                }
            }
        }
    }

    fn param(&mut self, what: &str, p: &Param, depth: usize) {
        let name = p.name.as_ref().map_or("_", |n| n.name.as_str());
        let dots = if p.variadic { " ..." } else { "" };
        self.line(depth, p.span, &format!("{what} {name}{dots}"));
        self.ty(&p.ty, depth + 1);
    }

    fn var_specs(&mut self, specs: &[VarSpec], depth: usize) {
        for s in specs {
            self.line(depth, s.span, &format!("VarSpec {}", Self::names(&s.names)));
            if let Some(t) = &s.ty {
                self.ty(t, depth + 1);
            }
            for v in &s.values {
                self.expr(v, depth + 1);
            }
        }
    }

    fn const_specs(&mut self, specs: &[ConstSpec], depth: usize) {
        for s in specs {
            let text = format!("ConstSpec {} (iota {})", Self::names(&s.names), s.iota);
            self.line(depth, s.span, &text);
            if let Some(t) = &s.ty {
                self.ty(t, depth + 1);
            }
            for v in &s.values {
                self.expr(v, depth + 1);
            }
        }
    }

    fn type_specs(&mut self, specs: &[TypeSpec], depth: usize) {
        for s in specs {
            let alias = if s.alias { " (alias)" } else { "" };
            self.line(depth, s.span, &format!("TypeSpec {}{alias}", s.name.name));
            self.ty(&s.ty, depth + 1);
        }
    }

    fn ty(&mut self, t: &TypeExpr, depth: usize) {
        match &t.kind {
            TypeKind::Name(n) => self.line(depth, t.span, &format!("TypeName {}", n.name)),
            TypeKind::Qualified(p, n) => {
                self.line(depth, t.span, &format!("TypeName {}.{}", p.name, n.name))
            }
            TypeKind::Array(len, elem) => {
                self.line(
                    depth,
                    t.span,
                    if len.is_some() {
                        "ArrayType"
                    } else {
                        "ArrayType [...]"
                    },
                );
                if let Some(l) = len {
                    self.expr(l, depth + 1);
                }
                self.ty(elem, depth + 1);
            }
            TypeKind::Slice(e) => {
                self.line(depth, t.span, "SliceType");
                self.ty(e, depth + 1);
            }
            TypeKind::Map(k, v) => {
                self.line(depth, t.span, "MapType");
                self.ty(k, depth + 1);
                self.ty(v, depth + 1);
            }
            TypeKind::Pointer(e) => {
                self.line(depth, t.span, "PointerType");
                self.ty(e, depth + 1);
            }
            TypeKind::Struct(fields) => {
                self.line(depth, t.span, "StructType");
                for f in fields {
                    let what = if f.embedded {
                        "Embedded".to_string()
                    } else {
                        format!("Field {}", Self::names(&f.names))
                    };
                    self.line(depth + 1, f.span, &what);
                    self.ty(&f.ty, depth + 2);
                }
            }
            TypeKind::Paren(e) => {
                self.line(depth, t.span, "ParenType");
                self.ty(e, depth + 1);
            }
            TypeKind::Unsupported(u) => {
                self.line(depth, t.span, &format!("Unsupported {}", u.name()))
            }
            TypeKind::Bad => self.line(depth, t.span, "BadType"),
        }
    }

    fn block(&mut self, b: &Block, depth: usize) {
        self.line(depth, b.span, "Block");
        for s in &b.stmts {
            self.stmt(s, depth + 1);
        }
    }

    fn opt_stmt(&mut self, what: &str, s: &Option<Box<Stmt>>, depth: usize) {
        if let Some(s) = s {
            self.line(depth, s.span, what);
            self.stmt(s, depth + 1);
        }
    }

    fn stmt(&mut self, s: &Stmt, depth: usize) {
        let span = s.span;
        match &s.kind {
            StmtKind::Empty => self.line(depth, span, "EmptyStmt"),
            StmtKind::Expr(e) => {
                self.line(depth, span, "ExprStmt");
                self.expr(e, depth + 1);
            }
            StmtKind::IncDec(x, inc) => {
                self.line(depth, span, if *inc { "IncStmt" } else { "DecStmt" });
                self.expr(x, depth + 1);
            }
            StmtKind::Assign { lhs, op, rhs, .. } => {
                let op = match op {
                    AssignOp::Plain => "=".to_string(),
                    AssignOp::Define => ":=".to_string(),
                    AssignOp::Op(b) => format!("{}=", b.symbol()),
                };
                self.line(depth, span, &format!("AssignStmt {op}"));
                for e in lhs.iter().chain(rhs) {
                    self.expr(e, depth + 1);
                }
            }
            StmtKind::Var(specs) => self.var_specs(specs, depth),
            StmtKind::Const(specs) => self.const_specs(specs, depth),
            StmtKind::Type(specs) => self.type_specs(specs, depth),
            StmtKind::Block(b) => self.block(b, depth),
            StmtKind::If {
                init,
                cond,
                then,
                els,
                ..
            } => {
                self.line(depth, span, "IfStmt");
                self.opt_stmt("Init", init, depth + 1);
                self.expr(cond, depth + 1);
                self.block(then, depth + 1);
                self.opt_stmt("Else", els, depth + 1);
            }
            StmtKind::For {
                init,
                cond,
                post,
                body,
            } => {
                self.line(depth, span, "ForStmt");
                self.opt_stmt("Init", init, depth + 1);
                if let Some(c) = cond {
                    self.expr(c, depth + 1);
                }
                self.opt_stmt("Post", post, depth + 1);
                self.block(body, depth + 1);
            }
            StmtKind::Range {
                key,
                value,
                define,
                x,
                body,
                ..
            } => {
                self.line(
                    depth,
                    span,
                    if *define {
                        "RangeStmt :="
                    } else {
                        "RangeStmt ="
                    },
                );
                for e in key.iter().chain(value) {
                    self.expr(e, depth + 1);
                }
                self.expr(x, depth + 1);
                self.block(body, depth + 1);
            }
            StmtKind::Switch {
                init, tag, cases, ..
            } => {
                self.line(depth, span, "SwitchStmt");
                self.opt_stmt("Init", init, depth + 1);
                if let Some(t) = tag {
                    self.expr(t, depth + 1);
                }
                for c in cases {
                    self.line(
                        depth + 1,
                        c.span,
                        if c.default { "Default" } else { "Case" },
                    );
                    for e in &c.exprs {
                        self.expr(e, depth + 2);
                    }
                    for s in &c.body {
                        self.stmt(s, depth + 2);
                    }
                }
            }
            StmtKind::Return(vals) => {
                self.line(depth, span, "ReturnStmt");
                for v in vals {
                    self.expr(v, depth + 1);
                }
            }
            StmtKind::Break(l) => self.branch("BreakStmt", l, span, depth),
            StmtKind::Continue(l) => self.branch("ContinueStmt", l, span, depth),
            StmtKind::Labeled(l, inner) => {
                self.line(depth, span, &format!("LabeledStmt {}", l.name));
                self.stmt(inner, depth + 1);
            }
            StmtKind::Unsupported(u) => {
                self.line(depth, span, &format!("Unsupported {}", u.name()))
            }
        }
    }

    fn branch(&mut self, what: &str, label: &Option<Ident>, span: Span, depth: usize) {
        match label {
            Some(l) => self.line(depth, span, &format!("{what} {}", l.name)),
            None => self.line(depth, span, what),
        }
    }

    fn expr(&mut self, e: &Expr, depth: usize) {
        let span = e.span;
        match &e.kind {
            ExprKind::Ident(n) => self.line(depth, span, &format!("Ident {n}")),
            ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Rune(_) | ExprKind::Str(_) => {
                self.line(depth, span, &format!("BasicLit {}", literal_text(&e.kind)))
            }
            ExprKind::Binary(op, l, r, _) => {
                self.line(depth, span, &format!("BinaryExpr {}", op.symbol()));
                self.expr(l, depth + 1);
                self.expr(r, depth + 1);
            }
            ExprKind::Unary(op, x) => {
                self.line(depth, span, &format!("UnaryExpr {}", op.symbol()));
                self.expr(x, depth + 1);
            }
            ExprKind::Paren(x) => {
                self.line(depth, span, "ParenExpr");
                self.expr(x, depth + 1);
            }
            ExprKind::Selector(x, sel) => {
                self.line(depth, span, &format!("SelectorExpr .{}", sel.name));
                self.expr(x, depth + 1);
            }
            ExprKind::Index(x, i) => {
                self.line(depth, span, "IndexExpr");
                self.expr(x, depth + 1);
                self.expr(i, depth + 1);
            }
            ExprKind::Slice { x, lo, hi, max } => {
                self.line(depth, span, "SliceExpr");
                self.expr(x, depth + 1);
                for (what, part) in [("Low", lo), ("High", hi), ("Max", max)] {
                    if let Some(p) = part {
                        self.line(depth + 1, p.span, what);
                        self.expr(p, depth + 2);
                    }
                }
            }
            ExprKind::Call { func, args, spread } => {
                self.line(
                    depth,
                    span,
                    if *spread { "CallExpr ..." } else { "CallExpr" },
                );
                self.expr(func, depth + 1);
                for a in args {
                    self.expr(a, depth + 1);
                }
            }
            ExprKind::Composite { ty, elems, .. } => {
                self.line(depth, span, "CompositeLit");
                if let Some(t) = ty {
                    self.expr(t, depth + 1);
                }
                for el in elems {
                    if let Some(k) = &el.key {
                        self.line(depth + 1, k.span, "KeyValue");
                        self.expr(k, depth + 2);
                        self.expr(&el.value, depth + 2);
                    } else {
                        self.expr(&el.value, depth + 1);
                    }
                }
            }
            ExprKind::Type(t) => self.ty(t, depth),
            ExprKind::Unsupported(u) => {
                self.line(depth, span, &format!("Unsupported {}", u.name()))
            }
        }
    }
}
