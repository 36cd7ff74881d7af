//! Multi-document YAML for rendered objects.
//!
//! We emit YAML ourselves (from the objects' JSON form) instead of with `serde_yaml`, because
//! `serde_yaml` writes strings such as `yes`, `on` or `y` unquoted: YAML 1.2 reads them as
//! strings, but kubectl's YAML 1.1 parser reads them as booleans and rejects the object (an
//! environment variable `DEBUG=yes`, a label value `on`). Here every string that is not
//! unambiguously a string in both YAML versions is quoted. Map keys are sorted, so the output
//! does not depend on serde_json's map ordering.

use serde_json::Value;

use crate::{Error, Result};

/// One YAML document (starting with `---`) for a serializable object.
pub(crate) fn document<T: serde::Serialize>(object: &T) -> Result<String> {
    let value = serde_json::to_value(object).map_err(Error::Serialize)?;
    let mut out = String::from("---\n");
    match &value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
    Ok(out)
}

fn indent(out: &mut String, level: usize) {
    out.extend(std::iter::repeat_n(' ', level));
}

fn sorted(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Writes `key: value` lines at `level` spaces.
fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, level: usize) {
    for (key, value) in sorted(map) {
        indent(out, level);
        out.push_str(&quote(key));
        out.push(':');
        match value {
            Value::Object(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(out, inner, level + 2);
            }
            // Sequences under a key sit at the key's indentation, as kubectl writes them.
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, level);
            }
            scalar => {
                out.push(' ');
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

/// Writes `- item` lines at `level` spaces.
fn write_seq(out: &mut String, items: &[Value], level: usize) {
    for item in items {
        indent(out, level);
        out.push_str("- ");
        match item {
            Value::Object(inner) if !inner.is_empty() => {
                // The first entry shares the dash's line; the rest align with it.
                let mut nested = String::new();
                write_map(&mut nested, inner, level + 2);
                out.push_str(nested.trim_start_matches(' '));
            }
            Value::Array(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                write_seq(&mut nested, inner, level + 2);
                out.push_str(nested.trim_start_matches(' '));
            }
            scalar => {
                out.push_str(&scalar_text(scalar));
                out.push('\n');
            }
        }
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => quote(text),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// Words YAML 1.1 or 1.2 read as something other than a string.
const SPECIAL_WORDS: [&str; 22] = [
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", ".nan", "-.inf",
    "+.inf", ".Inf", ".NaN", "-.Inf", "+.Inf", ".INF", ".NAN", "-.INF", "+.INF",
];

/// The text as a plain scalar when that is unambiguous, otherwise quoted.
fn quote(text: &str) -> String {
    if is_plain_safe(text) {
        return text.to_owned();
    }
    if text.chars().any(needs_escape) {
        return double_quoted(text);
    }
    format!("'{}'", text.replace('\'', "''"))
}

/// Characters a single-quoted scalar cannot hold as they are: control characters, the
/// characters YAML treats as line breaks or a byte order mark, and the non-characters YAML
/// does not allow unescaped.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A double-quoted scalar with escapes for everything [`needs_escape`] flags.
fn double_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let safe_char = |c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@' | '+' | '=')
    };
    let word_start = first.is_ascii_alphabetic() || first == '/' || first == '_';
    let unit_start = first.is_ascii_digit() && !looks_numeric(text);
    if !word_start && !unit_start {
        return false;
    }
    text.chars().all(safe_char)
        && !text.ends_with(':')
        && !SPECIAL_WORDS
            .iter()
            .any(|word| word.eq_ignore_ascii_case(text))
}

/// Whether a text starting with a digit could be read as a number (or a YAML 1.1
/// sexagesimal, octal, hex, binary or timestamp): we only leave digit-first texts unquoted when
/// they contain a character no number has, like `512Mi` or `500m`.
fn looks_numeric(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_ascii_hexdigit() || matches!(c, '.' | '_' | '+' | '-' | ':' | 'x' | 'X' | 'o' | 'O')
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn round_trip(value: &Value) -> Value {
        let text = document(value).unwrap();
        serde_yaml::from_str(&text).unwrap()
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for text in [
            "yes", "on", "Y", "no", "true", "null", "~", "8080", "1.0", "1e3", "0x1F", "1:30", "",
            " x", "a: b", "- x", "#x", "'",
        ] {
            let quoted = quote(text);
            assert_ne!(quoted, text, "{text}");
        }
        for text in [
            "busybox:1",
            "512Mi",
            "500m",
            "/actuator/health",
            "spring-app",
            "IfNotPresent",
            "app.kubernetes.io/name",
        ] {
            assert_eq!(quote(text), text, "{text}");
        }
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
        assert_eq!(quote("a\u{2028}\"\\"), "\"a\\u2028\\\"\\\\\"");
        for text in [
            "a\u{2028}b",
            "x\u{85}y",
            "\u{feff}z",
            "t\tu",
            "q\"\\'",
            "\u{ffff}",
            "\u{1f600}",
        ] {
            let value = serde_json::json!({ "k": text });
            assert_eq!(round_trip(&value), value, "{text:?}");
        }
    }

    #[test]
    fn layout_matches_kubectl_style() {
        let value = serde_json::json!({
            "kind": "Service",
            "apiVersion": "v1",
            "spec": {"ports": [{"port": 8080, "name": "port-8080"}], "selector": {}},
            "list": [["a"], "b"],
        });
        let text = document(&value).unwrap();
        assert_eq!(
            text,
            "---\napiVersion: v1\nkind: Service\nlist:\n- - a\n- b\nspec:\n  ports:\n  - name: port-8080\n    port: 8080\n  selector: {}\n"
        );
        assert_eq!(round_trip(&value), value);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_string_survives_a_round_trip(key in any::<String>(), text in any::<String>(), control in "[\\x00-\\x1f]{0,2}") {
            let value = serde_json::json!({ "k": { key: [text.clone(), format!("{text}{control}")] }, "s": text });
            prop_assert_eq!(round_trip(&value), value);
        }
    }
}
