//! The Cranelift module and what generated code refers to by address:
//! flags and ISA, runtime symbol registration, function declarations and
//! imports, and static data (string constants, package variables, map type
//! descriptors, the `_fat` zero block). Translation ([`crate::func`]) and
//! the compile driver ([`crate::jit`]) build on it; it knows neither.

use foldhash::{HashMap, HashMapExt};

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{AbiParam, Signature};
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};
use gm_ir::runtime::RtFn;
use gm_ir::{Func, Program, TypeId};
use gm_runtime::MapType;

use crate::layout::{Layouts, PTR};
use crate::{CodegenError, R, maps, symbols};

pub struct Codegen<'p> {
    pub prog: &'p Program,
    pub module: JITModule,
    /// The ISA for code that runs at most once; the module's optimizes.
    pub once_isa: OwnedTargetIsa,
    pub layouts: Layouts<'p>,
    pub call_conv: CallConv,
    /// Cranelift ids of the program's functions, by gm function index.
    pub funcs: Vec<cranelift_module::FuncId>,
    pub imports: HashMap<RtFn, cranelift_module::FuncId>,
    pub data: Data,
    /// Record source positions (srclocs, and a debug tag on each runtime
    /// call) and keep the dump's lines with them.
    pub trace: bool,
    /// Runtime call sites, by debug tag: the function called and the span
    /// of the call.
    pub sites: Vec<(String, gm_diag::Span)>,
    pub lines: Vec<CodeLine>,
    /// Call the map recorder around map operations (`gm trace`).
    pub map_trace: bool,
    /// Map creation sites, numbered as the recorder sees them.
    pub map_sites: Vec<(gm_diag::Span, TypeId)>,
}

/// A line of the CLIF or disassembly dump and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeLine {
    pub text: String,
    /// The source byte offset of the instruction (its CLIF srcloc, or the
    /// srcloc range of the machine code it lies in).
    pub loc: Option<u32>,
    /// The runtime call the line makes: its name and the span of the call.
    pub call: Option<(String, gm_diag::Span)>,
}

/// Static memory the generated code addresses directly. Allocated from
/// gm-runtime's allocator as never-collected blocks: it lives as long as
/// the code.
#[derive(Default)]
pub struct Data {
    strings: HashMap<Vec<u8>, u64>,
    pub globals: Vec<u64>,
    pub map_types: HashMap<TypeId, &'static MapType>,
    pub map_zero: Option<u64>,
}

impl Data {
    /// The address of a constant string's bytes (0 for the empty string).
    pub fn string(&mut self, s: &[u8]) -> u64 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&a) = self.strings.get(s) {
            return a;
        }
        let p = gm_runtime::alloc::alloc_static(s.len(), false);
        // SAFETY: `p` is a fresh block of `s.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(s.as_ptr(), p, s.len()) };
        self.strings.insert(s.to_vec(), p as u64);
        p as u64
    }
}

/// The ISAs code is compiled for, with the same target and ABI flags:
/// one that optimizes, and one that compiles fast, for code that runs at
/// most once ([`crate::once`]).
fn isas() -> R<(OwnedTargetIsa, OwnedTargetIsa)> {
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v)
            .map_err(|e| CodegenError::internal(format!("cranelift setting {k}: {e}")))
    };
    let mut flags = settings::builder();
    set(&mut flags, "use_colocated_libcalls", "false")?;
    set(&mut flags, "is_pic", "false")?;
    set(
        &mut flags,
        "enable_verifier",
        if cfg!(debug_assertions) {
            "true"
        } else {
            "false"
        },
    )?;
    set(&mut flags, "enable_multi_ret_implicit_sret", "true")?;
    set(&mut flags, "enable_probestack", "true")?;
    set(&mut flags, "probestack_strategy", "inline")?;
    let mut fast = flags.clone();
    set(&mut flags, "opt_level", "speed")?;
    set(&mut fast, "opt_level", "none")?;
    set(&mut fast, "regalloc_algorithm", "single_pass")?;
    let finish = |flags| {
        crate::host::isa_builder()
            .map_err(|e| CodegenError::host(format!("unsupported host: {e}")))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| CodegenError::internal(format!("cranelift: {e}")))
    };
    Ok((finish(flags)?, finish(fast)?))
}

/// Result types of a gm function, in order.
pub fn result_types(f: &Func) -> &[TypeId] {
    &f.result_types
}

impl<'p> Codegen<'p> {
    pub fn new(prog: &'p Program) -> R<Self> {
        let (isa, once_isa) = isas()?;
        let call_conv = isa.default_call_conv();
        let mut jb = JITBuilder::with_isa(isa, default_libcall_names());
        symbols::register(&mut jb);
        let module = JITModule::new(jb);
        let mut cg = Codegen {
            prog,
            module,
            once_isa,
            layouts: Layouts::new(&prog.types),
            call_conv,
            funcs: Vec::new(),
            imports: HashMap::new(),
            data: Data::default(),
            trace: false,
            sites: Vec::new(),
            lines: Vec::new(),
            map_trace: false,
            map_sites: Vec::new(),
        };
        // Package variables: zeroed static storage.
        for (_, g) in prog.globals.iter() {
            let info = cg.layouts.get(g.ty);
            // Never collected, and scanned: package variables are roots.
            let p = gm_runtime::alloc::alloc_static(info.size as usize, info.has_pointers);
            cg.data.globals.push(p as u64);
        }
        Ok(cg)
    }

    /// The Cranelift signature of a gm function: out-pointers for results
    /// of memory types, then the parameters (leaves of register types,
    /// addresses of memory types); results of register types are returned.
    pub fn signature(&mut self, f: &Func) -> Signature {
        let mut sig = Signature::new(self.call_conv);
        let mut rets = Vec::new();
        for &t in result_types(f) {
            let info = self.layouts.get(t);
            match &info.regs {
                Some(leaves) => rets.extend(leaves.iter().map(|l| AbiParam::new(l.ty))),
                None => sig.params.push(AbiParam::new(PTR)),
            }
        }
        for &p in &f.params {
            let info = self.layouts.get(f.locals[p].ty);
            match &info.regs {
                Some(leaves) => sig
                    .params
                    .extend(leaves.iter().map(|l| AbiParam::new(l.ty))),
                None => sig.params.push(AbiParam::new(PTR)),
            }
        }
        sig.returns = rets;
        sig
    }

    /// Declares every gm function, in order, before any is defined.
    pub fn declare_functions(&mut self) -> R<()> {
        let prog = self.prog;
        for (id, f) in prog.funcs.iter() {
            let sig = self.signature(f);
            let name = format!("gm.{}.{}", id.index(), f.name);
            let fid = self
                .module
                .declare_function(&name, Linkage::Local, &sig)
                .map_err(|e| CodegenError::internal(format!("declaring {}: {e}", f.name)))?;
            self.funcs.push(fid);
        }
        Ok(())
    }

    /// The module's import of a runtime entry point, declared on first use.
    pub fn import(&mut self, f: RtFn) -> R<cranelift_module::FuncId> {
        if let Some(&id) = self.imports.get(&f) {
            return Ok(id);
        }
        let sig = symbols::signature(f, self.call_conv);
        let id = self
            .module
            .declare_function(f.symbol(), Linkage::Import, &sig)
            .map_err(|e| CodegenError::internal(format!("declaring {}: {e}", f.symbol())))?;
        self.imports.insert(f, id);
        Ok(id)
    }

    /// The address of the descriptor of a map type.
    pub fn map_type(&mut self, t: TypeId) -> R<u64> {
        Ok(self.map_descriptor(t)? as *const MapType as u64)
    }

    /// The descriptor of a map type, made on first use.
    pub fn map_descriptor(&mut self, t: TypeId) -> R<&'static MapType> {
        let c = self.prog.types.canonical(t);
        if let Some(&d) = self.data.map_types.get(&c) {
            return Ok(d);
        }
        let d = maps::descriptor(&self.prog.types, &self.layouts, c)?;
        self.data.map_types.insert(c, d);
        Ok(d)
    }

    /// The zero block for `mapaccess*_fat`: as large as the largest map elem.
    pub fn map_zero(&mut self) -> u64 {
        if let Some(a) = self.data.map_zero {
            return a;
        }
        let prog = self.prog;
        let mut size = gm_runtime::map::ZERO_VAL_SIZE as u64;
        for t in prog.types.ids() {
            if let Some((_, v)) = prog.types.map_types(t) {
                size = size.max(self.layouts.get(v).size);
            }
        }
        let p = gm_runtime::alloc::alloc_static(size as usize, false) as u64;
        self.data.map_zero = Some(p);
        p
    }
}
