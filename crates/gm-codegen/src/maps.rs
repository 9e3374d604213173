//! Map type descriptors for `ExprKind::TypeDesc`: one per canonical map
//! type, built with gm-runtime's [`MapType::new`] from the key's layout and
//! hash/equality class, and leaked so the address stays valid.

use gm_ir::{TypeId, TypeTable};
use gm_runtime::{KeyAlg, KeyPart, KeyType, MapType};

use crate::layout::{Kind, Layouts};
use crate::{R, err};

/// Appends the hashed parts of a value of type `t` placed at `off`:
/// padding and blank fields are left out.
fn parts(layouts: &Layouts<'_>, t: TypeId, off: usize, out: &mut Vec<KeyPart>) {
    let info = layouts.get(t);
    let leaf = |alg, size| KeyPart {
        offset: off,
        size,
        alg,
    };
    match &info.kind {
        Kind::Float { bits: 32 } => out.push(leaf(KeyAlg::Float32, 4)),
        Kind::Float { .. } => out.push(leaf(KeyAlg::Float64, 8)),
        Kind::String => out.push(leaf(KeyAlg::String, 16)),
        Kind::Array { elem, len } => {
            let esize = layouts.get(*elem).size as usize;
            for i in 0..*len as usize {
                parts(layouts, *elem, off + i * esize, out);
            }
        }
        Kind::Struct { fields } => {
            for f in fields {
                if !f.blank {
                    parts(layouts, f.ty, off + f.off as usize, out);
                }
            }
        }
        _ => {
            if info.size > 0 {
                // Adjacent plain memory is one part.
                if let Some(last) = out.last_mut()
                    && last.alg == KeyAlg::Mem
                    && last.offset + last.size == off
                {
                    last.size += info.size as usize;
                    return;
                }
                out.push(leaf(KeyAlg::Mem, info.size as usize));
            }
        }
    }
}

/// The pointer words of a key or elem stored inline in a bucket (one
/// pointer for one stored indirectly, above 128 bytes).
fn slot_pointer_words(types: &TypeTable, t: TypeId) -> R<Vec<usize>> {
    let layout = types.layout(t);
    if layout.size as usize > gm_runtime::map::MAX_ELEM_SIZE {
        return Ok(if layout.has_pointers() {
            vec![0]
        } else {
            vec![]
        });
    }
    match layout.pointer_words() {
        Some(words) => Ok(words),
        None => err("pointer mask of a bucket slot"),
    }
}

/// The key description of a map key type.
pub fn key_type(layouts: &Layouts<'_>, k: TypeId) -> KeyType {
    let info = layouts.get(k);
    let (size, align) = (info.size as usize, info.align as usize);
    match &info.kind {
        Kind::Float { bits: 32 } => KeyType::float32(),
        Kind::Float { .. } => KeyType::float64(),
        Kind::String => KeyType::string(),
        Kind::Array { .. } | Kind::Struct { .. } => {
            let mut ps = Vec::new();
            parts(layouts, k, 0, &mut ps);
            match ps.as_slice() {
                [p] if p.alg == KeyAlg::Mem && p.offset == 0 && p.size == size => {
                    KeyType::mem(size, align)
                }
                [] if size == 0 => KeyType::mem(0, align),
                _ => KeyType::parts(size, align, ps),
            }
        }
        _ => KeyType::mem(size, align),
    }
}

/// Builds and leaks the descriptor of map type `t`: generated code embeds
/// its address.
pub fn descriptor(types: &TypeTable, layouts: &Layouts<'_>, t: TypeId) -> R<&'static MapType> {
    let Some((k, v)) = types.map_types(t) else {
        return err("type descriptor of a non-map type");
    };
    let key = key_type(layouts, k);
    let key_words = slot_pointer_words(types, k)?;
    let elem_words = slot_pointer_words(types, v)?;
    let elem = layouts.get(v);
    let mt = MapType::new(key, elem.size as usize, elem.align as usize)
        .with_pointer_words(&key_words, &elem_words);
    Ok(Box::leak(Box::new(mt)))
}
