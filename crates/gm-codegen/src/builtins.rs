//! Builtins and string/slice operations: `len`, `cap`, `make`, `append`,
//! `copy`, `min`/`max`, slicing with Go's bounds checks, string
//! concatenation and conversions, `print`/`println` and `panic`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types};
use cranelift_module::Module;
use gm_ir::runtime::RtFn;
use gm_ir::{AllocPlace, ConvBuf, Expr, SliceKind, TypeId};
use gm_runtime::lang::strings::conv_buf;

use crate::expr::Index;
use crate::func::{FnCx, Val};
use crate::layout::{Kind, PTR};
use crate::{R, err};

impl FnCx<'_, '_> {
    pub fn len_cap(&mut self, x: &Expr, len: bool) -> R<Val> {
        let info = self.ty(x.ty);
        let r = match &info.kind {
            Kind::String => self.expr(x)?.words(2)?[1],
            Kind::Slice { .. } => self.expr(x)?.words(3)?[if len { 1 } else { 2 }],
            Kind::Array { len: n, .. } => {
                let n = *n;
                self.expr(x)?;
                self.b.ins().iconst(PTR, n as i64)
            }
            Kind::Pointer { elem: Some(e) } => {
                let e = *e;
                let v = self.expr1(x)?;
                match self.cg.prog.types.array_of(e) {
                    Some((_, n)) => self.b.ins().iconst(PTR, n as i64),
                    None => self.map_len(v),
                }
            }
            Kind::Pointer { elem: None } => {
                let v = self.expr1(x)?;
                self.map_len(v)
            }
            _ => return err("len of an unexpected type"),
        };
        Ok(Val::Regs(vec![r]))
    }

    /// `len(m)`: the header's `count`, read from a zero block for a nil
    /// map (no branch).
    fn map_len(&mut self, m: Value) -> Value {
        let zero = self.cg.map_zero();
        let is_nil = self.b.ins().icmp_imm_s(IntCC::Equal, m, 0);
        let z = self.b.ins().iconst(PTR, zero as i64);
        let at = self.b.ins().select(is_nil, z, m);
        let count = gm_runtime::HMAP_COUNT_OFFSET as i32;
        self.b.ins().load(types::I64, FnCx::flags(), at, count)
    }

    pub fn make_slice(
        &mut self,
        ty: TypeId,
        len: &Expr,
        cap: Option<&Expr>,
        place: AllocPlace,
    ) -> R<Val> {
        let Some(elem) = self.cg.prog.types.slice_elem(ty) else {
            return err("make of a non-slice type");
        };
        let info = self.ty(elem);
        let l = self.index_val(len)?.v;
        let c = match cap {
            Some(c) => self.index_val(c)?.v,
            None => l,
        };
        let es = self.b.ins().iconst(PTR, info.size as i64);
        let scan = self.b.ins().iconst(types::I8, i64::from(info.has_pointers));
        // Escape analysis placed only a constant size in the frame.
        let (AllocPlace::Frame, Some(elems)) = (place, gm_ir::make_slice_elems(len, cap)) else {
            let p = self.call_rt(RtFn::makeslice, &[es, l, c, scan])?[0];
            return Ok(Val::Regs(vec![p, l, c]));
        };
        // A length past the constant capacity (or below zero) panics as
        // makeslice does, which is called to say so.
        let c = self.b.ins().iconst(PTR, elems as i64);
        let bad = self.b.ins().icmp(IntCC::UnsignedGreaterThan, l, c);
        let panics = self.b.create_block();
        let fits = self.b.create_block();
        self.b.ins().brif(bad, panics, &[], fits, &[]);
        self.b.set_cold_block(panics);
        self.b.switch_to_block(panics);
        self.call_rt_noreturn(RtFn::makeslice, &[es, l, c, scan])?;
        self.b.ins().jump(fits, &[]);
        self.b.switch_to_block(fits);
        let p = self.zeroed(elems * info.size, info.has_pointers, place);
        Ok(Val::Regs(vec![p, l, c]))
    }

    /// Makes room for `add` more elements: returns `(ptr, newlen, cap)`,
    /// growing the backing array as Go's `growslice` does.
    fn grow(&mut self, elem: TypeId, s: &[Value], add: Value) -> R<[Value; 3]> {
        let info = self.ty(elem);
        let new_len = self.b.ins().iadd(s[1], add);
        let pv = self.b.declare_var(PTR);
        let cv = self.b.declare_var(PTR);
        self.b.def_var(pv, s[0]);
        self.b.def_var(cv, s[2]);
        let grow = self.b.create_block();
        let done = self.b.create_block();
        let full = self.b.ins().icmp(IntCC::UnsignedGreaterThan, new_len, s[2]);
        self.b.ins().brif(full, grow, &[], done, &[]);
        self.b.switch_to_block(grow);
        let out = self.temp(24);
        let es = self.b.ins().iconst(PTR, info.size as i64);
        let hp = self.b.ins().iconst(types::I8, i64::from(info.has_pointers));
        self.call_rt(RtFn::growslice, &[s[0], new_len, s[2], add, es, hp, out])?;
        let np = self.b.ins().load(PTR, FnCx::flags(), out, 0);
        let nc = self.b.ins().load(PTR, FnCx::flags(), out, 16);
        self.b.def_var(pv, np);
        self.b.def_var(cv, nc);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        let p = self.b.use_var(pv);
        let c = self.b.use_var(cv);
        Ok([p, new_len, c])
    }

    pub fn append(&mut self, ty: TypeId, args: &[Expr], spread: bool) -> R<Val> {
        let Some(elem) = self.cg.prog.types.slice_elem(ty) else {
            return err("append to a non-slice type");
        };
        let Some((first, rest)) = args.split_first() else {
            return err("append without arguments");
        };
        let s = self.expr(first)?.words(3)?;
        let esize = self.ty(elem).size;
        if spread {
            let Some(src) = rest.first() else {
                return err("append ... without a slice");
            };
            let t = self.expr(src)?.words(2)?;
            let [p, n, c] = self.grow(elem, &s, t[1])?;
            let off = self.b.ins().imul_imm_s(s[1], esize as i64);
            let dst = self.b.ins().iadd(p, off);
            let bytes = self.b.ins().imul_imm_s(t[1], esize as i64);
            let cfg = self.cg.module.target_config();
            self.b.call_memmove(cfg, dst, t[0], bytes);
            return Ok(Val::Regs(vec![p, n, c]));
        }
        let vals = rest.iter().map(|a| self.expr(a)).collect::<R<Vec<Val>>>()?;
        if vals.is_empty() {
            return Ok(Val::Regs(s));
        }
        let k = self.b.ins().iconst(PTR, vals.len() as i64);
        let [p, n, c] = self.grow(elem, &s, k)?;
        let off = self.b.ins().imul_imm_s(s[1], esize as i64);
        let base = self.b.ins().iadd(p, off);
        for (i, v) in vals.iter().enumerate() {
            self.store(elem, v, base, (i as u64 * esize) as i32)?;
        }
        Ok(Val::Regs(vec![p, n, c]))
    }

    pub fn copy(&mut self, d: &Expr, s: &Expr) -> R<Val> {
        let Some(elem) = self.cg.prog.types.slice_elem(d.ty) else {
            return err("copy to a non-slice");
        };
        let esize = self.ty(elem).size;
        let dv = self.expr(d)?.words(3)?;
        let sv = self.expr(s)?.words(2)?;
        let n = self.b.ins().smin(dv[1], sv[1]);
        let bytes = self.b.ins().imul_imm_s(n, esize as i64);
        let cfg = self.cg.module.target_config();
        self.b.call_memmove(cfg, dv[0], sv[0], bytes);
        Ok(Val::Regs(vec![n]))
    }

    pub fn min_max(&mut self, is_max: bool, args: &[Expr], ty: TypeId) -> R<Val> {
        let info = self.ty(ty);
        let mut acc: Option<Vec<Value>> = None;
        for a in args {
            let n = if info.kind == Kind::String { 2 } else { 1 };
            let v = self.expr(a)?.words(n)?;
            acc = Some(match acc {
                None => v,
                Some(cur) => match &info.kind {
                    Kind::Float { .. } => vec![if is_max {
                        self.b.ins().fmax(cur[0], v[0])
                    } else {
                        self.b.ins().fmin(cur[0], v[0])
                    }],
                    Kind::Int { signed, .. } => vec![match (is_max, *signed) {
                        (true, true) => self.b.ins().smax(cur[0], v[0]),
                        (true, false) => self.b.ins().umax(cur[0], v[0]),
                        (false, true) => self.b.ins().smin(cur[0], v[0]),
                        (false, false) => self.b.ins().umin(cur[0], v[0]),
                    }],
                    Kind::String => {
                        let c = self.call_rt(RtFn::cmpstring, &[v[0], v[1], cur[0], cur[1]])?[0];
                        let cc = if is_max {
                            IntCC::SignedGreaterThan
                        } else {
                            IntCC::SignedLessThan
                        };
                        let take = self.b.ins().icmp_imm_s(cc, c, 0);
                        vec![
                            self.b.ins().select(take, v[0], cur[0]),
                            self.b.ins().select(take, v[1], cur[1]),
                        ]
                    }
                    _ => return err("min/max of an unordered type"),
                },
            });
        }
        match acc {
            Some(v) => Ok(Val::Regs(v)),
            None => err("min/max without arguments"),
        }
    }

    /// `s[lo:hi]` on a slice, string or array (through a pointer).
    /// `x[lo:hi]` or `x[lo:hi:max]` with Go's bounds checks, in Go's order:
    /// the last index against the capacity (or length), then each index
    /// against the next.
    /// Panics through the runtime function for a signed or an unsigned
    /// index (`names`) unless `0 <= i.v <= bound`.
    fn check_bound(&mut self, i: &Index, bound: Value, names: [RtFn; 2]) {
        let bad = self.b.ins().icmp(IntCC::UnsignedGreaterThan, i.v, bound);
        let name = names[usize::from(i.unsigned)];
        self.panic_if(bad, name, &[i.v, bound]);
    }

    pub fn slice_expr(
        &mut self,
        kind: SliceKind,
        x: &Expr,
        indices: [Option<&Expr>; 3],
        ty: TypeId,
    ) -> R<Val> {
        let base = self.expr(x)?.words(match kind {
            SliceKind::String => 2,
            SliceKind::Slice => 3,
            SliceKind::Array => 1,
        })?;
        let [lo, hi, max] = indices;
        let lo = lo.map(|e| self.index_val(e)).transpose()?;
        let hi = hi.map(|e| self.index_val(e)).transpose()?;
        let max = max.map(|e| self.index_val(e)).transpose()?;
        let (ptr, len, cap, esize) = match kind {
            SliceKind::String => (base[0], base[1], None, 1),
            SliceKind::Slice => {
                let Some(elem) = self.cg.prog.types.slice_elem(ty) else {
                    return err("slice of a non-slice");
                };
                (base[0], base[1], Some(base[2]), self.ty(elem).size)
            }
            SliceKind::Array => {
                let arr = self.cg.prog.types.pointer_elem(x.ty);
                let Some((elem, n)) = arr.and_then(|a| self.cg.prog.types.array_of(a)) else {
                    return err("array slice of a non-array");
                };
                if !matches!(x.kind, gm_ir::ExprKind::Addr(_)) {
                    self.check_nil(base[0]);
                }
                let n = self.b.ins().iconst(PTR, n as i64);
                (base[0], n, None, self.ty(elem).size)
            }
        };
        let limit = cap.unwrap_or(len);
        let three = max.is_some();
        // The bound of the result's capacity: max, else the capacity.
        let cap_v = match &max {
            Some(m) => {
                let name = if cap.is_some() {
                    [RtFn::panic_slice3_acap, RtFn::panic_slice3_acap_u]
                } else {
                    [RtFn::panic_slice3_alen, RtFn::panic_slice3_alen_u]
                };
                self.check_bound(m, limit, name);
                m.v
            }
            None => limit,
        };
        let hi_v = match &hi {
            Some(h) => {
                let name = match (three, cap.is_some()) {
                    (true, _) => [RtFn::panic_slice3_b, RtFn::panic_slice3_b_u],
                    (false, true) => [RtFn::panic_slice_acap, RtFn::panic_slice_acap_u],
                    (false, false) => [RtFn::panic_slice_alen, RtFn::panic_slice_alen_u],
                };
                self.check_bound(h, cap_v, name);
                h.v
            }
            None => len,
        };
        let lo_v = match &lo {
            Some(l) if l.konst != Some(0) => {
                let name = if three {
                    [RtFn::panic_slice3_c, RtFn::panic_slice3_c_u]
                } else {
                    [RtFn::panic_slice_b, RtFn::panic_slice_b_u]
                };
                self.check_bound(l, hi_v, name);
                Some(l.v)
            }
            _ => None,
        };
        let Some(lo_v) = lo_v else {
            return Ok(Val::Regs(match kind {
                SliceKind::String => vec![ptr, hi_v],
                _ => vec![ptr, hi_v, cap_v],
            }));
        };
        let off = self.b.ins().imul_imm_s(lo_v, esize as i64);
        let p = self.b.ins().iadd(ptr, off);
        let n = self.b.ins().isub(hi_v, lo_v);
        Ok(Val::Regs(match kind {
            SliceKind::String => vec![p, n],
            _ => {
                let c = self.b.ins().isub(cap_v, lo_v);
                vec![p, n, c]
            }
        }))
    }

    // ---- strings --------------------------------------------------------------

    pub fn concat(&mut self, parts: &[Expr]) -> R<Val> {
        let vals = parts
            .iter()
            .map(|p| self.expr(p)?.words(2))
            .collect::<R<Vec<_>>>()?;
        self.concat_vals(&vals)
    }

    pub fn concat_vals(&mut self, vals: &[Vec<Value>]) -> R<Val> {
        let arr = self.temp(16 * vals.len() as u64);
        for (i, v) in vals.iter().enumerate() {
            let off = (i * 16) as i32;
            self.b.ins().store(FnCx::flags(), v[0], arr, off);
            self.b.ins().store(FnCx::flags(), v[1], arr, off + 8);
        }
        let out = self.temp(16);
        let n = self.b.ins().iconst(PTR, vals.len() as i64);
        self.call_rt(RtFn::concatstrings, &[arr, n, out])?;
        Ok(self.load_words(out, 2))
    }

    fn load_words(&mut self, a: Value, n: usize) -> Val {
        Val::Regs(
            (0..n)
                .map(|i| self.b.ins().load(PTR, FnCx::flags(), a, (i * 8) as i32))
                .collect(),
        )
    }

    /// A conversion the runtime performs: the operand's two words go in,
    /// then `extra`, and the result comes back through an out-pointer of
    /// `out_words` words.
    pub fn convert_via(
        &mut self,
        x: &Expr,
        func: RtFn,
        extra: &[Value],
        out_words: usize,
    ) -> R<Val> {
        let s = self.expr(x)?.words(2)?;
        let out = self.temp(8 * out_words as u64);
        let mut args = vec![s[0], s[1]];
        args.extend_from_slice(extra);
        args.push(out);
        self.call_rt(func, &args)?;
        Ok(self.load_words(out, out_words))
    }

    /// `[]byte(s)` or `[]rune(s)`, its array sized as `buf` says.
    pub fn str_to_slice(&mut self, x: &Expr, func: RtFn, buf: ConvBuf) -> R<Val> {
        let mode = match buf {
            ConvBuf::Heap => conv_buf::HEAP,
            ConvBuf::Temp => conv_buf::TEMP,
            ConvBuf::Exact => conv_buf::EXACT,
        };
        let mode = self.b.ins().iconst(types::I8, i64::from(mode));
        self.convert_via(x, func, &[mode], 3)
    }

    pub fn rune_to_str(&mut self, x: &Expr) -> R<Val> {
        let signed = self.ty(x.ty).is_signed();
        let v = self.expr1(x)?;
        let v = self.widen(v, signed);
        let out = self.temp(16);
        self.call_rt(RtFn::intstring, &[v, out])?;
        Ok(self.load_words(out, 2))
    }

    // ---- print and panic --------------------------------------------------------

    pub fn print(&mut self, args: &[Expr], newline: bool) -> R<()> {
        let vals = args.iter().map(|a| self.expr(a)).collect::<R<Vec<Val>>>()?;
        self.call_rt(RtFn::printlock, &[])?;
        for (i, (a, v)) in args.iter().zip(&vals).enumerate() {
            if newline && i > 0 {
                self.call_rt(RtFn::printsp, &[])?;
            }
            let info = self.ty(a.ty);
            let vs = v.words(match info.kind {
                Kind::String => 2,
                Kind::Slice { .. } => 3,
                _ => 1,
            })?;
            match &info.kind {
                Kind::Bool => self.call_rt(RtFn::printbool, &[vs[0]])?,
                Kind::Int { signed: true, .. } => {
                    let w = self.widen(vs[0], true);
                    self.call_rt(RtFn::printint, &[w])?
                }
                Kind::Int { signed: false, .. } => {
                    let w = self.widen(vs[0], false);
                    self.call_rt(RtFn::printuint, &[w])?
                }
                Kind::Float { bits } => {
                    let f = if *bits == 32 {
                        self.b.ins().fpromote(types::F64, vs[0])
                    } else {
                        vs[0]
                    };
                    self.call_rt(RtFn::printfloat, &[f])?
                }
                Kind::String => self.call_rt(RtFn::printstring, &vs)?,
                Kind::Pointer { .. } => self.call_rt(RtFn::printpointer, &vs)?,
                Kind::Slice { .. } => self.call_rt(RtFn::printslice, &vs)?,
                _ => return err("print of an unprintable type"),
            };
        }
        if newline {
            self.call_rt(RtFn::printnl, &[])?;
        }
        self.call_rt(RtFn::printunlock, &[])?;
        Ok(())
    }

    /// `panic(v)`, formatted as Go's `printpanicval`.
    pub fn panic_value(&mut self, x: &Expr) -> R<()> {
        let v = self.expr(x)?;
        let info = self.ty(x.ty);
        let types = &self.cg.prog.types;
        let named = types.is_named(x.ty);
        let qualified = types.display_qualified(x.ty);
        let basic = matches!(
            info.kind,
            Kind::String | Kind::Int { .. } | Kind::Float { .. } | Kind::Bool
        );
        let name = if basic && !named {
            String::new()
        } else {
            qualified
        };
        let na = self.cg.data.string(name.as_bytes());
        let np = self.b.ins().iconst(PTR, na as i64);
        let nl = self.b.ins().iconst(PTR, name.len() as i64);
        match (&info.kind, &v) {
            (Kind::String, Val::Regs(vs)) => {
                self.call_rt_noreturn(RtFn::gopanic_string, &[np, nl, vs[0], vs[1]])
            }
            (Kind::Int { signed: true, .. }, Val::Regs(vs)) => {
                let w = self.widen(vs[0], true);
                self.call_rt_noreturn(RtFn::gopanic_int, &[np, nl, w])
            }
            (Kind::Int { signed: false, .. }, Val::Regs(vs)) => {
                let w = self.widen(vs[0], false);
                self.call_rt_noreturn(RtFn::gopanic_uint, &[np, nl, w])
            }
            (Kind::Float { bits }, Val::Regs(vs)) => {
                let f = if *bits == 32 {
                    self.b.ins().fpromote(types::F64, vs[0])
                } else {
                    vs[0]
                };
                self.call_rt_noreturn(RtFn::gopanic_float, &[np, nl, f])
            }
            (Kind::Bool, Val::Regs(vs)) => {
                self.call_rt_noreturn(RtFn::gopanic_bool, &[np, nl, vs[0]])
            }
            (Kind::Pointer { .. }, Val::Regs(vs)) => {
                self.call_rt_noreturn(RtFn::gopanic_other, &[np, nl, vs[0]])
            }
            _ => {
                let cell = self.new_cell(&info);
                self.store(x.ty, &v, cell, 0)?;
                self.call_rt_noreturn(RtFn::gopanic_other, &[np, nl, cell])
            }
        }
    }

    /// `clear(s)` for a slice: zeroes its elements.
    pub fn clear_slice(&mut self, x: &Expr) -> R<()> {
        let Some(elem) = self.cg.prog.types.slice_elem(x.ty) else {
            return self.unlowered("clear of a map");
        };
        let esize = self.ty(elem).size;
        let s = self.expr(x)?.words(2)?;
        let bytes = self.b.ins().imul_imm_s(s[1], esize as i64);
        let z = self.b.ins().iconst(types::I8, 0);
        let cfg = self.cg.module.target_config();
        self.b.call_memset(cfg, s[0], z, bytes);
        Ok(())
    }
}
