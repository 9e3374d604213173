//! A function's block scopes. Every name maps to its stack of bindings, so
//! a lookup costs the same however deeply blocks nest (a chain of a few
//! thousand `else if`s opens as many scopes).

use foldhash::{HashMap, HashMapExt};

use crate::Entity;

pub(crate) struct Scopes {
    /// Each name's bindings, outermost first, with the depth of the scope
    /// that declared it.
    bindings: HashMap<String, Vec<(usize, Entity)>>,
    /// The names each open scope declared, to unbind when it closes.
    open: Vec<Vec<String>>,
}

impl Scopes {
    /// One open scope: the function's parameters and results.
    pub fn new() -> Scopes {
        Scopes {
            bindings: HashMap::new(),
            open: vec![Vec::new()],
        }
    }

    pub fn push(&mut self) {
        self.open.push(Vec::new());
    }

    pub fn pop(&mut self) {
        for name in self.open.pop().unwrap_or_default() {
            if let Some(stack) = self.bindings.get_mut(&name) {
                stack.pop();
                if stack.is_empty() {
                    self.bindings.remove(&name);
                }
            }
        }
    }

    /// The innermost binding of `name` in any open scope.
    pub fn lookup(&self, name: &str) -> Option<&Entity> {
        self.bindings.get(name)?.last().map(|(_, e)| e)
    }

    /// The binding of `name` in the innermost scope only.
    pub fn in_innermost(&self, name: &str) -> Option<&Entity> {
        let depth = self.open.len();
        match self.bindings.get(name)?.last() {
            Some((d, e)) if *d == depth => Some(e),
            _ => None,
        }
    }

    /// Binds `name` in the innermost scope; false when it already has it.
    pub fn declare(&mut self, name: &str, entity: Entity) -> bool {
        if self.in_innermost(name).is_some() {
            return false;
        }
        let depth = self.open.len();
        self.bindings
            .entry(name.to_string())
            .or_default()
            .push((depth, entity));
        if let Some(names) = self.open.last_mut() {
            names.push(name.to_string());
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shadowing_and_unbinding() {
        let mut s = Scopes::new();
        assert!(s.declare("x", Entity::Nil));
        assert!(!s.declare("x", Entity::Iota));
        s.push();
        assert!(s.in_innermost("x").is_none());
        assert!(s.declare("x", Entity::Iota));
        assert!(matches!(s.lookup("x"), Some(Entity::Iota)));
        s.pop();
        assert!(matches!(s.lookup("x"), Some(Entity::Nil)));
        s.pop();
        assert!(s.lookup("x").is_none());
    }
}
