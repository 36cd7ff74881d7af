//! The task (composed task) DSL, parsed, validated, printed and drawn as SCDF does it:
//! `[label:] app [--k=v]… [status->target]… && …`, `<flow || flow>`, secondary sequences on
//! further lines (or after `;`) reachable through `->:label`.
//!
//! Existing SCDF users paste their task definitions here, and SCDF's dashboard edits them as
//! graphs, so structure, error codes, positions, messages and graph JSON must be SCDF's. The
//! work is split like this:
//! - `grammar.pest` + `lexer.rs`: the tokens, in one pass (SCDF lexes everything before
//!   parsing, so lexing errors come first), including the context-dependent lexing of argument
//!   values;
//! - `parser.rs`: a recursive descent that takes SCDF's decisions in SCDF's order, with its
//!   checkpoints, and a nesting limit instead of a stack overflow;
//! - `ast.rs`: the result; `validate.rs`: SCDF's semantic checks (158–166);
//! - `print.rs`: canonical DSL that parses back to the same definition;
//! - `graph.rs`, `to_graph.rs`, `from_graph.rs`, `java_map.rs`: SCDF's graph JSON, drawn with
//!   SCDF's numbering, converted back to text with SCDF's algorithm, and the payloads of the
//!   two tools endpoints.
//!
//! Order of checks, as in SCDF: lexing errors, then syntax errors, then the task name (123),
//! then text left over (163), then validation problems (all of them, up to
//! [`crate::MAX_ERRORS`]). Before all that, a definition longer than [`crate::MAX_DSL_CHARS`]
//! characters is refused (180, ours), in every function here that takes DSL text.

mod ast;
mod from_graph;
mod graph;
mod java_map;
mod lexer;
mod parser;
mod print;
mod to_graph;
mod validate;

#[cfg(test)]
mod arbitrary;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use ast::{
    Argument, END_APP, FAIL_APP, Flow, FlowNode, Label, Span, Split, TaskApp, TaskDefinition,
    Transition, TransitionStatus, TransitionTarget,
};
pub use graph::{
    ConvertTaskResponse, END_NODE, ErrorDescriptor, FAIL_NODE, Graph, GraphError, LABEL_KEY, Link,
    Node, ParseTaskResponse, Properties, START_NODE, SYNC_NODE, TRANSITION_NAME_KEY,
    convert_task_graph_to_text, graph_to_dsl, graph_to_task, parse_task_text_to_graph,
    task_to_graph,
};
pub use parser::MAX_NESTING;
pub use print::print_task;
pub use validate::{validate, validation_failure_message};

use crate::error::DslError;

/// Parses a task definition (syntax only; see [`parse_and_validate_task`]). Longer than
/// [`crate::MAX_DSL_CHARS`] characters: 180.
pub fn parse_task(dsl: &str) -> Result<TaskDefinition, DslError> {
    parser::parse(dsl, None)
}

/// Parses and validates a task definition as SCDF does when one is created: the syntax, the
/// task `name` if given (123), the validation problems ([`validate`]; every one of them is
/// returned, in SCDF's order, up to [`crate::MAX_ERRORS`]). A syntax error, or the 180 of a
/// definition longer than [`crate::MAX_DSL_CHARS`], is returned alone.
pub fn parse_and_validate_task(
    dsl: &str,
    name: Option<&str>,
) -> Result<TaskDefinition, Vec<DslError>> {
    let definition = parser::parse(dsl, name).map_err(|error| vec![error])?;
    let problems = validate(&definition, validate::java_trim(dsl));
    if problems.is_empty() {
        Ok(definition)
    } else {
        Err(problems)
    }
}

/// Whether `name` is a legal task name: a Java identifier start, then Java identifier parts or
/// `-`, by Java 17's tables (SCDF's `isValidName`; 123 otherwise).
pub fn is_valid_task_name(name: &str) -> bool {
    crate::java_ident::is_valid_name(name)
}
