//! Object names (SCDF's deployment id and Service name) and Kubernetes' naming rules.
//!
//! The API server rejects objects whose names, label keys or label values break its rules; we
//! check them while rendering so the user learns which property to fix before anything is
//! applied. [`check_stream_names`] is SCDF's earlier check of a whole stream, before planning.

use dataflow_core::stream::StreamApp;

use crate::{Error, Result};

/// A DNS-1123 label: Deployment, StatefulSet and container names, namespaces.
pub(crate) const DNS1123_LABEL: &str = "a DNS-1123 label: at most 63 characters, lowercase \
    letters, digits and '-', starting and ending with a letter or digit";

/// A DNS-1035 label: Service names.
pub(crate) const DNS1035_LABEL: &str = "a DNS-1035 label: at most 63 characters, lowercase \
    letters, digits and '-', starting with a letter and ending with a letter or digit";

/// A DNS-1123 subdomain: Secret, ConfigMap, ServiceAccount and PriorityClass names.
pub(crate) const DNS1123_SUBDOMAIN: &str = "a DNS-1123 subdomain: at most 253 characters, \
    dot-separated lowercase letters, digits and '-', each part starting and ending with a \
    letter or digit";

/// A label value.
pub(crate) const LABEL_VALUE: &str = "a label value: at most 63 characters, letters, digits, \
    '-', '_' and '.', starting and ending with a letter or digit (or empty)";

/// A label or annotation key.
pub(crate) const QUALIFIED_NAME: &str = "a qualified name: an optional DNS-1123 subdomain \
    prefix and '/', then at most 63 characters of letters, digits, '-', '_' and '.', starting \
    and ending with a letter or digit";

/// A StatefulSet name: its pods carry a `controller-revision-hash` label of the name plus an
/// 11-character suffix, and label values are at most 63 characters.
pub(crate) const STATEFUL_SET_NAME: &str = "at most 52 characters for a StatefulSet (Kubernetes \
    labels each pod with the name plus an 11-character revision hash, at most 63 characters)";

/// SCDF's deployment id: `<group>-<definitionName>` (or `<definitionName>` without a group),
/// lowercased, with `.` replaced by `-`. Skipper's `mystream` + `log-v1` gives `mystream-log-v1`.
pub(crate) fn deployment_id(group: Option<&str>, definition_name: &str) -> String {
    scdf_name(group, definition_name)
}

/// SCDF's Service name: the un-versioned `<group>-<appName>` when Skipper set `appName`, so the
/// Service survives upgrades (`mystream-log`); otherwise the deployment id.
///
/// SCDF falls back to the versioned id when a Service of an older naming scheme exists; that
/// needs a cluster lookup and is not done here.
pub(crate) fn service_name(
    group: Option<&str>,
    app_name: Option<&str>,
    deployment_id: &str,
) -> String {
    match app_name {
        Some(app_name) => scdf_name(group, app_name),
        None => deployment_id.to_owned(),
    }
}

fn scdf_name(group: Option<&str>, name: &str) -> String {
    let joined = match group {
        Some(group) => format!("{group}-{name}"),
        None => name.to_owned(),
    };
    joined.replace('.', "-").to_lowercase()
}

fn is_alnum_lower(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most `max` characters.
fn is_dns_label(name: &str, max: usize) -> bool {
    !name.is_empty()
        && name.len() <= max
        && name.chars().all(|c| is_alnum_lower(c) || c == '-')
        && name.starts_with(is_alnum_lower)
        && name.ends_with(is_alnum_lower)
}

pub(crate) fn is_dns1123_label(name: &str) -> bool {
    is_dns_label(name, 63)
}

pub(crate) fn is_dns1035_label(name: &str) -> bool {
    is_dns_label(name, 63) && name.starts_with(|c: char| c.is_ascii_lowercase())
}

pub(crate) fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(|part| is_dns_label(part, 253))
}

/// `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, at most 63 characters.
pub(crate) fn is_label_value(value: &str) -> bool {
    value.is_empty() || is_name_part(value)
}

fn is_name_part(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && text.starts_with(|c: char| c.is_ascii_alphanumeric())
        && text.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// A label or annotation key: `[prefix/]name`.
pub(crate) fn is_qualified_name(key: &str) -> bool {
    match key.split_once('/') {
        Some((prefix, name)) => is_dns1123_subdomain(prefix) && is_name_part(name),
        None => is_name_part(key),
    }
}

/// Checks that a stream's names can name its apps' Kubernetes objects, as SCDF does before it
/// deploys a stream to Kubernetes: the stream name must be a DNS label
/// (`[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?`), and `<stream>-<app>-v` must leave room for a
/// version suffix within Kubernetes' 63 characters (at most 58). `apps` are the stream's apps;
/// their registered names count.
///
/// # Errors
///
/// [`Error::InvalidStreamName`] with SCDF's message.
pub fn check_stream_names(stream: &str, apps: &[StreamApp]) -> Result<()> {
    let bytes = stream.as_bytes();
    let valid = bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-');
    let invalid = |message: String| Error::InvalidStreamName {
        stream: stream.to_owned(),
        message,
    };
    if !valid {
        return Err(invalid(format!(
            "Stream name {stream} is invalid. Stream name must consist of alphanumeric \
             characters or '-', start with an alphabetic character, and end with an \
             alphanumeric character (e.g. 'my-name', or 'abc-123')"
        )));
    }
    for app in apps {
        let prefix = format!("{stream}-{}-v", app.name);
        let length = prefix.chars().count();
        if length > 58 {
            return Err(invalid(format!(
                "The runtime application name for the app {} in the stream {stream} should not \
                 exceed 58 characters in length; '{prefix}' has {length}.",
                app.name
            )));
        }
    }
    Ok(())
}

/// Checks `name` with `valid`, or returns an [`Error::InvalidName`].
pub(crate) fn check(
    valid: fn(&str) -> bool,
    rule: &'static str,
    what: &'static str,
    name: &str,
    source_of_name: &str,
) -> Result<()> {
    if valid(name) {
        Ok(())
    } else {
        Err(Error::InvalidName {
            what,
            name: name.to_owned(),
            source_of_name: source_of_name.to_owned(),
            rule,
        })
    }
}

/// Checks every key and value of labels.
pub(crate) fn check_labels<'a>(
    labels: impl IntoIterator<Item = (&'a String, &'a String)>,
    source: &str,
) -> Result<()> {
    for (key, value) in labels {
        check(is_qualified_name, QUALIFIED_NAME, "label key", key, source)?;
        check(is_label_value, LABEL_VALUE, "label value", value, source)?;
    }
    Ok(())
}

/// Checks every key of annotations (values are free text).
pub(crate) fn check_annotation_keys<'a>(
    keys: impl IntoIterator<Item = &'a String>,
    source: &str,
) -> Result<()> {
    for key in keys {
        check(
            is_qualified_name,
            QUALIFIED_NAME,
            "annotation key",
            key,
            source,
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use dataflow_core::stream::stream_apps;
    use dataflow_dsl::stream::parse_stream;

    use super::*;

    #[test]
    fn stream_names_follow_scdf_rules() {
        let apps = stream_apps("S", &parse_stream("time | log").expect("valid"));
        check_stream_names("my-stream", &apps).expect("valid");
        for bad in ["my_stream", "-s", "s-", "1s"] {
            let error = check_stream_names(bad, &apps).expect_err(bad).to_string();
            assert!(error.starts_with(&format!("Stream name {bad} is invalid.")));
        }
        let long = "s".repeat(52); // "<52>-time-v" has 59 characters
        let error = check_stream_names(&long, &apps)
            .expect_err("too long")
            .to_string();
        assert!(error.contains("58 characters"), "{error}");
        assert!(error.ends_with("has 59."), "{error}");
    }

    #[test]
    fn ids_join_group_and_name_lowercased_with_dashes() {
        assert_eq!(deployment_id(None, "app-test"), "app-test");
        assert_eq!(deployment_id(Some("foo"), "app-test"), "foo-app-test");
        assert_eq!(
            deployment_id(Some("My.Stream"), "Log.V1"),
            "my-stream-log-v1"
        );
        assert_eq!(
            service_name(Some("mystream"), Some("log"), "mystream-log-v1"),
            "mystream-log"
        );
        assert_eq!(service_name(None, Some("log"), "log-v1"), "log");
        assert_eq!(service_name(Some("s"), None, "s-log-v1"), "s-log-v1");
    }

    #[test]
    fn dns_labels() {
        assert!(is_dns1123_label("a"));
        assert!(is_dns1123_label("0-a"));
        assert!(is_dns1123_label(&"a".repeat(63)));
        for bad in ["", "-a", "a-", "A", "a_b", "a.b", &"a".repeat(64)] {
            assert!(!is_dns1123_label(bad), "{bad}");
        }
        assert!(!is_dns1035_label("0-a"));
        assert!(is_dns1035_label("a-0"));
    }

    #[test]
    fn subdomains() {
        assert!(is_dns1123_subdomain("nvidia.com"));
        assert!(is_dns1123_subdomain("regcred"));
        for bad in ["", "a..b", ".a", "a.", "A.b", "a_b"] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
        }
    }

    #[test]
    fn label_values_and_qualified_names() {
        for good in ["", "a", "A_b.c-D", "0"] {
            assert!(is_label_value(good), "{good}");
        }
        for bad in ["-a", "a-", "a b", "a/b", &"a".repeat(64)] {
            assert!(!is_label_value(bad), "{bad}");
        }
        for good in [
            "app",
            "app.kubernetes.io/name",
            "iam.amazonaws.com/role",
            "a_B.c",
        ] {
            assert!(is_qualified_name(good), "{good}");
        }
        for bad in ["", "/a", "a/", "A.com/a", "a/b/c", "-a", "a b"] {
            assert!(!is_qualified_name(bad), "{bad}");
        }
    }

    #[test]
    fn errors_name_the_source_and_the_rule() {
        let error = check(
            is_dns1123_label,
            DNS1123_LABEL,
            "deployment id",
            "a_b",
            "the group",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            format!("invalid deployment id `a_b` (from the group): must be {DNS1123_LABEL}")
        );
    }
}
