//! Calls of Go's builtins with their argument rules and messages.
//!
//! Builtins without a result (`delete`, `clear`, `print`, `println`,
//! `panic`) become statements in the IR: checking one leaves the statement
//! in `Checker::builtin_stmt` for the statement checker to take, and
//! returns a no-value operand.

use gm_diag::Span;
use gm_ir::constant::ConstValue;
use gm_ir::{AllocPlace, Basic, Expr, ExprKind, MapEscape, StmtKind, Type};
use gm_syntax::ast::{self, Unsupported};

use crate::operand::{Mode, Operand};
use crate::{Builtin, Checker};
use gm_syntax::exprtext::expr_string;

impl<'a> Checker<'a> {
    pub fn builtin(
        &mut self,
        e: &'a ast::Expr,
        b: Builtin,
        args: &'a [ast::Expr],
        spread: bool,
    ) -> Operand {
        let span = e.span;
        let (min, max) = match b {
            Builtin::Len | Builtin::Cap | Builtin::New | Builtin::Clear | Builtin::Panic => {
                (1, Some(1))
            }
            Builtin::Copy | Builtin::Delete => (2, Some(2)),
            Builtin::Make | Builtin::Append | Builtin::Min | Builtin::Max => (1, None),
            Builtin::Print | Builtin::Println => (0, None),
        };
        if spread && b != Builtin::Append {
            self.error(
                span,
                format!(
                    "invalid operation: invalid use of ... with built-in {}",
                    b.name()
                ),
            );
            return self.invalid_op(span);
        }
        // print(g()), len(g()), …: a call with several results supplies
        // that many arguments.
        let multi = match args {
            [arg] if !matches!(b, Builtin::Make | Builtin::New) => self.multi_value_call(arg),
            _ => None,
        };
        let nargs = multi.unwrap_or(args.len());
        if nargs < min || max.is_some_and(|m| nargs > m) {
            let which = if nargs < min {
                "not enough"
            } else {
                "too many"
            };
            let expected = max.unwrap_or(min);
            let msg = format!(
                "invalid operation: {which} arguments for {} (expected {expected}, found {})",
                expr_string(e),
                nargs
            );
            self.error(span, msg);
            for a in args {
                self.expr(a);
            }
            return self.invalid_op(span);
        }
        if multi.is_some() {
            return self.multi_value_builtin(e, b, &args[0]);
        }
        match b {
            Builtin::Len | Builtin::Cap => self.len_cap(e, b, &args[0]),
            Builtin::Make => self.make(e, args),
            Builtin::New => {
                let t = self.expr(&args[0]);
                match t.mode {
                    Mode::Type(t) => {
                        let p = self.types.pointer(t);
                        Operand::new(
                            Mode::Value,
                            Expr::new(ExprKind::New(AllocPlace::default()), p, span),
                        )
                    }
                    Mode::Invalid => t,
                    _ => {
                        self.error(
                            args[0].span,
                            format!("{} is not a type", expr_string(&args[0])),
                        );
                        self.invalid_op(span)
                    }
                }
            }
            Builtin::Append => self.append(e, args, spread),
            Builtin::Copy => self.copy(e, &args[0], &args[1]),
            Builtin::Delete => {
                let m = self.value(&args[0]);
                if m.is_invalid() {
                    self.expr(&args[1]);
                    return self.invalid_op(span);
                }
                let Some((k, _)) = self.types.map_types(m.ty()) else {
                    let d = self.describe(&m, &args[0]);
                    self.error(args[0].span, format!("invalid argument: {d} is not a map"));
                    self.expr(&args[1]);
                    return self.invalid_op(span);
                };
                let ko = self.value(&args[1]);
                let key = self.assign_value(ko, k, &args[1], "argument to delete");
                self.no_value(span, StmtKind::Delete(m.expr, key))
            }
            Builtin::Clear => {
                let x = self.value(&args[0]);
                if x.is_invalid() {
                    return self.invalid_op(span);
                }
                if self.types.map_types(x.ty()).is_none() && self.types.slice_elem(x.ty()).is_none()
                {
                    let d = self.describe(&x, &args[0]);
                    let msg = format!(
                        "invalid argument: cannot clear {d}: argument must be (or constrained by) map or slice"
                    );
                    self.error(args[0].span, msg);
                    return self.invalid_op(span);
                }
                self.no_value(span, StmtKind::Clear(x.expr))
            }
            Builtin::Min | Builtin::Max => self.min_max(e, b == Builtin::Max, args),
            Builtin::Panic => {
                let x = self.value(&args[0]);
                if x.is_invalid() {
                    return self.invalid_op(span);
                }
                if x.is_nil() {
                    self.error(args[0].span, "unsupported: panic(nil)");
                    return self.invalid_op(span);
                }
                let x = self.defaulted(x, &args[0]);
                self.no_value(span, StmtKind::Panic(x.expr))
            }
            Builtin::Print | Builtin::Println => {
                let mut exprs = Vec::new();
                for a in args {
                    let x = self.value(a);
                    if x.is_invalid() {
                        continue;
                    }
                    if x.is_nil() {
                        self.error(
                            a.span,
                            // Go 1.23 spells it without the space.
                            format!("use of untyped nil in argument to built-in{}", b.name()),
                        );
                        continue;
                    }
                    let x = self.print_argument(x, a, b);
                    if x.is_invalid() {
                        continue;
                    }
                    if matches!(self.types.under(x.ty()), Type::Array(..) | Type::Struct(..)) {
                        // Go's compiler refuses these after type checking,
                        // at the call's parenthesis.
                        let at = call_paren(e);
                        let msg = format!(
                            "illegal types for operand: print\n\t{}",
                            self.types.display(x.ty())
                        );
                        self.error(at, msg);
                        continue;
                    }
                    exprs.push(x.expr);
                }
                self.no_value(span, StmtKind::Print(exprs, b == Builtin::Println))
            }
        }
    }

    /// The number of results of `arg` when it is a call of a function with
    /// several.
    fn multi_value_call(&mut self, arg: &'a ast::Expr) -> Option<usize> {
        let ast::ExprKind::Call { func, .. } = &crate::expr::strip_parens(arg).kind else {
            return None;
        };
        let ast::ExprKind::Ident(name) = &crate::expr::strip_parens(func).kind else {
            return None;
        };
        let Some(crate::Entity::Func(id)) = self.lookup(name, func.span) else {
            return None;
        };
        let n = self.sigs.get(&id)?.results.len();
        (n > 1).then_some(n)
    }

    /// A builtin whose arguments are the results of one call. `print` and
    /// `println` take them (the order pass gives them temporaries).
    fn multi_value_builtin(&mut self, e: &'a ast::Expr, b: Builtin, arg: &'a ast::Expr) -> Operand {
        let x = self.expr(arg);
        if x.is_invalid() {
            return self.invalid_op(e.span);
        }
        match b {
            Builtin::Print | Builtin::Println => {
                self.no_value(e.span, StmtKind::Print(vec![x.expr], b == Builtin::Println))
            }
            _ => {
                self.unsupported(arg.span, Unsupported::MultiValueBuiltinArgs);
                self.invalid_op(e.span)
            }
        }
    }

    /// An untyped argument of `print`/`println` takes its default type,
    /// with Go's assignment message when it does not fit.
    fn print_argument(&mut self, x: Operand, a: &ast::Expr, b: Builtin) -> Operand {
        if !self.types.is_untyped(x.ty()) {
            return x;
        }
        let target = self.default_type(x.ty());
        let mut y = x.clone();
        match self.implicit_convert(&mut y, target) {
            Ok(()) => y,
            Err(err) => {
                let d = self.describe(&x, a);
                let why = match err {
                    crate::expr::ConvError::Truncated => " (truncated)",
                    crate::expr::ConvError::Overflows => " (overflows)",
                    crate::expr::ConvError::Invalid => "",
                };
                let msg = format!(
                    "cannot use {d} as {} value in argument to built-in{}{why}",
                    self.types.display(target),
                    b.name()
                );
                self.error(a.span, msg);
                self.invalid_op(a.span)
            }
        }
    }

    fn invalid_op(&self, span: Span) -> Operand {
        Operand::new(
            Mode::Invalid,
            Expr::new(ExprKind::Zero, self.invalid_type(), span),
        )
    }

    fn no_value(&mut self, span: Span, stmt: StmtKind) -> Operand {
        self.builtin_stmt = Some(stmt);
        Operand::new(
            Mode::NoValue,
            Expr::new(ExprKind::Zero, self.invalid_type(), span),
        )
    }

    fn len_cap(&mut self, e: &'a ast::Expr, b: Builtin, arg: &'a ast::Expr) -> Operand {
        let span = e.span;
        let x = self.value(arg);
        if x.is_invalid() {
            return x;
        }
        let int = self.types.basic(Basic::Int);
        let t = x.ty();
        let is_len = b == Builtin::Len;
        let array_len = self
            .types
            .array_of(t)
            .or_else(|| {
                self.types
                    .pointer_elem(t)
                    .and_then(|p| self.types.array_of(p))
            })
            .map(|(_, n)| n);
        let ok = if self.types.is_string(t) || self.types.map_types(t).is_some() {
            is_len
        } else {
            array_len.is_some() || self.types.slice_elem(t).is_some()
        };
        if !ok {
            let d = self.describe(&x, arg);
            self.error(
                arg.span,
                format!("invalid argument: {d} for built-in {}", b.name()),
            );
            return self.invalid_op(span);
        }
        if let Some(s) = x.const_value().and_then(|v| v.as_str()) {
            let v = ConstValue::int(s.len() as u64);
            return Operand::new(
                Mode::Const(v.clone()),
                Expr::new(ExprKind::Const(v), int, span),
            );
        }
        // len/cap of an array is constant unless the operand calls a
        // function (Go's rule: a map index does not count).
        if let Some(n) = array_len {
            let has_call = x.expr.any(&mut |e| matches!(e.kind, ExprKind::Call(..)));
            if !has_call {
                let v = ConstValue::int(n);
                return Operand::new(
                    Mode::Const(v.clone()),
                    Expr::new(ExprKind::Const(v), int, span),
                );
            }
        }
        let mut xe = x.expr;
        if self.types.is_untyped(xe.ty) {
            xe.ty = self.types.basic(Basic::String);
        }
        let kind = if is_len {
            ExprKind::Len(Box::new(xe))
        } else {
            ExprKind::Cap(Box::new(xe))
        };
        Operand::new(Mode::Value, Expr::new(kind, int, span))
    }

    fn size_arg(&mut self, a: &'a ast::Expr) -> (Expr, Option<i128>) {
        let e = self.index_value(a, None, "index");
        let v = match &e.kind {
            ExprKind::Const(v) => v.as_int(),
            _ => None,
        };
        (e, v)
    }

    fn make(&mut self, e: &'a ast::Expr, args: &'a [ast::Expr]) -> Operand {
        let span = e.span;
        let t = self.expr(&args[0]);
        let t = match t.mode {
            Mode::Type(t) => t,
            Mode::Invalid => return t,
            _ => {
                self.error(
                    args[0].span,
                    format!("{} is not a type", expr_string(&args[0])),
                );
                return self.invalid_op(span);
            }
        };
        if self.is_invalid(t) {
            return self.invalid_op(span);
        }
        match self.types.under(t).clone() {
            Type::Slice(_) => {
                if args.len() < 2 || args.len() > 3 {
                    let msg = format!(
                        "invalid operation: {} expects 2 or 3 arguments; found {}",
                        expr_string(e),
                        args.len()
                    );
                    self.error(span, msg);
                    return self.invalid_op(span);
                }
                let (len, lv) = self.size_arg(&args[1]);
                let cap = args.get(2).map(|a| self.size_arg(a));
                if let (Some(l), Some((_, Some(c)))) = (lv, &cap)
                    && l > *c
                {
                    self.error(
                        args[1].span,
                        "invalid argument: length and capacity swapped",
                    );
                }
                let kind = ExprKind::MakeSlice(
                    Box::new(len),
                    cap.map(|(c, _)| Box::new(c)),
                    AllocPlace::default(),
                );
                Operand::new(Mode::Value, Expr::new(kind, t, span))
            }
            Type::Map(..) => {
                if args.len() > 2 {
                    let msg = format!(
                        "invalid operation: {} expects 1 or 2 arguments; found {}",
                        expr_string(e),
                        args.len()
                    );
                    self.error(span, msg);
                    return self.invalid_op(span);
                }
                let hint = args.get(1).map(|a| Box::new(self.size_arg(a).0));
                Operand::new(
                    Mode::Value,
                    Expr::new(ExprKind::MakeMap(hint, MapEscape::default()), t, span),
                )
            }
            _ => {
                let msg = format!(
                    "invalid argument: cannot make {}; type must be slice, map, or channel",
                    expr_string(&args[0])
                );
                self.error(args[0].span, msg);
                for a in &args[1..] {
                    self.expr(a);
                }
                self.invalid_op(span)
            }
        }
    }

    fn append(&mut self, e: &'a ast::Expr, args: &'a [ast::Expr], spread: bool) -> Operand {
        let span = e.span;
        let s = self.value(&args[0]);
        if s.is_invalid() {
            for a in &args[1..] {
                self.expr(a);
            }
            return s;
        }
        if s.is_nil() {
            self.error(
                args[0].span,
                "first argument to append must be a typed slice; found untyped nil",
            );
            return self.invalid_op(span);
        }
        let st = s.ty();
        let Some(elem) = self.types.slice_elem(st) else {
            let d = self.describe(&s, &args[0]);
            self.error(
                args[0].span,
                format!("first argument to append must be a slice; have {d}"),
            );
            for a in &args[1..] {
                self.expr(a);
            }
            return self.invalid_op(span);
        };
        let mut exprs = vec![s.expr];
        if spread {
            if args.len() != 2 {
                self.error(span, "can only use ... with final argument in list");
                return self.invalid_op(span);
            }
            let mut x = self.value(&args[1]);
            if x.is_invalid() {
                return self.invalid_op(span);
            }
            let byte_elem = self.types.basic_of(elem) == Some(Basic::Uint8);
            if byte_elem && self.types.is_string(x.ty()) {
                if self.types.is_untyped(x.ty()) {
                    let string = self.types.basic(Basic::String);
                    let _ = self.implicit_convert(&mut x, string);
                }
                exprs.push(x.expr);
            } else {
                let slice_of_elem = self.types.slice(elem);
                let target = if self.types.is_named(st) {
                    st
                } else {
                    slice_of_elem
                };
                let xe = self.assign_value(x, target, &args[1], "argument to append");
                exprs.push(xe);
            }
        } else {
            for a in &args[1..] {
                let x = self.value(a);
                exprs.push(self.assign_value(x, elem, a, "argument to append"));
            }
        }
        Operand::new(
            Mode::Value,
            Expr::new(ExprKind::Append(exprs, spread), st, span),
        )
    }

    fn copy(&mut self, e: &'a ast::Expr, dst: &'a ast::Expr, src: &'a ast::Expr) -> Operand {
        let span = e.span;
        let d = self.value(dst);
        let mut s = self.value(src);
        if d.is_invalid() || s.is_invalid() {
            return self.invalid_op(span);
        }
        let int = self.types.basic(Basic::Int);
        let Some(de) = self.types.slice_elem(d.ty()) else {
            let dd = self.describe(&d, dst);
            self.error(
                dst.span,
                format!(
                    "invalid argument: copy expects slice arguments; found {dd} and {}",
                    self.describe(&s, src)
                ),
            );
            return self.invalid_op(span);
        };
        let se = if self.types.is_string(s.ty()) {
            Some(self.types.basic(Basic::Byte))
        } else {
            self.types.slice_elem(s.ty())
        };
        let Some(se) = se else {
            let dd = self.describe(&d, dst);
            self.error(
                src.span,
                format!(
                    "invalid argument: copy expects slice arguments; found {dd} and {}",
                    self.describe(&s, src)
                ),
            );
            return self.invalid_op(span);
        };
        if !self.types.identical(de, se) {
            let msg = format!(
                "invalid argument: arguments to copy {} and {} have different element types {} and {}",
                self.describe(&d, dst),
                self.describe(&s, src),
                self.types.display(de),
                self.types.display(se)
            );
            self.error(dst.span, msg);
            return self.invalid_op(span);
        }
        if self.types.is_untyped(s.ty()) {
            let string = self.types.basic(Basic::String);
            let _ = self.implicit_convert(&mut s, string);
        }
        Operand::new(
            Mode::Value,
            Expr::new(
                ExprKind::Copy(Box::new(d.expr), Box::new(s.expr)),
                int,
                span,
            ),
        )
    }

    fn min_max(&mut self, e: &'a ast::Expr, is_max: bool, args: &'a [ast::Expr]) -> Operand {
        let span = e.span;
        let mut ops: Vec<Operand> = Vec::new();
        for a in args {
            let x = self.value(a);
            if x.is_invalid() {
                return x;
            }
            if !self.types.ordered(x.ty()) {
                let d = self.describe(&x, a);
                self.error(a.span, format!("invalid argument: {d} cannot be ordered"));
                return self.invalid_op(span);
            }
            ops.push(x);
        }
        // Operands must have one type: each is matched with the ones before
        // it, untyped ones adapting to typed ones (as Go's checker does).
        let mut acc = ops[0].clone();
        for (i, a) in args.iter().enumerate().skip(1) {
            let (prev_ty, this_ty) = (acc.ty(), ops[i].ty());
            let mut this = ops[i].clone();
            if !self.match_types(&mut acc, &args[i - 1], &mut this, a) {
                return self.invalid_op(span);
            }
            if acc.is_invalid() || this.is_invalid() || !self.types.identical(acc.ty(), this.ty()) {
                let msg = format!(
                    "invalid argument: mismatched types {} (previous argument) and {} (type of {})",
                    self.types.display(prev_ty),
                    self.types.display(this_ty),
                    expr_string(a)
                );
                self.error(a.span, msg);
                return self.invalid_op(span);
            }
        }
        let mut result_ty = acc.ty();
        for op in &mut ops {
            let _ = self.implicit_convert(op, result_ty);
        }
        if ops.iter().all(|o| o.is_const()) {
            let vals: Vec<ConstValue> = ops
                .iter()
                .filter_map(|o| o.const_value().cloned())
                .collect();
            let pick = vals.into_iter().reduce(|a, b| {
                let less = const_less(&b, &a);
                if less != is_max { b } else { a }
            });
            if let Some(v) = pick {
                return Operand::new(
                    Mode::Const(v.clone()),
                    Expr::new(ExprKind::Const(v), result_ty, span),
                );
            }
        }
        if self.types.is_untyped(result_ty) {
            result_ty = self.default_type(result_ty);
            for o in &mut ops {
                let _ = self.implicit_convert(o, result_ty);
            }
        }
        let exprs: Vec<Expr> = ops.into_iter().map(|o| o.expr).collect();
        Operand::new(
            Mode::Value,
            Expr::new(ExprKind::MinMax(is_max, exprs), result_ty, span),
        )
    }
}

fn const_less(a: &ConstValue, b: &ConstValue) -> bool {
    match (a, b) {
        (ConstValue::Int(x), ConstValue::Int(y)) => x < y,
        (ConstValue::String(x), ConstValue::String(y)) => x < y,
        _ => a.rational().zip(b.rational()).is_some_and(|(x, y)| x < y),
    }
}

/// Where a call's `(` is: just after its function.
fn call_paren(e: &ast::Expr) -> Span {
    match &e.kind {
        ast::ExprKind::Call { func, .. } => {
            Span::new(func.span.hi as usize, func.span.hi as usize + 1)
        }
        _ => e.span,
    }
}
