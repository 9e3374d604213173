//! Which functions run at most once: an entry point (`main`, the package
//! initializer, walk's read-only tables) that no code calls or takes the
//! address of, and whose body has no cycle. Optimizing such code cannot
//! repay its compile time, so these are compiled without the mid-end
//! optimizer and with the single-pass register allocator
//! ([`crate::module`]'s fast ISA): for a small program that is most of the
//! compile.

use foldhash::{HashSet, HashSetExt};

use cranelift_codegen::entity::SecondaryMap;
use cranelift_codegen::ir;

/// The module function ids (namespace 0) that the bodies call or take the
/// address of.
pub fn referenced<'a>(bodies: impl IntoIterator<Item = &'a ir::Function>) -> HashSet<u32> {
    let mut ids = HashSet::new();
    for f in bodies {
        for ext in f.dfg.ext_funcs.values() {
            if let ir::ExternalName::User(r) = &ext.name {
                let name = &f.params.user_named_funcs()[*r];
                if name.namespace == 0 {
                    ids.insert(name.index);
                }
            }
        }
    }
    ids
}

/// Whether the body can repeat: some branch goes to a block no later in
/// the layout than its own. Every cycle has such an edge, whatever the
/// order of the blocks.
pub fn has_cycle(f: &ir::Function) -> bool {
    let mut position = SecondaryMap::new();
    for (i, b) in f.layout.blocks().enumerate() {
        position[b] = i;
    }
    f.layout.blocks().any(|b| {
        let Some(last) = f.layout.last_inst(b) else {
            return false;
        };
        f.dfg.insts[last]
            .branch_destination(&f.dfg.jump_tables, &f.dfg.exception_tables)
            .iter()
            .any(|call| position[call.block(&f.dfg.value_lists)] <= position[b])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::{InstBuilder, Signature, UserFuncName, types};
    use cranelift_codegen::isa::CallConv;
    use cranelift_codegen::settings;
    use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

    /// A function whose entry block jumps to `a`, which `body` fills in
    /// (given `a` itself and a block that returns).
    fn function(body: impl FnOnce(&mut FunctionBuilder, ir::Block, ir::Block)) -> ir::Function {
        let mut f = ir::Function::with_name_signature(
            UserFuncName::user(0, 0),
            Signature::new(CallConv::SystemV),
        );
        let mut fctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut f, &mut fctx);
        let (entry, a, exit) = (b.create_block(), b.create_block(), b.create_block());
        b.switch_to_block(entry);
        b.ins().jump(a, &[]);
        b.switch_to_block(a);
        body(&mut b, a, exit);
        b.switch_to_block(exit);
        b.ins().return_(&[]);
        b.seal_all_blocks();
        let isa = crate::host::isa_builder()
            .expect("a host Cranelift supports")
            .finish(settings::Flags::new(settings::builder()))
            .expect("default flags");
        b.finalize(isa.frontend_config());
        f
    }

    #[test]
    fn straight_line_code_has_no_cycle() {
        let f = function(|b, _, exit| {
            let x = b.ins().iconst(types::I8, 1);
            let other = b.create_block();
            b.ins().brif(x, other, &[], exit, &[]);
            b.switch_to_block(other);
            b.ins().jump(exit, &[]);
        });
        assert!(!has_cycle(&f));
    }

    #[test]
    fn a_branch_back_is_a_cycle() {
        let f = function(|b, a, exit| {
            let next = b.create_block();
            b.ins().jump(next, &[]);
            b.switch_to_block(next);
            let x = b.ins().iconst(types::I8, 1);
            b.ins().brif(x, a, &[], exit, &[]);
        });
        assert!(has_cycle(&f));
    }

    #[test]
    fn a_block_branching_to_itself_is_a_cycle() {
        let f = function(|b, a, exit| {
            let x = b.ins().iconst(types::I8, 1);
            b.ins().brif(x, a, &[], exit, &[]);
        });
        assert!(has_cycle(&f));
    }

    #[test]
    fn calls_and_addresses_are_references() {
        let f = function(|b, _, exit| {
            let sig = b.import_signature(Signature::new(CallConv::SystemV));
            let name = b
                .func
                .declare_imported_user_function(ir::UserExternalName::new(0, 5));
            let callee = b.import_function(ir::ExtFuncData {
                name: ir::ExternalName::user(name),
                signature: sig,
                colocated: false,
                patchable: false,
            });
            b.ins().call(callee, &[]);
            b.ins().jump(exit, &[]);
        });
        let ids = referenced([&f]);
        assert!(ids.contains(&5) && ids.len() == 1, "{ids:?}");
    }
}
