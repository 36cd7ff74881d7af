//! Registered apps: their types, validated names and registrations.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Code, Error};
use crate::text::{Lines, check_text};

/// The kind of an app, as SCDF's `ApplicationType`.
///
/// Streams infer source/processor/sink from the position of an app in the pipeline; `app` is a
/// plain application used only in `||` groups; `task` is a short-lived batch app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppType {
    /// A plain application, used in `||` app groups; no binding properties are added.
    App,
    /// The first app of a stream: produces messages.
    Source,
    /// A middle app of a stream: consumes and produces messages.
    Processor,
    /// The last app of a stream: consumes messages.
    Sink,
    /// A Spring Cloud Task app, launched on demand or on a schedule.
    Task,
}

impl AppType {
    /// Every type, in SCDF's declaration order.
    pub const ALL: [Self; 5] = [
        Self::App,
        Self::Source,
        Self::Processor,
        Self::Sink,
        Self::Task,
    ];

    /// The lowercase name used in URLs, bulk files and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Source => "source",
            Self::Processor => "processor",
            Self::Sink => "sink",
            Self::Task => "task",
        }
    }
}

impl fmt::Display for AppType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AppType {
    type Err = Error;

    /// Parses a type name case-insensitively, as Spring's enum conversion does.
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| {
                Error::new(
                    Code::InvalidParameter,
                    format!(
                        "The parameter 'type' must contain one of the following values: \
                         'app, source, processor, sink, task' (got '{s}')."
                    ),
                )
            })
    }
}

/// The longest app name SCDF stores.
pub const MAX_APP_NAME_LEN: usize = 255;

/// A validated app name.
///
/// SCDF only forbids `:` and names longer than 255 characters; we also require the name to be a
/// DSL identifier (ASCII letters, digits, `_`, then also `-` and `$`), because an app whose name
/// the stream and task DSL cannot spell could be registered but never used. A control or
/// invisible character is reported as such ([`crate::text`]), by code point and position.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AppName(String);

impl AppName {
    /// Validates `name`.
    pub fn new(name: &str) -> Result<Self, Error> {
        let invalid = |why: String| Error::new(Code::InvalidAppName, why);
        if name.is_empty() {
            return Err(invalid("Application name must not be empty".to_owned()));
        }
        check_text("Application name", name, MAX_APP_NAME_LEN, Lines::One)
            .map_err(|e| e.into_error(Code::InvalidAppName))?;
        if name.contains(':') {
            // SCDF's exact message, kept for clients that match on it.
            return Err(invalid(format!(
                "Application name: '{name}' cannot contain: ':'"
            )));
        }
        for (pos, c) in name.chars().enumerate() {
            let ok = c.is_ascii_alphanumeric() || c == '_' || (pos > 0 && (c == '-' || c == '$'));
            if !ok {
                return Err(invalid(format!(
                    "Application name '{name}' has '{}' at position {pos}: a name starts with \
                     a letter, digit or '_' and continues with letters, digits, '_', '-' or '$'",
                    c.escape_default()
                )));
            }
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AppName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AppName {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        Self::new(&s)
    }
}

impl From<AppName> for String {
    fn from(n: AppName) -> Self {
        n.0
    }
}

/// The longest version we store, in characters (the column's width).
pub const MAX_VERSION_LEN: usize = 255;

/// Checks a version given explicitly (in a URL path) or derived from a URI: not empty, at most
/// [`MAX_VERSION_LEN`] characters, none of them whitespace, `/` or a character the
/// [text rules](crate::text) refuse.
pub fn validate_version(version: &str) -> Result<(), Error> {
    let invalid = |why: String| Error::new(Code::InvalidAppUri, why);
    if version.is_empty() {
        return Err(invalid("Version must not be empty".to_owned()));
    }
    check_text("Version", version, MAX_VERSION_LEN, Lines::One)
        .map_err(|e| e.into_error(Code::InvalidAppUri))?;
    if let Some((pos, c)) = version
        .chars()
        .enumerate()
        .find(|(_, c)| c.is_whitespace() || *c == '/')
    {
        return Err(invalid(format!(
            "Version '{}' has '{}' at position {pos}; versions contain no whitespace or '/'",
            version.escape_default(),
            c.escape_default()
        )));
    }
    Ok(())
}

/// One registered version of an app: the registry's key is (type, name, version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppRegistration {
    /// The app's name, as used in the DSL.
    pub name: AppName,
    /// The app's type.
    pub app_type: AppType,
    /// The version, given explicitly or derived from the URI.
    pub version: String,
    /// Where the artifact lives (`docker:`, `maven://`, `http(s)://`, `file:`).
    pub uri: String,
    /// Where the app's configuration metadata lives, if apart from the artifact.
    pub metadata_uri: Option<String>,
    /// Whether this is the version streams and tasks use by default.
    pub default_version: bool,
}

impl AppRegistration {
    /// `type:name:version`, the form SCDF uses in messages.
    pub fn coordinates(&self) -> String {
        format!("{}:{}:{}", self.app_type, self.name, self.version)
    }
}

/// A registration asked for, before the registry decides whether it becomes the default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppRegistration {
    /// The app's name.
    pub name: AppName,
    /// The app's type.
    pub app_type: AppType,
    /// The version, given explicitly or derived from the URI.
    pub version: String,
    /// Where the artifact lives.
    pub uri: String,
    /// Where its configuration metadata lives, if apart from the artifact.
    pub metadata_uri: Option<String>,
}

/// Properties an app list can be sorted by (`sort=name,desc`), named as SCDF's entity fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppSort {
    /// `name`
    Name,
    /// `type`
    Type,
    /// `version`
    Version,
    /// `uri`
    Uri,
    /// `defaultVersion`
    DefaultVersion,
}

impl AppSort {
    /// The property names accepted in `sort`.
    pub const NAMES: [&'static str; 5] = ["name", "type", "version", "uri", "defaultVersion"];

    /// Resolves a property name (case-insensitively).
    pub fn from_name(name: &str) -> Option<Self> {
        let all = [
            Self::Name,
            Self::Type,
            Self::Version,
            Self::Uri,
            Self::DefaultVersion,
        ];
        Self::NAMES
            .iter()
            .zip(all)
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, s)| s)
    }
}

/// A query over the registry, as `GET /apps` takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppQuery {
    /// Only apps of this type.
    pub app_type: Option<AppType>,
    /// Only apps whose name contains this text, case-insensitively.
    pub search: Option<String>,
    /// Only this version, compared case-insensitively.
    pub version: Option<String>,
    /// Only default versions.
    pub default_only: bool,
    /// Which page, in which order.
    pub page: crate::page::PageRequest<AppSort>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_parse_case_insensitively_and_reject_unknown_ones() {
        assert_eq!("Source".parse::<AppType>().unwrap(), AppType::Source);
        assert_eq!("task".parse::<AppType>().unwrap(), AppType::Task);
        let err = "widget".parse::<AppType>().unwrap_err();
        assert_eq!(err.code(), Code::InvalidParameter);
        assert!(
            err.message()
                .contains("'app, source, processor, sink, task'"),
            "{err}"
        );
        assert!(err.message().contains("'widget'"), "{err}");
    }

    #[test]
    fn names_follow_scdf_and_the_dsl_identifier_rules() {
        for ok in ["trucks", "brake-temperature", "a_b-c", "d$e", "0day", "_x"] {
            AppName::new(ok).unwrap();
        }
        let colon = AppName::new("a:b").unwrap_err();
        assert_eq!(
            colon.message(),
            "Application name: 'a:b' cannot contain: ':'"
        );
        assert_eq!(colon.code(), Code::InvalidAppName);
        assert!(AppName::new("").unwrap_err().message().contains("empty"));
        let dot = AppName::new("my.app").unwrap_err();
        assert!(dot.message().contains("'.' at position 2"), "{dot}");
        let dash = AppName::new("-x").unwrap_err();
        assert!(dash.message().contains("position 0"), "{dash}");
        let long = "a".repeat(256);
        assert!(
            AppName::new(&long)
                .unwrap_err()
                .message()
                .contains("limit is 255")
        );
        AppName::new(&"a".repeat(255)).unwrap();
    }

    #[test]
    fn versions_reject_whitespace_and_slashes() {
        validate_version("0.0.1-SNAPSHOT").unwrap();
        assert!(validate_version("").is_err());
        assert!(
            validate_version("1 0")
                .unwrap_err()
                .message()
                .contains("position 1")
        );
        assert!(validate_version("a/b").is_err());
        let long = validate_version(&"1".repeat(256)).unwrap_err();
        assert_eq!(
            long.message(),
            "Version is 256 characters long; the limit is 255"
        );
        validate_version(&"é".repeat(255)).unwrap();
    }

    #[test]
    fn names_and_versions_refuse_control_and_invisible_characters() {
        for (text, code_point, position) in [
            ("log\u{0}", "U+0000", 3),
            ("lo\u{202e}g", "U+202E", 2),
            ("\u{2066}log", "U+2066", 0),
            ("l\u{200e}og", "U+200E", 1),
            ("log\u{61c}", "U+061C", 3),
            ("l\u{200b}og", "U+200B", 1),
            ("lo\u{200d}g", "U+200D", 2),
            ("log\u{2060}", "U+2060", 3),
            ("\u{feff}log", "U+FEFF", 0),
            ("lo\u{7}g", "U+0007", 2),
            ("l:\u{202e}", "U+202E", 2),
        ] {
            let expected = format!("character {code_point} at position {position},");
            let name = AppName::new(text).unwrap_err();
            assert_eq!(name.code(), Code::InvalidAppName);
            assert!(
                name.message().starts_with("Application name has the "),
                "{name}"
            );
            assert!(name.message().contains(&expected), "{text:?}: {name}");
            let version = validate_version(&format!("1.0{text}")).unwrap_err();
            assert_eq!(version.code(), Code::InvalidAppUri);
            assert!(
                version.message().starts_with("Version has the "),
                "{version}"
            );
            let expected = format!("character {code_point} at position {},", position + 3);
            assert!(version.message().contains(&expected), "{text:?}: {version}");
        }
    }
}
