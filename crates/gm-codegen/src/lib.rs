//! Compiles gm's lowered IR to native code with Cranelift and runs it.

use gm_ir::Program;

/// How to run a program.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Makes hashing and map iteration order reproducible.
    pub seed: Option<u64>,
}

/// Why a program could not be compiled.
#[derive(Debug)]
pub struct CodegenError(pub String);

/// Compiles and runs `main`; returns the process exit status (0). A Go
/// panic in the program exits the process with status 2.
pub fn run(_program: &Program, _opts: &RunOptions) -> Result<i32, CodegenError> {
    Err(CodegenError("the JIT is not built yet".into()))
}

/// Cranelift IR of every function.
pub fn dump_clif(_program: &Program) -> Result<String, CodegenError> {
    Err(CodegenError("the JIT is not built yet".into()))
}

/// Disassembly of every function.
pub fn dump_asm(_program: &Program) -> Result<String, CodegenError> {
    Err(CodegenError("the JIT is not built yet".into()))
}
