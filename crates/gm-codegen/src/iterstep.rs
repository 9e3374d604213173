//! A range loop's `mapiternext(&it)`, with the runtime's commonest step
//! inline: when the iterator's bucket holds another entry and nothing
//! calls for the runtime's care (no grow under way, no filtering, no
//! concurrent write), the generated code finds that entry itself, exactly
//! as `mapiternext`'s fast path (gm-runtime's `next_plain`) would, from
//! the same iterator fields. Every other step calls `mapiternext`. The
//! call stays where walk put it, behind the test.
//!
//! The slot index the walk has reached (`it.i`) is also kept in a
//! variable, written back with every step: read from memory, it would
//! chain every step to the store of the one before (a store-to-load
//! forwarding delay in each), and the steps of a small loop body would
//! run no faster than that chain.

use std::mem::offset_of;

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstBuilder, Value, types};
use cranelift_frontend::Variable;
use gm_runtime::map::{BUCKET_CNT, DATA_OFFSET, HASH_WRITING, NO_CHECK};
use gm_runtime::{Hiter, Hmap, MapType};

use crate::R;
use crate::func::FnCx;
use crate::layout::PTR;
use gm_ir::TypeId;
use gm_ir::runtime::RtFn;

/// A range loop's iterator: its map's descriptor, and the variable that
/// holds `it.i`.
#[derive(Clone, Copy)]
pub struct RangeIter {
    desc: &'static MapType,
    i: Variable,
}

/// `(tops & EMPTY_BITS) + FILL` carries into a byte's top bit exactly
/// when bits 1-6 of the byte are not all clear; OR-ing the byte's own top
/// bit in then marks every tophash above `emptyOne` (gm-runtime's
/// `match_full`).
const EMPTY_BITS: i64 = 0x7e7e_7e7e_7e7e_7e7e;
const FILL: i64 = 0x7f7f_7f7f_7f7f_7f7f;
const TOP_BITS: i64 = 0x8080_8080_8080_8080_u64 as i64;

/// An offset into a runtime struct, for a load or store.
fn at(offset: usize) -> i32 {
    offset as i32
}

impl FnCx<'_, '_> {
    /// After `mapiterinit(t, m, it)` for maps of type `map`: the iterator.
    pub fn map_iter_started(&mut self, it: Value, map: TypeId) -> R<RangeIter> {
        let desc = self.cg.map_descriptor(map)?;
        let i = self.b.declare_var(PTR);
        self.reload_slot_index(i, it);
        Ok(RangeIter { desc, i })
    }

    /// `it.i` into variable `i`, after the runtime has moved the iterator.
    fn reload_slot_index(&mut self, i: Variable, it: Value) {
        let v = self
            .b
            .ins()
            .uload8(PTR, Self::flags(), it, at(offset_of!(Hiter, i)));
        self.b.def_var(i, v);
    }

    /// `mapiternext(it)` for the iterator `iter`.
    pub fn map_iter_next(&mut self, it: Value, iter: RangeIter) -> R<()> {
        let t = iter.desc;
        let fl = Self::flags();
        let slow = self.b.create_block();
        let done = self.b.create_block();
        self.b.set_cold_block(slow);

        // The conditions of the runtime's fast path, one branch each (a
        // finished or empty iterator has no map).
        let h = self.b.ins().load(PTR, fl, it, at(offset_of!(Hiter, h)));
        let none = self.b.ins().icmp_imm_s(IntCC::Equal, h, 0);
        self.unless(none, slow);
        let flags = self.b.ins().uload8(PTR, fl, h, at(offset_of!(Hmap, flags)));
        let writing = self.b.ins().band_imm_s(flags, i64::from(HASH_WRITING));
        self.unless(writing, slow);
        let old = self
            .b
            .ins()
            .load(PTR, fl, h, at(offset_of!(Hmap, oldbuckets)));
        self.unless(old, slow);
        let live = self.b.ins().load(PTR, fl, h, at(offset_of!(Hmap, buckets)));
        let walked = self
            .b
            .ins()
            .load(PTR, fl, it, at(offset_of!(Hiter, buckets)));
        let moved = self.b.ins().icmp(IntCC::NotEqual, live, walked);
        self.unless(moved, slow);
        let check = self
            .b
            .ins()
            .load(PTR, fl, it, at(offset_of!(Hiter, check_bucket)));
        let filtering = self
            .b
            .ins()
            .icmp_imm_s(IntCC::NotEqual, check, NO_CHECK as i64);
        self.unless(filtering, slow);
        let b = self.b.ins().load(PTR, fl, it, at(offset_of!(Hiter, bptr)));
        let between = self.b.ins().icmp_imm_s(IntCC::Equal, b, 0);
        self.unless(between, slow);
        let i = self.b.use_var(iter.i);
        let past = self
            .b
            .ins()
            .icmp_imm_s(IntCC::UnsignedGreaterThanOrEqual, i, BUCKET_CNT as i64);
        self.unless(past, slow);

        // The full slots from slot i on, in the iterator's rotated order:
        // byte j of `cand` stands for slot (j + offset) % 8.
        let tops = self.b.ins().load(types::I64, fl, b, 0);
        let low = self.b.ins().band_imm_s(tops, EMPTY_BITS);
        let carried = self.b.ins().iadd_imm_s(low, FILL);
        let full = self.b.ins().bor(carried, tops);
        let full = self.b.ins().band_imm_s(full, TOP_BITS);
        let offset = self
            .b
            .ins()
            .uload8(PTR, fl, it, at(offset_of!(Hiter, offset)));
        let turn = self.b.ins().ishl_imm_s(offset, 3);
        let rotated = self.b.ins().rotr(full, turn);
        let skip = self.b.ins().ishl_imm_s(i, 3);
        let ones = self.b.ins().iconst(types::I64, -1);
        let from_i = self.b.ins().ishl(ones, skip);
        let cand = self.b.ins().band(rotated, from_i);
        let exhausted = self.b.ins().icmp_imm_s(IntCC::Equal, cand, 0);
        self.unless(exhausted, slow);
        let bit = self.b.ins().ctz(cand);
        let j = self.b.ins().ushr_imm_s(bit, 3);
        let slot = self.b.ins().iadd(j, offset);
        let slot = self.b.ins().band_imm_s(slot, BUCKET_CNT as i64 - 1);
        let key = self.slot_addr(b, slot, DATA_OFFSET, t.key_slot_size(), t.indirect_key());
        let elem = self.slot_addr(
            b,
            slot,
            t.elems_offset(),
            t.elem_slot_size(),
            t.indirect_elem(),
        );
        self.b.ins().store(fl, key, it, at(offset_of!(Hiter, key)));
        self.b
            .ins()
            .store(fl, elem, it, at(offset_of!(Hiter, elem)));
        let next = self.b.ins().iadd_imm_s(j, 1);
        self.b.ins().istore8(fl, next, it, at(offset_of!(Hiter, i)));
        self.b.def_var(iter.i, next);
        self.b.ins().jump(done, &[]);

        self.b.switch_to_block(slow);
        self.call_rt(RtFn::mapiternext, &[it])?;
        self.reload_slot_index(iter.i, it);
        self.b.ins().jump(done, &[]);

        self.b.switch_to_block(done);
        Ok(())
    }

    /// Goes on in a new block unless `cond` holds: then to `other`.
    fn unless(&mut self, cond: Value, other: ir::Block) {
        let next = self.b.create_block();
        self.b.ins().brif(cond, other, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// The key or elem of slot `slot` of bucket `b`: slot 0 at `first`,
    /// `size` bytes apart, through the pointer stored there when indirect.
    fn slot_addr(
        &mut self,
        b: Value,
        slot: Value,
        first: usize,
        size: usize,
        indirect: bool,
    ) -> Value {
        let off = self.b.ins().imul_imm_s(slot, size as i64);
        let p = self.b.ins().iadd(b, off);
        let p = self.b.ins().iadd_imm_s(p, first as i64);
        if indirect {
            self.b.ins().load(PTR, Self::flags(), p, 0)
        } else {
            p
        }
    }
}
