//! Package-level declarations: collecting them, resolving them on demand,
//! and checking function signatures.

use gm_diag::Span;
use gm_ir::{Func, Global, Local, LocalKind, TypeId};
use gm_syntax::ast::{self, Decl, Unsupported};

use crate::init::{InitRhs, InitSpec};
use crate::operand::{Mode, Operand};
use crate::{Checker, Entity, Signature};
use gm_syntax::exprtext::expr_string;

pub(crate) struct Object<'a> {
    pub name: String,
    pub span: Span,
    pub kind: ObjKind<'a>,
    pub state: State,
}

pub(crate) enum ObjKind<'a> {
    Const(ConstDecl<'a>),
    /// The `index`-th name of a `var` spec.
    Var {
        spec: &'a ast::VarSpec,
    },
    Type(&'a ast::TypeSpec),
    Func(&'a ast::FuncDecl),
}

/// One constant name with the type and value expression it gets (inherited
/// from an earlier line of its group when its own line has none).
#[derive(Clone, Copy)]
pub(crate) struct ConstDecl<'a> {
    pub ty: Option<&'a ast::TypeExpr>,
    pub value: Option<&'a ast::Expr>,
    pub iota: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum State {
    Todo,
    Active,
    Done(Entity),
}

impl<'a> Checker<'a> {
    pub fn check_file(&mut self, file: &'a ast::File) {
        if let Some(pkg) = &file.package
            && pkg.name != "main"
        {
            self.error(
                pkg.span,
                format!("package {}: gm runs only package main", pkg.name),
            );
        }
        for import in &file.imports {
            self.unsupported(import.span, Unsupported::Imports);
            self.imported.extend(import.names.iter().cloned());
        }
        for decl in &file.decls {
            self.collect(decl);
        }
        for i in 0..self.objects.len() {
            self.resolve_object(i);
        }
        let mut bodies = Vec::new();
        for decl in &file.decls {
            if let Decl::Func(f) = decl
                && let Some(Entity::Func(id)) = self.func_entity(f)
            {
                bodies.push((id, f));
            }
        }
        if self.main.is_none() && !self.diags.has_errors() {
            let end = Span::new(0, 0);
            self.error(end, "function main is undeclared in the main package");
        }
        for (id, f) in bodies {
            self.check_body(id, f);
        }
        self.build_init();
    }

    fn func_entity(&self, f: &ast::FuncDecl) -> Option<Entity> {
        let idx = self
            .objects
            .iter()
            .position(|o| matches!(o.kind, ObjKind::Func(d) if std::ptr::eq(d, f)))?;
        match &self.objects[idx].state {
            State::Done(e @ Entity::Func(_)) => Some(e.clone()),
            _ => None,
        }
    }

    fn declare_object(&mut self, name: &ast::Ident, kind: ObjKind<'a>) {
        let idx = self.objects.len();
        self.objects.push(Object {
            name: name.name.clone(),
            span: name.span,
            kind,
            state: State::Todo,
        });
        if name.name == "_" {
            return;
        }
        if name.name == "init" && !matches!(self.objects[idx].kind, ObjKind::Func(_)) {
            self.error(name.span, "cannot declare init - must be func");
            return;
        }
        if name.name == "main" && !matches!(self.objects[idx].kind, ObjKind::Func(_)) {
            self.error(name.span, "cannot declare main - must be func");
            return;
        }
        if name.name == "init" {
            return;
        }
        if self.pkg.contains_key(&name.name) {
            self.error(name.span, format!("{} redeclared in this block", name.name));
            return;
        }
        self.pkg.insert(name.name.clone(), Entity::Object(idx));
    }

    fn collect(&mut self, decl: &'a Decl) {
        match decl {
            Decl::Const(specs) => {
                for c in self.const_decls(specs) {
                    let (name, cd) = c;
                    self.declare_object(name, ObjKind::Const(cd));
                }
            }
            Decl::Var(specs) => {
                for spec in specs {
                    for name in &spec.names {
                        self.declare_object(name, ObjKind::Var { spec });
                    }
                }
            }
            Decl::Type(specs) => {
                for spec in specs {
                    self.declare_object(&spec.name, ObjKind::Type(spec));
                }
            }
            Decl::Func(f) => self.declare_object(&f.name, ObjKind::Func(f)),
        }
    }

    /// Pairs each constant name of a group with its type and value
    /// expressions, repeating the last explicit line for lines without one.
    pub fn const_decls(
        &mut self,
        specs: &'a [ast::ConstSpec],
    ) -> Vec<(&'a ast::Ident, ConstDecl<'a>)> {
        let mut out = Vec::new();
        let mut last: Option<&'a ast::ConstSpec> = None;
        for spec in specs {
            if !spec.values.is_empty() {
                last = Some(spec);
            }
            let source = last;
            if spec.values.is_empty() && spec.ty.is_some() {
                self.error(spec.span, "missing init expr for const declaration");
            }
            let values = source.map_or(&[][..], |s| &s.values[..]);
            if source.is_none() {
                self.error(spec.span, "missing init expr for const declaration");
            } else if values.len() < spec.names.len() {
                self.error(
                    spec.names[values.len()].span,
                    "missing init expr for const declaration",
                );
            } else if values.len() > spec.names.len() && std::ptr::eq(source.unwrap_or(spec), spec)
            {
                self.error(values[spec.names.len()].span, "extra init expr");
            }
            for (i, name) in spec.names.iter().enumerate() {
                out.push((
                    name,
                    ConstDecl {
                        ty: source.and_then(|s| s.ty.as_ref()),
                        value: values.get(i),
                        iota: spec.iota,
                    },
                ));
            }
        }
        out
    }

    /// Resolves a package-level declaration (once) and returns its entity.
    pub fn resolve_object(&mut self, idx: usize) -> Entity {
        match &self.objects[idx].state {
            State::Done(e) => return e.clone(),
            State::Active => {
                let (name, span) = (self.objects[idx].name.clone(), self.objects[idx].span);
                self.error(span, format!("initialization cycle for {name}"));
                self.objects[idx].state = State::Done(Entity::Invalid);
                return Entity::Invalid;
            }
            State::Todo => {}
        }
        self.objects[idx].state = State::Active;
        // Package-level declarations are checked outside any function.
        let saved_fc = self.fc.take();
        let saved_iota = self.iota.take();
        let entity = match self.objects[idx].kind {
            ObjKind::Const(cd) => self.resolve_const(&self.objects[idx].name.clone(), cd),
            ObjKind::Var { spec, .. } => {
                self.resolve_var_spec(spec, idx);
                match &self.objects[idx].state {
                    State::Done(e) => e.clone(),
                    _ => Entity::Invalid,
                }
            }
            ObjKind::Type(spec) => self.resolve_type_spec(spec, idx),
            ObjKind::Func(f) => self.resolve_func(f),
        };
        self.fc = saved_fc;
        self.iota = saved_iota;
        if !matches!(self.objects[idx].state, State::Done(_)) {
            self.objects[idx].state = State::Done(entity.clone());
        }
        match &self.objects[idx].state {
            State::Done(e) => e.clone(),
            _ => entity,
        }
    }

    pub fn resolve_const(&mut self, name: &str, cd: ConstDecl<'a>) -> Entity {
        let Some(value) = cd.value else {
            return Entity::Invalid;
        };
        let ty = cd.ty.map(|t| self.resolve_type(t));
        self.iota = Some(i128::from(cd.iota));
        let op = self.expr(value);
        self.iota = None;
        let _ = name;
        self.const_entity(op, ty, value)
    }

    /// Resolves the `var` spec that declares object `idx`: all its names
    /// together when they share one multi-value initialiser, otherwise
    /// just that name, since names with a value each are separate
    /// variables (`var c, d = d + 1, 7` is no cycle).
    fn resolve_var_spec(&mut self, spec: &'a ast::VarSpec, idx: usize) {
        let mut indices: Vec<usize> = (0..self.objects.len())
            .filter(|&i| matches!(self.objects[i].kind, ObjKind::Var { spec: s, .. } if std::ptr::eq(s, spec)))
            .collect();
        let (mut names, mut values) = (&spec.names[..], &spec.values[..]);
        if names.len() > 1 && values.len() == names.len() {
            let k = indices.iter().position(|&i| i == idx).unwrap_or(0);
            (names, values) = (&names[k..=k], &values[k..=k]);
            indices = vec![idx];
        }
        for &i in &indices {
            self.objects[i].state = State::Active;
        }
        let saved_deps = std::mem::take(&mut self.deps);
        let declared = spec.ty.as_ref().map(|t| self.resolve_type(t));
        let (types, rhs) = self.var_init(names, declared, values, "variable declaration");
        let deps = std::mem::replace(&mut self.deps, saved_deps);
        let mut lhs = Vec::new();
        for (k, &i) in indices.iter().enumerate() {
            let name = &names[k];
            let ty = types[k];
            if name.name == "_" {
                lhs.push(None);
                self.objects[i].state = State::Done(Entity::Invalid);
                continue;
            }
            let id = self.globals.push(Global {
                name: name.name.clone(),
                ty,
                span: name.span,
                readonly: false,
                init_value: None,
            });
            lhs.push(Some(id));
            // A cycle found while checking the initialiser already marked
            // the object; keep its global anyway so later uses resolve.
            self.objects[i].state = State::Done(Entity::Global(id));
        }
        if let Some(rhs) = rhs {
            self.inits.push(InitSpec {
                lhs,
                rhs,
                deps,
                span: spec.span,
            });
        }
    }

    /// Checks the initialiser of `var names [T] = values` and returns each
    /// name's type plus the checked right-hand side.
    pub fn var_init(
        &mut self,
        names: &[ast::Ident],
        declared: Option<TypeId>,
        values: &'a [ast::Expr],
        context: &str,
    ) -> (Vec<TypeId>, Option<InitRhs>) {
        let invalid = self.types.untyped(gm_ir::Untyped::Nil);
        let fallback = declared.unwrap_or(invalid);
        if values.is_empty() {
            return (vec![fallback; names.len()], None);
        }
        if values.len() == 1 && names.len() > 1 {
            let op = self.expr(&values[0]);
            if op.mode == Mode::MapIndex && names.len() == 2 {
                let types = self.comma_ok_types(&op, declared, &values[0]);
                return (types, Some(InitRhs::MapIndex(op.expr)));
            }
            let results = self.tuple_results(&op);
            match results {
                Some(ts) if ts.len() == names.len() => {
                    let mut types = Vec::new();
                    for &t in &ts {
                        if let Some(d) = declared {
                            if !self.assignable_type(t, d) {
                                let msg = format!(
                                    "cannot use {} value as {} value in {context}",
                                    self.types.display(t),
                                    self.types.display(d)
                                );
                                self.error(values[0].span, msg);
                            }
                            types.push(d);
                        } else {
                            types.push(t);
                        }
                    }
                    return (types, Some(InitRhs::Tuple(op.expr)));
                }
                _ => {
                    self.assign_mismatch(names.len(), &values[0], &op);
                    return (vec![fallback; names.len()], None);
                }
            }
        }
        if values.len() != names.len() {
            let msg = format!(
                "assignment mismatch: {} but {}",
                plural(names.len(), "variable"),
                plural(values.len(), "value")
            );
            self.error(values[0].span, msg);
            for v in values {
                self.expr(v);
            }
            return (vec![fallback; names.len()], None);
        }
        let mut types = Vec::new();
        let mut exprs = Vec::new();
        for v in values {
            let op = self.single_value(v, names.len());
            let e = match declared {
                Some(d) => self.assign_value(op, d, v, context),
                None => self.define_value(op, v, context),
            };
            types.push(e.ty);
            exprs.push(e);
        }
        (types, Some(InitRhs::Each(exprs)))
    }

    /// The variables' types in `var v, ok [T] = m[k]`: with a type, both
    /// have it; else the element type and bool. (Go's messages call this
    /// an assignment.)
    fn comma_ok_types(
        &mut self,
        op: &Operand,
        declared: Option<TypeId>,
        value: &ast::Expr,
    ) -> Vec<TypeId> {
        let bool_ty = self.types.basic(gm_ir::Basic::Bool);
        let Some(d) = declared else {
            return vec![op.ty(), bool_ty];
        };
        if !self.assignable_type(op.ty(), d) {
            let msg = format!(
                "cannot use {} (map index expression of type {}) as {} value in assignment",
                expr_string(value),
                self.types.display(op.ty()),
                self.types.display(d)
            );
            self.error(value.span, msg);
        }
        if !self.types.is_boolean(d) {
            let msg = format!(
                "cannot use {} (untyped bool value) as {} value in assignment",
                expr_string(value),
                self.types.display(d)
            );
            self.error(value.span, msg);
        }
        vec![d, d]
    }

    fn resolve_type_spec(&mut self, spec: &'a ast::TypeSpec, idx: usize) -> Entity {
        if spec.type_params.is_some() {
            self.unsupported(spec.name.span, Unsupported::Generics);
            return Entity::Invalid;
        }
        if spec.alias {
            let t = self.resolve_type(&spec.ty);
            return Entity::Type(t);
        }
        let id = self.types.new_named(&spec.name.name, 0);
        self.objects[idx].state = State::Done(Entity::Type(id));
        self.define_named(id, spec.name.span, &spec.ty);
        Entity::Type(id)
    }

    /// Resolves the underlying type of a defined type.
    pub fn define_named(&mut self, id: TypeId, name: Span, ty: &'a ast::TypeExpr) {
        self.resolving_types.push((id, name));
        let under = self.resolve_type(ty);
        self.resolving_types.pop();
        if under != id {
            self.types.set_underlying(id, under);
        }
    }

    fn resolve_func(&mut self, f: &'a ast::FuncDecl) -> Entity {
        if f.receiver.is_some() {
            self.unsupported(f.receiver.unwrap_or(f.span), Unsupported::Methods);
            return Entity::Invalid;
        }
        if let Some(span) = f.type_params {
            self.unsupported(span, Unsupported::Generics);
            return Entity::Invalid;
        }
        let name = f.name.name.as_str();
        if (name == "main" || name == "init")
            && (!f.sig.params.is_empty() || !f.sig.results.is_empty())
        {
            self.error(
                f.name.span,
                format!("func {name} must have no arguments and no return values"),
            );
        }
        if f.body.is_none() {
            self.error(f.name.span, "missing function body");
        }
        let ir_name = if name == "init" {
            format!(
                "init.{}",
                self.funcs
                    .values()
                    .filter(|f| f.name.starts_with("init."))
                    .count()
            )
        } else {
            name.to_string()
        };
        let mut func = Func::new(&ir_name, f.span);
        let mut sig = Signature {
            params: Vec::new(),
            results: Vec::new(),
        };
        let mut seen = foldhash::HashSet::default();
        for (params, kind) in [
            (&f.sig.params, LocalKind::Param),
            (&f.sig.results, LocalKind::Result),
        ] {
            for p in params {
                if p.variadic {
                    self.unsupported(p.span, Unsupported::VariadicFunctions);
                }
                let mut ty = self.resolve_type(&p.ty);
                if p.variadic {
                    ty = self.types.slice(ty);
                }
                let pname = p.name.as_ref().map_or("_", |n| n.name.as_str());
                if pname != "_" && !seen.insert(pname.to_string()) {
                    let span = p.name.as_ref().map_or(p.span, |n| n.span);
                    self.error(span, format!("{pname} redeclared in this block"));
                }
                if kind == LocalKind::Result && p.name.is_none() {
                    func.result_types.push(ty);
                    sig.results.push(ty);
                    continue;
                }
                let local = func.locals.push(Local {
                    name: pname.to_string(),
                    ty,
                    kind,
                    span: p.name.as_ref().map_or(p.span, |n| n.span),
                    addr_taken: false,
                });
                if kind == LocalKind::Param {
                    func.params.push(local);
                    sig.params.push(ty);
                } else {
                    func.results.push(local);
                    func.result_types.push(ty);
                    sig.results.push(ty);
                }
            }
        }
        let id = self.funcs.push(func);
        self.sigs.insert(id, sig);
        if name == "main" {
            self.main = Some(id);
        }
        Entity::Func(id)
    }
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
