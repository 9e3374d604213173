//! Translation of one function: the [`FnCx`] that holds the Cranelift
//! builder, where each local lives, and the helpers every construct uses
//! (loads and stores by type, copies, runtime calls, panic checks).
//!
//! Locals:
//! - a user variable (`Var`/`Param`/`Result`) whose address is taken lives
//!   in a heap cell from `newobject`, made afresh each time its `Decl`
//!   runs (Go 1.22 loop variables); a Cranelift variable holds the cell;
//! - other locals of register types are Cranelift variables, one per leaf;
//! - other locals of memory types, and address-taken compiler temporaries,
//!   live in stack slots up to [`MAX_STACK_LOCAL`] bytes (there is no
//!   collector to reclaim heap copies; the program's thread has a 1 GB
//!   stack and large frames are probed); larger ones get heap cells, as
//!   Go moves such variables to the heap;
//! - a parameter of a memory type is passed by address to a copy the caller
//!   made, and used in place.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use gm_ir::runtime::RtFn;
use std::rc::Rc;

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    self, BlockArg, FuncRef, InstBuilder, MemFlagsData, StackSlot, StackSlotData, StackSlotKind,
    Value, types,
};
use cranelift_frontend::{FunctionBuilder, Variable};
use cranelift_module::Module;
use gm_ir::{AllocPlace, Func, LocalId, LocalKind, LoopId, Stmt, StmtKind, TypeId};

use crate::layout::{Kind, PTR, TyInfo};
use crate::module::Codegen;
use crate::{R, err};

/// Copies up to this many bytes are done with inline loads and stores.
const INLINE_COPY: u64 = 256;

/// Locals larger than this live on the heap: a frame holding them would
/// crowd the 1 GB stack (and Cranelift refuses frames of 1 GB or more).
const MAX_STACK_LOCAL: u64 = 256 << 20;

/// A value during translation.
#[derive(Clone, Debug)]
pub(crate) enum Val {
    /// The leaves of a register type.
    Regs(Vec<Value>),
    /// The address of a memory type's bytes (not a copy: consumers that
    /// keep the value copy it).
    Addr(Value),
}

impl Val {
    pub fn regs(&self) -> R<&[Value]> {
        match self {
            Val::Regs(v) => Ok(v),
            Val::Addr(_) => err("a register value was expected"),
        }
    }

    /// The leaves, of which there must be at least `n`.
    pub fn words(&self, n: usize) -> R<Vec<Value>> {
        match self {
            Val::Regs(v) if v.len() >= n => Ok(v.clone()),
            _ => err("value shape does not match its type"),
        }
    }

    pub fn one(&self) -> R<Value> {
        match self {
            Val::Regs(v) if v.len() == 1 => Ok(v[0]),
            _ => err("a single machine value was expected"),
        }
    }
}

/// Where a local lives.
#[derive(Clone, Debug)]
pub(crate) enum Storage {
    Vars(Rc<[Variable]>),
    Slot(StackSlot),
    /// A variable holding the address of the local's heap cell.
    Heap(Variable),
    /// The address of a memory-type parameter's copy.
    Param(Value),
    Unused,
}

/// A deferred check of an assignment's left side, done after the right side
/// is evaluated (Go's second assignment phase).
#[derive(Clone, Debug)]
pub(crate) enum Check {
    Nil(Value),
    /// `idx` (an i64) against `len`; `unsigned` selects the panic wording.
    Index {
        idx: Value,
        len: Value,
        unsigned: bool,
    },
}

/// An assignable location, its operands evaluated.
#[derive(Clone, Debug)]
pub(crate) enum Loc {
    Blank,
    Vars(Vec<Variable>),
    Mem(Value, i32),
}

#[derive(Clone, Debug)]
pub(crate) struct Place {
    pub loc: Loc,
    pub checks: Vec<Check>,
    pub ty: TypeId,
}

pub(crate) struct LoopTargets {
    pub brk: ir::Block,
    pub cont: Option<ir::Block>,
}

pub(crate) struct FnCx<'a, 'p> {
    pub cg: &'a mut Codegen<'p>,
    pub b: FunctionBuilder<'a>,
    pub f: &'a Func,
    pub locals: Vec<Storage>,
    pub loops: HashMap<LoopId, LoopTargets>,
    /// Out-pointers for results of memory types, by result index.
    pub sret: Vec<Option<Value>>,
    refs: HashMap<cranelift_module::FuncId, FuncRef>,
    /// Shared cold blocks that raise a panic, by runtime function.
    panic_blocks: HashMap<RtFn, ir::Block>,
    /// An error found by a helper that cannot return one; reported when the
    /// function is finished.
    pub failed: Option<String>,
    /// The statement being translated, and the runtime call expression
    /// whose call comes next (source positions for `gm explore`).
    pub span: gm_diag::Span,
    pub rt_span: Option<gm_diag::Span>,
    /// Each range loop's iterator, by its local.
    pub iterators: HashMap<gm_ir::LocalId, crate::iterstep::RangeIter>,
}

impl<'a, 'p> FnCx<'a, 'p> {
    pub fn new(cg: &'a mut Codegen<'p>, b: FunctionBuilder<'a>, f: &'a Func) -> Self {
        FnCx {
            cg,
            b,
            f,
            locals: Vec::new(),
            loops: HashMap::new(),
            sret: Vec::new(),
            refs: HashMap::new(),
            panic_blocks: HashMap::new(),
            failed: None,
            span: gm_diag::Span::DUMMY,
            rt_span: None,
            iterators: HashMap::new(),
        }
    }

    pub fn ty(&mut self, t: TypeId) -> Rc<TyInfo> {
        self.cg.layouts.get(t)
    }

    // ---- function body --------------------------------------------------

    /// Translates the whole function (entry, locals, body, final return).
    pub fn translate(&mut self, gm_sig_results: &[TypeId]) -> R<()> {
        gm_diag::ice::enter(&self.f.name, self.f.span);
        let entry = self.b.create_block();
        self.b.append_block_params_for_function_params(entry);
        self.b.switch_to_block(entry);
        let params: Vec<Value> = self.b.block_params(entry).to_vec();
        self.stack_check();
        let mut next = 0;
        for &t in gm_sig_results {
            if self.ty(t).is_regs() {
                self.sret.push(None);
            } else {
                self.sret.push(Some(params[next]));
                next += 1;
            }
        }
        let declared = declared_locals(&self.f.body);
        self.locals = vec![Storage::Unused; self.f.locals.len()];
        let f = self.f;
        for &p in &f.params {
            let info = self.ty(f.locals[p].ty);
            let val = if info.is_regs() {
                let n = info.leaves().len();
                let v = Val::Regs(params[next..next + n].to_vec());
                next += n;
                v
            } else {
                next += 1;
                Val::Addr(params[next - 1])
            };
            let local = &f.locals[p];
            if local.addr_taken {
                let cell = self.new_cell(&info);
                let var = self.b.declare_var(PTR);
                self.b.def_var(var, cell);
                self.store(local.ty, &val, cell, 0)?;
                self.locals[p.index()] = Storage::Heap(var);
            } else {
                match val {
                    Val::Regs(vs) => {
                        let vars = self.declare_vars(&info);
                        for (&v, &x) in vars.iter().zip(&vs) {
                            self.b.def_var(v, x);
                        }
                        self.locals[p.index()] = Storage::Vars(vars);
                    }
                    Val::Addr(a) => self.locals[p.index()] = Storage::Param(a),
                }
            }
        }
        for (id, local) in f.locals.iter() {
            if f.params.contains(&id) {
                continue;
            }
            let info = self.ty(local.ty);
            let heap_var =
                (local.addr_taken && local.kind != LocalKind::Temp) || info.size > MAX_STACK_LOCAL;
            let storage = if heap_var {
                Storage::Heap(self.b.declare_var(PTR))
            } else if info.is_regs() && !local.addr_taken {
                Storage::Vars(self.declare_vars(&info))
            } else {
                let slot = self.slot(info.size);
                Storage::Slot(slot)
            };
            self.locals[id.index()] = storage;
            // Results and locals no `Decl` mentions start at zero here.
            if local.kind == LocalKind::Result || !declared.contains(&id) {
                self.decl(id)?;
            }
        }
        let body = &f.body;
        self.stmts(body)?;
        // Falling off the end: a function without results (or dead code).
        let results: Vec<gm_ir::Expr> = f
            .results
            .iter()
            .map(|&r| gm_ir::Expr::local(r, f.locals[r].ty, f.span))
            .collect();
        if results.len() == gm_sig_results.len() && !results.is_empty() {
            self.ret(&results)?;
        } else if gm_sig_results.is_empty() {
            self.b.ins().return_(&[]);
        } else {
            self.b.ins().trap(ir::TrapCode::unwrap_user(1));
        }
        self.b.seal_all_blocks();
        match self.failed.take() {
            Some(e) => err(e),
            None => Ok(()),
        }
    }

    /// Go's stack bound check: a fatal `stack overflow` instead of a crash
    /// when deep recursion exhausts the program's stack.
    fn stack_check(&mut self) {
        let at = crate::stack::limit_address();
        let sp = self.b.ins().get_stack_pointer(PTR);
        let la = self.b.ins().iconst(PTR, at as i64);
        let flags = MemFlagsData::trusted().with_readonly();
        let limit = self.b.ins().load(PTR, flags, la, 0);
        let over = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        self.panic_if(over, RtFn::stack_overflow, &[]);
    }

    pub fn declare_vars(&mut self, info: &TyInfo) -> Rc<[Variable]> {
        info.leaves()
            .iter()
            .map(|l| self.b.declare_var(l.ty))
            .collect()
    }

    /// A local's declaration: it starts at its zero value (a fresh heap cell
    /// for an address-taken variable).
    pub fn decl(&mut self, id: LocalId) -> R<()> {
        let ty = self.f.locals[id].ty;
        let info = self.ty(ty);
        match self.locals[id.index()].clone() {
            Storage::Vars(vars) => {
                for (v, l) in vars.iter().zip(info.leaves()) {
                    let z = self.zero_leaf(l.ty);
                    self.b.def_var(*v, z);
                }
            }
            Storage::Slot(slot) => {
                let a = self.b.ins().stack_addr(PTR, slot, 0);
                self.zero_mem(a, info.size);
            }
            Storage::Heap(var) => {
                let cell = self.new_cell(&info);
                self.b.def_var(var, cell);
            }
            Storage::Param(_) | Storage::Unused => {}
        }
        Ok(())
    }

    /// Gives a heap-allocated local a new cell holding its current value
    /// (the per-iteration copy of a Go 1.22 loop variable).
    pub fn renew(&mut self, id: LocalId) -> R<()> {
        if let Storage::Heap(var) = self.locals[id.index()].clone() {
            let ty = self.f.locals[id].ty;
            let info = self.ty(ty);
            let old = self.b.use_var(var);
            let cell = self.new_cell(&info);
            self.copy_mem(cell, old, info.size, info.align);
            self.b.def_var(var, cell);
        }
        Ok(())
    }

    pub fn new_cell(&mut self, info: &TyInfo) -> Value {
        self.zeroed(info.size, info.has_pointers, AllocPlace::Heap)
    }

    /// The address of `bytes` zeroed bytes where escape analysis placed
    /// them: from `newobject`, or in the frame, zeroed at each evaluation
    /// (what an earlier loop iteration left there is no longer reachable).
    pub fn zeroed(&mut self, bytes: u64, has_pointers: bool, place: AllocPlace) -> Value {
        match place {
            AllocPlace::Heap => {
                let size = self.b.ins().iconst(PTR, bytes as i64);
                let scan = self.b.ins().iconst(types::I8, i64::from(has_pointers));
                self.call_rt_known(RtFn::newobject, &[size, scan])[0]
            }
            AllocPlace::Frame => {
                let p = self.temp(bytes);
                self.zero_mem(p, bytes);
                p
            }
        }
    }

    pub fn slot(&mut self, size: u64) -> StackSlot {
        let size = match u32::try_from(size.max(1)) {
            Ok(s) => s,
            Err(_) => {
                self.failed = Some(format!(
                    "a value of {size} bytes does not fit in a stack frame"
                ));
                1
            }
        };
        self.b
            .create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size, 3))
    }

    /// The address of a fresh temporary of `size` bytes (not zeroed).
    pub fn temp(&mut self, size: u64) -> Value {
        let slot = self.slot(size);
        self.b.ins().stack_addr(PTR, slot, 0)
    }

    /// `v` as a value later stores cannot change: a memory value of type
    /// `ty` is copied to a fresh temporary; register values already are.
    pub fn copied(&mut self, v: Val, ty: TypeId) -> Val {
        match v {
            Val::Addr(a) => {
                let info = self.ty(ty);
                let t = self.temp(info.size);
                self.copy_mem(t, a, info.size, info.align);
                Val::Addr(t)
            }
            v => v,
        }
    }

    /// The address of a local that lives in memory.
    pub fn local_addr(&mut self, id: LocalId) -> R<Option<Value>> {
        Ok(match self.locals[id.index()].clone() {
            Storage::Slot(slot) => Some(self.b.ins().stack_addr(PTR, slot, 0)),
            Storage::Heap(var) => Some(self.b.use_var(var)),
            Storage::Param(a) => Some(a),
            Storage::Vars(_) => None,
            Storage::Unused => return err("use of an unknown local"),
        })
    }

    // ---- memory -----------------------------------------------------------

    pub fn flags() -> MemFlagsData {
        MemFlagsData::trusted()
    }

    pub fn zero_leaf(&mut self, ty: ir::Type) -> Value {
        match ty {
            types::F32 => self.b.ins().f32const(0.0),
            types::F64 => self.b.ins().f64const(0.0),
            t => self.b.ins().iconst(t, 0),
        }
    }

    /// The zero value of a type (a zeroed temporary for memory types).
    pub fn zero_val(&mut self, t: TypeId) -> Val {
        let info = self.ty(t);
        match &info.regs {
            Some(leaves) => Val::Regs(leaves.iter().map(|l| self.zero_leaf(l.ty)).collect()),
            None => {
                let a = self.temp(info.size);
                self.zero_mem(a, info.size);
                Val::Addr(a)
            }
        }
    }

    pub fn load(&mut self, t: TypeId, addr: Value, off: i32) -> Val {
        let info = self.ty(t);
        match &info.regs {
            Some(leaves) => Val::Regs(
                leaves
                    .iter()
                    .map(|l| {
                        self.b
                            .ins()
                            .load(l.ty, Self::flags(), addr, off + l.off as i32)
                    })
                    .collect(),
            ),
            None => Val::Addr(self.offset(addr, off)),
        }
    }

    pub fn store(&mut self, t: TypeId, v: &Val, addr: Value, off: i32) -> R<()> {
        let info = self.ty(t);
        match (v, &info.regs) {
            (Val::Regs(vs), Some(leaves)) => {
                if vs.len() != leaves.len() {
                    return err("value shape does not match its type");
                }
                for (x, l) in vs.iter().zip(leaves) {
                    self.b
                        .ins()
                        .store(Self::flags(), *x, addr, off + l.off as i32);
                }
            }
            (Val::Addr(src), None) => {
                let dst = self.offset(addr, off);
                self.copy_mem(dst, *src, info.size, info.align);
            }
            _ => return err("value shape does not match its type"),
        }
        Ok(())
    }

    pub fn offset(&mut self, addr: Value, off: i32) -> Value {
        if off == 0 {
            addr
        } else {
            self.b.ins().iadd_imm_s(addr, i64::from(off))
        }
    }

    /// Copies `size` bytes (regions may be the same, never partly overlap).
    pub fn copy_mem(&mut self, dst: Value, src: Value, size: u64, align: u64) {
        if size == 0 {
            return;
        }
        if size <= INLINE_COPY {
            // Chunk by chunk: each is read before it is written, which is
            // right for identical regions too.
            let vflags = MemFlagsData::new().with_notrap();
            let vecs = size / 16;
            for i in 0..vecs {
                let off = (i * 16) as i32;
                let v = self.b.ins().load(types::I8X16, vflags, src, off);
                self.b.ins().store(vflags, v, dst, off);
            }
            let done = vecs * 16;
            for (o, w) in chunks(size - done, align) {
                let off = (done + o) as i32;
                let v = self.b.ins().load(word(w), Self::flags(), src, off);
                self.b.ins().store(Self::flags(), v, dst, off);
            }
            return;
        }
        let n = self.b.ins().iconst(PTR, size as i64);
        let cfg = self.cg.module.target_config();
        self.b.call_memmove(cfg, dst, src, n);
    }

    pub fn zero_mem(&mut self, dst: Value, size: u64) {
        if size == 0 {
            return;
        }
        if size <= INLINE_COPY {
            let zero = self.b.ins().iconst(types::I64, 0);
            let vecs = size / 16;
            if vecs > 0 {
                let vflags = MemFlagsData::new().with_notrap();
                let z = self.b.ins().splat(types::I64X2, zero);
                for i in 0..vecs {
                    self.b.ins().store(vflags, z, dst, (i * 16) as i32);
                }
            }
            let done = vecs * 16;
            for (o, w) in chunks(size - done, 8) {
                let z = if w == 8 {
                    zero
                } else {
                    self.b.ins().iconst(word(w), 0)
                };
                self.b.ins().store(Self::flags(), z, dst, (done + o) as i32);
            }
            return;
        }
        let n = self.b.ins().iconst(PTR, size as i64);
        let z = self.b.ins().iconst(types::I8, 0);
        let cfg = self.cg.module.target_config();
        self.b.call_memset(cfg, dst, z, n);
    }

    // ---- places -----------------------------------------------------------

    /// Emits a place's deferred checks.
    pub fn finish(&mut self, p: &Place) {
        for c in &p.checks {
            match *c {
                Check::Nil(v) => self.check_nil(v),
                Check::Index { idx, len, unsigned } => self.check_index(idx, len, unsigned),
            }
        }
    }

    pub fn place_load(&mut self, p: &Place) -> R<Val> {
        Ok(match &p.loc {
            Loc::Blank => return err("read of _"),
            Loc::Vars(vars) => Val::Regs(vars.iter().map(|&v| self.b.use_var(v)).collect()),
            Loc::Mem(a, off) => self.load(p.ty, *a, *off),
        })
    }

    pub fn place_store(&mut self, p: &Place, v: &Val) -> R<()> {
        match &p.loc {
            Loc::Blank => Ok(()),
            Loc::Vars(vars) => {
                let vs = v.regs()?;
                let info = self.ty(p.ty);
                if vs.len() != vars.len() || info.leaves().len() != vars.len() {
                    return err("value shape does not match its variable");
                }
                for ((&var, &x), l) in vars.iter().zip(vs).zip(info.leaves()) {
                    let x = self.fit(x, l.ty)?;
                    self.b.def_var(var, x);
                }
                Ok(())
            }
            Loc::Mem(a, off) => self.store(p.ty, v, *a, *off),
        }
    }

    // ---- calls ------------------------------------------------------------

    fn runtime_func(&mut self, f: RtFn) -> R<FuncRef> {
        let id = self.cg.import(f)?;
        Ok(self.func_ref(id))
    }

    pub fn func_ref(&mut self, id: cranelift_module::FuncId) -> FuncRef {
        if let Some(&r) = self.refs.get(&id) {
            return r;
        }
        let r = self.cg.module.declare_func_in_func(id, self.b.func);
        self.refs.insert(id, r);
        r
    }

    /// Calls `runtime.<name>`, adapting integer widths of the arguments to
    /// its signature.
    pub fn call_rt(&mut self, f: RtFn, args: &[Value]) -> R<Vec<Value>> {
        let fr = self.runtime_func(f)?;
        let want = self.param_types(fr);
        if want.len() != args.len() {
            return err(format!(
                "{} takes {} arguments, got {}",
                f.symbol(),
                want.len(),
                args.len()
            ));
        }
        let args: Vec<Value> = args
            .iter()
            .zip(&want)
            .map(|(&a, &t)| self.coerce(a, t))
            .collect();
        let call = self.b.ins().call(fr, &args);
        if self.cg.trace {
            // The call's source, as a debug tag: it survives inlining and
            // shows in both the CLIF and the disassembly.
            let span = self.rt_span.take().unwrap_or(self.span);
            let site = self.cg.sites.len() as u32;
            self.cg.sites.push((f.name().to_string(), span));
            self.b.func.debug_tags.set(call, [ir::DebugTag::User(site)]);
        }
        Ok(self.b.inst_results(call).to_vec())
    }

    /// [`call_rt`](Self::call_rt) for entry points that always exist.
    pub fn call_rt_known(&mut self, f: RtFn, args: &[Value]) -> Vec<Value> {
        match self.call_rt(f, args) {
            Ok(v) => v,
            Err(e) => {
                self.failed = Some(e.message);
                self.b.ins().trap(ir::TrapCode::unwrap_user(2));
                let dead = self.b.create_block();
                self.b.switch_to_block(dead);
                vec![self.b.ins().iconst(PTR, 0)]
            }
        }
    }

    /// `v` as a value of machine type `ty`: integers are resized; anything
    /// else must already match (a mismatch is an internal error, never a
    /// Cranelift panic).
    pub fn fit(&mut self, v: Value, ty: ir::Type) -> R<Value> {
        let from = self.b.func.dfg.value_type(v);
        if from == ty {
            Ok(v)
        } else if from.is_int() && ty.is_int() {
            Ok(self.coerce(v, ty))
        } else {
            err(format!("a {from} value where {ty} is expected"))
        }
    }

    /// The parameter types of a callee.
    pub fn param_types(&self, fr: FuncRef) -> Vec<ir::Type> {
        let sig = self.b.func.dfg.ext_funcs[fr].signature;
        self.b.func.dfg.signatures[sig]
            .params
            .iter()
            .map(|p| p.value_type)
            .collect()
    }

    /// Converts an integer value to another integer width (zero-extending).
    pub fn coerce(&mut self, v: Value, to: ir::Type) -> Value {
        let from = self.b.func.dfg.value_type(v);
        if from == to || !from.is_int() || !to.is_int() {
            return v;
        }
        if from.bits() > to.bits() {
            self.b.ins().ireduce(to, v)
        } else {
            self.b.ins().uextend(to, v)
        }
    }

    /// Calls a runtime function that never returns, and continues in a
    /// fresh (unreachable) block.
    pub fn call_rt_noreturn(&mut self, f: RtFn, args: &[Value]) -> R<()> {
        self.call_rt(f, args)?;
        self.b.ins().trap(ir::TrapCode::unwrap_user(3));
        self.fresh_block();
        Ok(())
    }

    /// Starts a new block after a terminator, for code that follows it.
    pub fn fresh_block(&mut self) {
        let b = self.b.create_block();
        self.b.switch_to_block(b);
    }

    // ---- panics -------------------------------------------------------------

    /// Branches to a panic when `cond` (an i8) is true. The panic is a cold
    /// block shared by the whole function that calls the never-returning
    /// runtime function `name` with the i64 block parameters `args`.
    pub fn panic_if(&mut self, cond: Value, name: RtFn, args: &[Value]) {
        let (blk, fill) = match self.panic_blocks.get(&name) {
            Some(&b) => (b, false),
            None => {
                let blk = self.b.create_block();
                self.b.set_cold_block(blk);
                for _ in 0..args.len() {
                    self.b.append_block_param(blk, PTR);
                }
                self.panic_blocks.insert(name, blk);
                (blk, true)
            }
        };
        let cont = self.b.create_block();
        let bargs: Vec<BlockArg> = args.iter().map(|&a| BlockArg::Value(a)).collect();
        self.b.ins().brif(cond, blk, &bargs, cont, &[]);
        if fill {
            self.b.switch_to_block(blk);
            let params = self.b.block_params(blk).to_vec();
            // The names used here always exist in the runtime.
            let _ = self.call_rt(name, &params);
            self.b.ins().trap(ir::TrapCode::unwrap_user(3));
        }
        self.b.switch_to_block(cont);
    }

    pub fn check_nil(&mut self, p: Value) {
        let c = self.b.ins().icmp_imm_s(IntCC::Equal, p, 0);
        self.panic_if(c, RtFn::panic_mem, &[]);
    }

    /// `0 <= idx < len` for i64 `idx` and `len`.
    pub fn check_index(&mut self, idx: Value, len: Value, unsigned: bool) {
        let c = self
            .b
            .ins()
            .icmp(IntCC::UnsignedGreaterThanOrEqual, idx, len);
        let name = if unsigned {
            RtFn::panic_index_u
        } else {
            RtFn::panic_index
        };
        self.panic_if(c, name, &[idx, len]);
    }

    /// Whether a type is a register type with leaves (for quick checks).
    pub fn kind(&mut self, t: TypeId) -> Kind {
        self.ty(t).kind.clone()
    }
}

/// Splits `size` bytes into naturally aligned accesses of at most 8 bytes
/// and at most `align` bytes: `(offset, width)` pairs.
pub(crate) fn chunks(size: u64, align: u64) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    let mut off = 0u64;
    while off < size {
        let rest = size - off;
        let w = [8u64, 4, 2, 1]
            .into_iter()
            .find(|&w| w <= rest && w <= align.max(1) && off.is_multiple_of(w))
            .unwrap_or(1);
        out.push((off, w));
        off += w;
    }
    out
}

/// The integer type of `w` bytes.
pub(crate) fn word(w: u64) -> ir::Type {
    ir::Type::int((w * 8) as u16).unwrap_or(types::I8)
}

/// Locals that some statement declares (`Decl`, or a range with `:=`).
fn declared_locals(body: &[Stmt]) -> HashSet<LocalId> {
    fn visit(s: &Stmt, out: &mut HashSet<LocalId>) {
        match &s.kind {
            StmtKind::Decl(id) => {
                out.insert(*id);
            }
            StmtKind::Range {
                key,
                value,
                define: true,
                ..
            } => {
                for e in [key, value].into_iter().flatten() {
                    if let gm_ir::ExprKind::Name(gm_ir::Var::Local(id)) = e.kind {
                        out.insert(id);
                    }
                }
            }
            _ => {}
        }
        s.nested().into_iter().for_each(|s| visit(s, out));
    }
    let mut out = HashSet::new();
    body.iter().for_each(|s| visit(s, &mut out));
    out
}
