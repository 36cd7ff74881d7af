//! Stream definitions as the server keeps them: a name, the DSL text, a description, and what
//! the store needs to find related streams (SCDF's `StreamDefinition` entity).
//!
//! The parsed form is [`dataflow_dsl::stream::StreamDefinition`]; the apps with their inferred
//! types come from [`crate::stream::stream_apps`].

use crate::page::PageRequest;

/// The longest stream name stored (SCDF's column is 255 characters too).
pub const MAX_STREAM_NAME_LEN: usize = 255;

/// The longest source destination name stored, so that related streams can be found by index.
pub const MAX_DESTINATION_NAME_LEN: usize = 255;

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
}
