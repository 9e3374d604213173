//! The page's data: the source and every stage's dump, each line with its
//! source line, function and map call explanations.

use std::collections::HashMap;

use gm_diag::{SourceFile, Span, Style};
use gm_ir::FuncId;

use crate::Failed;

pub struct Page {
    pub file: String,
    pub source: Vec<String>,
    pub functions: Vec<Function>,
    /// Explanations, each stored once; lines refer to them by index.
    pub reasons: Vec<String>,
    pub columns: Vec<Column>,
    /// The function to show first (`--func`), by index.
    pub start: Option<usize>,
    /// The program's output, when it was run for the page.
    pub run: Option<RunOutput>,
}

pub struct RunOutput {
    pub seed: u64,
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

pub struct Function {
    pub name: String,
    /// The source line of its declaration (0 when made by the compiler).
    pub line: u32,
    /// How many map runtime calls of each name its walk dump makes.
    pub summary: Vec<(String, usize)>,
}

pub struct Column {
    /// `typed`, `order`, `walk`, `clif` or `asm`.
    pub stage: &'static str,
    pub title: &'static str,
    pub lines: Vec<Line>,
}

pub struct Line {
    pub func: Option<usize>,
    pub text: String,
    /// The 1-based source line, 0 for none.
    pub src: u32,
    /// Map runtime calls made on the line, with the index of their reason.
    pub calls: Vec<(String, Option<usize>)>,
}

/// Whether a runtime function is one of the map calls the page explains.
pub fn is_map_call(name: &str) -> bool {
    gm_walk::dump::is_map_call(name)
}

/// Compiles `file` and gathers the page's data; compile errors are
/// returned as `gm check` renders them.
pub fn data(file: &SourceFile, style: Style, func: Option<&str>) -> Result<Page, Failed> {
    let mut program = crate::check(file, style)?;
    let src_line = |s: Span| {
        if s == Span::DUMMY { 0 } else { file.line(s.lo) }
    };
    let (typed_text, typed_spans) = gm_ir::dump::dump_traced(&program);
    gm_walk::order(&mut program);
    let ordered = gm_walk::dump::dump_traced(&program);
    let why = gm_walk::walk_explained(&mut program);
    let walked = gm_walk::dump::dump_traced(&program);
    let fail = |e: gm_codegen::CodegenError| crate::codegen_failed(file, e);
    let clif = gm_codegen::dump_traced(&program, gm_codegen::Dump::Clif).map_err(fail)?;
    let asm = gm_codegen::dump_traced(&program, gm_codegen::Dump::Asm).map_err(fail)?;

    let mut functions: Vec<Function> = walked
        .iter()
        .map(|t| {
            let f = &program.funcs[t.id];
            Function {
                name: f.name.clone(),
                line: if f.synthetic { 0 } else { src_line(f.span) },
                summary: Vec::new(),
            }
        })
        .collect();
    let by_id: HashMap<FuncId, usize> = walked.iter().enumerate().map(|(i, t)| (t.id, i)).collect();
    let mut names = Names::new(&functions);
    let mut reasons = Reasons::default();
    // Reasons by call span and name, for the CLIF and assembly call lines.
    let mut site_reason: HashMap<(Span, String), usize> = HashMap::new();

    let mut typed = Vec::new();
    let mut cur = None;
    for (text, &span) in typed_text.lines().zip(&typed_spans) {
        if let Some(rest) = text.strip_prefix("func ") {
            cur = names.next("typed", rest.split('(').next().unwrap_or(rest));
        }
        typed.push(line(cur, text, src_line(span)));
    }
    let traced_lines = |traced: &[gm_walk::dump::TracedFunc],
                        reasons: &mut Reasons,
                        site_reason: &mut HashMap<(Span, String), usize>| {
        let mut out = Vec::new();
        for t in traced {
            let f = by_id.get(&t.id).copied();
            for ((text, &span), calls) in t.text.lines().zip(&t.spans).zip(&t.calls) {
                let mut l = line(f, text, src_line(span));
                for &(rt, cspan) in calls {
                    if !is_map_call(rt.name()) {
                        continue;
                    }
                    let r = why.get(t.id, cspan, rt).map(|w| reasons.index(w));
                    if let Some(r) = r {
                        site_reason.insert((cspan, rt.name().to_string()), r);
                    }
                    l.calls.push((rt.name().to_string(), r));
                }
                out.push(l);
            }
        }
        out
    };
    let order = traced_lines(&ordered, &mut reasons, &mut site_reason);
    let walk = traced_lines(&walked, &mut reasons, &mut site_reason);
    for l in &walk {
        if let Some(f) = l.func {
            for (name, _) in &l.calls {
                count(&mut functions[f].summary, name);
            }
        }
    }
    let mut code = |stage: &'static str, lines: Vec<gm_codegen::CodeLine>| {
        let mut out = Vec::new();
        let mut cur = None;
        for c in lines {
            if let Some(name) = c.text.strip_prefix("; ") {
                cur = names.next(stage, name);
            }
            let mut src = c.loc.map_or(0, |lo| file.line(lo));
            let mut l = line(cur, &c.text, src);
            if let Some((name, span)) = c.call {
                if span != Span::DUMMY {
                    src = src_line(span);
                    l.src = src;
                }
                if is_map_call(&name) {
                    let r = site_reason.get(&(span, name.clone())).copied();
                    l.calls.push((name, r));
                }
            }
            out.push(l);
        }
        out
    };
    let clif = code("clif", clif);
    let asm = code("asm", asm);

    let start = match func {
        Some(name) => Some(
            functions
                .iter()
                .position(|f| f.name == name)
                .ok_or_else(|| {
                    Failed::new(format!("gm: {}: no function named {name}\n", file.name))
                })?,
        ),
        None => None,
    };
    Ok(Page {
        file: file.name.clone(),
        source: file.text.lines().map(str::to_string).collect(),
        functions,
        reasons: reasons.list,
        columns: vec![
            column("typed", "typed", typed),
            column("order", "order", order),
            column("walk", "walk", walk),
            column("clif", "Cranelift IR", clif),
            column("asm", "machine code", asm),
        ],
        start,
        run: None,
    })
}

fn line(func: Option<usize>, text: &str, src: u32) -> Line {
    Line {
        func,
        text: text.to_string(),
        src,
        calls: Vec::new(),
    }
}

fn column(stage: &'static str, title: &'static str, lines: Vec<Line>) -> Column {
    Column {
        stage,
        title,
        lines,
    }
}

fn count(summary: &mut Vec<(String, usize)>, name: &str) {
    match summary.iter_mut().find(|(n, _)| n == name) {
        Some((_, c)) => *c += 1,
        None => summary.push((name.to_string(), 1)),
    }
}

/// Each distinct explanation once.
#[derive(Default)]
struct Reasons {
    list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Reasons {
    fn index(&mut self, text: &str) -> usize {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        self.list.push(text.to_string());
        self.index.insert(text.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// Matches function headers in a dump to the page's functions: the n-th
/// function of a name in a stage is the n-th of that name in the list.
struct Names {
    by_name: HashMap<String, Vec<usize>>,
    seen: HashMap<(&'static str, String), usize>,
}

impl Names {
    fn new(functions: &[Function]) -> Names {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, f) in functions.iter().enumerate() {
            by_name.entry(f.name.clone()).or_default().push(i);
        }
        Names {
            by_name,
            seen: HashMap::new(),
        }
    }

    fn next(&mut self, stage: &'static str, name: &str) -> Option<usize> {
        let n = self.seen.entry((stage, name.to_string())).or_insert(0);
        let f = self.by_name.get(name).and_then(|v| v.get(*n)).copied();
        *n += 1;
        f
    }
}
