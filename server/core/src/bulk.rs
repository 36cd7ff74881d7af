//! The bulk registration format: properties-style lines such as
//! `source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT`.
//!
//! Accepted keys are `<type>.<name>` (the app's URI), `<type>.<name>.metadata` (its metadata URI)
//! and `<type>.<name>.bootVersion` (accepted for compatibility and ignored, as SCDF does).
//! Blank lines and `#`/`!` comments are skipped. Unlike SCDF, which silently drops lines it
//! cannot split and metadata lines with no app, every other line either yields a registration or
//! an error that names its line number, so the caller can refuse the whole list.
//!
//! A [`LineError`] has two renderings. Its message (and `Display`) quotes the line, for lists
//! the client sent as text. [`LineError::without_content`] gives the line number and a fixed
//! [`LineErrorKind`] only, for lists the server read from a location the client named: those
//! may be any file the server can read (`file:/etc/shadow`), and echoing their lines would
//! disclose them.

use std::collections::HashMap;

use crate::app::{AppName, AppType, NewAppRegistration, validate_version};
use crate::uri::AppUri;

/// What is wrong with a line of a bulk list, in words that quote nothing of the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LineErrorKind {
    /// The line has no `=`.
    NotAnAssignment,
    /// The key is not `<type>.<name>`, `<type>.<name>.metadata` or `<type>.<name>.bootVersion`.
    InvalidKey,
    /// The key's type is none of `app`, `source`, `processor`, `sink`, `task`.
    UnknownAppType,
    /// The key's name breaks the app naming rules.
    InvalidAppName,
    /// Nothing follows the `=`.
    MissingUri,
    /// The app URI does not parse.
    InvalidUri,
    /// The metadata URI does not parse.
    InvalidMetadataUri,
    /// No version can be derived from the app URI.
    NoVersion,
    /// The version derived from the app URI is not a valid version.
    InvalidVersion,
    /// An earlier line registers the same app and version with another URI.
    ConflictingUri,
    /// A `bootVersion` line does not follow its app's line.
    MisplacedBootVersion,
    /// A metadata line names an app the list does not register.
    MetadataWithoutApp,
    /// A metadata line without a version names an app of several versions.
    AmbiguousMetadata,
    /// A second metadata line for the same app and version.
    DuplicateMetadata,
}

impl LineErrorKind {
    /// A short fixed text for the problem.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::NotAnAssignment => "not a '<type>.<name>=<uri>' line",
            Self::InvalidKey => {
                "key is not <type>.<name>, <type>.<name>.metadata or <type>.<name>.bootVersion"
            }
            Self::UnknownAppType => "unknown app type",
            Self::InvalidAppName => "invalid app name",
            Self::MissingUri => "no URI after '='",
            Self::InvalidUri => "invalid URI",
            Self::InvalidMetadataUri => "invalid metadata URI",
            Self::NoVersion => "no version can be derived from the URI",
            Self::InvalidVersion => "invalid version",
            Self::ConflictingUri => "duplicate registration with a different URI",
            Self::MisplacedBootVersion => "bootVersion line not right after its app's line",
            Self::MetadataWithoutApp => "metadata for an app the list does not register",
            Self::AmbiguousMetadata => "metadata without a version for an app of several versions",
            Self::DuplicateMetadata => "second metadata URI for the same app version",
        }
    }
}

impl std::fmt::Display for LineErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A line of a bulk list that could not be used, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the submitted text.
    pub line: usize,
    /// What is wrong with it, quoting nothing of it.
    pub kind: LineErrorKind,
    /// What is wrong with it, in detail: quotes parts of the line.
    pub message: String,
}

impl LineError {
    /// `line N: <kind>`: nothing of the line's text, for lists read from a location the client
    /// named rather than sent.
    pub fn without_content(&self) -> String {
        format!("line {}: {}", self.line, self.kind)
    }
}

impl std::fmt::Display for LineError {
    /// `line N: <message>`, which quotes the line: only for lists the client sent as text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A problem found in a line: its kind and the detailed message.
type Problem = (LineErrorKind, String);

/// The outcome of reading a bulk list: the registrations it asks for, in order of first
/// appearance, and every line that could not be used.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AppList {
    /// Registrations, one per (type, name, version), metadata attached.
    pub apps: Vec<NewAppRegistration>,
    /// Lines that were rejected.
    pub errors: Vec<LineError>,
}

/// What one non-blank line says.
enum Line {
    Uri {
        app_type: AppType,
        name: AppName,
        version: String,
        uri: String,
    },
    Metadata {
        app_type: AppType,
        name: AppName,
        version: Option<String>,
        uri: String,
    },
    BootVersion {
        app_type: AppType,
        name: AppName,
    },
}

/// Reads a bulk list. Never fails as a whole: look at [`AppList::errors`].
pub fn parse_app_list(text: &str) -> AppList {
    let mut list = AppList::default();
    // (type, name, version) -> index in list.apps, plus the line that introduced it.
    let mut index: HashMap<(AppType, String, String), (usize, usize)> = HashMap::new();
    let mut metadata = Vec::new();
    // The app of the previous line, which a `bootVersion` line must belong to.
    let mut previous_uri: Option<(AppType, AppName)> = None;

    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let parsed = match parse_line(line) {
            Ok(parsed) => parsed,
            Err((kind, message)) => {
                list.errors.push(LineError {
                    line: line_no,
                    kind,
                    message,
                });
                previous_uri = None;
                continue;
            }
        };
        match parsed {
            Line::Uri {
                app_type,
                name,
                version,
                uri,
            } => {
                previous_uri = Some((app_type, name.clone()));
                // Keys fold case, as the registry does.
                let key = (
                    app_type,
                    name.as_str().to_lowercase(),
                    version.to_lowercase(),
                );
                if let Some(&(at, first_line)) = index.get(&key) {
                    if list.apps[at].uri != uri {
                        list.errors.push(LineError {
                            line: line_no,
                            kind: LineErrorKind::ConflictingUri,
                            message: format!(
                                "{app_type}.{name} version {version} is already given on line \
                                 {first_line} with another URI ({})",
                                list.apps[at].uri
                            ),
                        });
                    }
                    continue;
                }
                index.insert(key, (list.apps.len(), line_no));
                list.apps.push(NewAppRegistration {
                    name,
                    app_type,
                    version,
                    uri,
                    metadata_uri: None,
                });
            }
            Line::Metadata {
                app_type,
                name,
                version,
                uri,
            } => {
                // `bootVersion` may follow the metadata line of its app, too.
                previous_uri = Some((app_type, name.clone()));
                metadata.push((line_no, app_type, name, version, uri));
            }
            Line::BootVersion { app_type, name } => {
                if previous_uri.as_ref() != Some(&(app_type, name.clone())) {
                    list.errors.push(LineError {
                        line: line_no,
                        kind: LineErrorKind::MisplacedBootVersion,
                        message: format!(
                            "Expected uri for bootVersion: {app_type}.{name}.bootVersion must \
                             come right after the line {app_type}.{name}=<uri>"
                        ),
                    });
                }
            }
        }
    }

    for (line_no, app_type, name, version, uri) in metadata {
        match attach_metadata(
            &mut list.apps,
            &index,
            app_type,
            &name,
            version.as_deref(),
            uri,
        ) {
            Ok(()) => {}
            Err((kind, message)) => list.errors.push(LineError {
                line: line_no,
                kind,
                message,
            }),
        }
    }
    list.errors.sort_by_key(|e| e.line);
    list
}

fn parse_line(line: &str) -> Result<Line, Problem> {
    use LineErrorKind as Kind;
    let Some((key, value)) = line.split_once('=') else {
        return Err((
            Kind::NotAnAssignment,
            format!(
                "expected <type>.<name>=<uri> but the line has no '=' ('{}')",
                abbreviate(line)
            ),
        ));
    };
    let (key, value) = (key.trim(), value.trim());
    let parts: Vec<&str> = key.split('.').collect();
    let (type_text, name_text, suffix) = match parts.as_slice() {
        [t, n] => (*t, *n, None),
        [t, n, s @ ("metadata" | "bootVersion")] => (*t, *n, Some(*s)),
        _ => {
            return Err((
                Kind::InvalidKey,
                format!(
                    "Invalid format for app key '{}': must be <type>.<name>, \
                     <type>.<name>.metadata or <type>.<name>.bootVersion",
                    abbreviate(key)
                ),
            ));
        }
    };
    let app_type: AppType = type_text.parse().map_err(|_| {
        (
            Kind::UnknownAppType,
            format!(
                "unknown app type '{}' in key '{}': expected one of app, source, processor, \
                 sink, task",
                abbreviate(type_text),
                abbreviate(key)
            ),
        )
    })?;
    let name =
        AppName::new(name_text).map_err(|e| (Kind::InvalidAppName, e.message().to_owned()))?;
    if suffix == Some("bootVersion") {
        return Ok(Line::BootVersion { app_type, name });
    }
    if value.is_empty() {
        return Err((
            Kind::MissingUri,
            format!("the key '{key}' has no URI after '='"),
        ));
    }
    let uri_kind = if suffix == Some("metadata") {
        Kind::InvalidMetadataUri
    } else {
        Kind::InvalidUri
    };
    let parsed = AppUri::parse(value).map_err(|e| (uri_kind, e.to_string()))?;
    if suffix == Some("metadata") {
        let version = parsed.version().ok();
        return Ok(Line::Metadata {
            app_type,
            name,
            version,
            uri: value.to_owned(),
        });
    }
    let version = parsed
        .version()
        .map_err(|e| (Kind::NoVersion, e.to_string()))?;
    validate_version(&version).map_err(|e| (Kind::InvalidVersion, e.message().to_owned()))?;
    Ok(Line::Uri {
        app_type,
        name,
        version,
        uri: value.to_owned(),
    })
}

/// Attaches a metadata URI to the registration of the same type, name and version, or, when the
/// metadata URI carries no usable version, to the only version of that app in the list.
fn attach_metadata(
    apps: &mut [NewAppRegistration],
    index: &HashMap<(AppType, String, String), (usize, usize)>,
    app_type: AppType,
    name: &AppName,
    version: Option<&str>,
    uri: String,
) -> Result<(), Problem> {
    let exact =
        version.and_then(|v| index.get(&(app_type, name.as_str().to_owned(), v.to_owned())));
    let target = match exact {
        Some(&(at, _)) => at,
        None => {
            let candidates: Vec<usize> = apps
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    a.app_type == app_type && a.name.as_str().eq_ignore_ascii_case(name.as_str())
                })
                .map(|(i, _)| i)
                .collect();
            match candidates.as_slice() {
                [only] => *only,
                [] => {
                    return Err((
                        LineErrorKind::MetadataWithoutApp,
                        format!(
                            "metadata for {app_type}.{name} has no app line \
                             ({app_type}.{name}=<uri>) in the list"
                        ),
                    ));
                }
                _ => {
                    return Err((
                        LineErrorKind::AmbiguousMetadata,
                        format!(
                            "metadata for {app_type}.{name} matches none of its {} versions in \
                             the list by version; give a metadata URI with the app's version",
                            candidates.len()
                        ),
                    ));
                }
            }
        }
    };
    let app = &mut apps[target];
    if let Some(existing) = &app.metadata_uri {
        return Err((
            LineErrorKind::DuplicateMetadata,
            format!(
                "{app_type}.{name} version {} already has metadata {existing}",
                app.version
            ),
        ));
    }
    app.metadata_uri = Some(uri);
    Ok(())
}

/// Keeps quoted user text short in messages.
fn abbreviate(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let head: String = text.chars().take(MAX).collect();
        format!("{head}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORKSHOP: &str = "\
source.trucks=docker:dev.local/trucks:0.0.1-SNAPSHOT
processor.brake-temperature=docker:dev.local/brake-temperature:0.0.1-SNAPSHOT
sink.brake-log=docker:dev.local/brake-logs:0.0.1-SNAPSHOT
task.thumbinator=docker:sabby/thumbinator:0.0.1-SNAPSHOT
";

    #[test]
    fn reads_the_workshop_list() {
        let list = parse_app_list(WORKSHOP);
        assert_eq!(list.errors, []);
        let got: Vec<_> = list
            .apps
            .iter()
            .map(|a| {
                (
                    a.app_type,
                    a.name.as_str(),
                    a.version.as_str(),
                    a.uri.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    AppType::Source,
                    "trucks",
                    "0.0.1-SNAPSHOT",
                    "docker:dev.local/trucks:0.0.1-SNAPSHOT"
                ),
                (
                    AppType::Processor,
                    "brake-temperature",
                    "0.0.1-SNAPSHOT",
                    "docker:dev.local/brake-temperature:0.0.1-SNAPSHOT"
                ),
                (
                    AppType::Sink,
                    "brake-log",
                    "0.0.1-SNAPSHOT",
                    "docker:dev.local/brake-logs:0.0.1-SNAPSHOT"
                ),
                (
                    AppType::Task,
                    "thumbinator",
                    "0.0.1-SNAPSHOT",
                    "docker:sabby/thumbinator:0.0.1-SNAPSHOT"
                ),
            ]
        );
    }

    #[test]
    fn skips_blank_lines_and_comments_and_trims() {
        let list =
            parse_app_list("\n# a comment\n! another\r\n  sink.log = docker:a/log:1.0  \r\n\n");
        assert_eq!(list.errors, []);
        assert_eq!(list.apps.len(), 1);
        assert_eq!(list.apps[0].uri, "docker:a/log:1.0");
    }

    #[test]
    fn reports_every_bad_line_with_its_number() {
        let text = "source.ok=docker:a/ok:1.0\n\
                    no equals sign here\n\
                    widget.x=docker:a/x:1.0\n\
                    source.a.b.c=docker:a/x:1.0\n\
                    source.bad:name=docker:a/x:1.0\n\
                    sink.log=docker:a/log\n\
                    sink.empty=\n\
                    sink.good=docker:a/good:2.0\n";
        let list = parse_app_list(text);
        let lines: Vec<usize> = list.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7], "{:#?}", list.errors);
        assert!(list.errors[0].message.contains("no '='"));
        assert!(list.errors[1].message.contains("unknown app type 'widget'"));
        assert!(
            list.errors[2]
                .message
                .contains("Invalid format for app key 'source.a.b.c'")
        );
        assert!(list.errors[3].message.contains("cannot contain: ':'"));
        assert!(list.errors[4].message.contains("tag"), "{}", list.errors[4]);
        assert!(list.errors[5].message.contains("no URI"));
        assert_eq!(list.apps.len(), 2, "the good lines are still read");
        assert_eq!(
            list.errors[0].to_string(),
            format!("line 2: {}", list.errors[0].message)
        );
    }

    #[test]
    fn uris_containing_equals_signs_are_kept_whole() {
        // SCDF splits on every '=' and silently drops such lines.
        let list = parse_app_list("source.s=https://repo.example.com/s-source-1.2.0.jar?a=b\n");
        assert_eq!(list.errors, []);
        assert_eq!(
            list.apps[0].uri,
            "https://repo.example.com/s-source-1.2.0.jar?a=b"
        );
        assert_eq!(list.apps[0].version, "1.2.0");
    }

    #[test]
    fn several_versions_and_metadata_are_grouped() {
        let text = "sink.log=docker:a/log:1.0\n\
                    sink.log.metadata=maven://io.example:log:jar:metadata:1.0\n\
                    sink.log.bootVersion=3\n\
                    sink.log=docker:a/log:2.0\n\
                    sink.log.metadata=maven://io.example:log:jar:metadata:2.0\n\
                    sink.log=docker:a/log:2.0\n";
        let list = parse_app_list(text);
        assert_eq!(list.errors, []);
        assert_eq!(
            list.apps.len(),
            2,
            "the repeated identical line is one registration"
        );
        assert_eq!(
            list.apps[1].metadata_uri.as_deref(),
            Some("maven://io.example:log:jar:metadata:2.0")
        );
        assert_eq!(
            list.apps[0].metadata_uri.as_deref(),
            Some("maven://io.example:log:jar:metadata:1.0")
        );
    }

    #[test]
    fn metadata_without_version_attaches_to_the_single_version() {
        let list =
            parse_app_list("sink.log=docker:a/log:1.0\nsink.log.metadata=docker:a/log-meta\n");
        assert_eq!(list.errors, []);
        assert_eq!(
            list.apps[0].metadata_uri.as_deref(),
            Some("docker:a/log-meta")
        );
    }

    #[test]
    fn rejects_orphan_metadata_conflicting_versions_and_misplaced_boot_versions() {
        let text = "sink.orphan.metadata=maven://g:a:jar:metadata:1.0\n\
                    sink.log=docker:a/log:1.0\n\
                    sink.log=docker:b/log:1.0\n\
                    source.t.bootVersion=3\n";
        let list = parse_app_list(text);
        let lines: Vec<usize> = list.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [1, 3, 4], "{:#?}", list.errors);
        assert!(list.errors[0].message.contains("no app line"));
        assert!(list.errors[1].message.contains("already given on line 2"));
        assert!(
            list.errors[2]
                .message
                .contains("Expected uri for bootVersion")
        );
    }

    #[test]
    fn errors_rendered_without_content_quote_nothing_of_the_list() {
        use LineErrorKind as K;
        const MARKER: &str = "zqxmarker7";
        let long_version = "1".repeat(300);
        let text = [
            format!("{MARKER} has no equals sign"),
            format!("source.a.b.{MARKER}=docker:x/{MARKER}:1"),
            format!("{MARKER}.x=docker:x/{MARKER}:1"),
            format!("source.{MARKER}!=docker:x/{MARKER}:1"),
            format!("source.{MARKER}="),
            format!("source.{MARKER}=ftp://{MARKER}"),
            format!("source.{MARKER}.metadata=ftp://{MARKER}"),
            format!("sink.{MARKER}=docker:x/{MARKER}"),
            format!("sink.{MARKER}=maven://g:{MARKER}:{long_version}"),
            format!("sink.{MARKER}a=docker:x/{MARKER}:1"),
            format!("sink.{MARKER}a=docker:y/{MARKER}:1"),
            format!("task.{MARKER}.bootVersion={MARKER}"),
            format!("task.{MARKER}.metadata=docker:x/{MARKER}:1"),
            format!("processor.{MARKER}=docker:x/{MARKER}:1"),
            format!("processor.{MARKER}=docker:x/{MARKER}:2"),
            format!("processor.{MARKER}.metadata=docker:x/{MARKER}-meta"),
            format!("app.{MARKER}=docker:x/{MARKER}:1"),
            format!("app.{MARKER}.metadata=docker:x/m-{MARKER}:1"),
            format!("app.{MARKER}.metadata=docker:x/n-{MARKER}:1"),
        ]
        .join("\n");
        let list = parse_app_list(&text);
        let kinds: Vec<(usize, LineErrorKind)> =
            list.errors.iter().map(|e| (e.line, e.kind)).collect();
        assert_eq!(
            kinds,
            [
                (1, K::NotAnAssignment),
                (2, K::InvalidKey),
                (3, K::UnknownAppType),
                (4, K::InvalidAppName),
                (5, K::MissingUri),
                (6, K::InvalidUri),
                (7, K::InvalidMetadataUri),
                (8, K::NoVersion),
                (9, K::InvalidVersion),
                (11, K::ConflictingUri),
                (12, K::MisplacedBootVersion),
                (13, K::MetadataWithoutApp),
                (16, K::AmbiguousMetadata),
                (19, K::DuplicateMetadata),
            ],
            "{:#?}",
            list.errors
        );
        for error in &list.errors {
            let shown = error.without_content();
            assert_eq!(
                shown,
                format!("line {}: {}", error.line, error.kind.as_str())
            );
            assert!(!shown.contains(MARKER), "{shown}");
            // The detailed rendering, for lists the client sent, keeps the line's words.
            assert_eq!(
                error.to_string(),
                format!("line {}: {}", error.line, error.message)
            );
        }
        assert!(
            list.errors
                .iter()
                .all(|e| e.message.contains(MARKER) || e.kind == K::InvalidVersion)
        );
    }

    #[test]
    fn long_garbage_is_abbreviated_in_messages() {
        let line = "x".repeat(10_000);
        let list = parse_app_list(&line);
        assert_eq!(list.errors.len(), 1);
        assert!(list.errors[0].message.len() < 300);
    }
}
