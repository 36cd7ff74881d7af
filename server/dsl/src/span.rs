//! Positions in DSL text, shared by both DSLs.

use serde::{Deserialize, Serialize};

/// A range of characters in the DSL text: `start..end`, 0-based character offsets, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    /// Offset of the first character.
    pub start: usize,
    /// Offset after the last character.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
}
