//! The stream DSL, parsed as SCDF parses it:
//! `[name =] [:source [--arg=v] >] [label: ]app [--arg=v]… (| app…)* [> :sink]`.
//!
//! Existing SCDF users paste their definitions here, so the structure, the error codes, the
//! positions and the rendered messages must be SCDF's. The work is split in three:
//! - `grammar.pest` + `lexer.rs`: the tokens, including SCDF's context-dependent lexing of
//!   argument values (quotes, doubled quotes, unquoted values ending at a space, `|`, `;`, `>`);
//! - `parser.rs`: a flat, iterative descent that repeats SCDF's decisions and checkpoints;
//! - `ast.rs` / `print.rs`: the result, and canonical DSL printed back from it.
//!
//! A line break is a token SCDF's stream parser accepts nowhere, so a definition must be one
//! line (quoted values may hold line breaks).

mod ast;
mod lexer;
mod parser;
mod print;

#[cfg(test)]
mod arbitrary;
#[cfg(test)]
mod tests;

pub use ast::{App, AppKind, Arg, Destination, Span, StreamDefinition};
#[cfg(test)]
pub(crate) use parser::parse_stream_unbounded;
pub use parser::{is_valid_stream_name, parse_stream, parse_stream_named};
pub use print::print_stream;
