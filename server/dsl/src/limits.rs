//! Limits on what one parse accepts and reports, so that no definition, however large or
//! broken, costs the server more than a bounded amount of memory and time.
//!
//! - [`MAX_DSL_CHARS`]: every parse of either DSL refuses a longer definition before reading
//!   it, with [`DslMessage::DefinitionTooLong`] (180, our code, not SCDF's) at the position of
//!   the limit; [`check_length`] is that check alone, for callers (the HTTP layer) that want
//!   to refuse early. The conversion of a task graph to text refuses to produce longer text.
//! - [`MAX_GRAPH_SIZE`]: a task graph drawn from a definition has at most this many nodes and
//!   links (drawing copies secondary sequences once per transition to them, so a short
//!   definition could otherwise draw a graph the square of its length).
//! - [`MAX_ERRORS`]: a validation reports at most this many problems. The parsers of both DSLs
//!   stop at their first error, so only task validation ([`crate::task::validate`] and the
//!   functions that call it) ever collects several.

use crate::error::{DslError, DslMessage};

/// The longest definition, in characters (Unicode scalar values, like every position of this
/// crate; up to four times as many bytes), that a parse accepts: 64 Ki.
///
/// Real definitions are far shorter: the workshop stream of the bench is 332 characters, and
/// we expect one with dozens of apps and long SpEL expressions to stay within a few thousand.
/// The limit leaves a wide margin over those, while keeping the worst definition cheap:
/// parsing, validating and drawing one at the limit takes about 10 ms (the `limits` group of
/// the crate's bench), and its errors share one copy of at most 256 KiB.
pub const MAX_DSL_CHARS: usize = 65_536;

/// Refuses `text` longer than [`MAX_DSL_CHARS`] characters: [`DslMessage::DefinitionTooLong`]
/// (180) with the length and the limit as inserts, at position [`MAX_DSL_CHARS`], quoting the
/// first [`MAX_DSL_CHARS`] characters (so the caret points just after them). Every parse
/// function of both DSLs calls this first; it only counts characters, and not even that for
/// text of at most [`MAX_DSL_CHARS`] bytes.
///
/// # Errors
/// The 180 error when `text` is too long.
pub fn check_length(text: &str) -> Result<(), DslError> {
    if text.len() <= MAX_DSL_CHARS {
        return Ok(()); // never more characters than bytes
    }
    let length = text.chars().count();
    if length <= MAX_DSL_CHARS {
        return Ok(());
    }
    let kept = text
        .char_indices()
        .nth(MAX_DSL_CHARS)
        .map_or(text, |(byte, _)| &text[..byte]);
    Err(DslError::plain(
        DslMessage::DefinitionTooLong,
        kept,
        MAX_DSL_CHARS,
        vec![length.to_string(), MAX_DSL_CHARS.to_string()],
    ))
}

/// The most nodes and links, together, of a task graph drawn from a definition
/// ([`crate::task::task_to_graph`], and the tools endpoint); beyond it, drawing fails with
/// [`crate::task::GraphError::TooComplex`]. Twice [`MAX_DSL_CHARS`]: drawn without copies of
/// secondary sequences, a definition at the length limit has about half an element per
/// character at most, so this leaves room for copying, and keeps the worst graph to tens of
/// megabytes.
pub const MAX_GRAPH_SIZE: usize = 2 * MAX_DSL_CHARS;

/// The most problems one validation reports: the first ones found, in SCDF's order. When there
/// were more, the last one reported says how many were left out, in its `hint` line (the
/// header, and so the tools endpoint's `errors` list, stays SCDF's). A hundred is far more than
/// anyone fixes in one go, and keeps the errors of the worst definition to some kilobytes
/// besides the one shared copy of its text.
pub const MAX_ERRORS: usize = 100;
