//! Stream definitions as the server keeps them: a name, the DSL text, a description, and what
//! the store needs to find related streams (SCDF's `StreamDefinition` entity).
//!
//! The parsed form is [`dataflow_dsl::stream::StreamDefinition`]; the apps with their inferred
//! types come from [`crate::stream::stream_apps`].

use crate::error::{Code, Error};
use crate::page::PageRequest;
use crate::text::{Lines, check_text};

/// The longest stream name stored (SCDF's column is 255 characters too).
pub const MAX_STREAM_NAME_LEN: usize = 255;

/// The longest stream description stored, in characters (SCDF's column is 255 characters).
pub const MAX_DESCRIPTION_LEN: usize = 255;

/// The longest source destination name stored, so that related streams can be found by index.
pub const MAX_DESTINATION_NAME_LEN: usize = 255;

/// Checks a new stream's name beyond what the DSL requires of it (a Java identifier, which may
/// hold NUL, bidirectional overrides and zero-width characters): at most
/// [`MAX_STREAM_NAME_LEN`] characters, none of them a control or invisible character
/// ([`crate::text`]).
pub fn validate_stream_name(name: &str) -> Result<(), Error> {
    check_text("Stream name", name, MAX_STREAM_NAME_LEN, Lines::One)
        .map_err(|e| e.into_error(Code::InvalidStreamDefinition))
}

/// Checks a new stream's description: at most [`MAX_DESCRIPTION_LEN`] characters, none of them
/// a control or invisible character ([`crate::text`]) but tabs and line breaks (`\n`, `\r\n`):
/// a description typed in a multi-line form field keeps its lines.
pub fn validate_description(description: &str) -> Result<(), Error> {
    check_text(
        "Stream description",
        description,
        MAX_DESCRIPTION_LEN,
        Lines::Many,
    )
    .map_err(|e| e.into_error(Code::InvalidStreamDefinition))
}

/// A stored stream definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamDefinitionRecord {
    /// The stream's name, unique ignoring case.
    pub name: String,
    /// The DSL as it is now (after a deployment, with what was deployed).
    pub dsl_text: String,
    /// The DSL as the user first wrote it.
    pub original_dsl_text: String,
    /// Free text, empty when none was given.
    pub description: String,
    /// The name of the definition's source destination (`orders` for `:orders > log`,
    /// `mystream.http` for the tap `:mystream.http > log`), if it has one. Streams whose source
    /// destination is a stream's name or starts with `<name>.` are that stream's related streams.
    pub source_destination: Option<String>,
}

/// Properties a stream list can be sorted by (`sort=name,desc`), named as SCDF's entity fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamSort {
    /// `name`
    Name,
    /// `dslText`
    DslText,
    /// `description`
    Description,
}

impl StreamSort {
    /// The property names accepted in `sort`.
    pub const NAMES: [&'static str; 3] = ["name", "dslText", "description"];

    /// Resolves a property name (case-insensitively).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .zip([Self::Name, Self::DslText, Self::Description])
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, s)| s)
    }
}

/// A query over stream definitions, as `GET /streams/definitions` takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamQuery {
    /// Only streams whose name contains this text, case-insensitively.
    pub search: Option<String>,
    /// Which page, in which order (after the requested keys, by name).
    pub page: PageRequest<StreamSort>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_properties_resolve_ignoring_case() {
        assert_eq!(StreamSort::from_name("NAME"), Some(StreamSort::Name));
        assert_eq!(StreamSort::from_name("dsltext"), Some(StreamSort::DslText));
        assert_eq!(
            StreamSort::from_name("description"),
            Some(StreamSort::Description)
        );
        assert_eq!(StreamSort::from_name("status"), None);
    }

    #[test]
    fn stream_names_refuse_what_java_identifiers_allow_but_no_one_can_see() {
        validate_stream_name("ticktock").unwrap();
        validate_stream_name(&"s".repeat(MAX_STREAM_NAME_LEN)).unwrap();
        for (name, expected) in [
            (
                "tick\u{0}tock",
                "Stream name has the control character U+0000 at position 4,",
            ),
            (
                "tick\u{202e}kcot",
                "Stream name has the invisible or bidirectional formatting character U+202E at \
                 position 4,",
            ),
            ("t\u{200b}", "character U+200B at position 1,"),
            ("\u{feff}t", "character U+FEFF at position 0,"),
            ("t\u{2069}", "character U+2069 at position 1,"),
        ] {
            let err = validate_stream_name(name).unwrap_err();
            assert_eq!(err.code(), Code::InvalidStreamDefinition);
            assert!(err.message().contains(expected), "{name:?}: {err}");
        }
        let long = validate_stream_name(&"s".repeat(256)).unwrap_err();
        assert_eq!(
            long.message(),
            "Stream name is 256 characters long; the limit is 255"
        );
    }

    #[test]
    fn descriptions_keep_their_lines_but_refuse_other_controls_and_stay_short() {
        for ok in [
            "",
            "Trucks, brakes & logs",
            "line one\r\n\tline two\n",
            "Größe 名前",
        ] {
            validate_description(ok).unwrap();
        }
        validate_description(&"é".repeat(MAX_DESCRIPTION_LEN)).unwrap();
        for (text, expected) in [
            (
                "a\rb",
                "Stream description has the control character U+000D at position 1,",
            ),
            ("ab\u{1b}[2J", "control character U+001B at position 2,"),
            ("x\n\u{202d}", "character U+202D at position 2,"),
            ("\u{2028}", "character U+2028 at position 0,"),
        ] {
            let err = validate_description(text).unwrap_err();
            assert_eq!(err.code(), Code::InvalidStreamDefinition);
            assert!(err.message().contains(expected), "{text:?}: {err}");
        }
        let long = validate_description(&"d".repeat(300)).unwrap_err();
        assert_eq!(
            long.message(),
            "Stream description is 300 characters long; the limit is 255"
        );
    }
}
