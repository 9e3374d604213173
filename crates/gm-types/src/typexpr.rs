//! Type expressions: from syntax to interned types.

use gm_ir::types::Field;
use gm_ir::{Type, TypeId, Untyped};
use gm_syntax::ast::{self, TypeKind, Unsupported};

use crate::operand::Mode;
use crate::{Checker, Entity};

impl<'a> Checker<'a> {
    /// The type a type expression denotes. Errors yield an invalid type
    /// (untyped nil) that later checks stay quiet about.
    pub fn resolve_type(&mut self, t: &'a ast::TypeExpr) -> TypeId {
        self.resolve_type_in(t, true)
    }

    pub fn invalid_type(&self) -> TypeId {
        self.types.untyped(Untyped::Nil)
    }

    pub fn is_invalid(&self, t: TypeId) -> bool {
        t == self.invalid_type()
    }

    /// `direct` is false below a pointer, slice or map, where a defined type
    /// may refer to itself. Types whose declarations are resolved from
    /// there on (`type PT *Node` resolving `Node`) are behind that
    /// indirection too: a reference from them back to an earlier type is
    /// no cycle.
    fn resolve_type_in(&mut self, t: &'a ast::TypeExpr, direct: bool) -> TypeId {
        let saved = self.indirection_barrier;
        if !direct {
            self.indirection_barrier = self.resolving_types.len();
        }
        let ty = self.resolve_type_kind(t, direct);
        self.indirection_barrier = saved;
        ty
    }

    fn resolve_type_kind(&mut self, t: &'a ast::TypeExpr, direct: bool) -> TypeId {
        match &t.kind {
            TypeKind::Name(id) => self.type_name(id, direct),
            TypeKind::Qualified(p, _) => {
                self.error(p.span, format!("undefined: {}", p.name));
                self.invalid_type()
            }
            TypeKind::Paren(inner) => self.resolve_type_in(inner, direct),
            TypeKind::Array(len, elem) => {
                let elem_ty = self.resolve_type_in(elem, direct);
                let Some(len) = len else {
                    self.error(
                        t.span,
                        "invalid use of [...] array (outside a composite literal)",
                    );
                    return self.invalid_type();
                };
                match self.array_length(len) {
                    Some(n) => self.types.array(elem_ty, n),
                    None => self.invalid_type(),
                }
            }
            TypeKind::Slice(elem) => {
                let e = self.resolve_type_in(elem, false);
                self.types.slice(e)
            }
            TypeKind::Pointer(elem) => {
                let e = self.resolve_type_in(elem, false);
                self.types.pointer(e)
            }
            TypeKind::Map(k, v) => {
                let key = self.resolve_type_in(k, false);
                let val = self.resolve_type_in(v, false);
                self.check_map_key(key, k.span);
                self.types.map(key, val)
            }
            TypeKind::Struct(decls) => self.struct_type(decls, direct),
            TypeKind::Unsupported(what) => {
                self.unsupported(t.span, *what);
                self.invalid_type()
            }
            TypeKind::Bad => {
                self.error(t.span, "invalid type");
                self.invalid_type()
            }
        }
    }

    pub fn check_map_key(&mut self, key: TypeId, span: gm_diag::Span) {
        if self.is_invalid(key) {
            return;
        }
        // A defined key type still being declared is checked once complete.
        if self.resolving_types.iter().any(|&(t, _)| t == key) {
            return;
        }
        if !self.types.comparable(key) {
            let msg = format!("invalid map key type {}", self.types.display(key));
            self.error(span, msg);
        }
    }

    fn type_name(&mut self, id: &'a ast::Ident, direct: bool) -> TypeId {
        if id.name == "_" {
            self.error(id.span, "cannot use _ as value or type");
            return self.invalid_type();
        }
        match self.lookup(&id.name, id.span) {
            Some(Entity::Type(t)) => {
                let cycle = self.resolving_types.iter().position(|&(r, _)| r == t);
                if let (true, Some(first)) = (direct, cycle)
                    && first >= self.indirection_barrier
                {
                    let name = self.types.display(t);
                    let msg = if first + 1 == self.resolving_types.len() {
                        format!("invalid recursive type: {name} refers to itself")
                    } else {
                        format!("invalid recursive type {name}")
                    };
                    let at = self.resolving_types[first].1;
                    self.error(at, msg);
                    return self.invalid_type();
                }
                t
            }
            Some(Entity::Unsupported(what)) => {
                self.unsupported(id.span, what);
                self.invalid_type()
            }
            Some(Entity::Invalid) => self.invalid_type(),
            Some(_) => {
                self.error(id.span, format!("{} is not a type", id.name));
                self.invalid_type()
            }
            None => {
                self.error(id.span, format!("undefined: {}", id.name));
                self.invalid_type()
            }
        }
    }

    fn struct_type(&mut self, decls: &'a [ast::FieldDecl], direct: bool) -> TypeId {
        let mut fields: Vec<Field> = Vec::new();
        for d in decls {
            if let Some(tag) = d.tag {
                self.unsupported(tag, Unsupported::StructTags);
            }
            if d.embedded {
                self.unsupported(d.span, Unsupported::StructEmbedding);
                continue;
            }
            let ty = self.resolve_type_in(&d.ty, direct);
            for name in &d.names {
                if name.name != "_" && fields.iter().any(|f| f.name == name.name) {
                    self.error(name.span, format!("{} redeclared", name.name));
                }
                fields.push(Field {
                    name: name.name.clone(),
                    ty,
                });
            }
        }
        self.types.intern(Type::Struct(fields))
    }

    /// The length in `[N]T`: a non-negative integer constant that fits in
    /// an int (its size is checked once types are complete).
    fn array_length(&mut self, len: &'a ast::Expr) -> Option<u64> {
        // A name that is not a constant is refused without being used, as
        // Go does (so an unused variable is still reported).
        if let ast::ExprKind::Ident(name) = &len.kind {
            match self.lookup(name, len.span) {
                None => {
                    let msg = format!("undefined array length {name} or missing type constraint");
                    self.error(len.span, msg);
                    return None;
                }
                Some(Entity::Const(..) | Entity::Iota | Entity::Invalid) => {}
                Some(_) => {
                    self.error(len.span, format!("invalid array length {name}"));
                    return None;
                }
            }
        }
        let op = self.expr(len);
        let Mode::Const(v) = &op.mode else {
            if !op.is_invalid() {
                let d = self.describe(&op, len);
                self.error(len.span, format!("array length {d} must be constant"));
            }
            return None;
        };
        let ty = op.expr.ty;
        let integral = self.types.is_integer(ty) || self.types.is_untyped(ty);
        if let Some(n) = v
            .as_int()
            .filter(|&n| integral && (0..=i128::from(i64::MAX)).contains(&n))
        {
            return Some(n as u64);
        }
        let d = self.describe(&op, len);
        let msg = if self.types.is_integer(ty) {
            format!("invalid array length {d}")
        } else {
            format!("array length {d} must be integer")
        };
        self.error(len.span, msg);
        None
    }
}
