//! The machine code of a compiled function as text: each instruction at
//! its offset from the function's start, with the source Cranelift
//! recorded for it.
//!
//! Offsets are what tie an instruction to its source: the code buffer's
//! srclocs are offset ranges, and the debug tag of a runtime call is kept
//! at the offset where the call ends. Code that Cranelift adds on its own
//! (prologue, epilogue, moves between blocks) lies in no range and gets no
//! source. The code is shown before linking, so an address the linker
//! fills in reads 0; the instruction holding it names the symbol.

use cranelift_codegen::ir::{DebugTag, ExternalName, Function};
use cranelift_codegen::{CompiledCode, FinalizedRelocTarget, MachDebugTagPos};
use cranelift_module::{FuncId, ModuleDeclarations};
use iced_x86::{Decoder, DecoderOptions, Formatter, Instruction, IntelFormatter};

/// One instruction of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct Insn {
    pub offset: u32,
    /// The instruction in Intel syntax (branch targets and RIP-relative
    /// addresses are offsets in the function, like `offset`), and the
    /// symbol it refers to in a comment.
    pub text: String,
    /// The source byte offset of the srcloc range the instruction is in.
    pub loc: Option<u32>,
    /// The innermost user debug tag on the instruction (on a runtime call,
    /// the number of its call site).
    pub tag: Option<u32>,
}

impl Insn {
    /// The dump's line for the instruction: `  0x001c  mov rax, [rdi+8]`.
    pub fn line(&self) -> String {
        format!("  {:#06x}  {}", self.offset, self.text)
    }
}

/// The instructions of `code`, compiled from `func` in a module with
/// `decls`, and the offset and size of the constants that follow them (if
/// any).
pub fn function(
    code: &CompiledCode,
    func: &Function,
    decls: &ModuleDeclarations,
) -> (Vec<Insn>, Option<(u32, u32)>) {
    let buffer = &code.buffer;
    let symbols: Vec<(u32, String)> = buffer
        .relocs()
        .iter()
        .filter_map(|r| {
            let FinalizedRelocTarget::ExternalName(ExternalName::User(u)) = &r.target else {
                return None;
            };
            let name = &func.params.user_named_funcs()[*u];
            // Namespace 0 holds the module's functions.
            if name.namespace != 0 {
                return None;
            }
            let decl = decls.get_function_decl(FuncId::from_u32(name.index));
            Some((r.offset, decl.name.clone()?))
        })
        .collect();
    // A call's tags follow it; tags placed before an instruction are on
    // the others a call lowers to (loading its address).
    let tags: Vec<(u32, Option<u32>)> = buffer
        .debug_tags()
        .filter(|t| t.pos == MachDebugTagPos::Post)
        .map(|t| (t.offset, innermost(t.tags)))
        .collect();
    let srclocs: Vec<(u32, u32, Option<u32>)> = buffer
        .get_srclocs_sorted()
        .iter()
        .map(|s| (s.start, s.end, (!s.loc.is_default()).then(|| s.loc.bits())))
        .collect();
    let (insns, data) = decode(buffer.data());
    let mut out = Vec::with_capacity(insns.len());
    // All three lists are sorted by offset, as the instructions are.
    let (mut t, mut l, mut y) = (0, 0, 0);
    for (start, next, mut text) in insns {
        while y < symbols.len() && symbols[y].0 < start {
            y += 1;
        }
        if let Some((_, name)) = symbols.get(y).filter(|r| r.0 < next) {
            text = format!("{text}  ; {name}");
        }
        while l < srclocs.len() && srclocs[l].1 <= start {
            l += 1;
        }
        let loc = srclocs.get(l).filter(|r| r.0 <= start).and_then(|r| r.2);
        while t < tags.len() && tags[t].0 < next {
            t += 1;
        }
        let tag = tags.get(t).filter(|g| g.0 == next).and_then(|g| g.1);
        out.push(Insn {
            offset: start,
            text,
            loc,
            tag,
        });
    }
    (out, data)
}

/// Tags of inlined calls list the caller's site first: the last one is the
/// call itself.
fn innermost(tags: &[DebugTag]) -> Option<u32> {
    tags.iter().rev().find_map(|t| match t {
        DebugTag::User(n) => Some(*n),
        DebugTag::StackSlot(_) => None,
    })
}

/// An instruction's start and end offsets and its text.
type Decoded = (u32, u32, String);

/// Decodes `bytes` as x86-64 code at offset 0: each instruction's start,
/// end and text, and where the constants begin and how many bytes they are.
///
/// Cranelift puts a function's constants after all of its code, aligned
/// with zero bytes, and reaches them RIP-relative: the first forward
/// RIP-relative target inside the function ends the code, and zero bytes
/// up to it are padding, not instructions.
fn decode(bytes: &[u8]) -> (Vec<Decoded>, Option<(u32, u32)>) {
    let mut fmt = IntelFormatter::new();
    let o = fmt.options_mut();
    o.set_hex_prefix("0x");
    o.set_hex_suffix("");
    o.set_uppercase_hex(false);
    o.set_space_after_operand_separator(true);
    o.set_branch_leading_zeros(false);
    o.set_show_branch_size(false);
    let mut decoder = Decoder::with_ip(64, bytes, 0, DecoderOptions::NONE);
    let mut end = bytes.len();
    let mut insn = Instruction::default();
    let mut out = Vec::new();
    while decoder.position() < end && bytes[decoder.position()..end].iter().any(|&b| b != 0) {
        decoder.decode_out(&mut insn);
        if insn.is_ip_rel_memory_operand() {
            let target = insn.ip_rel_memory_address();
            if target >= insn.next_ip() && target < end as u64 {
                end = target as usize;
            }
        }
        let mut text = String::new();
        fmt.format(&insn, &mut text);
        out.push((insn.ip() as u32, insn.next_ip() as u32, text));
    }
    let data = (end < bytes.len()).then(|| (end as u32, (bytes.len() - end) as u32));
    (out, data)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decoding_stops_at_the_constants() {
        let code = [
            0xf2, 0x0f, 0x10, 0x05, 0x08, 0x00, 0x00, 0x00, // movsd xmm0, [rip+8]
            0xc3, // ret
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // padding to 16
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, // 1.0
        ];
        let (insns, data) = decode(&code);
        let text: Vec<&str> = insns.iter().map(|i| i.2.as_str()).collect();
        assert_eq!(text, ["movsd xmm0, [0x10]", "ret"]);
        assert_eq!(insns[1].0..insns[1].1, 8..9);
        assert_eq!(data, Some((16, 8)));
    }

    #[test]
    fn trailing_zeros_are_padding() {
        let (insns, data) = decode(&[0x55, 0xc3, 0x00, 0x00]);
        assert_eq!(insns.len(), 2);
        assert_eq!(data, None);
    }
}
