//! Deployment planning: a stream's apps, their registrations and the user's deployment
//! properties become one [`AppDeploymentRequest`] per app (reference §3.3–3.5). Pure: the
//! caller fetches the registrations; nothing here does IO.
//!
//! Deployment properties are keyed:
//!
//! | key | becomes |
//! |---|---|
//! | `app.<label>.<p>`, `app.*.<p>` | app property `<p>` (the label's value wins over `*`) |
//! | `app.<label>.producer.<x>` | `spring.cloud.stream.bindings.output.producer.<x>` |
//! | `app.<label>.consumer.<x>` | `spring.cloud.stream.bindings.input.consumer.<x>` |
//! | `deployer.<label>.count`, `deployer.*.count` | the request's `instances` (default 1) |
//! | `deployer.<label>.indexed`, `deployer.*.indexed` | the request's `indexed` |
//! | `deployer.<label>.<p>`, `deployer.*.<p>` | deployment property `spring.cloud.deployer.<p>` |
//! | `version.<label>` | the registered version to deploy |
//! | `spring.cloud.dataflow.skipper.platformName` | the platform (ours is named `default`) |
//!
//! The generic deployer keys (`count`, `indexed`) are matched by relaxed names, as platforms
//! match keys (`COUNT`, `Indexed`, `in-dexed`), checked, and become typed fields of the
//! request; everything else under `deployer.` stays a text deployment property for the platform
//! to parse. The group and app name platforms derive names from are the stream's name and the
//! app's label: `deployer.<label>.group` and `deployer.<label>.appName` are refused.
//!
//! SCDF answers 500 for a key outside this grammar and silently ignores a label the stream
//! does not have; here both are 400s naming the key, and every bad key is reported at once.

use std::collections::{BTreeMap, BTreeSet};

use crate::app::{AppRegistration, AppType};
use crate::deployment::{AppDeploymentRequest, DEPLOYER_PREFIX, definition_name};
use crate::error::{Code, Error, Result};
use crate::stream::StreamApp;

/// `spring.cloud.dataflow.stream.name`: the stream an app belongs to.
pub const STREAM_NAME: &str = "spring.cloud.dataflow.stream.name";
/// `spring.cloud.dataflow.stream.app.label`: the app's label in its stream.
pub const STREAM_APP_LABEL: &str = "spring.cloud.dataflow.stream.app.label";
/// `spring.cloud.dataflow.stream.app.type`: the app's type in its stream.
pub const STREAM_APP_TYPE: &str = "spring.cloud.dataflow.stream.app.type";
/// `spring.cloud.stream.instanceCount`: how many instances share the app's input.
pub const INSTANCE_COUNT: &str = "spring.cloud.stream.instanceCount";
/// The key choosing the platform.
pub const PLATFORM_NAME: &str = "spring.cloud.dataflow.skipper.platformName";
/// The name of the one platform a server has today.
pub const DEFAULT_PLATFORM: &str = "default";

const PRODUCER_PREFIX: &str = "spring.cloud.stream.bindings.output.producer.";
const CONSUMER_PREFIX: &str = "spring.cloud.stream.bindings.input.consumer.";
const PARTITION_KEY_EXPRESSION: &str =
    "spring.cloud.stream.bindings.output.producer.partitionKeyExpression";
const PARTITION_KEY_EXTRACTOR: &str =
    "spring.cloud.stream.bindings.output.producer.partitionKeyExtractorClass";
const PARTITION_COUNT: &str = "spring.cloud.stream.bindings.output.producer.partitionCount";
const CONSUMER_PARTITIONED: &str = "spring.cloud.stream.bindings.input.consumer.partitioned";

/// Keys SCDF accepts for Skipper's package coordinates. There is no Skipper here; they are
/// accepted so existing scripts keep working, and have no effect.
const SKIPPER_PACKAGE_KEYS: [&str; 3] = [
    "spring.cloud.dataflow.skipper.packageVersion",
    "spring.cloud.dataflow.skipper.packageName",
    "spring.cloud.dataflow.skipper.repoName",
];

/// Properties every stream app receives unless something else sets them: the metric tags
/// SCDF's Grafana dashboards group by, and the actuator endpoints SCDF's tooling reads. The
/// placeholders are resolved by the app itself at startup, as with SCDF.
pub const COMMON_APP_PROPERTIES: [(&str, &str); 9] = [
    (
        "management.metrics.tags.stream.name",
        "${spring.cloud.dataflow.stream.name:unknown}",
    ),
    (
        "management.metrics.tags.application.name",
        "${vcap.application.application_name:${spring.cloud.dataflow.stream.app.label:unknown}}",
    ),
    (
        "management.metrics.tags.application.type",
        "${spring.cloud.dataflow.stream.app.type:unknown}",
    ),
    (
        "management.metrics.tags.instance.index",
        "${vcap.application.instance_index:${spring.cloud.stream.instanceIndex:0}}",
    ),
    (
        "management.metrics.tags.application.guid",
        "${spring.cloud.application.guid:unknown}",
    ),
    (
        "management.metrics.tags.application",
        "${spring.cloud.dataflow.stream.name:unknown}-${spring.cloud.dataflow.stream.app.label:unknown}-${spring.cloud.dataflow.stream.app.type:unknown}",
    ),
    (
        "management.endpoints.web.exposure.include",
        "health,info,bindings",
    ),
    (
        "wavefront.application.name",
        "${spring.cloud.dataflow.stream.name:unknown}",
    ),
    (
        "wavefront.application.service",
        "${spring.cloud.dataflow.stream.app.label:unknown}-${spring.cloud.dataflow.stream.app.type:unknown}",
    ),
];

/// Everything planning needs.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    /// The stream's name.
    pub stream: &'a str,
    /// Its apps, in pipeline order (see [`crate::stream::stream_apps`]).
    pub apps: &'a [StreamApp],
    /// Every registered version of the stream's apps (others are ignored).
    pub registrations: &'a [AppRegistration],
    /// The user's deployment properties (see the module documentation).
    pub properties: &'a BTreeMap<String, String>,
    /// Server-wide app properties for every stream app (SCDF's
    /// `spring.cloud.dataflow.application-properties.stream.*`), e.g. the Kafka brokers. They
    /// have the lowest precedence.
    pub server_app_properties: &'a BTreeMap<String, String>,
    /// The release being deployed, 1 for a first deployment: resource names carry `-v<release>`.
    pub release: u32,
}

/// One request per app, in pipeline order.
pub fn plan_stream(input: &PlanInput<'_>) -> Result<Vec<AppDeploymentRequest>> {
    let labels: BTreeSet<&str> = input.apps.iter().map(|a| a.label.as_str()).collect();
    let grouped = group_properties(input, &labels)?;

    // Each app's properties before partitioning: a consumer looks at its producer's.
    let planned: Vec<BTreeMap<String, String>> = input
        .apps
        .iter()
        .map(|app| app_properties(input, app, &grouped))
        .collect();
    let mut requests = Vec::with_capacity(input.apps.len());
    // SCDF plans from the sink back to the source: a producer's partitioning depends on
    // whether the app after it consumes partitions, and on how many instances it runs.
    let mut downstream: Option<(bool, u32)> = None; // (partitioned consumer, count)
    for (index, app) in input.apps.iter().enumerate().rev() {
        let registration = resolve(input, app, grouped.versions.get(app.label.as_str()))?;
        let mut app_props = planned[index].clone();
        let count = match grouped.generic(&app.label, Generic::Count) {
            None => None,
            Some(written) => Some(parse_count(written)?),
        };
        let indexed = match grouped.generic(&app.label, Generic::Indexed) {
            None => None,
            Some(written) => parse_indexed(written)?,
        };
        if let Some(count) = count {
            app_props.insert(INSTANCE_COUNT.to_owned(), count.to_string());
        }
        if let Some((true, consumers)) = downstream {
            app_props.insert(PARTITION_COUNT.to_owned(), consumers.to_string());
            if !app_props.contains_key(PARTITION_KEY_EXPRESSION)
                && !app_props.contains_key(PARTITION_KEY_EXTRACTOR)
            {
                app_props.insert(PARTITION_KEY_EXPRESSION.to_owned(), "payload".to_owned());
            }
        }
        let upstream_partitions = index
            .checked_sub(1)
            .map(|up| &planned[up])
            .is_some_and(|up| {
                up.contains_key(PARTITION_KEY_EXPRESSION)
                    || up.contains_key(PARTITION_KEY_EXTRACTOR)
            });
        // Apps of an `||` group have no bindings, so nothing to partition (as SCDF).
        let partitioned = app.app_type != AppType::App
            && (upstream_partitions
                || app_props
                    .get(CONSUMER_PARTITIONED)
                    .is_some_and(|v| v.eq_ignore_ascii_case("true")));
        if partitioned {
            app_props.insert(CONSUMER_PARTITIONED.to_owned(), "true".to_owned());
        }
        downstream = Some((partitioned, count.unwrap_or(1)));

        requests.push(AppDeploymentRequest {
            stream: input.stream.to_owned(),
            label: app.label.clone(),
            registered_name: app.name.clone(),
            app_type: app.app_type,
            definition_name: definition_name(&app.label, input.release),
            resource: registration.uri.clone(),
            version: registration.version.clone(),
            group: Some(input.stream.to_owned()),
            app_name: Some(app.label.clone()),
            instances: count.unwrap_or(1),
            // A partitioned consumer is indexed whatever the user asked.
            indexed: partitioned || indexed.unwrap_or(false),
            app_properties: app_props,
            deployment_properties: grouped.platform_properties(&app.label),
            command_line_args: Vec::new(),
        });
    }
    requests.reverse();
    Ok(requests)
}

/// The user's properties sorted by what they apply to.
#[derive(Debug, Default)]
struct Grouped<'a> {
    /// `app.*.<p>` → (p, value)
    app_all: BTreeMap<String, &'a str>,
    /// label → (p → value)
    app: BTreeMap<&'a str, BTreeMap<String, &'a str>>,
    /// `deployer.*.<p>`
    deployer_all: DeployerScope<'a>,
    /// label → its `deployer.<label>.<p>`
    deployer: BTreeMap<&'a str, DeployerScope<'a>>,
    versions: BTreeMap<&'a str, &'a str>,
}

impl<'a> Grouped<'a> {
    /// A generic key for the app `label`: its own value, else the `*` one.
    fn generic(&self, label: &str, which: Generic) -> Option<Written<'a>> {
        self.deployer
            .get(label)
            .and_then(|scope| scope.generic.get(&which))
            .or_else(|| self.deployer_all.generic.get(&which))
            .copied()
    }

    /// The platform's deployment properties of the app `label`: the `*` ones, overridden by
    /// its own.
    fn platform_properties(&self, label: &str) -> BTreeMap<String, String> {
        let own = self.deployer.get(label).map(|scope| &scope.platform);
        self.deployer_all
            .platform
            .iter()
            .chain(own.into_iter().flatten())
            .map(|(key, value)| (key.clone(), (*value).to_owned()))
            .collect()
    }
}

/// The `deployer.` properties of one scope (a label, or `*`).
#[derive(Debug, Default)]
struct DeployerScope<'a> {
    /// The generic keys planning resolves, with the key as written.
    generic: BTreeMap<Generic, Written<'a>>,
    /// The platform's keys: `spring.cloud.deployer.<p>` → value.
    platform: BTreeMap<String, &'a str>,
}

/// A property as the user wrote it.
#[derive(Debug, Clone, Copy)]
struct Written<'a> {
    key: &'a str,
    value: &'a str,
}

/// The generic deployer keys planning resolves into typed fields of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Generic {
    /// `count`: [`AppDeploymentRequest::instances`].
    Count,
    /// `indexed`: [`AppDeploymentRequest::indexed`].
    Indexed,
}

fn group_properties<'a>(input: &PlanInput<'a>, labels: &BTreeSet<&str>) -> Result<Grouped<'a>> {
    let mut grouped = Grouped::default();
    let mut problems = Vec::new();
    for (key, value) in input.properties {
        let value = value.as_str();
        if key == PLATFORM_NAME {
            if value != DEFAULT_PLATFORM {
                problems.push(format!(
                    "No platform named '{value}' (key '{key}'); this server has one platform, '{DEFAULT_PLATFORM}'."
                ));
            }
            continue;
        }
        if SKIPPER_PACKAGE_KEYS.contains(&key.as_str()) {
            continue;
        }
        let Some((prefix, rest)) = key.split_once('.') else {
            problems.push(unknown_key(key));
            continue;
        };
        if prefix == "version" {
            if rest == "*" || !labels.contains(rest) {
                problems.push(unknown_label(key, rest, input));
            } else if value.trim().is_empty() {
                problems.push(format!("Deployment property '{key}' needs a version."));
            } else {
                grouped.versions.insert(rest, value);
            }
            continue;
        }
        if prefix != "app" && prefix != "deployer" {
            problems.push(unknown_key(key));
            continue;
        }
        let Some((label, property)) = rest
            .split_once('.')
            .filter(|(l, p)| !l.is_empty() && !p.is_empty())
        else {
            problems.push(format!(
                "Deployment property '{key}' must name an app and a property: '{prefix}.<app label or *>.<property>'."
            ));
            continue;
        };
        if label != "*" && !labels.contains(label) {
            problems.push(unknown_label(key, label, input));
            continue;
        }
        if prefix == "app" {
            let property = expand_binding_shorthand(property);
            if label == "*" {
                grouped.app_all.insert(property, value);
            } else {
                grouped
                    .app
                    .entry(label)
                    .or_default()
                    .insert(property, value);
            }
            continue;
        }
        let scope = if label == "*" {
            &mut grouped.deployer_all
        } else {
            grouped.deployer.entry(label).or_default()
        };
        match deployer_key(property) {
            DeployerKey::Generic(which) => {
                scope.generic.insert(which, Written { key, value });
            }
            DeployerKey::SetByServer(what) => problems.push(format!(
                "Deployment property '{key}' cannot be set: the {what}."
            )),
            DeployerKey::Platform => {
                scope
                    .platform
                    .insert(format!("{DEPLOYER_PREFIX}{property}"), value);
            }
        }
    }
    if problems.is_empty() {
        Ok(grouped)
    } else {
        Err(Error::new(
            Code::InvalidDeploymentProperties,
            problems.join("\n"),
        ))
    }
}

/// What a `deployer.<label>.<property>` key is.
enum DeployerKey {
    /// A generic key planning resolves.
    Generic(Generic),
    /// A generic key whose value the server decides (the text completes "the ...").
    SetByServer(&'static str),
    /// A key for the platform to parse.
    Platform,
}

/// Generic keys are matched by relaxed names (`COUNT`, `Indexed`, `app-name`), ignoring case
/// and the separators `-`, `_` and `.`, as platforms match keys: a spelling a platform would
/// read as a generic key never reaches it as a platform key.
fn deployer_key(property: &str) -> DeployerKey {
    let folded: String = property
        .chars()
        .filter(|ch| !matches!(ch, '-' | '_' | '.'))
        .map(|ch| ch.to_ascii_lowercase())
        .collect();
    match folded.as_str() {
        "count" => DeployerKey::Generic(Generic::Count),
        "indexed" => DeployerKey::Generic(Generic::Indexed),
        "group" => DeployerKey::SetByServer("group of a stream's apps is the stream's name"),
        "appname" => DeployerKey::SetByServer("app name of a stream's app is its label"),
        _ => DeployerKey::Platform,
    }
}

/// `producer.x` and `consumer.x` are short for the output producer and input consumer binding
/// properties.
fn expand_binding_shorthand(property: &str) -> String {
    if let Some(rest) = property.strip_prefix("producer.") {
        format!("{PRODUCER_PREFIX}{rest}")
    } else if let Some(rest) = property.strip_prefix("consumer.") {
        format!("{CONSUMER_PREFIX}{rest}")
    } else {
        property.to_owned()
    }
}

fn unknown_key(key: &str) -> String {
    format!(
        "Unknown deployment property '{key}': keys start with 'app.', 'deployer.' or 'version.' (or are '{PLATFORM_NAME}')."
    )
}

fn unknown_label(key: &str, label: &str, input: &PlanInput<'_>) -> String {
    let labels: Vec<&str> = input.apps.iter().map(|a| a.label.as_str()).collect();
    format!(
        "Deployment property '{key}' names app '{label}', which stream '{}' does not have (its apps: {}).",
        input.stream,
        labels.join(", ")
    )
}

/// The app's properties, lowest precedence first: server-wide properties, the definition's
/// properties, `app.*.`, `app.<label>.`, the keys the server always sets, then the common
/// defaults where nothing set them.
fn app_properties(
    input: &PlanInput<'_>,
    app: &StreamApp,
    grouped: &Grouped<'_>,
) -> BTreeMap<String, String> {
    let mut props = input.server_app_properties.clone();
    props.extend(app.properties.clone());
    let owned = |m: &BTreeMap<String, &str>| {
        m.iter()
            .map(|(k, v)| (k.clone(), (*v).to_owned()))
            .collect::<Vec<_>>()
    };
    props.extend(owned(&grouped.app_all));
    if let Some(specific) = grouped.app.get(app.label.as_str()) {
        props.extend(owned(specific));
    }
    props.insert(STREAM_NAME.to_owned(), input.stream.to_owned());
    props.insert(STREAM_APP_LABEL.to_owned(), app.label.clone());
    props.insert(STREAM_APP_TYPE.to_owned(), app.app_type.to_string());
    for (key, value) in COMMON_APP_PROPERTIES {
        props
            .entry(key.to_owned())
            .or_insert_with(|| value.to_owned());
    }
    props
}

fn parse_count(written: Written<'_>) -> Result<u32> {
    let Written { key, value } = written;
    value.trim().parse::<u32>().map_err(|_| {
        Error::new(
            Code::InvalidDeploymentProperties,
            format!(
                "Deployment property '{key}' must be a whole number of instances, got '{value}'."
            ),
        )
    })
}

/// `true` or `false`, ignoring case; an empty value leaves it unset.
fn parse_indexed(written: Written<'_>) -> Result<Option<bool>> {
    let Written { key, value } = written;
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" => Ok(Some(true)),
        "false" => Ok(Some(false)),
        _ => Err(Error::new(
            Code::InvalidDeploymentProperties,
            format!("Deployment property '{key}' must be 'true' or 'false', got '{value}'."),
        )),
    }
}

/// The registration to deploy: the version asked for, else the default version.
fn resolve<'a>(
    input: &PlanInput<'a>,
    app: &StreamApp,
    version: Option<&&str>,
) -> Result<&'a AppRegistration> {
    let same_app = |r: &&AppRegistration| {
        r.app_type == app.app_type && r.name.as_str().eq_ignore_ascii_case(&app.name)
    };
    let found = match version {
        Some(version) => input
            .registrations
            .iter()
            .filter(same_app)
            .find(|r| r.version == *version),
        None => input
            .registrations
            .iter()
            .filter(same_app)
            .find(|r| r.default_version),
    };
    found.ok_or_else(|| match version {
        Some(version) => Error::new(
            Code::InvalidDeploymentProperties,
            format!(
                "The {}:{}:{version} app is not registered! (deployment property 'version.{}')",
                app.app_type, app.name, app.label
            ),
        ),
        None => Error::new(
            Code::InvalidStreamDefinition,
            crate::stream::missing_apps_message([app]),
        ),
    })
}

/// SCDF's comma-separated form of deployment properties (shell `--properties`, task launch):
/// `k=v,k2=v2`. A segment that has no `=`, or does not start with a known prefix (`app.`,
/// `deployer.`, `version.`, `spring.cloud.dataflow.`, optionally after `--`), belongs to the
/// previous value, comma included: `app.a.list=x,y,deployer.a.count=2` gives `list=x,y`.
pub fn parse_comma_properties(text: &str) -> Result<BTreeMap<String, String>> {
    // Raw values first: a value's surrounding blanks are trimmed once it is complete.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for segment in text.split(',') {
        let starts_new = segment.contains('=') && starts_with_known_prefix(segment.trim_start());
        if starts_new {
            let (key, value) = segment.split_once('=').unwrap_or((segment, ""));
            pairs.push((key.trim().to_owned(), value.to_owned()));
        } else if let Some((_, value)) = pairs.last_mut() {
            value.push(',');
            value.push_str(segment);
        } else if !segment.trim().is_empty() {
            return Err(bad_segment(segment));
        }
    }
    Ok(pairs
        .into_iter()
        .map(|(key, value)| (key, value.trim().to_owned()))
        .collect())
}

fn starts_with_known_prefix(segment: &str) -> bool {
    let key = segment.strip_prefix("--").unwrap_or(segment);
    ["app.", "deployer.", "version.", "spring.cloud.dataflow."]
        .iter()
        .any(|prefix| key.starts_with(prefix))
}

/// The error names the segment's key only: its value may be a secret.
fn bad_segment(segment: &str) -> Error {
    let key = segment
        .split_once('=')
        .map_or(segment, |(key, _)| key)
        .trim();
    Error::new(
        Code::InvalidDeploymentProperties,
        format!(
            "Invalid deployment property '{key}': expected 'key=value' with a key starting with 'app.', 'deployer.' or 'version.'."
        ),
    )
}

#[cfg(test)]
mod tests;
