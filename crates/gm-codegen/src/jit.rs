//! The JIT module: flags and ISA, runtime symbol registration, declaring
//! every function before defining any, and the static data generated code
//! refers to by address (string constants, package variables, map type
//! descriptors, the `_fat` zero block).

use std::collections::HashMap;
use std::fmt::Write as _;

use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{AbiParam, Signature, UserFuncName};
use cranelift_codegen::isa::CallConv;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{Context, ir};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module, default_libcall_names};
use gm_ir::runtime::RtFn;
use gm_ir::{Func, FuncId, Program, TypeId};

use crate::func::{FnCx, PTR, R, err};
use crate::layout::Layouts;
use crate::{CodegenError, disasm, inline, maps, symbols};

/// What to keep while compiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dump {
    None,
    Clif,
    Asm,
}

pub struct Codegen<'p> {
    pub prog: &'p Program,
    pub module: JITModule,
    pub layouts: Layouts,
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
    pub map_types: HashMap<TypeId, u64>,
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

/// A compiled program: its code stays valid while this lives.
pub struct Compiled {
    pub module: JITModule,
    /// Entry of every gm function, by function index.
    pub funcs: Vec<*const u8>,
    pub init: Option<*const u8>,
    pub main: Option<*const u8>,
    /// Fills walk's read-only tables; runs before `init`.
    pub rodata: Option<*const u8>,
    /// The CLIF or disassembly text, when asked for.
    pub text: String,
    /// That text's lines with their sources, when tracing.
    pub lines: Vec<CodeLine>,
    /// Map creation sites, when compiled for the map recorder.
    pub map_sites: Vec<(gm_diag::Span, TypeId)>,
}

impl Compiled {
    /// The entry of a gm function by name (the first one so named).
    pub fn function(&self, prog: &Program, name: &str) -> Option<*const u8> {
        prog.funcs
            .iter()
            .find(|(_, f)| f.name == name)
            .map(|(id, _)| self.funcs[id.index()])
    }
}

fn isa() -> R<std::sync::Arc<dyn cranelift_codegen::isa::TargetIsa>> {
    let mut flags = settings::builder();
    let set = |f: &mut settings::Builder, k: &str, v: &str| {
        f.set(k, v)
            .map_err(|e| CodegenError::internal(format!("cranelift setting {k}: {e}")))
    };
    set(&mut flags, "opt_level", "speed")?;
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
    let builder = cranelift_native::builder()
        .map_err(|e| CodegenError::host(format!("unsupported host: {e}")))?;
    builder
        .finish(settings::Flags::new(flags))
        .map_err(|e| CodegenError::internal(format!("cranelift: {e}")))
}

/// Result types of a gm function, in order.
pub fn result_types(f: &Func) -> &[TypeId] {
    &f.result_types
}

impl<'p> Codegen<'p> {
    pub fn new(prog: &'p Program) -> R<Self> {
        let isa = isa()?;
        let call_conv = isa.default_call_conv();
        let mut jb = JITBuilder::with_isa(isa, default_libcall_names());
        symbols::register(&mut jb);
        let module = JITModule::new(jb);
        let mut cg = Codegen {
            prog,
            module,
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

    /// Compiles every function; returns the module with code ready to run.
    pub fn compile(mut self, dump: Dump) -> R<Compiled> {
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
        let mut ctx = self.module.make_context();
        let mut fctx = FunctionBuilderContext::new();
        let mut text = String::new();
        // Translate everything first, so that small functions can be inlined
        // into their callers whatever the order.
        let mut bodies = Vec::with_capacity(prog.funcs.len());
        let mut small = HashMap::new();
        for (id, f) in prog.funcs.iter() {
            let fid = self.funcs[id.index()];
            let mut func = ir::Function::with_name_signature(
                UserFuncName::user(0, fid.as_u32()),
                self.signature(f),
            );
            {
                let cfg = self.module.target_config();
                let b = FunctionBuilder::new(&mut func, &mut fctx);
                let mut fx = FnCx::new(&mut self, b, f);
                if let Err(e) = fx.translate(result_types(f)) {
                    return Err(e.at(&f.name, fx.span));
                }
                fx.b.finalize(cfg);
            }
            if inline::worth_inlining(&func) {
                small.insert(fid.as_u32(), func.clone());
            }
            bodies.push(func);
        }
        for ((id, f), func) in prog.funcs.iter().zip(bodies) {
            let fid = self.funcs[id.index()];
            ctx.func = func;
            if !small.is_empty() {
                ctx.inline(inline::Inliner { small: &small }).map_err(|e| {
                    CodegenError::internal(format!("{}: inlining failed: {e}", f.name))
                })?;
            }
            self.define(fid, &f.name, &mut ctx, dump, &mut text)?;
        }
        // Read-only tables made by walk, filled before anything runs.
        let rodata = if prog.globals.values().any(|g| g.init_value.is_some()) {
            let sig = Signature::new(self.call_conv);
            let fid = self
                .module
                .declare_function("gm.rodata", Linkage::Local, &sig)
                .map_err(|e| CodegenError::internal(format!("declaring rodata: {e}")))?;
            ctx.func.signature = sig;
            ctx.func.name = UserFuncName::user(0, fid.as_u32());
            let empty = Func::new("rodata", gm_diag::Span::new(0, 0));
            {
                let cfg = self.module.target_config();
                let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
                let mut fx = FnCx::new(&mut self, b, &empty);
                fx.rodata()?;
                fx.b.finalize(cfg);
            }
            self.define(fid, "rodata", &mut ctx, dump, &mut text)?;
            Some(fid)
        } else {
            None
        };
        self.module
            .finalize_definitions()
            .map_err(|e| CodegenError::internal(format!("linking: {e}")))?;
        let addr = |m: &JITModule, id: Option<FuncId>, funcs: &[cranelift_module::FuncId]| {
            id.map(|id| m.get_finalized_function(funcs[id.index()]))
        };
        let funcs = self
            .funcs
            .iter()
            .map(|&f| self.module.get_finalized_function(f))
            .collect();
        let init = addr(&self.module, prog.init, &self.funcs);
        let main = addr(&self.module, prog.main, &self.funcs);
        let rodata = rodata.map(|id| self.module.get_finalized_function(id));
        Ok(Compiled {
            module: self.module,
            funcs,
            init,
            main,
            rodata,
            text,
            lines: self.lines,
            map_sites: self.map_sites,
        })
    }

    fn define(
        &mut self,
        fid: cranelift_module::FuncId,
        name: &str,
        ctx: &mut Context,
        dump: Dump,
        text: &mut String,
    ) -> R<()> {
        if dump == Dump::Clif && self.trace {
            let mut plain = ctx.func.clone();
            plain.srclocs.clear();
            plain.debug_tags.clear();
            let plain = format!("; {name}\n{}\n", plain.display());
            let traced = format!("; {name}\n{}\n", ctx.func.display());
            text.push_str(&plain);
            self.trace_clif(&plain, &traced);
        } else if dump == Dump::Clif {
            let _ = writeln!(text, "; {name}\n{}", ctx.func.display());
        }
        if let Err(e) = self.module.define_function(fid, ctx) {
            let msg = match e {
                cranelift_module::ModuleError::Compilation(ce) => {
                    cranelift_codegen::print_errors::pretty_error(&ctx.func, ce)
                }
                other => other.to_string(),
            };
            self.module.clear_context(ctx);
            return err(format!("{name}: code generation failed: {msg}"));
        }
        if dump == Dump::Asm
            && let Some(code) = ctx.compiled_code()
        {
            let (insns, data) = disasm::function(code, &ctx.func, self.module.declarations());
            self.asm(name, &insns, data, text);
        }
        self.module.clear_context(ctx);
        Ok(())
    }

    /// Pairs each line of the CLIF text with the srcloc and call site that
    /// the traced display (same lines, annotated) shows for it.
    fn trace_clif(&mut self, plain: &str, traced: &str) {
        for (p, t) in plain.lines().zip(traced.lines()) {
            let t = t.trim_start();
            let (loc, rest) = match t.strip_prefix('@') {
                Some(r) => {
                    let end = r.find(' ').unwrap_or(r.len());
                    (u32::from_str_radix(&r[..end], 16).ok(), &r[end..])
                }
                None => (None, t),
            };
            let call = rest
                .trim_start()
                .strip_prefix('<')
                .and_then(|r| r.split('>').next())
                .and_then(|tags| self.site(tags));
            self.lines.push(CodeLine {
                text: p.to_string(),
                loc,
                call,
            });
        }
    }

    /// Appends a function's disassembly to `text` (and its lines, when
    /// tracing): each instruction at its offset, with its srcloc and, on a
    /// runtime call, the site its debug tag numbers.
    fn asm(
        &mut self,
        name: &str,
        insns: &[disasm::Insn],
        data: Option<(u32, u32)>,
        text: &mut String,
    ) {
        let mut lines = vec![(format!("; {name}"), None, None)];
        for i in insns {
            let site = i.tag.and_then(|n| self.sites.get(n as usize).cloned());
            lines.push((i.line(), i.loc, site));
        }
        if let Some((offset, size)) = data {
            lines.push((
                format!("  {offset:#06x}  ; {size} bytes of constants"),
                None,
                None,
            ));
        }
        lines.push((String::new(), None, None));
        for (line, loc, call) in lines {
            text.push_str(&line);
            text.push('\n');
            if self.trace {
                self.lines.push(CodeLine {
                    text: line,
                    loc,
                    call,
                });
            }
        }
    }

    /// The call site of the innermost (last) numbered tag in `tags`.
    fn site(&self, tags: &str) -> Option<(String, gm_diag::Span)> {
        let digits: Vec<&str> = tags
            .split(|c: char| !c.is_ascii_digit())
            .filter(|d| !d.is_empty())
            .collect();
        let n: usize = digits.last()?.parse().ok()?;
        self.sites.get(n).cloned()
    }

    /// The address of the descriptor of a map type.
    pub fn map_type(&mut self, t: TypeId) -> R<u64> {
        let c = self.prog.types.canonical(t);
        if let Some(&a) = self.data.map_types.get(&c) {
            return Ok(a);
        }
        let a = maps::descriptor(self, c)?;
        self.data.map_types.insert(c, a);
        Ok(a)
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
