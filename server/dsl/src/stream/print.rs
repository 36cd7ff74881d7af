//! Rendering a [`StreamDefinition`] back to canonical DSL.
//!
//! The output is `[name = ][:src [args] > ]app [| app]…[ > :sink [args]]`, apps written
//! `[label: ]name [--arg=value]…`, joined by ` || ` for a list of unbound apps. An argument value
//! is written as is when the DSL reads it back unchanged, else single-quoted with `'` doubled.
//! Parsing the output gives the same definition, spans aside.
//!
//! The first app's name is written `name=app` (no spaces) when it is not an identifier: SCDF
//! then lexes it as an argument value, which is how such a name can exist at all (`s=a'b c'`).
//!
//! One thing cannot be written in SCDF's DSL: a NUL character inside a value. SCDF's tokenizer
//! uses NUL as its end-of-input sentinel, so it ends any value or quoted string; the lexer
//! therefore refuses NUL characters (115), and the parser never produces a value holding one.
//! For the same reason a `name=` first-app name whose quote is still open at its end can only be
//! printed last (as SCDF reads it, only the end of the input closes it).

use super::ast::{App, Arg, Destination, StreamDefinition};
use super::lexer::lex_as_value;

/// Renders `definition` as canonical DSL text (see the module documentation).
pub fn print_stream(definition: &StreamDefinition) -> String {
    let mut out = String::new();
    // `name=first` with no space: SCDF lexes `first` as an argument value, so the first app's
    // name may be any such value (`s=a'b c'`); it is written back that way.
    let value_lexed = definition
        .name
        .as_ref()
        .filter(|_| definition.source_destination.is_none())
        .zip(definition.apps.first().filter(|app| app.label.is_none()))
        .filter(|(_, first)| !is_identifier(&first.name))
        .and_then(|(_, first)| lex_as_value(&first.name));
    if let Some(name) = &definition.name {
        out.push_str(name);
        out.push_str(if value_lexed.is_some() { "=" } else { " = " });
    }
    if let Some(source) = &definition.source_destination {
        push_destination(&mut out, source);
        out.push_str(" > ");
    }
    let is_bridge = definition.source_destination.is_some()
        && definition.sink_destination.is_some()
        && matches!(definition.apps.as_slice(), [app] if is_implicit_bridge(app));
    if !is_bridge {
        let separator = if definition.apps.len() > 1 && definition.apps.iter().all(|a| a.unbound) {
            " || "
        } else {
            " | "
        };
        for (index, app) in definition.apps.iter().enumerate() {
            if index > 0 {
                out.push_str(separator);
            }
            if let Some(label) = &app.label {
                out.push_str(label);
                out.push_str(": ");
            }
            out.push_str(&app.name);
            push_args(&mut out, &app.args);
        }
    }
    if let Some(sink) = &definition.sink_destination {
        if !is_bridge {
            out.push_str(" > ");
        }
        push_destination(&mut out, sink);
    }
    out
}

/// Whether the lexer reads `name` as one identifier token.
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|ch| ch.is_ascii_alphanumeric() || ch == '_')
        && chars.all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '_' | '$' | '-'))
}

/// The app SCDF creates for `:a > :b`; writing it out as `:a > bridge > :b` would mean the same.
fn is_implicit_bridge(app: &App) -> bool {
    app.name == "bridge" && app.label.is_none() && app.args.is_empty()
}

fn push_destination(out: &mut String, destination: &Destination) {
    out.push(':');
    out.push_str(&destination.name);
    push_args(out, &destination.args);
}

fn push_args(out: &mut String, args: &[Arg]) {
    for arg in args {
        out.push_str(" --");
        out.push_str(&arg.name);
        out.push('=');
        push_value(out, &arg.value);
    }
}

/// A value unquoted when that reads back the same, else `'…'` with `'` doubled (inside single
/// quotes only another `'` is special, and `''` reads back as one `'`).
fn push_value(out: &mut String, value: &str) {
    if needs_quotes(value) {
        out.push('\'');
        out.push_str(&value.replace('\'', "''"));
        out.push('\'');
    } else {
        out.push_str(value);
    }
}

/// Unquoted, a value runs to the first whitespace, `|`, `;` or `>`, and quote characters in it
/// change how it is read; control and other whitespace characters are quoted for readability.
fn needs_quotes(value: &str) -> bool {
    value.is_empty()
        || value.chars().any(|ch| {
            ch.is_whitespace() || ch.is_control() || matches!(ch, '|' | ';' | '>' | '\'' | '"')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        let mut out = String::new();
        for value in ["plain", "a b", "", "it's", "--payload", "x=y", "é"] {
            push_value(&mut out, value);
            out.push(' ');
        }
        assert_eq!(out, "plain 'a b' '' 'it''s' --payload x=y é ");
    }
}
