//! App artifact URIs: `docker:`, `maven://`, `http(s)://` and `file:` locations, parsed strictly,
//! with the version SCDF derives from each of them.
//!
//! [`AppUri::parse`] accepts exactly the schemes SCDF resolves. Docker references follow the
//! Docker/OCI distribution reference grammar (`[registry/]path[:tag][@digest]`), Maven
//! coordinates the form `maven://groupId:artifactId[:extension[:classifier]]:version`, and
//! `http(s)://` and `file:` URLs are kept as written. Every rejection is a [`UriError`] whose
//! message quotes the URI, names the malformed part and, where one can be named, gives its 0-based
//! character position.
//!
//! [`AppUri::version`] derives the version the way SCDF does: the docker tag, the Maven version,
//! or the `-<version>` suffix of a URL's file name. [`AppUri::without_version`] is the same URI
//! with that version removed, used to check that a new version of an app differs from the current
//! default only by its version.

use std::fmt;
use std::str::FromStr;

use crate::text::{Lines, TextError, check_text, is_forbidden};

/// The longest URI or metadata URI accepted, in characters. Artifact locations are short; this
/// leaves room for signed download URLs (an S3 pre-signed URL with a session token is about
/// 1,500 characters) and keeps rows and messages bounded.
pub const MAX_URI_LEN: usize = 4096;

/// The schemes we accept, as listed in error messages.
const EXPECTED_SCHEMES: &str = "expected docker:, maven://, http://, https:// or file:";
/// The Maven coordinate form, as shown in error messages.
const MAVEN_FORM: &str = "maven://groupId:artifactId[:extension[:classifier]]:version";
/// The docker reference form, as shown in error messages.
const DOCKER_FORM: &str = "docker:[registry/]name[:tag][@digest]";
/// Longest docker image name (registry and path), in characters.
const MAX_NAME_LEN: usize = 255;
/// Longest docker tag, in characters.
const MAX_TAG_LEN: usize = 128;
/// User text quoted in a message is cut after this many characters.
const QUOTE_LIMIT: usize = 256;

/// A parsed app artifact location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppUri {
    /// `docker:` image reference.
    Docker(DockerReference),
    /// `maven://` coordinates.
    Maven(MavenCoordinates),
    /// `http://` or `https://` URL (kept as written).
    Http(String),
    /// `file:` URL (kept as written).
    File(String),
}

/// A docker image reference: `[registry/]path[:tag][@digest]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerReference {
    /// `host[:port]` when the first name component is a registry host.
    pub registry: Option<String>,
    /// The repository path as written, e.g. `sabby/trucks` or `nginx` (not normalised).
    pub path: String,
    /// The tag, e.g. `0.0.1-SNAPSHOT`.
    pub tag: Option<String>,
    /// The content digest, e.g. `sha256:<64 hex digits>`.
    pub digest: Option<String>,
}

/// Maven coordinates: `groupId:artifactId[:extension[:classifier]]:version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MavenCoordinates {
    /// The group id, e.g. `org.springframework.cloud.stream.app`.
    pub group_id: String,
    /// The artifact id, e.g. `time-source-rabbit`.
    pub artifact_id: String,
    /// The extension (packaging), e.g. `jar`; `None` when not written.
    pub extension: Option<String>,
    /// The classifier, e.g. `metadata`.
    pub classifier: Option<String>,
    /// The version, e.g. `5.0.0`.
    pub version: String,
}

/// What kind of problem a [`UriError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UriErrorKind {
    /// The URI is the empty string.
    Empty,
    /// The URI has no scheme at all.
    NoScheme,
    /// The URI has a scheme we do not resolve (e.g. `classpath:`).
    UnsupportedScheme,
    /// The URI has a supported scheme but is malformed.
    Malformed,
    /// The URI is well formed but no version can be derived from it.
    NoVersion,
    /// The URI is longer than [`MAX_URI_LEN`].
    TooLong,
}

/// Why a URI was rejected. Display gives the full user-facing message, which quotes the URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UriError {
    kind: UriErrorKind,
    message: String,
    position: Option<usize>,
}

impl UriError {
    /// 0-based char position in the URI of the malformed part, when one can be named.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> UriErrorKind {
        self.kind
    }

    /// The full user-facing message (same as Display).
    pub fn message(&self) -> &str {
        &self.message
    }

    fn new(kind: UriErrorKind, message: String, position: Option<usize>) -> Self {
        Self {
            kind,
            message,
            position,
        }
    }
}

impl AppUri {
    /// Parses `uri` (a URI or a metadata URI). The caller trims it: any whitespace, control or
    /// invisible character ([`crate::text`]), wherever it is, is an error naming its position;
    /// more than [`MAX_URI_LEN`] characters are an error naming the length and the limit.
    pub fn parse(uri: &str) -> Result<Self, UriError> {
        if uri.is_empty() {
            return Err(UriError::new(
                UriErrorKind::Empty,
                "URI must not be empty".to_owned(),
                None,
            ));
        }
        if let Err(e) = check_text("URI", uri, MAX_URI_LEN, Lines::One) {
            // The message does not quote the URI: the character would be in it.
            let kind = match e {
                TextError::TooLong { .. } => UriErrorKind::TooLong,
                TextError::Forbidden { .. } => UriErrorKind::Malformed,
            };
            return Err(UriError::new(kind, e.to_string(), e.position()));
        }
        if let Some((byte, c)) = uri.char_indices().find(|&(_, c)| c.is_whitespace()) {
            let src = Src { uri, label: "" };
            return Err(src.at(byte, |p| {
                format!(
                    "whitespace character '{}' at position {p}",
                    c.escape_default()
                )
            }));
        }
        if let Some(rest) = uri.strip_prefix("docker:") {
            let start = uri.len() - rest.len();
            let src = Src {
                uri,
                label: "docker ",
            };
            return parse_docker(&src, start).map(Self::Docker);
        }
        if let Some(rest) = uri.strip_prefix("maven:") {
            let start = uri.len() - rest.trim_start_matches('/').len();
            let src = Src {
                uri,
                label: "maven ",
            };
            return parse_maven(&src, start).map(Self::Maven);
        }
        for scheme in ["http://", "https://", "file:"] {
            if let Some(rest) = uri.strip_prefix(scheme) {
                if rest.is_empty() {
                    let src = Src { uri, label: "" };
                    return Err(src.at(scheme.len(), |p| {
                        format!("nothing follows '{scheme}' at position {p}")
                    }));
                }
                return Ok(if scheme == "file:" {
                    Self::File(uri.to_owned())
                } else {
                    Self::Http(uri.to_owned())
                });
            }
        }
        Err(scheme_error(uri))
    }

    /// The version SCDF derives from this URI: the docker tag, the Maven version, or the
    /// `-<version>` part of a URL's file name (`<artifactId>-<version>[-metadata].jar`).
    pub fn version(&self) -> Result<String, UriError> {
        match self {
            Self::Docker(reference) => reference.tag.clone().ok_or_else(|| {
                let message = format!(
                    "Could not extract tag from {}: a docker URI needs a :tag to derive the \
                     version (or give the version explicitly)",
                    shorten(&self.to_string())
                );
                UriError::new(UriErrorKind::NoVersion, message, None)
            }),
            Self::Maven(coordinates) => Ok(coordinates.version.clone()),
            Self::Http(url) | Self::File(url) => match url_version_span(url) {
                Some(span) => Ok(span.version.to_owned()),
                None => {
                    let message = format!(
                        "Could not parse version from {}, expected format is \
                         <artifactId>-<version>.jar or <artifactId>-<version>-metadata.jar",
                        shorten(url)
                    );
                    Err(UriError::new(UriErrorKind::NoVersion, message, None))
                }
            },
        }
    }

    /// The URI with its version part removed ("URI without version"): used to check that a new
    /// version of an app differs from the current default only by its version.
    ///
    /// Docker: `docker:[registry/]path` (tag and digest removed). Maven:
    /// `maven://groupId:artifactId:extension[:classifier]`, the extension defaulting to `jar`.
    /// URLs: the text before the `-<version>` part of the file name, or the URL unchanged when it
    /// has no version.
    pub fn without_version(&self) -> String {
        match self {
            Self::Docker(reference) => format!("docker:{}", reference.name()),
            Self::Maven(c) => {
                let extension = c.extension.as_deref().unwrap_or("jar");
                let mut out = format!("maven://{}:{}:{extension}", c.group_id, c.artifact_id);
                if let Some(classifier) = &c.classifier {
                    out.push(':');
                    out.push_str(classifier);
                }
                out
            }
            Self::Http(url) | Self::File(url) => match url_version_span(url) {
                Some(span) => url.get(..span.dash).unwrap_or(url).to_owned(),
                None => url.clone(),
            },
        }
    }
}

impl DockerReference {
    /// The image name: `[registry/]path`, without tag or digest.
    pub fn name(&self) -> String {
        match &self.registry {
            Some(registry) => format!("{registry}/{}", self.path),
            None => self.path.clone(),
        }
    }
}

impl fmt::Display for AppUri {
    /// Renders the canonical text: `docker:[registry/]path[:tag][@digest]`,
    /// `maven://g:a[:ext[:classifier]]:version`, and `http(s)://` and `file:` URLs as written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Docker(reference) => {
                write!(f, "docker:{}", reference.name())?;
                if let Some(tag) = &reference.tag {
                    write!(f, ":{tag}")?;
                }
                if let Some(digest) = &reference.digest {
                    write!(f, "@{digest}")?;
                }
                Ok(())
            }
            Self::Maven(c) => {
                write!(f, "maven://{}:{}", c.group_id, c.artifact_id)?;
                if let Some(extension) = &c.extension {
                    write!(f, ":{extension}")?;
                }
                if let Some(classifier) = &c.classifier {
                    write!(f, ":{classifier}")?;
                }
                write!(f, ":{}", c.version)
            }
            Self::Http(url) | Self::File(url) => f.write_str(url),
        }
    }
}

impl FromStr for AppUri {
    type Err = UriError;

    /// Same as [`AppUri::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

// ---------------------------------------------------------------------------------------------
// Error construction
// ---------------------------------------------------------------------------------------------

/// The URI being parsed, and how to label it in messages ("docker ", "maven " or "").
#[derive(Debug, Clone, Copy)]
struct Src<'a> {
    uri: &'a str,
    label: &'static str,
}

impl Src<'_> {
    /// A `Malformed` error at byte offset `byte`; `detail` gets the char position to quote.
    fn at(self, byte: usize, detail: impl FnOnce(usize) -> String) -> UriError {
        let position = char_pos(self.uri, byte);
        let message = format!(
            "Invalid {}URI {}: {}",
            self.label,
            quote(self.uri),
            detail(position)
        );
        UriError::new(UriErrorKind::Malformed, message, Some(position))
    }

    /// A `Malformed` error with no position.
    fn whole(self, detail: &str) -> UriError {
        let message = format!("Invalid {}URI {}: {detail}", self.label, quote(self.uri));
        UriError::new(UriErrorKind::Malformed, message, None)
    }
}

/// The char position of byte offset `byte` in `s`.
fn char_pos(s: &str, byte: usize) -> usize {
    s.get(..byte)
        .map_or_else(|| s.chars().count(), |head| head.chars().count())
}

/// `s` in single quotes, control and invisible characters escaped, cut after [`QUOTE_LIMIT`]
/// characters.
fn quote(s: &str) -> String {
    format!("'{}'", shorten(s))
}

/// `s` with control and invisible characters escaped, cut after [`QUOTE_LIMIT`] characters.
fn shorten(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(QUOTE_LIMIT + 8));
    for (n, c) in s.chars().enumerate() {
        if n == QUOTE_LIMIT {
            out.push('…');
            break;
        }
        if is_forbidden(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// The error for a URI none of the supported scheme prefixes matched.
fn scheme_error(uri: &str) -> UriError {
    let slash = uri.find('/');
    let scheme = uri
        .find(':')
        .filter(|&colon| colon > 0 && slash.is_none_or(|s| colon < s))
        .and_then(|colon| uri.get(..colon))
        .filter(|s| is_scheme_syntax(s));
    let Some(scheme) = scheme else {
        let message = format!(
            "Invalid URI {}: it has no scheme; {EXPECTED_SCHEMES}",
            quote(uri)
        );
        return UriError::new(UriErrorKind::NoScheme, message, None);
    };
    if scheme == "http" || scheme == "https" {
        let src = Src { uri, label: "" };
        return src.at(scheme.len() + 1, |p| {
            format!("expected '//' after '{scheme}:' at position {p}")
        });
    }
    let lower = scheme.to_ascii_lowercase();
    let hint = if ["docker", "maven", "http", "https", "file"].contains(&lower.as_str()) {
        format!(" (schemes are case-sensitive: write '{lower}:')")
    } else {
        String::new()
    };
    let message = format!(
        "Unsupported URI scheme {} in {}: {EXPECTED_SCHEMES}{hint}",
        quote(scheme),
        quote(uri)
    );
    UriError::new(UriErrorKind::UnsupportedScheme, message, None)
}

/// RFC 3986 scheme syntax: a letter, then letters, digits, '+', '-' or '.'.
fn is_scheme_syntax(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The parts of `s` split on `sep`, each with its byte offset in the URI (`base` + offset in `s`).
fn split_at_offsets(s: &str, base: usize, sep: char) -> impl Iterator<Item = (usize, &str)> {
    s.split(sep).scan(base, move |next, part| {
        let at = *next;
        *next += part.len() + sep.len_utf8();
        Some((at, part))
    })
}

// ---------------------------------------------------------------------------------------------
// docker:
// ---------------------------------------------------------------------------------------------

/// Parses the reference that starts at byte `start` of `src.uri` (just after `docker:`).
fn parse_docker(src: &Src<'_>, start: usize) -> Result<DockerReference, UriError> {
    let uri = src.uri;
    let rest = uri.get(start..).unwrap_or_default();
    if rest.is_empty() {
        return Err(src.at(start, |p| {
            format!("empty image name at position {p}; expected {DOCKER_FORM}")
        }));
    }
    if rest.starts_with('/') {
        return Err(src.at(start, |p| {
            format!(
                "the image name must follow 'docker:' directly, but '/' is at position {p} \
                 (write docker:name, not docker://name)"
            )
        }));
    }
    // name[:tag] ends at the first '@'; the digest follows it.
    let (name_tag, digest_start) = match rest.find('@') {
        Some(at) => (rest.get(..at).unwrap_or_default(), Some(start + at + 1)),
        None => (rest, None),
    };
    // The tag colon is the last ':' after the last '/' (an earlier ':' is a registry port).
    let last_slash = name_tag.rfind('/');
    let tag_colon = name_tag
        .rfind(':')
        .filter(|&c| last_slash.is_none_or(|s| c > s));
    let name = tag_colon
        .and_then(|c| name_tag.get(..c))
        .unwrap_or(name_tag);

    let (registry, path) = parse_docker_name(src, start, name)?;
    let tag = match tag_colon {
        Some(c) => {
            let tag_start = start + c + 1;
            let tag = name_tag.get(c + 1..).unwrap_or_default();
            check_docker_tag(src, tag_start, tag)?;
            Some(tag.to_owned())
        }
        None => None,
    };
    let digest = match digest_start {
        Some(digest_start) => {
            let digest = uri.get(digest_start..).unwrap_or_default();
            check_docker_digest(src, digest_start, digest)?;
            Some(digest.to_owned())
        }
        None => None,
    };
    Ok(DockerReference {
        registry,
        path,
        tag,
        digest,
    })
}

/// Splits and checks the image name (at byte `start`) into an optional registry and the path.
fn parse_docker_name(
    src: &Src<'_>,
    start: usize,
    name: &str,
) -> Result<(Option<String>, String), UriError> {
    if name.is_empty() {
        return Err(src.at(start, |p| {
            format!("empty image name at position {p}; expected {DOCKER_FORM}")
        }));
    }
    let components: Vec<(usize, &str)> = split_at_offsets(name, start, '/').collect();
    let has_registry = components.len() > 1
        && components.first().is_some_and(|&(_, first)| {
            first.contains('.') || first.contains(':') || first == "localhost"
        });
    let mut path_components = components.iter();
    let registry = if has_registry {
        path_components.next()
    } else {
        None
    };
    if let Some(&(at, host)) = registry {
        check_registry(src, at, host)?;
    }
    for &(at, component) in path_components {
        check_path_component(src, at, component)?;
    }
    // Everything checked so far is ASCII, so bytes are characters.
    if name.len() > MAX_NAME_LEN {
        return Err(src.at(start + MAX_NAME_LEN, |p| {
            format!(
                "the image name is {} characters long, at most {MAX_NAME_LEN} are allowed \
                 (first excess character at position {p})",
                name.len()
            )
        }));
    }
    let path_start = registry.map_or(0, |&(_, host)| host.len() + 1);
    let path = name.get(path_start..).unwrap_or_default().to_owned();
    Ok((registry.map(|&(_, host)| host.to_owned()), path))
}

/// Checks a registry `host[:port]` at byte `start`.
fn check_registry(src: &Src<'_>, start: usize, registry: &str) -> Result<(), UriError> {
    let (host, port) = match registry.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (registry, None),
    };
    if host.is_empty() {
        return Err(src.at(start, |p| format!("empty registry host at position {p}")));
    }
    for (at, label) in split_at_offsets(host, start, '.') {
        if label.is_empty() {
            return Err(src.at(at, |p| {
                format!(
                    "empty label in registry host {} at position {p}",
                    quote(host)
                )
            }));
        }
        if let Some((i, c)) = label
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(src.at(at + i, |p| {
                format!(
                    "invalid character '{c}' in registry host {} at position {p}: a registry \
                     host may contain only letters, digits, '-' and '.'",
                    quote(host)
                )
            }));
        }
        let hyphen = if label.starts_with('-') {
            Some(0)
        } else if label.ends_with('-') {
            Some(label.len() - 1)
        } else {
            None
        };
        if let Some(i) = hyphen {
            return Err(src.at(at + i, |p| {
                format!(
                    "invalid registry host {}: the label {} must not start or end with '-' \
                     (position {p})",
                    quote(host),
                    quote(label)
                )
            }));
        }
    }
    let Some(port) = port else {
        return Ok(());
    };
    let port_start = start + host.len() + 1;
    if port.is_empty() {
        return Err(src.at(port_start, |p| {
            format!("empty registry port after ':' at position {p}")
        }));
    }
    if let Some((i, c)) = port.char_indices().find(|&(_, c)| !c.is_ascii_digit()) {
        return Err(src.at(port_start + i, |p| {
            format!(
                "invalid character '{c}' in registry port {} at position {p}: a port is a \
                 number from 1 to 65535",
                quote(port)
            )
        }));
    }
    let in_range = port.len() <= 5 && port.parse::<u32>().is_ok_and(|n| (1..=65_535).contains(&n));
    if !in_range {
        return Err(src.at(port_start, |p| {
            format!(
                "registry port {} at position {p} is out of range: a port is a number from 1 \
                 to 65535",
                quote(port)
            )
        }));
    }
    Ok(())
}

/// Path component separators: `.`, `_`, `__` or one or more `-`.
fn is_path_separator(c: char) -> bool {
    matches!(c, '.' | '_' | '-')
}

/// Checks a repository path component at byte `start`: `[a-z0-9]+ (separator [a-z0-9]+)*`.
fn check_path_component(src: &Src<'_>, start: usize, component: &str) -> Result<(), UriError> {
    if component.is_empty() {
        return Err(src.at(start, |p| {
            format!(
                "empty path component at position {p} (a name must not start or end with '/' \
                 or contain '//')"
            )
        }));
    }
    for (i, c) in component.char_indices() {
        if c.is_ascii_uppercase() {
            return Err(src.at(start + i, |p| {
                format!(
                    "repository names must be lowercase, but path component {} has '{c}' at \
                     position {p}",
                    quote(component)
                )
            }));
        }
        if !(c.is_ascii_lowercase() || c.is_ascii_digit() || is_path_separator(c)) {
            return Err(src.at(start + i, |p| {
                format!(
                    "invalid character '{c}' in path component {} at position {p}: path \
                     components may contain only lowercase letters, digits, '.', '_' and '-'",
                    quote(component)
                )
            }));
        }
    }
    // Only ASCII from here on.
    let edge = if component.starts_with(is_path_separator) {
        Some((0, "start"))
    } else if component.ends_with(is_path_separator) {
        Some((component.len() - 1, "end"))
    } else {
        None
    };
    if let Some((i, which)) = edge {
        return Err(src.at(start + i, |p| {
            format!(
                "path component {} must {which} with a lowercase letter or digit, not a separator \
                 (position {p})",
                quote(component)
            )
        }));
    }
    let mut run_start = None;
    for (i, c) in component
        .char_indices()
        .chain(std::iter::once((component.len(), 'a')))
    {
        match (is_path_separator(c), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(s)) => {
                run_start = None;
                let run = component.get(s..i).unwrap_or_default();
                let valid = matches!(run, "." | "_" | "__") || run.chars().all(|c| c == '-');
                if !valid {
                    return Err(src.at(start + s, |p| {
                        format!(
                            "invalid separator '{run}' in path component {} at position {p}: \
                             separators are '.', '_', '__' or one or more '-'",
                            quote(component)
                        )
                    }));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Checks a tag at byte `start`: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn check_docker_tag(src: &Src<'_>, start: usize, tag: &str) -> Result<(), UriError> {
    if tag.is_empty() {
        return Err(src.at(start, |p| {
            format!("expected a tag after ':' at position {p}, found nothing")
        }));
    }
    for (i, c) in tag.char_indices() {
        let word = c.is_ascii_alphanumeric() || c == '_';
        if i == 0 && !word {
            return Err(src.at(start, |p| {
                format!(
                    "tag {} must start with a letter, digit or '_', not '{c}' (position {p})",
                    quote(tag)
                )
            }));
        }
        if !(word || c == '.' || c == '-') {
            return Err(src.at(start + i, |p| {
                format!(
                    "invalid character '{c}' in tag {} at position {p}: a tag may contain only \
                     letters, digits, '_', '.' and '-'",
                    quote(tag)
                )
            }));
        }
    }
    if tag.len() > MAX_TAG_LEN {
        return Err(src.at(start + MAX_TAG_LEN, |p| {
            format!(
                "the tag is {} characters long, at most {MAX_TAG_LEN} are allowed (first excess \
                 character at position {p})",
                tag.len()
            )
        }));
    }
    Ok(())
}

/// Checks a digest at byte `start`: `algorithm:encoded`, with exact hex lengths for sha256/512.
fn check_docker_digest(src: &Src<'_>, start: usize, digest: &str) -> Result<(), UriError> {
    if digest.is_empty() {
        return Err(src.at(start, |p| {
            format!("expected a digest after '@' at position {p}, e.g. sha256:<64 hex digits>")
        }));
    }
    let Some((algorithm, encoded)) = digest.split_once(':') else {
        return Err(src.at(start, |p| {
            format!(
                "the digest {} at position {p} must have the form algorithm:hex, e.g. \
                 sha256:<64 hex digits>",
                quote(digest)
            )
        }));
    };
    check_digest_algorithm(src, start, algorithm)?;
    let encoded_start = start + algorithm.len() + 1;
    if encoded.is_empty() {
        return Err(src.at(encoded_start, |p| {
            format!("expected the digest value after '{algorithm}:' at position {p}")
        }));
    }
    let hex_len = match algorithm {
        "sha256" => Some(64),
        "sha512" => Some(128),
        _ => None,
    };
    for (i, c) in encoded.char_indices() {
        let valid = match hex_len {
            Some(_) => c.is_ascii_digit() || matches!(c, 'a'..='f'),
            None => c.is_ascii_alphanumeric() || matches!(c, '=' | '_' | '-'),
        };
        if !valid {
            let allowed = if hex_len.is_some() {
                "lowercase hexadecimal digits"
            } else {
                "letters, digits, '=', '_' and '-'"
            };
            return Err(src.at(encoded_start + i, |p| {
                format!(
                    "invalid character '{c}' in the {algorithm} digest value at position {p}: it \
                     may contain only {allowed}"
                )
            }));
        }
    }
    if let Some(expected) = hex_len.filter(|&n| n != encoded.len()) {
        return Err(src.at(encoded_start, |p| {
            format!(
                "a {algorithm} digest value has {expected} hex digits, but the one at position \
                 {p} has {}",
                encoded.len()
            )
        }));
    }
    Ok(())
}

/// Checks a digest algorithm at byte `start`: `[a-z0-9]+ ([+._-][a-z0-9]+)*`.
fn check_digest_algorithm(src: &Src<'_>, start: usize, algorithm: &str) -> Result<(), UriError> {
    let fail = |i: usize| {
        src.at(start + i, |p| {
            format!(
                "invalid digest algorithm {} at position {p}: expected lowercase letters and \
                 digits, optionally joined by single '+', '.', '_' or '-', e.g. sha256",
                quote(algorithm)
            )
        })
    };
    if algorithm.is_empty() {
        return Err(fail(0));
    }
    let mut after_separator = true; // the start behaves like a separator: a word must follow
    for (i, c) in algorithm.char_indices() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            after_separator = false;
        } else if matches!(c, '+' | '.' | '_' | '-') && !after_separator {
            after_separator = true;
        } else {
            return Err(fail(i));
        }
    }
    if after_separator {
        return Err(fail(algorithm.len() - 1));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// maven://
// ---------------------------------------------------------------------------------------------

/// Parses the coordinates that start at byte `start` of `src.uri` (after `maven:` and slashes).
fn parse_maven(src: &Src<'_>, start: usize) -> Result<MavenCoordinates, UriError> {
    let rest = src.uri.get(start..).unwrap_or_default();
    if rest.is_empty() {
        return Err(src.at(start, |p| {
            format!("the maven coordinates are empty (position {p}); expected {MAVEN_FORM}")
        }));
    }
    if let Some(i) = rest.find('/') {
        return Err(src.at(start + i, |p| {
            format!(
                "invalid character '/' in the maven coordinates at position {p}; expected \
                 {MAVEN_FORM}"
            )
        }));
    }
    let parts: Vec<(usize, &str)> = split_at_offsets(rest, start, ':').collect();
    let names: &[&str] = match parts.len() {
        3 => &["groupId", "artifactId", "version"],
        4 => &["groupId", "artifactId", "extension", "version"],
        5 => &[
            "groupId",
            "artifactId",
            "extension",
            "classifier",
            "version",
        ],
        n if n > 5 => {
            // Point at the ':' that starts the first extra part.
            let extra = parts.get(5).map_or(start, |&(at, _)| at.saturating_sub(1));
            return Err(src.at(extra, |p| {
                format!(
                    "too many ':'-separated parts ({n}, the first extra one at position {p}); \
                     expected {MAVEN_FORM}"
                )
            }));
        }
        n => {
            return Err(src.whole(&format!(
                "too few ':'-separated parts ({n}); expected {MAVEN_FORM}"
            )));
        }
    };
    if let Some((&(at, _), name)) = parts
        .iter()
        .zip(names)
        .find(|((_, part), _)| part.is_empty())
    {
        return Err(src.at(at, |p| {
            format!("empty {name} at position {p}; expected {MAVEN_FORM}")
        }));
    }
    let part = |i: usize| parts.get(i).map(|&(_, s)| s.to_owned());
    let version = parts.last().map(|&(_, s)| s.to_owned()).unwrap_or_default();
    Ok(MavenCoordinates {
        group_id: part(0).unwrap_or_default(),
        artifact_id: part(1).unwrap_or_default(),
        extension: if parts.len() >= 4 { part(2) } else { None },
        classifier: if parts.len() == 5 { part(3) } else { None },
        version,
    })
}

// ---------------------------------------------------------------------------------------------
// http://, https://, file:
// ---------------------------------------------------------------------------------------------

/// Where the version sits in a URL's file name.
#[derive(Debug, Clone, Copy)]
struct VersionSpan<'a> {
    /// Byte offset of the '-' that precedes the version.
    dash: usize,
    /// The version, without a trailing `-metadata`.
    version: &'a str,
}

/// Finds the version in the last path segment of `url`, as SCDF's `(.*)-(\d)(.*?)(-metadata)?`
/// does over the file name without its extension.
fn url_version_span(url: &str) -> Option<VersionSpan<'_>> {
    let scheme_len = ["http://", "https://", "file:"]
        .into_iter()
        .find(|s| url.starts_with(s))
        .map_or(0, str::len);
    let after_scheme = url.get(scheme_len..)?;
    let body_end = scheme_len + after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
    let body = url.get(scheme_len..body_end)?;
    let segment_start = scheme_len + body.rfind('/').map_or(0, |i| i + 1);
    let segment = url.get(segment_start..body_end)?;
    let stem = match segment.rfind('.') {
        Some(dot) if dot > 0 => segment.get(..dot)?,
        _ => segment,
    };
    let dash = stem
        .as_bytes()
        .windows(2)
        .rposition(|pair| matches!(pair, [b'-', d] if d.is_ascii_digit()))?;
    let version = stem.get(dash + 1..)?;
    let version = version.strip_suffix("-metadata").unwrap_or(version);
    Some(VersionSpan {
        dash: segment_start + dash,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn parse(uri: &str) -> AppUri {
        match AppUri::parse(uri) {
            Ok(parsed) => parsed,
            Err(e) => panic!("{uri} should parse, got: {e}"),
        }
    }

    fn docker(uri: &str) -> DockerReference {
        match parse(uri) {
            AppUri::Docker(reference) => reference,
            other => panic!("{uri} should be docker, got {other:?}"),
        }
    }

    fn maven(uri: &str) -> MavenCoordinates {
        match parse(uri) {
            AppUri::Maven(coordinates) => coordinates,
            other => panic!("{uri} should be maven, got {other:?}"),
        }
    }

    /// Asserts `uri` is rejected with a message containing `phrase` and the given position.
    #[track_caller]
    fn rejects(uri: &str, phrase: &str, position: Option<usize>) -> UriError {
        let Err(e) = AppUri::parse(uri) else {
            panic!("{uri:?} should be rejected");
        };
        let message = e.to_string();
        assert!(
            message.contains(phrase),
            "{uri:?}: {message:?} should contain {phrase:?}"
        );
        assert_eq!(e.position(), position, "{uri:?}: position of {message:?}");
        if let Some(p) = position {
            assert!(
                message.contains(&format!("position {p}")),
                "{message:?} names position {p}"
            );
        }
        e
    }

    fn version_of(uri: &str) -> String {
        match parse(uri).version() {
            Ok(v) => v,
            Err(e) => panic!("{uri} should have a version, got: {e}"),
        }
    }

    fn version_error(uri: &str) -> UriError {
        match parse(uri).version() {
            Ok(v) => panic!("{uri} should have no version, got {v}"),
            Err(e) => e,
        }
    }

    fn valid_examples() -> Vec<String> {
        vec![
            "docker:dev.local/trucks:0.0.1-SNAPSHOT".to_owned(),
            "docker:sabby/thumbinator:0.0.1-SNAPSHOT".to_owned(),
            "docker:springcloudstream/time-source-kafka:5.0.0".to_owned(),
            "docker:localhost:5000/foo/bar:1.0".to_owned(),
            format!("docker:my-registry.example.com:443/team/app@sha256:{SHA256}"),
            format!("docker:nginx:1.25@sha256:{SHA256}"),
            "docker:nginx".to_owned(),
            "docker:a__b/c-d.e:v1".to_owned(),
            "docker:localhost/foo".to_owned(),
            "docker:a---b/c_d:_tag".to_owned(),
            "maven://org.springframework.cloud.stream.app:time-source-rabbit:5.0.0".to_owned(),
            "maven://io.spring:foo:jar:metadata:1.0.0".to_owned(),
            "maven://io.spring:foo:war:1.0.0".to_owned(),
            "https://repo.example.com/libs/time-source-kafka-3.2.1.jar".to_owned(),
            "http://h/x/foo-1.0.0-metadata.jar".to_owned(),
            "file:/tmp/log-sink-rabbit-5.0.0-SNAPSHOT.jar".to_owned(),
            "file:///tmp/foo.jar".to_owned(),
        ]
    }

    // ---- docker --------------------------------------------------------------------------

    #[test]
    fn docker_examples_parse() {
        assert_eq!(
            docker("docker:dev.local/trucks:0.0.1-SNAPSHOT"),
            DockerReference {
                registry: Some("dev.local".to_owned()),
                path: "trucks".to_owned(),
                tag: Some("0.0.1-SNAPSHOT".to_owned()),
                digest: None,
            }
        );
        let r = docker("docker:sabby/thumbinator:0.0.1-SNAPSHOT");
        assert_eq!((r.registry, r.path.as_str()), (None, "sabby/thumbinator"));
        let r = docker("docker:springcloudstream/time-source-kafka:5.0.0");
        assert_eq!(r.path, "springcloudstream/time-source-kafka");
        assert_eq!(r.tag.as_deref(), Some("5.0.0"));

        let r = docker("docker:localhost:5000/foo/bar:1.0");
        assert_eq!(r.registry.as_deref(), Some("localhost:5000"));
        assert_eq!(r.path, "foo/bar");
        assert_eq!(r.tag.as_deref(), Some("1.0"));

        let uri = format!("docker:my-registry.example.com:443/team/app@sha256:{SHA256}");
        let r = docker(&uri);
        assert_eq!(r.registry.as_deref(), Some("my-registry.example.com:443"));
        assert_eq!(r.path, "team/app");
        assert_eq!(r.tag, None);
        assert_eq!(r.digest, Some(format!("sha256:{SHA256}")));

        let r = docker(&format!("docker:nginx:1.25@sha256:{SHA256}"));
        assert_eq!(
            (r.registry, r.path.as_str(), r.tag.as_deref()),
            (None, "nginx", Some("1.25"))
        );
        assert_eq!(r.digest, Some(format!("sha256:{SHA256}")));

        let r = docker("docker:nginx");
        assert_eq!((r.path.as_str(), r.tag, r.digest), ("nginx", None, None));

        let r = docker("docker:a__b/c-d.e:v1");
        assert_eq!(
            (r.path.as_str(), r.tag.as_deref()),
            ("a__b/c-d.e", Some("v1"))
        );
    }

    #[test]
    fn docker_registry_detection() {
        // "localhost" alone is an image name; followed by a path it is a registry.
        assert_eq!(docker("docker:localhost").registry, None);
        assert_eq!(
            docker("docker:localhost/foo").registry.as_deref(),
            Some("localhost")
        );
        // A '.' in the first component makes it a registry only if more components follow.
        assert_eq!(docker("docker:foo.bar").registry, None);
        assert_eq!(
            docker("docker:foo.bar/baz").registry.as_deref(),
            Some("foo.bar")
        );
        assert_eq!(docker("docker:a/b/c").registry, None);
        // Registry hosts may use uppercase; paths may not.
        assert_eq!(
            docker("docker:My.Registry/app").registry.as_deref(),
            Some("My.Registry")
        );
        // No '/': the last ':' is the tag.
        let r = docker("docker:localhost:5000");
        assert_eq!(
            (r.path.as_str(), r.tag.as_deref()),
            ("localhost", Some("5000"))
        );
        // Port without a tag.
        let r = docker("docker:host:5000/app");
        assert_eq!((r.registry.as_deref(), r.tag), (Some("host:5000"), None));
        // Digest with another algorithm.
        assert_eq!(
            docker("docker:app@sha384+x:abc=_-Z").digest.as_deref(),
            Some("sha384+x:abc=_-Z")
        );
        let sha512 = SHA256.repeat(2);
        assert_eq!(docker(&format!("docker:app@sha512:{sha512}")).tag, None);
    }

    #[test]
    fn docker_name_limits() {
        let name = "a".repeat(MAX_NAME_LEN);
        assert_eq!(docker(&format!("docker:{name}")).path, name);
        let uri = format!("docker:{name}a");
        rejects(
            &uri,
            "256 characters long, at most 255",
            Some(7 + MAX_NAME_LEN),
        );
        let uri = format!("docker:reg.io/{}:1", "b".repeat(250));
        rejects(
            &uri,
            "image name is 257 characters long",
            Some(7 + MAX_NAME_LEN),
        );

        let tag = format!("_{}", "x".repeat(MAX_TAG_LEN - 1));
        assert_eq!(docker(&format!("docker:app:{tag}")).tag, Some(tag.clone()));
        rejects(
            &format!("docker:app:{tag}y"),
            "tag is 129 characters long",
            Some(11 + MAX_TAG_LEN),
        );
    }

    #[test]
    fn docker_errors() {
        rejects("docker:", "empty image name", Some(7));
        rejects("docker:a//b", "empty path component", Some(9));
        rejects("docker:a/", "empty path component", Some(9));
        rejects("docker:a/:1", "empty path component", Some(9));
        rejects("docker://nginx", "not docker://name", Some(7));
        rejects("docker::1", "empty image name", Some(7));
        rejects(
            &format!("docker:@sha256:{SHA256}"),
            "empty image name",
            Some(7),
        );
        rejects(
            "docker:a!b",
            "invalid character '!' in path component 'a!b'",
            Some(8),
        );
        rejects("docker:sabby/tr%cks", "invalid character '%'", Some(15));
        rejects(
            "docker:dev.local/tr:x:1",
            "invalid character ':' in path component 'tr:x'",
            Some(19),
        );
        rejects(
            "docker:Sabby/trucks",
            "repository names must be lowercase",
            Some(7),
        );
        rejects(
            "docker:sabby/Trucks:1.0",
            "repository names must be lowercase",
            Some(13),
        );
        rejects("docker:café", "invalid character 'é'", Some(10));
        rejects(
            "docker:_a",
            "must start with a lowercase letter or digit",
            Some(7),
        );
        rejects(
            "docker:a-",
            "must end with a lowercase letter or digit",
            Some(8),
        );
        rejects("docker:x/a.:1", "must end with", Some(10));
        rejects("docker:a..b", "invalid separator '..'", Some(8));
        rejects("docker:a___b", "invalid separator '___'", Some(8));
        rejects("docker:a.-b", "invalid separator '.-'", Some(8));
        rejects("docker:a-_b", "invalid separator '-_'", Some(8));
    }

    #[test]
    fn docker_registry_errors() {
        rejects(
            "docker:bad_host.io/app",
            "invalid character '_' in registry host",
            Some(10),
        );
        rejects(
            "docker:-bad.io/app",
            "must not start or end with '-'",
            Some(7),
        );
        rejects(
            "docker:bad-.io/app",
            "must not start or end with '-'",
            Some(10),
        );
        rejects("docker:a..io/app", "empty label in registry host", Some(9));
        rejects("docker:.io/app", "empty label in registry host", Some(7));
        rejects("docker::5000/app", "empty registry host", Some(7));
        rejects("docker:host:/app", "empty registry port", Some(12));
        rejects(
            "docker:host:50x0/app",
            "invalid character 'x' in registry port",
            Some(14),
        );
        rejects(
            "docker:host:5:0/app",
            "invalid character ':' in registry port",
            Some(13),
        );
        rejects("docker:host:0/app", "out of range", Some(12));
        rejects("docker:host:65536/app", "out of range", Some(12));
        rejects("docker:host:0000080/app", "out of range", Some(12));
        assert!(AppUri::parse("docker:host:65535/app").is_ok());
    }

    #[test]
    fn docker_tag_and_digest_errors() {
        rejects("docker:a:", "expected a tag after ':'", Some(9));
        rejects(
            &format!("docker:a:@sha256:{SHA256}"),
            "expected a tag after ':'",
            Some(9),
        );
        rejects(
            "docker:a:.1",
            "must start with a letter, digit or '_'",
            Some(9),
        );
        rejects(
            "docker:a:-1",
            "must start with a letter, digit or '_'",
            Some(9),
        );
        rejects("docker:a:1+2", "invalid character '+' in tag", Some(10));
        rejects("docker:a@", "expected a digest after '@'", Some(9));
        rejects(
            "docker:a@sha256",
            "must have the form algorithm:hex",
            Some(9),
        );
        rejects("docker:a@:abc", "invalid digest algorithm ''", Some(9));
        rejects("docker:a@SHA256:abc", "invalid digest algorithm", Some(9));
        rejects("docker:a@sha-:abc", "invalid digest algorithm", Some(12));
        rejects("docker:a@sh..a:abc", "invalid digest algorithm", Some(12));
        rejects("docker:a@+sha:abc", "invalid digest algorithm", Some(9));
        rejects(
            "docker:a@sha256:",
            "expected the digest value after 'sha256:'",
            Some(16),
        );
        rejects(
            "docker:a@sha256:abc",
            "has 64 hex digits, but the one at position 16 has 3",
            Some(16),
        );
        let upper = SHA256.to_ascii_uppercase();
        rejects(
            &format!("docker:a@sha256:{upper}"),
            "lowercase hexadecimal",
            Some(26),
        );
        rejects(&format!("docker:a@sha256:{SHA256}0"), "has 65", Some(16));
        rejects(
            &format!("docker:a@sha512:{SHA256}"),
            "sha512 digest value has 128",
            Some(16),
        );
        rejects(
            "docker:a@foo:a.b",
            "invalid character '.' in the foo digest value",
            Some(14),
        );
        rejects(
            &format!("docker:a@sha256:{SHA256}@x"),
            "invalid character '@'",
            Some(80),
        );
    }

    #[test]
    fn docker_version_and_without_version() {
        assert_eq!(
            version_of("docker:dev.local/trucks:0.0.1-SNAPSHOT"),
            "0.0.1-SNAPSHOT"
        );
        assert_eq!(version_of("docker:localhost:5000/foo/bar:1.0"), "1.0");
        assert_eq!(
            version_of(&format!("docker:nginx:1.25@sha256:{SHA256}")),
            "1.25"
        );
        let e = version_error("docker:nginx");
        assert_eq!(
            e.to_string(),
            "Could not extract tag from docker:nginx: a docker URI needs a :tag to derive the \
             version (or give the version explicitly)"
        );
        assert_eq!((e.kind(), e.position()), (UriErrorKind::NoVersion, None));
        let e = version_error(&format!("docker:nginx@sha256:{SHA256}"));
        assert!(
            e.to_string()
                .contains("Could not extract tag from docker:nginx@sha256:")
        );

        let without = |uri: &str| parse(uri).without_version();
        assert_eq!(
            without("docker:dev.local/trucks:0.0.1-SNAPSHOT"),
            "docker:dev.local/trucks"
        );
        assert_eq!(
            without("docker:localhost:5000/foo/bar:1.0"),
            "docker:localhost:5000/foo/bar"
        );
        assert_eq!(
            without(&format!("docker:nginx:1.25@sha256:{SHA256}")),
            "docker:nginx"
        );
        assert_eq!(without("docker:nginx"), "docker:nginx");
    }

    // ---- maven ---------------------------------------------------------------------------

    #[test]
    fn maven_examples() {
        let m = maven("maven://org.springframework.cloud.stream.app:time-source-rabbit:5.0.0");
        assert_eq!(
            m,
            MavenCoordinates {
                group_id: "org.springframework.cloud.stream.app".to_owned(),
                artifact_id: "time-source-rabbit".to_owned(),
                extension: None,
                classifier: None,
                version: "5.0.0".to_owned(),
            }
        );
        let m = maven("maven://io.spring:foo:jar:metadata:1.0.0");
        assert_eq!(m.extension.as_deref(), Some("jar"));
        assert_eq!(m.classifier.as_deref(), Some("metadata"));
        assert_eq!(m.version, "1.0.0");
        let m = maven("maven://io.spring:foo:war:2.0");
        assert_eq!(
            (m.extension.as_deref(), m.classifier, m.version.as_str()),
            (Some("war"), None, "2.0")
        );
        // Any number of slashes after "maven:".
        for uri in [
            "maven:g:a:1",
            "maven:/g:a:1",
            "maven:///g:a:1",
            "maven://////g:a:1",
        ] {
            assert_eq!(parse(uri).to_string(), "maven://g:a:1", "{uri}");
        }
        // Anything but whitespace, '/' and ':' is allowed in a part.
        assert_eq!(maven("maven://gröup:a+b:1.0-RC1@x").group_id, "gröup");

        assert_eq!(
            version_of("maven://io.spring:foo:jar:metadata:1.0.0"),
            "1.0.0"
        );
        assert_eq!(
            version_of("maven://org.springframework.cloud.stream.app:time-source-rabbit:5.0.0"),
            "5.0.0"
        );
        let without = |uri: &str| parse(uri).without_version();
        assert_eq!(without("maven://g:a:1.0"), "maven://g:a:jar");
        assert_eq!(without("maven://g:a:war:1.0"), "maven://g:a:war");
        assert_eq!(
            without("maven://io.spring:foo:jar:metadata:1.0.0"),
            "maven://io.spring:foo:jar:metadata"
        );
    }

    #[test]
    fn maven_errors() {
        rejects("maven://", "the maven coordinates are empty", Some(8));
        rejects("maven:", "the maven coordinates are empty", Some(6));
        rejects(
            "maven://g:a",
            "too few ':'-separated parts (2); \
             expected maven://groupId:artifactId[:extension[:classifier]]:version",
            None,
        );
        rejects("maven://g", "too few", None);
        rejects(
            "maven://a:b:c:d:e:f",
            "too many ':'-separated parts (6",
            Some(17),
        );
        rejects("maven://a:b:c:d:e:f:g", "too many", Some(17));
        rejects("maven://:a:1", "empty groupId", Some(8));
        rejects("maven://g::1", "empty artifactId", Some(10));
        rejects("maven://g:a:", "empty version", Some(12));
        rejects("maven://g:a::1", "empty extension", Some(12));
        rejects("maven://g:a:jar::1", "empty classifier", Some(16));
        rejects("maven://g:a:jar:c:", "empty version", Some(18));
        rejects("maven://g/x:a:1", "invalid character '/'", Some(9));
        rejects("maven://g:a:1 ", "whitespace character ' '", Some(13));
        let e = rejects("maven://g:a", "Invalid maven URI 'maven://g:a'", None);
        assert_eq!(e.kind(), UriErrorKind::Malformed);
    }

    // ---- http / file ---------------------------------------------------------------------

    #[test]
    fn url_examples() {
        let uri = "https://repo.example.com/libs/time-source-kafka-3.2.1.jar";
        assert_eq!(parse(uri), AppUri::Http(uri.to_owned()));
        assert_eq!(version_of(uri), "3.2.1");
        assert_eq!(
            parse(uri).without_version(),
            "https://repo.example.com/libs/time-source-kafka"
        );

        let uri = "file:/tmp/log-sink-rabbit-5.0.0-SNAPSHOT.jar";
        assert_eq!(parse(uri), AppUri::File(uri.to_owned()));
        assert_eq!(version_of(uri), "5.0.0-SNAPSHOT");
        assert_eq!(parse(uri).without_version(), "file:/tmp/log-sink-rabbit");

        assert_eq!(version_of("https://h/x/foo-1.0.0-metadata.jar"), "1.0.0");
        assert_eq!(
            parse("https://h/x/foo-1.0.0-metadata.jar").without_version(),
            "https://h/x/foo"
        );

        let e = version_error("https://h/x/foo.jar");
        assert_eq!(
            e.to_string(),
            "Could not parse version from https://h/x/foo.jar, expected format is \
             <artifactId>-<version>.jar or <artifactId>-<version>-metadata.jar"
        );
        assert_eq!((e.kind(), e.position()), (UriErrorKind::NoVersion, None));
        assert_eq!(
            parse("https://h/x/foo.jar").without_version(),
            "https://h/x/foo.jar"
        );
    }

    /// Cases checked against SCDF's `(.*)-(\d)(.*?)(-metadata)?` over the extension-less name.
    #[test]
    fn url_version_matches_scdf_regex() {
        let cases = [
            ("http://h/a-1-b-2.0.jar", Some("2.0"), "http://h/a-1-b"),
            (
                "http://h/foo-bar-1.0.0.RELEASE.jar",
                Some("1.0.0.RELEASE"),
                "http://h/foo-bar",
            ),
            (
                "http://h/foo-1.0.0-SNAPSHOT-metadata.jar",
                Some("1.0.0-SNAPSHOT"),
                "http://h/foo",
            ),
            ("http://h/foo-2-3-metadata.jar", Some("3"), "http://h/foo-2"),
            ("http://h/foo-1-metadata.jar", Some("1"), "http://h/foo"),
            (
                "http://h/foo-1.0-metadata-metadata.jar",
                Some("1.0-metadata"),
                "http://h/foo",
            ),
            ("http://h/foo-1.0", Some("1"), "http://h/foo"),
            ("http://h/foo-1", Some("1"), "http://h/foo"),
            ("http://h/-1.0.jar", Some("1.0"), "http://h/"),
            (
                "http://h/foo-1.0.jar?x=bar-9.9#frag-7",
                Some("1.0"),
                "http://h/foo",
            ),
            ("http://h/foo-1.0.jar#x/y-3.0", Some("1.0"), "http://h/foo"),
            ("http://h/dir-1.0/foo.jar", None, "http://h/dir-1.0/foo.jar"),
            ("http://h/foo-x.jar", None, "http://h/foo-x.jar"),
            ("http://h/.foo-2", Some("2"), "http://h/.foo"),
            ("http://h/foo-", None, "http://h/foo-"),
            ("http://h/", None, "http://h/"),
            ("http://foo-1.2", Some("1"), "http://foo"),
            ("file:foo-4.5.jar", Some("4.5"), "file:foo"),
            (
                "file:///opt/apps/x-sink-1.2.3.zip",
                Some("1.2.3"),
                "file:///opt/apps/x-sink",
            ),
            ("http://h/foo-1.0.0.jar.", Some("1.0.0.jar"), "http://h/foo"),
        ];
        for (uri, version, without) in cases {
            let parsed = parse(uri);
            assert_eq!(
                parsed.version().ok().as_deref(),
                version,
                "version of {uri}"
            );
            assert_eq!(
                parsed.without_version(),
                without,
                "without_version of {uri}"
            );
        }
    }

    #[test]
    fn url_errors() {
        rejects("http://", "nothing follows 'http://'", Some(7));
        rejects("https://", "nothing follows 'https://'", Some(8));
        rejects("file:", "nothing follows 'file:'", Some(5));
        rejects("http:foo", "expected '//' after 'http:'", Some(5));
        rejects("https:/foo", "expected '//' after 'https:'", Some(6));
        rejects("http://h/a b.jar", "whitespace character ' '", Some(10));
    }

    // ---- schemes and general -------------------------------------------------------------

    #[test]
    fn scheme_errors() {
        let e = rejects("", "URI must not be empty", None);
        assert_eq!(e.kind(), UriErrorKind::Empty);
        let e = rejects(
            "trucks",
            "Invalid URI 'trucks': it has no scheme; \
             expected docker:, maven://, http://, https:// or file:",
            None,
        );
        assert_eq!(e.kind(), UriErrorKind::NoScheme);
        rejects("sabby/trucks:1.0", "it has no scheme", None);
        rejects(":foo", "it has no scheme", None);
        rejects("1abc:foo", "it has no scheme", None);
        let e = rejects(
            "classpath:foo",
            "Unsupported URI scheme 'classpath' in 'classpath:foo': \
             expected docker:, maven://, http://, https:// or file:",
            None,
        );
        assert_eq!(e.kind(), UriErrorKind::UnsupportedScheme);
        rejects("s3://bucket/app.jar", "Unsupported URI scheme 's3'", None);
        rejects("nginx:1.25", "Unsupported URI scheme 'nginx'", None);
        rejects(
            "Docker:nginx:1",
            "schemes are case-sensitive: write 'docker:'",
            None,
        );
        rejects("HTTPS://h/a-1.jar", "write 'https:'", None);
    }

    #[test]
    fn whitespace_and_control_characters() {
        rejects(
            " docker:a",
            "whitespace character ' ' at position 0",
            Some(0),
        );
        rejects("docker:a ", "position 8", Some(8));
        rejects("file:/ä\u{a0}", "'\\u{a0}' at position 7", Some(7));
        for (uri, code_point, position) in [
            ("docker:a\t:1", "U+0009", 8),
            ("maven://g:a:\n1", "U+000A", 12),
            ("file:/a\u{0}b", "U+0000", 7),
            ("x\u{1b}[31m", "U+001B", 1),
            ("https://h/a\u{202e}raj.1-a", "U+202E", 11),
            ("docker:a/\u{2066}b:1", "U+2066", 9),
            ("docker:a\u{200b}:1", "U+200B", 8),
            ("maven://g:a:1\u{feff}", "U+FEFF", 13),
            ("file:/\u{200f}a-1.jar", "U+200F", 6),
        ] {
            let e = rejects(uri, "URI has the ", Some(position));
            let message = e.to_string();
            assert!(
                message.contains(&format!("character {code_point} at position {position},")),
                "{uri:?}: {message}"
            );
            // The message never carries the character itself.
            assert!(!message.chars().any(is_forbidden), "{message:?}");
            assert_eq!(e.kind(), UriErrorKind::Malformed);
        }
    }

    #[test]
    fn uris_longer_than_the_limit_are_refused() {
        let at_limit = format!("https://h/{}", "a".repeat(MAX_URI_LEN - 10));
        assert_eq!(at_limit.chars().count(), MAX_URI_LEN);
        AppUri::parse(&at_limit).unwrap();
        let e = rejects(&format!("{at_limit}é"), "", None);
        assert_eq!(e.kind(), UriErrorKind::TooLong);
        assert_eq!(
            e.to_string(),
            "URI is 4097 characters long; the limit is 4096"
        );
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        rejects("maven://ä:b:c:d:e:f", "too many", Some(17));
        rejects("maven://éé:a::1", "empty extension", Some(13));
        rejects("docker:äb", "invalid character 'ä'", Some(7));
    }

    #[test]
    fn long_uris_are_shortened_in_messages() {
        let uri = format!("docker:{}", "A".repeat(4_000));
        let e = rejects(&uri, "repository names must be lowercase", Some(7));
        assert!(
            e.to_string().len() < 2_000,
            "message length {}",
            e.to_string().len()
        );
        assert!(e.to_string().contains('…'));
    }

    #[test]
    fn display_round_trips() {
        for uri in valid_examples() {
            let parsed = parse(&uri);
            assert_eq!(parsed.to_string(), uri, "display of {uri}");
            assert_eq!(
                AppUri::parse(&parsed.to_string()),
                Ok(parsed.clone()),
                "{uri}"
            );
            assert_eq!(uri.parse::<AppUri>(), Ok(parsed), "FromStr of {uri}");
        }
        // without_version of a docker/maven URI is itself parseable.
        for uri in [
            "docker:dev.local/trucks:1.0",
            "maven://g:a:1.0",
            "maven://g:a:zip:c:1",
        ] {
            assert!(
                AppUri::parse(&parse(uri).without_version()).is_ok(),
                "{uri}"
            );
        }
        assert_eq!(
            AppUri::parse("docker:x").map(|u| u.to_string()),
            Ok("docker:x".to_owned())
        );
    }

    #[test]
    fn error_accessors() {
        let e = rejects(
            "docker:a//b",
            "Invalid docker URI 'docker:a//b': empty path component",
            Some(9),
        );
        assert_eq!(e.message(), e.to_string());
        assert_eq!(e.kind(), UriErrorKind::Malformed);
    }

    /// A small deterministic generator (xorshift) for the fuzz-style test.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Parses `uri` and exercises everything on the result; must never panic.
    fn exercise(uri: &str) {
        match AppUri::parse(uri) {
            Ok(parsed) => {
                let text = parsed.to_string();
                let _ = parsed.version();
                let _ = parsed.without_version();
                assert_eq!(AppUri::parse(&text), Ok(parsed), "round trip of {uri:?}");
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                if let Some(p) = e.position() {
                    assert!(
                        p <= uri.chars().count(),
                        "{uri:?}: position {p} out of range"
                    );
                }
            }
        }
    }

    #[test]
    fn malformed_inputs_never_panic() {
        let mut inputs: Vec<String> = Vec::new();
        for uri in valid_examples() {
            for (i, _) in uri.char_indices() {
                inputs.push(uri.get(..i).unwrap_or_default().to_owned());
                inputs.push(uri.get(i..).unwrap_or_default().to_owned());
            }
        }
        let alphabet: Vec<char> = "ab-_.:/@Z9 é\u{0}\t%?#".chars().collect();
        let prefixes = [
            "", "docker:", "maven://", "http://", "https://", "file:", "maven:",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for n in 0..600 {
            let len = usize::try_from(xorshift(&mut state) % 24).unwrap_or(0);
            let mut s = prefixes
                .get(n % prefixes.len())
                .copied()
                .unwrap_or_default()
                .to_owned();
            for _ in 0..len {
                let i = usize::try_from(xorshift(&mut state)).unwrap_or(0) % alphabet.len();
                s.push(alphabet.get(i).copied().unwrap_or('a'));
            }
            inputs.push(s);
        }
        for prefix in prefixes {
            for filler in ["a", "A", ":", "/", "@", "-", "é", "1", "a/", "a:"] {
                inputs.push(format!("{prefix}{}", filler.repeat(100_000)));
            }
        }
        inputs.push(format!("docker:a@sha256:{}", "f".repeat(100_000)));
        inputs.push(format!("docker:a:{}", "1".repeat(100_000)));
        inputs.push(format!("docker:host:{}/a", "9".repeat(100_000)));
        inputs.push(format!("http://h/{}", "-1".repeat(50_000)));
        for uri in &inputs {
            exercise(uri);
        }
        assert!(inputs.len() > 1_000);
    }
}
