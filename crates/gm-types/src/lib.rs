//! The type checker: turns a parsed `.gm` file into gm's typed IR
//! ([`gm_ir::Program`]), or reports what is wrong with Go's wording.
//!
//! Package-level declarations are resolved lazily and in any order, as in
//! Go: a reference to a constant, type, variable or function that has not
//! been looked at yet resolves it on the spot, and a reference back to one
//! being resolved is a cycle. Function bodies are checked afterwards, in
//! source order. Package-level variables are then ordered for
//! initialisation by their dependencies (through functions too), and their
//! initialisers become the body of the `init` function.
//!
//! Modules: `decl` (package level), `typexpr` (type expressions), `expr`
//! (expressions and operands), `binary`, `builtin`, `lit` (composite
//! literals), `assign`, `stmt`, `init` (initialisation order).

mod assign;
mod binary;
mod builtin;
mod decl;
mod expr;
mod init;
mod lit;
mod operand;
mod scope;
mod sizes;
mod stmt;
mod typexpr;
mod universe;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use cranelift_entity::PrimaryMap;
use gm_diag::{Diagnostics, SourceFile, Span};
use gm_ir::constant::ConstValue;
use gm_ir::{Func, FuncId, Global, GlobalId, LocalId, LoopId, Program, TypeId, TypeTable};
use gm_syntax::ast;

pub use universe::Builtin;

/// What a name denotes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Entity {
    Local(LocalId),
    Global(GlobalId),
    Const(TypeId, ConstValue),
    Type(TypeId),
    Func(FuncId),
    Builtin(Builtin),
    Nil,
    Iota,
    /// A package-level declaration not resolved yet.
    Object(usize),
    Unsupported(ast::Unsupported),
    /// A declaration that failed; uses of it report nothing more.
    Invalid,
}

/// Checks a file. Returns the program when there were no errors.
pub fn check(file: &ast::File, diags: &mut Diagnostics) -> Option<Program> {
    check_inner(file, None, diags)
}

/// Like [`check`], with the source file at hand so that messages naming
/// another position can say `file:line:col` as Go's do.
pub fn check_source(
    file: &ast::File,
    src: &SourceFile,
    diags: &mut Diagnostics,
) -> Option<Program> {
    check_inner(file, Some(src), diags)
}

fn check_inner<'a>(
    file: &'a ast::File,
    src: Option<&'a SourceFile>,
    diags: &'a mut Diagnostics,
) -> Option<Program> {
    let mut c = Checker::new(diags);
    c.source = src;
    c.check_file(file);
    // Go checks sizes only once the program type-checks.
    if !c.diags.has_errors() {
        c.types.complete_layouts();
        c.check_sizes();
    }
    if c.diags.has_errors() {
        return None;
    }
    Some(c.finish())
}

/// A function's parameter and result types.
#[derive(Clone, Debug)]
pub(crate) struct Signature {
    pub params: Vec<TypeId>,
    pub results: Vec<TypeId>,
}

/// Something the initialiser of a package-level variable depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Dep {
    Global(GlobalId),
    Func(FuncId),
}

pub(crate) struct Checker<'a> {
    pub diags: &'a mut Diagnostics,
    pub types: TypeTable,
    pub globals: PrimaryMap<GlobalId, Global>,
    pub funcs: PrimaryMap<FuncId, Func>,
    pub sigs: HashMap<FuncId, Signature>,
    /// Package-level names.
    pub pkg: HashMap<String, Entity>,
    pub objects: Vec<decl::Object<'a>>,
    /// Package-level variable initialisers, in declaration order.
    pub inits: Vec<init::InitSpec>,
    /// Globals and functions referenced while checking the current
    /// initialiser or function body.
    pub deps: HashSet<Dep>,
    pub func_deps: HashMap<FuncId, HashSet<Dep>>,
    /// The value of `iota` inside a constant declaration.
    pub iota: Option<i128>,
    /// Defined types whose declaration is being resolved, with the span of
    /// their name.
    pub resolving_types: Vec<(TypeId, Span)>,
    /// The function being checked.
    pub fc: Option<stmt::FuncCtx>,
    pub named_serial: u32,
    pub main: Option<FuncId>,
    pub init_func: Option<FuncId>,
    /// User `func init()`s, in source order.
    pub user_inits: Vec<FuncId>,
    /// The statement made by the last builtin without a result that was
    /// checked (see `builtin.rs`).
    pub builtin_stmt: Option<gm_ir::StmtKind>,
    pub unsupported_seen: HashSet<&'static str>,
    /// The source file, when known, for messages that cite a position.
    pub source: Option<&'a SourceFile>,
    /// Names of imported packages: uses of them are not reported again.
    pub imported: HashSet<String>,
    /// Go's text of the left operand of each non-constant untyped shift,
    /// for the message when its context makes it a float.
    pub shift_operand_texts: HashMap<Span, String>,
    /// How many of `resolving_types` were being resolved when the current
    /// type expression went below a pointer, slice or map.
    pub indirection_barrier: usize,
}

impl<'a> Checker<'a> {
    fn new(diags: &'a mut Diagnostics) -> Checker<'a> {
        Checker {
            diags,
            types: TypeTable::new(),
            globals: PrimaryMap::new(),
            funcs: PrimaryMap::new(),
            sigs: HashMap::new(),
            pkg: HashMap::new(),
            objects: Vec::new(),
            inits: Vec::new(),
            deps: HashSet::new(),
            func_deps: HashMap::new(),
            iota: None,
            shift_operand_texts: HashMap::new(),
            indirection_barrier: 0,
            resolving_types: Vec::new(),
            fc: None,
            named_serial: 0,
            main: None,
            init_func: None,
            user_inits: Vec::new(),
            builtin_stmt: None,
            unsupported_seen: HashSet::new(),
            source: None,
            imported: HashSet::new(),
        }
    }

    pub fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.diags.error(span, msg);
    }

    /// Reports a construct outside gm's subset, once per kind of construct.
    /// ` at file:line:col` for a position, as Go's messages cite them.
    pub fn at(&self, span: Span) -> String {
        match self.source {
            Some(src) => {
                let p = src.line_col(span.lo);
                format!(" at {}:{}:{}", src.name, p.line, p.col)
            }
            None => String::new(),
        }
    }

    pub fn unsupported(&mut self, span: Span, what: ast::Unsupported) {
        if self.unsupported_seen.insert(what.name()) {
            self.error(span, format!("unsupported: {}", what.name()));
        }
    }

    fn finish(self) -> Program {
        Program {
            types: self.types,
            globals: self.globals,
            funcs: self.funcs,
            init: self.init_func,
            main: self.main,
        }
    }

    /// The current function; only valid while checking a body.
    pub fn func(&mut self) -> &mut Func {
        &mut self.fc.as_mut().expect("inside a function body").func
    }

    pub fn new_loop(&mut self) -> LoopId {
        self.func().loops.push(())
    }
}
