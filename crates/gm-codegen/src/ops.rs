//! Operators and conversions with Go's semantics: wrapping integer
//! arithmetic, division that panics on zero and wraps `MinInt / -1`,
//! shifts by any count, IEEE comparisons, value equality of strings,
//! arrays and structs, and amd64's float-to-integer conversions.

use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{InstBuilder, Value, types};
use gm_ir::runtime::RtFn;
use gm_ir::{BinOp, Expr, ExprKind, TypeId, UnOp};

use crate::expr::part;
use crate::func::{FnCx, Val, chunks, word};
use crate::layout::{Kind, PTR};
use crate::{R, err};

fn int_cc(op: BinOp, signed: bool) -> Option<IntCC> {
    Some(match (op, signed) {
        (BinOp::Eq, _) => IntCC::Equal,
        (BinOp::Ne, _) => IntCC::NotEqual,
        (BinOp::Lt, true) => IntCC::SignedLessThan,
        (BinOp::Le, true) => IntCC::SignedLessThanOrEqual,
        (BinOp::Gt, true) => IntCC::SignedGreaterThan,
        (BinOp::Ge, true) => IntCC::SignedGreaterThanOrEqual,
        (BinOp::Lt, false) => IntCC::UnsignedLessThan,
        (BinOp::Le, false) => IntCC::UnsignedLessThanOrEqual,
        (BinOp::Gt, false) => IntCC::UnsignedGreaterThan,
        (BinOp::Ge, false) => IntCC::UnsignedGreaterThanOrEqual,
        _ => return None,
    })
}

fn float_cc(op: BinOp) -> Option<FloatCC> {
    Some(match op {
        BinOp::Eq => FloatCC::Equal,
        BinOp::Ne => FloatCC::NotEqual,
        BinOp::Lt => FloatCC::LessThan,
        BinOp::Le => FloatCC::LessThanOrEqual,
        BinOp::Gt => FloatCC::GreaterThan,
        BinOp::Ge => FloatCC::GreaterThanOrEqual,
        _ => return None,
    })
}

fn is_nil(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Nil => true,
        ExprKind::ConvNop(x) => is_nil(x),
        _ => false,
    }
}

/// The constant value of an integer operand, if it is one.
pub(crate) fn const_int(e: &Expr) -> Option<i128> {
    match &e.kind {
        ExprKind::Const(c) => c.as_int(),
        _ => None,
    }
}

impl FnCx<'_, '_> {
    pub fn binary(&mut self, op: BinOp, a: &Expr, b: &Expr, ty: TypeId) -> R<Val> {
        match op {
            BinOp::AndAnd | BinOp::OrOr => self.short_circuit(op == BinOp::AndAnd, a, b),
            _ if op.is_comparison() => {
                let t = if is_nil(a) { b.ty } else { a.ty };
                let va = self.expr(a)?;
                let vb = self.expr(b)?;
                let r = self.compare(op, t, &va, &vb)?;
                Ok(Val::Regs(vec![r]))
            }
            _ => {
                let va = self.expr(a)?;
                let vb = self.expr(b)?;
                self.arith(op, ty, va, vb, b.ty, const_int(b))
            }
        }
    }

    fn short_circuit(&mut self, and: bool, a: &Expr, b: &Expr) -> R<Val> {
        let res = self.b.declare_var(types::I8);
        let va = self.expr1(a)?;
        self.b.def_var(res, va);
        let rhs = self.b.create_block();
        let done = self.b.create_block();
        if and {
            self.b.ins().brif(va, rhs, &[], done, &[]);
        } else {
            self.b.ins().brif(va, done, &[], rhs, &[]);
        }
        self.b.switch_to_block(rhs);
        let vb = self.expr1(b)?;
        self.b.def_var(res, vb);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        Ok(Val::Regs(vec![self.b.use_var(res)]))
    }

    /// A comparison of two values of type `t`, as an i8 (0 or 1).
    pub fn compare(&mut self, op: BinOp, t: TypeId, a: &Val, b: &Val) -> R<Value> {
        let info = self.ty(t);
        match &info.kind {
            Kind::Bool | Kind::Int { .. } | Kind::Pointer { .. } | Kind::Slice { .. } => {
                let Some(cc) = int_cc(op, info.is_signed()) else {
                    return err("bad comparison");
                };
                // Slices compare only with nil: their pointers.
                Ok(self.b.ins().icmp(cc, a.words(1)?[0], b.words(1)?[0]))
            }
            Kind::Float { .. } => {
                let Some(cc) = float_cc(op) else {
                    return err("bad comparison");
                };
                Ok(self.b.ins().fcmp(cc, a.one()?, b.one()?))
            }
            Kind::String => {
                let (a, b) = (a.words(2)?, b.words(2)?);
                match op {
                    BinOp::Eq => self.str_eq(&a, &b),
                    BinOp::Ne => {
                        let e = self.str_eq(&a, &b)?;
                        Ok(self.b.ins().bxor_imm_s(e, 1))
                    }
                    _ => {
                        let c = self.call_rt(RtFn::cmpstring, &[a[0], a[1], b[0], b[1]])?[0];
                        let Some(cc) = int_cc(op, true) else {
                            return err("bad comparison");
                        };
                        Ok(self.b.ins().icmp_imm_s(cc, c, 0))
                    }
                }
            }
            Kind::Array { .. } | Kind::Struct { .. } => {
                let e = self.eq_vals(t, a, b)?;
                match op {
                    BinOp::Eq => Ok(e),
                    BinOp::Ne => Ok(self.b.ins().bxor_imm_s(e, 1)),
                    _ => err("ordered comparison of composites"),
                }
            }
            Kind::Other => err("comparison of values without a type"),
        }
    }

    /// String equality: lengths, then bytes.
    pub fn str_eq(&mut self, a: &[Value], b: &[Value]) -> R<Value> {
        let res = self.b.declare_var(types::I8);
        let same_len = self.b.ins().icmp(IntCC::Equal, a[1], b[1]);
        self.b.def_var(res, same_len);
        let bytes = self.b.create_block();
        let done = self.b.create_block();
        self.b.ins().brif(same_len, bytes, &[], done, &[]);
        self.b.switch_to_block(bytes);
        let eq = self.call_rt(RtFn::memequal, &[a[0], b[0], a[1]])?[0];
        self.b.def_var(res, eq);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        Ok(self.b.use_var(res))
    }

    /// `a == b` for values of any comparable type.
    pub fn eq_vals(&mut self, t: TypeId, a: &Val, b: &Val) -> R<Value> {
        let info = self.ty(t);
        match (&info.kind, a, b) {
            (Kind::Struct { fields }, Val::Regs(va), Val::Regs(vb)) => {
                let mut acc = self.b.ins().iconst(types::I8, 1);
                for (i, f) in fields.iter().enumerate() {
                    if f.blank {
                        continue;
                    }
                    let r = self.field_leaves(t, i)?;
                    let e = self.eq_vals(
                        f.ty,
                        &Val::Regs(part(va, r.clone())?),
                        &Val::Regs(part(vb, r)?),
                    )?;
                    acc = self.b.ins().band(acc, e);
                }
                Ok(acc)
            }
            (Kind::Array { elem, len }, Val::Regs(va), Val::Regs(vb)) => {
                if *len == 0 {
                    return Ok(self.b.ins().iconst(types::I8, 1));
                }
                self.eq_vals(*elem, &Val::Regs(va.clone()), &Val::Regs(vb.clone()))
            }
            (_, Val::Addr(pa), Val::Addr(pb)) => self.eq_mem(t, *pa, *pb),
            (Kind::Struct { .. } | Kind::Array { .. }, _, _) => err("mixed value shapes in =="),
            _ => self.compare(BinOp::Eq, t, a, b),
        }
    }

    /// `==` of two values of memory type `t` at addresses `a` and `b`.
    fn eq_mem(&mut self, t: TypeId, a: Value, b: Value) -> R<Value> {
        let info = self.ty(t);
        if info.mem_eq {
            return self.mem_equal(a, b, info.size, info.align);
        }
        match &info.kind {
            Kind::Struct { fields } => {
                let mut acc = self.b.ins().iconst(types::I8, 1);
                for f in fields {
                    if f.blank {
                        continue;
                    }
                    let va = self.load(f.ty, a, f.off as i32);
                    let vb = self.load(f.ty, b, f.off as i32);
                    let e = self.eq_vals(f.ty, &va, &vb)?;
                    acc = self.b.ins().band(acc, e);
                }
                Ok(acc)
            }
            Kind::Array { elem, len } => {
                let (elem, len) = (*elem, *len);
                let esize = self.ty(elem).size;
                if len <= 8 {
                    let mut acc = self.b.ins().iconst(types::I8, 1);
                    for i in 0..len {
                        let off = (i * esize) as i32;
                        let va = self.load(elem, a, off);
                        let vb = self.load(elem, b, off);
                        let e = self.eq_vals(elem, &va, &vb)?;
                        acc = self.b.ins().band(acc, e);
                    }
                    return Ok(acc);
                }
                // A loop that stops at the first difference.
                let i = self.b.declare_var(PTR);
                let res = self.b.declare_var(types::I8);
                let zero = self.b.ins().iconst(PTR, 0);
                self.b.def_var(i, zero);
                let one = self.b.ins().iconst(types::I8, 1);
                self.b.def_var(res, one);
                let head = self.b.create_block();
                let body = self.b.create_block();
                let next = self.b.create_block();
                let differ = self.b.create_block();
                let done = self.b.create_block();
                self.b.ins().jump(head, &[]);
                self.b.switch_to_block(head);
                let iv = self.b.use_var(i);
                let more = self
                    .b
                    .ins()
                    .icmp_imm_s(IntCC::SignedLessThan, iv, len as i64);
                self.b.ins().brif(more, body, &[], done, &[]);
                self.b.switch_to_block(body);
                let off = self.b.ins().imul_imm_s(iv, esize as i64);
                let ea = self.b.ins().iadd(a, off);
                let eb = self.b.ins().iadd(b, off);
                let va = self.load(elem, ea, 0);
                let vb = self.load(elem, eb, 0);
                let e = self.eq_vals(elem, &va, &vb)?;
                self.b.ins().brif(e, next, &[], differ, &[]);
                self.b.switch_to_block(next);
                let iv = self.b.use_var(i);
                let iv = self.b.ins().iadd_imm_s(iv, 1);
                self.b.def_var(i, iv);
                self.b.ins().jump(head, &[]);
                self.b.switch_to_block(differ);
                let z = self.b.ins().iconst(types::I8, 0);
                self.b.def_var(res, z);
                self.b.ins().jump(done, &[]);
                self.b.switch_to_block(done);
                Ok(self.b.use_var(res))
            }
            _ => {
                let va = self.load(t, a, 0);
                let vb = self.load(t, b, 0);
                self.eq_vals(t, &va, &vb)
            }
        }
    }

    /// Byte equality of `size` bytes.
    fn mem_equal(&mut self, a: Value, b: Value, size: u64, align: u64) -> R<Value> {
        if size <= 32 {
            let mut acc = self.b.ins().iconst(types::I8, 1);
            for (off, w) in chunks(size, align) {
                let ty = word(w);
                let x = self.b.ins().load(ty, FnCx::flags(), a, off as i32);
                let y = self.b.ins().load(ty, FnCx::flags(), b, off as i32);
                let e = self.b.ins().icmp(IntCC::Equal, x, y);
                acc = self.b.ins().band(acc, e);
            }
            return Ok(acc);
        }
        let n = self.b.ins().iconst(PTR, size as i64);
        Ok(self.call_rt(RtFn::memequal, &[a, b, n])?[0])
    }

    /// A binary arithmetic or bitwise operation on values of type `t`;
    /// `count_ty` is the type of a shift count (the right operand).
    pub fn arith(
        &mut self,
        op: BinOp,
        t: TypeId,
        a: Val,
        b: Val,
        count_ty: TypeId,
        bconst: Option<i128>,
    ) -> R<Val> {
        let info = self.ty(t);
        let v = match &info.kind {
            Kind::String if op == BinOp::Add => {
                let (a, b) = (a.words(2)?, b.words(2)?);
                return self.concat_vals(&[a, b]);
            }
            Kind::Float { .. } => {
                let (x, y) = (a.one()?, b.one()?);
                match op {
                    BinOp::Add => self.b.ins().fadd(x, y),
                    BinOp::Sub => self.b.ins().fsub(x, y),
                    BinOp::Mul => self.b.ins().fmul(x, y),
                    BinOp::Div => self.b.ins().fdiv(x, y),
                    _ => return err(format!("float {}", op.symbol())),
                }
            }
            Kind::Int { signed, bits } => {
                let (signed, bits) = (*signed, *bits);
                let (x, y) = (a.one()?, b.one()?);
                match op {
                    BinOp::Add => self.b.ins().iadd(x, y),
                    BinOp::Sub => self.b.ins().isub(x, y),
                    BinOp::Mul => self.b.ins().imul(x, y),
                    BinOp::And => self.b.ins().band(x, y),
                    BinOp::Or => self.b.ins().bor(x, y),
                    BinOp::Xor => self.b.ins().bxor(x, y),
                    BinOp::AndNot => self.b.ins().band_not(x, y),
                    BinOp::Div | BinOp::Rem => self.divide(op == BinOp::Div, signed, x, y, bconst),
                    BinOp::Shl | BinOp::Shr => {
                        self.shift(op == BinOp::Shl, signed, bits, x, y, count_ty, bconst)?
                    }
                    _ => return err(format!("integer {}", op.symbol())),
                }
            }
            _ => return err(format!("operator {} on this type", op.symbol())),
        };
        Ok(Val::Regs(vec![v]))
    }

    fn divide(&mut self, div: bool, signed: bool, x: Value, y: Value, k: Option<i128>) -> Value {
        if k.is_none_or(|k| k == 0) {
            let z = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
            self.panic_if(z, RtFn::panic_divide, &[]);
        }
        if !signed {
            return if div {
                self.b.ins().udiv(x, y)
            } else {
                self.b.ins().urem(x, y)
            };
        }
        if k.is_some_and(|k| k != -1 && k != 0) {
            return if div {
                self.b.ins().sdiv(x, y)
            } else {
                self.b.ins().srem(x, y)
            };
        }
        // x / -1 wraps (MinInt / -1 == MinInt) instead of faulting.
        let ty = self.b.func.dfg.value_type(y);
        let m1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
        let one = self.b.ins().iconst(ty, 1);
        let safe = self.b.ins().select(m1, one, y);
        if div {
            let q = self.b.ins().sdiv(x, safe);
            let neg = self.b.ins().ineg(x);
            self.b.ins().select(m1, neg, q)
        } else {
            self.b.ins().srem(x, safe)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn shift(
        &mut self,
        left: bool,
        signed: bool,
        bits: u32,
        x: Value,
        n: Value,
        count_ty: TypeId,
        k: Option<i128>,
    ) -> R<Value> {
        let xt = self.b.func.dfg.value_type(x);
        if let Some(k) = k
            && k >= 0
        {
            if k < i128::from(bits) {
                let c = self.b.ins().iconst(types::I64, k as i64);
                return Ok(if left {
                    self.b.ins().ishl(x, c)
                } else if signed {
                    self.b.ins().sshr(x, c)
                } else {
                    self.b.ins().ushr(x, c)
                });
            }
            return Ok(if !left && signed {
                let c = self.b.ins().iconst(types::I64, i64::from(bits - 1));
                self.b.ins().sshr(x, c)
            } else {
                self.b.ins().iconst(xt, 0)
            });
        }
        let cinfo = self.ty(count_ty);
        if cinfo.is_signed() {
            let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, n, 0);
            self.panic_if(neg, RtFn::panic_shift, &[]);
        }
        let big = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, n, i64::from(bits));
        Ok(if !left && signed {
            let nt = self.b.func.dfg.value_type(n);
            let max = self.iconst(nt, i64::from(bits - 1));
            let n = self.b.ins().select(big, max, n);
            self.b.ins().sshr(x, n)
        } else {
            let r = if left {
                self.b.ins().ishl(x, n)
            } else {
                self.b.ins().ushr(x, n)
            };
            let z = self.b.ins().iconst(xt, 0);
            self.b.ins().select(big, z, r)
        })
    }

    pub fn unary(&mut self, op: UnOp, a: &Expr, ty: TypeId) -> R<Val> {
        let v = self.expr(a)?;
        if op == UnOp::Plus {
            return Ok(v);
        }
        let x = v.one()?;
        let info = self.ty(ty);
        let r = match (op, &info.kind) {
            (UnOp::Neg, Kind::Float { .. }) => self.b.ins().fneg(x),
            (UnOp::Neg, _) => self.b.ins().ineg(x),
            (UnOp::Not, _) => self.b.ins().bxor_imm_s(x, 1),
            (UnOp::BitNot, _) => self.b.ins().bnot(x),
            (UnOp::Plus, _) => x,
        };
        Ok(Val::Regs(vec![r]))
    }

    /// Numeric conversion `T(x)`.
    pub fn conv(&mut self, x: &Expr, to: TypeId) -> R<Val> {
        let from = self.ty(x.ty);
        let toi = self.ty(to);
        let v = self.expr(x)?;
        let Val::Regs(vs) = &v else {
            return Ok(v);
        };
        if vs.len() != 1 {
            return Ok(v);
        }
        let x = vs[0];
        let r = match (&from.kind, &toi.kind) {
            (Kind::Int { signed, bits }, Kind::Int { bits: tb, .. }) => {
                self.int_resize(x, *signed, *bits, *tb)
            }
            (Kind::Int { signed, bits }, Kind::Float { bits: fb }) => {
                self.int_to_float(x, *signed, *bits, *fb)
            }
            (Kind::Float { bits: fb }, Kind::Int { signed, bits }) => {
                self.float_to_int(x, *fb, *signed, *bits)
            }
            (Kind::Float { bits: a }, Kind::Float { bits: b }) => match (a, b) {
                (32, 64) => self.b.ins().fpromote(types::F64, x),
                (64, 32) => self.b.ins().fdemote(types::F32, x),
                _ => x,
            },
            _ => x,
        };
        Ok(Val::Regs(vec![r]))
    }

    pub fn int_resize(&mut self, x: Value, signed: bool, from: u32, to: u32) -> Value {
        let t = types::Type::int(to as u16).unwrap_or(types::I64);
        if to < from {
            self.b.ins().ireduce(t, x)
        } else if to > from {
            if signed {
                self.b.ins().sextend(t, x)
            } else {
                self.b.ins().uextend(t, x)
            }
        } else {
            x
        }
    }

    fn int_to_float(&mut self, x: Value, signed: bool, bits: u32, fbits: u32) -> Value {
        let ft = if fbits == 32 { types::F32 } else { types::F64 };
        if !signed && bits == 64 {
            return self.b.ins().fcvt_from_uint(ft, x);
        }
        // Widen so that the value converts as a signed integer.
        let wide = if signed {
            if bits < 32 {
                self.b.ins().sextend(types::I32, x)
            } else {
                x
            }
        } else if bits < 32 {
            self.b.ins().uextend(types::I32, x)
        } else {
            self.b.ins().uextend(types::I64, x)
        };
        self.b.ins().fcvt_from_sint(ft, wide)
    }

    /// amd64's truncating conversion (CVTTSD2SI and friends): NaN and
    /// out-of-range values give the smallest integer of the width.
    fn cvtt(&mut self, x: Value, fbits: u32, to64: bool) -> Value {
        let (it, lim, min) = if to64 {
            (types::I64, 9223372036854775808.0f64, i64::MIN)
        } else {
            (types::I32, 2147483648.0f64, i64::from(i32::MIN))
        };
        let sat = self.b.ins().fcvt_to_sint_sat(it, x);
        let limit = if fbits == 32 {
            self.b.ins().f32const(lim as f32)
        } else {
            self.b.ins().f64const(lim)
        };
        let ok = self.b.ins().fcmp(FloatCC::LessThan, x, limit);
        let minv = self.iconst(it, min);
        self.b.ins().select(ok, sat, minv)
    }

    fn float_to_int(&mut self, x: Value, fbits: u32, signed: bool, bits: u32) -> Value {
        let t = types::Type::int(bits as u16).unwrap_or(types::I64);
        match (signed, bits) {
            (_, 8 | 16) | (true, 32) => {
                let v = self.cvtt(x, fbits, false);
                if bits < 32 {
                    self.b.ins().ireduce(t, v)
                } else {
                    v
                }
            }
            (false, 32) => {
                let v = self.cvtt(x, fbits, true);
                self.b.ins().ireduce(t, v)
            }
            (true, _) => self.cvtt(x, fbits, true),
            (false, _) => {
                // Values at or above 2^63 convert after subtracting 2^63.
                let cutoff = if fbits == 32 {
                    self.b.ins().f32const(9223372036854775808.0f32)
                } else {
                    self.b.ins().f64const(9223372036854775808.0f64)
                };
                let low = self.cvtt(x, fbits, true);
                let y = self.b.ins().fsub(x, cutoff);
                let high = self.cvtt(y, fbits, true);
                let high = self.b.ins().bor_imm_s(high, i64::MIN);
                let small = self.b.ins().fcmp(FloatCC::LessThan, x, cutoff);
                self.b.ins().select(small, low, high)
            }
        }
    }
}
