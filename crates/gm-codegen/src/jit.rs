//! The compile driver: declares every function, translates each body
//! ([`crate::func`]), inlines small functions, defines them in the module
//! ([`crate::module`]) and keeps the CLIF or disassembly text asked for.

use foldhash::{HashMap, HashMapExt};
use std::fmt::Write as _;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::entity::EntityRef;
use cranelift_codegen::ir::{Signature, UserFuncName};
use cranelift_codegen::{Context, ir};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::JITModule;
use cranelift_module::{Linkage, Module, ModuleReloc};
use gm_ir::{Func, FuncId, Program, TypeId};

use crate::func::FnCx;
use crate::module::{CodeLine, Codegen, result_types};
use crate::{CodegenError, R, disasm, err, inline, once};

/// What to keep while compiling.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dump {
    None,
    Clif,
    Asm,
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

/// Why defining `func` failed, Cranelift's verifier errors shown in it.
fn failure(func: &ir::Function, e: cranelift_module::ModuleError) -> String {
    match e {
        cranelift_module::ModuleError::Compilation(ce) => {
            cranelift_codegen::print_errors::pretty_error(func, ce)
        }
        other => other.to_string(),
    }
}

impl<'p> Codegen<'p> {
    /// Compiles every function; returns the module with code ready to run.
    pub fn compile(mut self, dump: Dump) -> R<Compiled> {
        let prog = self.prog;
        self.declare_functions()?;
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
        let referenced = once::referenced(&bodies);
        let entry = |id| prog.main == Some(id) || prog.init == Some(id);
        for ((id, f), func) in prog.funcs.iter().zip(bodies) {
            let fid = self.funcs[id.index()];
            ctx.func = func;
            if !small.is_empty() {
                ctx.inline(inline::Inliner { small: &small }).map_err(|e| {
                    CodegenError::internal(format!("{}: inlining failed: {e}", f.name))
                })?;
            }
            let once =
                entry(id) && !referenced.contains(&fid.as_u32()) && !once::has_cycle(&ctx.func);
            self.define(fid, &f.name, &mut ctx, once, dump, &mut text)?;
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
            let once = !once::has_cycle(&ctx.func);
            self.define(fid, "rodata", &mut ctx, once, dump, &mut text)?;
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

    /// Compiles `ctx`'s function and defines it as `fid`: with the fast
    /// ISA when it runs at most `once`.
    fn define(
        &mut self,
        fid: cranelift_module::FuncId,
        name: &str,
        ctx: &mut Context,
        once: bool,
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
        let defined = if once {
            self.define_once(fid, ctx)
        } else {
            self.module
                .define_function(fid, ctx)
                .map_err(|e| failure(&ctx.func, e))
        };
        if let Err(msg) = defined {
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

    /// What the module's `define_function` does, with the fast ISA.
    fn define_once(
        &mut self,
        fid: cranelift_module::FuncId,
        ctx: &mut Context,
    ) -> Result<(), String> {
        if let Err(e) = ctx.compile(&*self.once_isa, &mut ControlPlane::default()) {
            return Err(cranelift_codegen::print_errors::pretty_error(
                e.func, e.inner,
            ));
        }
        let code = ctx.compiled_code().expect("just compiled");
        let relocs: Vec<ModuleReloc> = code
            .buffer
            .relocs()
            .iter()
            .map(|r| ModuleReloc::from_mach_reloc(r, &ctx.func, fid))
            .collect();
        let alignment = u64::from(code.buffer.alignment);
        self.module
            .define_function_bytes(fid, alignment, code.code_buffer(), &relocs)
            .map_err(|e| failure(&ctx.func, e))
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
}
