//! Compiles gm's lowered IR to native code with Cranelift and runs it.
//!
//! - [`module`]: the Cranelift module, symbol registration, function
//!   declarations and imports, static data (strings, package variables,
//!   map descriptors);
//! - [`jit`]: the compile driver: declare, translate, inline, define;
//! - [`layout`]: how each type is represented (register leaves or memory);
//! - [`func`]: one function's translation context and its helpers;
//! - [`expr`], [`ops`], [`builtins`], [`stmt`]: the IR node by node;
//! - [`inline`]: inlining of small functions into their callers;
//! - [`once`]: the functions that run at most once, compiled fast;
//! - [`maps`]: map type descriptors; [`symbols`]: runtime entry points;
//! - [`disasm`]: the machine code as text, each instruction with its source;
//! - [`resident`]: the compiler's pages leave memory before a program runs.
//!
//! # Calling convention between gm functions
//!
//! Cranelift's native convention. A parameter of a register type passes as
//! its leaves; of a memory type, as the address of a copy the caller made.
//! A result of a register type returns as its leaves (Cranelift spills long
//! result lists through its implicit return area); a result of a memory
//! type is written through an out-pointer the caller passes first.

mod builtins;
mod disasm;
mod expr;
mod func;
mod host;
mod inline;
mod iterstep;
pub mod jit;
pub mod layout;
mod maps;
mod maptrace;
mod module;
mod once;
mod ops;
mod resident;
mod stack;
mod stmt;
mod symbols;

use gm_ir::Program;

pub use crate::jit::Dump;
pub use crate::module::CodeLine;
use crate::module::Codegen;

/// How to run a program.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Makes hashing and map iteration order reproducible.
    pub seed: Option<u64>,
    /// Drops the compiler's code from the process's resident memory once
    /// the program has allocated its first 256 KB ([`resident`]), and
    /// leaves the compiled module to the process's exit: for a process that
    /// ends after the run.
    pub release_compiler_pages: bool,
    /// Runs the program on the calling thread, which then must have
    /// [`PROGRAM_STACK`] bytes of stack left, instead of on a fresh thread:
    /// for a process that does nothing else (it saves starting a thread and
    /// tearing down its stack).
    pub on_this_thread: bool,
}

/// The stack a program runs on: Go's stacks grow up to 1 GB.
pub const PROGRAM_STACK: usize = stack::STACK_SIZE;

/// Why a program could not be compiled or started. Code generation sees
/// only programs the type checker and walk accepted, so every failure but
/// the host's is an internal compiler error.
#[derive(Debug)]
pub struct CodegenError {
    pub message: String,
    /// A bug in gm (not the host lacking something).
    pub internal: bool,
    /// Where: the function and statement being translated.
    pub place: gm_diag::ice::Place,
}

impl CodegenError {
    pub fn internal(message: impl Into<String>) -> CodegenError {
        CodegenError {
            message: message.into(),
            internal: true,
            place: gm_diag::ice::Place::default(),
        }
    }

    /// The machine cannot run generated code.
    pub fn host(message: impl Into<String>) -> CodegenError {
        CodegenError {
            internal: false,
            ..CodegenError::internal(message)
        }
    }

    /// Names the function and position, unless already named.
    pub fn at(mut self, func: &str, span: gm_diag::Span) -> CodegenError {
        if self.place.func.is_none() {
            self.place = gm_diag::ice::Place {
                func: Some(func.to_string()),
                span: (span != gm_diag::Span::DUMMY).then_some(span),
            };
        }
        self
    }
}

impl std::fmt::Display for CodegenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CodegenError {}

pub(crate) type R<T> = Result<T, CodegenError>;

/// A broken invariant of code generation.
pub(crate) fn err<T>(msg: impl Into<String>) -> R<T> {
    Err(CodegenError::internal(msg.into()))
}

/// Compiles and runs `main`; returns the process exit status (0). A Go
/// panic in the program exits the process with status 2.
pub fn run(program: &Program, opts: &RunOptions) -> Result<i32, CodegenError> {
    run_compiled(Codegen::new(program)?.compile(Dump::None)?, opts)
}

/// Compiles every function with calls to the map recorder around map
/// operations ([`gm_runtime::trace`]); the creation sites are in
/// [`Compiled::map_sites`](jit::Compiled::map_sites).
pub fn compile_traced(program: &Program) -> Result<jit::Compiled, CodegenError> {
    let mut cg = Codegen::new(program)?;
    cg.map_trace = true;
    cg.compile(Dump::None)
}

/// Runs a compiled program as [`run`] does.
pub fn run_compiled(compiled: jit::Compiled, opts: &RunOptions) -> Result<i32, CodegenError> {
    if let Some(seed) = opts.seed {
        gm_runtime::set_seed(seed);
    }
    let entries: Vec<usize> = [compiled.rodata, compiled.init, compiled.main]
        .into_iter()
        .flatten()
        .map(|p| p as usize)
        .collect();
    if opts.release_compiler_pages {
        // A program that allocates less than this would gain next to
        // nothing from the release, and pay for it.
        gm_runtime::alloc::after_allocating(256 << 10, resident::release_compiler_pages);
    }
    let finished = if opts.on_this_thread {
        run_entries(&entries);
        true
    } else {
        // This thread only waits from here on: its static data is not
        // collected memory.
        gm_runtime::alloc::release_thread();
        std::thread::Builder::new()
            .name("main".into())
            .stack_size(stack::STACK_SIZE)
            .spawn(move || run_entries(&entries))
            .map_err(|e| CodegenError::host(format!("cannot start the program thread: {e}")))?
            .join()
            .is_ok()
    };
    gm_runtime::flush_stdout();
    if opts.release_compiler_pages {
        // The process ends next: freeing the module would only bring the
        // compiler's code and data back into memory.
        std::mem::forget(compiled);
    }
    if finished {
        Ok(0)
    } else {
        Err(CodegenError::internal("the program thread failed"))
    }
}

/// Runs the program's entry functions on the calling thread, which has
/// [`PROGRAM_STACK`] bytes of stack left. Never inlined: scripts/link_order.sh
/// tells the run from the compile by this function.
#[inline(never)]
fn run_entries(entries: &[usize]) {
    stack::set_limit_here(stack::STACK_SIZE);
    gm_runtime::alloc::read_settings();
    // The collector starts, and learns of this stack, at the program's
    // first allocation: before it, generated code holds no pointer the
    // collector must see, and a program that allocates nothing never
    // starts it.
    for &p in entries {
        // SAFETY: each entry is a finalized function of the module, which
        // outlives the run (the caller drops it afterwards), with the
        // signature `fn()`.
        let f = unsafe { std::mem::transmute::<usize, extern "C" fn()>(p) };
        f();
    }
}

/// Compiles every function without running anything (tests, benchmarks).
pub fn compile(program: &Program) -> Result<jit::Compiled, CodegenError> {
    Codegen::new(program)?.compile(Dump::None)
}

/// Cranelift IR of every function.
pub fn dump_clif(program: &Program) -> Result<String, CodegenError> {
    Ok(Codegen::new(program)?.compile(Dump::Clif)?.text)
}

/// The CLIF (`Dump::Clif`) or disassembly (`Dump::Asm`) of every function,
/// line by line with the source of each line: the same text as
/// [`dump_clif`] and [`dump_asm`].
pub fn dump_traced(program: &Program, dump: Dump) -> Result<Vec<CodeLine>, CodegenError> {
    let mut cg = Codegen::new(program)?;
    cg.trace = true;
    Ok(cg.compile(dump)?.lines)
}

/// Disassembly of every function: each instruction at its offset.
pub fn dump_asm(program: &Program) -> Result<String, CodegenError> {
    Ok(Codegen::new(program)?.compile(Dump::Asm)?.text)
}
