//! The limits Go's compiler and linker put on the size of variables,
//! checked once every type is complete.

use crate::Checker;

/// Go's `types.MaxWidth` on 64-bit targets.
const MAX_WIDTH: u64 = 1 << 50;
/// The largest data symbol Go's object writer accepts.
const MAX_SYMBOL: u64 = 2_000_000_000;

impl Checker<'_> {
    pub fn check_sizes(&mut self) {
        let globals: Vec<_> = self
            .globals
            .values()
            .map(|g| (g.name.clone(), g.ty, g.span))
            .collect();
        for (name, ty, span) in globals {
            let size = self.types.size(ty);
            if size >= MAX_WIDTH {
                self.too_wide(ty, span);
            } else if size > MAX_SYMBOL {
                let msg =
                    format!("main.{name}: symbol too large ({size} bytes > {MAX_SYMBOL} bytes)");
                self.error(span, msg);
            }
        }
        let locals: Vec<_> = self
            .funcs
            .values()
            .flat_map(|f| f.locals.values().map(|l| (l.ty, l.span)))
            .collect();
        for (ty, span) in locals {
            if self.types.size(ty) >= MAX_WIDTH {
                self.too_wide(ty, span);
            }
        }
    }

    fn too_wide(&mut self, ty: gm_ir::TypeId, span: gm_diag::Span) {
        let msg = format!("type {} larger than address space", self.types.display(ty));
        self.error(span, msg);
    }
}
