//! Composite literals: structs, arrays, slices and maps, with elided
//! element types (`[]Point{{1, 2}}`, `map[string]*P{"a": {}}`).

use foldhash::{HashSet, HashSetExt};

use gm_diag::Span;
use gm_ir::constant::ConstValue;
use gm_ir::{AllocPlace, Expr, ExprKind, MapEscape, Type, TypeId};
use gm_syntax::ast::{self, ExprKind as A, TypeKind};

use crate::Checker;
use crate::operand::{Mode, Operand};
use gm_syntax::exprtext::expr_string;

impl<'a> Checker<'a> {
    /// Checks `T{…}`; `elided` is the type an enclosing literal supplies
    /// when `T` is omitted.
    pub fn composite(
        &mut self,
        e: &'a ast::Expr,
        ty: Option<&'a ast::Expr>,
        elems: &'a [ast::Element],
        lbrace: Span,
        elided: Option<TypeId>,
    ) -> Operand {
        let span = e.span;
        let (lit_ty, open_array) = match ty {
            Some(t) => match &t.kind {
                A::Type(te) if matches!(te.kind, TypeKind::Array(None, _)) => {
                    let TypeKind::Array(None, elem) = &te.kind else {
                        unreachable!("matched above")
                    };
                    (self.resolve_type(elem), true)
                }
                _ => {
                    let op = self.expr(t);
                    match op.mode {
                        Mode::Type(t) => (t, false),
                        Mode::Invalid => return op,
                        _ => {
                            self.error(t.span, format!("{} is not a type", expr_string(t)));
                            return self.bad_lit(span);
                        }
                    }
                }
            },
            None => match elided {
                Some(t) => {
                    // `{…}` for a pointer element means `&T{…}`.
                    if let Some(base) = self.types.pointer_elem(t) {
                        let inner = self.composite(e, None, elems, lbrace, Some(base));
                        if inner.is_invalid() {
                            return inner;
                        }
                        let ex = Expr::new(
                            ExprKind::PtrLit(Box::new(inner.expr), AllocPlace::default()),
                            t,
                            span,
                        );
                        return Operand::new(Mode::Value, ex);
                    }
                    (t, false)
                }
                None => {
                    self.error(lbrace, "invalid composite literal type: missing type");
                    return self.bad_lit(span);
                }
            },
        };
        if self.is_invalid(lit_ty) {
            for el in elems {
                self.elem_value(&el.value, None);
            }
            return self.bad_lit(span);
        }
        if open_array {
            let (items, len) = self.indexed_elems(elems, lit_ty, None);
            let ty = self.types.array(lit_ty, len);
            return Operand::new(Mode::Value, Expr::new(ExprKind::ArrayLit(items), ty, span));
        }
        match self.types.under(lit_ty).clone() {
            Type::Struct(fields) => self.struct_lit(span, lit_ty, &fields, elems),
            Type::Array(elem, n) => {
                let (items, _) = self.indexed_elems(elems, elem, Some(n));
                Operand::new(
                    Mode::Value,
                    Expr::new(ExprKind::ArrayLit(items), lit_ty, span),
                )
            }
            Type::Slice(elem) => {
                let (items, _) = self.indexed_elems(elems, elem, None);
                Operand::new(
                    Mode::Value,
                    Expr::new(
                        ExprKind::SliceLit(items, AllocPlace::default()),
                        lit_ty,
                        span,
                    ),
                )
            }
            Type::Map(k, v) => self.map_lit(span, lit_ty, k, v, elems),
            _ => {
                let msg = format!(
                    "invalid composite literal type {}",
                    self.types.display(lit_ty)
                );
                self.error(span, msg);
                self.bad_lit(span)
            }
        }
    }

    fn bad_lit(&self, span: Span) -> Operand {
        Operand::new(
            Mode::Invalid,
            Expr::new(ExprKind::Zero, self.invalid_type(), span),
        )
    }

    /// An element value: a nested literal may omit its type.
    fn elem_value(&mut self, v: &'a ast::Expr, elem: Option<TypeId>) -> Operand {
        match &v.kind {
            A::Composite {
                ty: None,
                elems,
                lbrace,
            } => self.composite(v, None, elems, *lbrace, elem),
            _ => self.value(v),
        }
    }

    fn elem_expr(&mut self, v: &'a ast::Expr, elem: TypeId, context: &str) -> Expr {
        let op = self.elem_value(v, Some(elem));
        self.assign_value(op, elem, v, context)
    }

    fn struct_lit(
        &mut self,
        span: Span,
        ty: TypeId,
        fields: &[gm_ir::types::Field],
        elems: &'a [ast::Element],
    ) -> Operand {
        let tname = self.types.display(ty);
        let mut items = Vec::new();
        if elems.is_empty() {
            return Operand::new(Mode::Value, Expr::new(ExprKind::StructLit(items), ty, span));
        }
        let keyed = elems[0].key.is_some();
        let mut seen = HashSet::new();
        for (i, el) in elems.iter().enumerate() {
            if el.key.is_some() != keyed {
                self.error(
                    el.value.span,
                    "mixture of field:value and value elements in struct literal",
                );
                return self.bad_lit(span);
            }
            let index = if let Some(key) = &el.key {
                let A::Ident(name) = &key.kind else {
                    self.error(
                        key.span,
                        format!("invalid field name {} in struct literal", expr_string(key)),
                    );
                    continue;
                };
                let Some(idx) = fields.iter().position(|f| &f.name == name) else {
                    self.error(
                        key.span,
                        format!("unknown field {name} in struct literal of type {tname}"),
                    );
                    self.elem_value(&el.value, None);
                    continue;
                };
                if !seen.insert(idx) {
                    self.error(
                        key.span,
                        format!("duplicate field name {name} in struct literal"),
                    );
                    continue;
                }
                idx
            } else {
                if i >= fields.len() {
                    self.error(
                        el.value.span,
                        format!("too many values in struct literal of type {tname}"),
                    );
                    return self.bad_lit(span);
                }
                i
            };
            let ft = fields[index].ty;
            let v = self.elem_expr(&el.value, ft, "struct literal");
            items.push((index, v));
        }
        if !keyed && elems.len() < fields.len() {
            let end = Span::new(span.hi as usize - 1, span.hi as usize);
            self.error(
                end,
                format!("too few values in struct literal of type {tname}"),
            );
        }
        Operand::new(Mode::Value, Expr::new(ExprKind::StructLit(items), ty, span))
    }

    /// Array and slice elements with optional constant index keys; returns
    /// the items and the literal's length.
    fn indexed_elems(
        &mut self,
        elems: &'a [ast::Element],
        elem: TypeId,
        len: Option<u64>,
    ) -> (Vec<(u64, Expr)>, u64) {
        let mut items = Vec::new();
        let mut next: u64 = 0;
        let mut max: u64 = 0;
        let mut seen = HashSet::new();
        for el in elems {
            let index = match &el.key {
                Some(k) => {
                    let ko = self.index_value(k, len, "index");
                    match &ko.kind {
                        ExprKind::Const(v) => {
                            v.as_int().and_then(|v| u64::try_from(v).ok()).unwrap_or(0)
                        }
                        _ => {
                            self.error(
                                k.span,
                                format!("index {} must be integer constant", expr_string(k)),
                            );
                            next
                        }
                    }
                }
                None => next,
            };
            if let Some(n) = len
                && index >= n
                && el.key.is_none()
            {
                self.error(
                    el.value.span,
                    format!("index {index} is out of bounds (>= {n})"),
                );
            }
            if !seen.insert(index) {
                self.error(
                    el.key.as_ref().map_or(el.value.span, |k| k.span),
                    format!("duplicate index {index} in array or slice literal"),
                );
            }
            let v = self.elem_expr(&el.value, elem, "array or slice literal");
            items.push((index, v));
            next = index + 1;
            max = max.max(next);
        }
        (items, max)
    }

    fn map_lit(
        &mut self,
        span: Span,
        ty: TypeId,
        k: TypeId,
        v: TypeId,
        elems: &'a [ast::Element],
    ) -> Operand {
        let mut items = Vec::new();
        let mut seen: Vec<ConstValue> = Vec::new();
        for el in elems {
            let Some(key) = &el.key else {
                self.error(el.value.span, "missing key in map literal");
                self.elem_value(&el.value, Some(v));
                continue;
            };
            let ke = self.elem_expr(key, k, "map literal");
            if let ExprKind::Const(c) = &ke.kind {
                if seen.contains(c) {
                    self.error(
                        key.span,
                        format!("duplicate key {} in map literal", c.message_text()),
                    );
                } else {
                    seen.push(c.clone());
                }
            }
            let ve = self.elem_expr(&el.value, v, "map literal");
            items.push((ke, ve));
        }
        Operand::new(
            Mode::Value,
            Expr::new(ExprKind::MapLit(items, 0, MapEscape::default()), ty, span),
        )
    }
}
