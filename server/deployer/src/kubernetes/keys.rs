//! The catalogue of the Kubernetes platform's property keys, and relaxed-name matching.
//!
//! SCDF matches property keys by "relaxed names": `imagePullPolicy`, `image-pull-policy`,
//! `image_pull_policy`, `IMAGE_PULL_POLICY` and `imagepullpolicy` are the same key. We compare
//! keys after lowercasing them and dropping the separators `-`, `_` and `.`, which accepts every
//! spelling SCDF accepts (and a few harmless more, such as `image.pull.policy`).
//!
//! The catalogue is built from the property declarations (`properties.rs`): every key SCDF
//! documents, with the levels it may be set at. Keys that configure tasks, schedules or status
//! tracking are declared too (so a shared `deployer.*` setting does not fail a stream) but do
//! not affect rendering stream apps.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::settings::Settings;
use crate::Result;

/// Where a key is being set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Server (platform) settings: [`super::KubernetesPlatform::from_properties`].
    Server,
    /// Per-app deployment properties: `spring.cloud.deployer.kubernetes.<key>`.
    App,
}

/// The levels a key is accepted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Levels {
    Both,
    ServerOnly,
    AppOnly,
}

impl Levels {
    const fn allows(self, level: Level) -> bool {
        matches!(
            (self, level),
            (Self::Both, _) | (Self::ServerOnly, Level::Server) | (Self::AppOnly, Level::App)
        )
    }
}

/// The three probes of a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ProbeName {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeName {
    pub(crate) const ALL: [Self; 3] = [Self::Liveness, Self::Readiness, Self::Startup];

    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Liveness => "liveness",
            Self::Readiness => "readiness",
            Self::Startup => "startup",
        }
    }
}

/// How a probe checks the container (`probeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ProbeKind {
    Http,
    Tcp,
    Command,
}

impl ProbeKind {
    pub(crate) const ALL: [Self; 3] = [Self::Http, Self::Tcp, Self::Command];

    /// The infix of typed probe keys, e.g. `Http` in `livenessHttpProbePort`.
    pub(crate) const fn infix(self) -> &'static str {
        match self {
            Self::Http => "Http",
            Self::Tcp => "Tcp",
            Self::Command => "Command",
        }
    }

    /// The settings a probe of this kind has.
    pub(crate) const fn settings(self) -> &'static [ProbeSetting] {
        use ProbeSetting::*;
        match self {
            Self::Http => &[Delay, Period, Timeout, Failure, Success, Port, Path, Scheme],
            Self::Tcp => &[Delay, Period, Timeout, Failure, Success, Port],
            Self::Command => &[Delay, Period, Timeout, Failure, Success, Command],
        }
    }
}

/// One tunable of a probe: the `<Suffix>` of `<probe><Kind>Probe<Suffix>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ProbeSetting {
    Delay,
    Period,
    Timeout,
    Failure,
    Success,
    Port,
    Path,
    Scheme,
    Command,
}

impl ProbeSetting {
    /// The settings the deprecated, kind-less keys (`livenessProbeDelay`) exist for.
    pub(crate) const DEPRECATED: [Self; 8] = [
        Self::Delay,
        Self::Period,
        Self::Timeout,
        Self::Failure,
        Self::Success,
        Self::Port,
        Self::Path,
        Self::Scheme,
    ];

    pub(crate) const fn suffix(self) -> &'static str {
        match self {
            Self::Delay => "Delay",
            Self::Period => "Period",
            Self::Timeout => "Timeout",
            Self::Failure => "Failure",
            Self::Success => "Success",
            Self::Port => "Port",
            Self::Path => "Path",
            Self::Scheme => "Scheme",
            Self::Command => "Command",
        }
    }
}

/// A probe key: `kind` is `None` for the deprecated `<probe>Probe<Suffix>` form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct ProbeKey {
    pub(crate) probe: ProbeName,
    pub(crate) kind: Option<ProbeKind>,
    pub(crate) setting: ProbeSetting,
}

impl ProbeKey {
    /// The canonical (camelCase) key, e.g. `livenessHttpProbePort` or `livenessProbePort`.
    pub(crate) fn canonical(self) -> String {
        let kind = self.kind.map_or("", ProbeKind::infix);
        format!(
            "{}{kind}Probe{}",
            self.probe.as_str(),
            self.setting.suffix()
        )
    }
}

/// A container resource limit or request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ResourceKey {
    Limit(ResourceName),
    Request(ResourceName),
    GpuVendor,
    GpuCount,
}

/// The resources SCDF lets users limit or request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum ResourceName {
    Cpu,
    Memory,
    EphemeralStorage,
    Hugepages2Mi,
    Hugepages1Gi,
}

impl ResourceName {
    pub(crate) const ALL: [Self; 5] = [
        Self::Cpu,
        Self::Memory,
        Self::EphemeralStorage,
        Self::Hugepages2Mi,
        Self::Hugepages1Gi,
    ];

    /// The Kubernetes resource name, also the key suffix (`limits.<name>`).
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Memory => "memory",
            Self::EphemeralStorage => "ephemeral-storage",
            Self::Hugepages2Mi => "hugepages-2Mi",
            Self::Hugepages1Gi => "hugepages-1Gi",
        }
    }
}

/// The fields of the flattened `initContainer.<field>` / `initContainers[i].<field>` keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum InitField {
    Name,
    Image,
    Command,
    Args,
    Env,
    VolumeMounts,
}

impl InitField {
    /// The field's spellings: SCDF's long alias first (`containerName`), then the short one.
    pub(crate) const SPELLINGS: [(&'static str, Self); 10] = [
        ("containerName", Self::Name),
        ("name", Self::Name),
        ("imageName", Self::Image),
        ("image", Self::Image),
        ("commands", Self::Command),
        ("command", Self::Command),
        ("args", Self::Args),
        ("environmentVariables", Self::Env),
        ("env", Self::Env),
        ("volumeMounts", Self::VolumeMounts),
    ];
}

/// Stores a property's value (not empty) in a level's settings: parses it, checks it and puts
/// it in its slot. The arguments are the settings, the key as written and the value.
pub(crate) type Store = Box<dyn Fn(&mut Settings, &str, &str) -> Result<()> + Send + Sync>;

/// Recognizes the keys of a pattern (`initContainers[<i>]`): given a normalized key and the
/// level, how to store its value, or why the key is malformed; `None` when the key is not the
/// pattern's.
pub(crate) type Pattern =
    Box<dyn Fn(&str, Level) -> Option<Result<Store, &'static str>> + Send + Sync>;

/// One spelling of a property.
struct Spelling {
    canonical: String,
    levels: Levels,
    store: Store,
}

/// Every spelling of every property, by its normalized form, and the patterns.
#[derive(Default)]
pub(crate) struct Catalogue {
    spellings: HashMap<String, Spelling>,
    patterns: Vec<Pattern>,
    /// The declarations' slots.
    slots: HashSet<&'static str>,
    /// Canonical spellings that normalize to an earlier one's form, and slots declared twice
    /// (declaration errors).
    collisions: Vec<String>,
}

impl Catalogue {
    /// Adds a spelling.
    pub(crate) fn add(&mut self, canonical: &str, levels: Levels, store: Store) {
        let normalized = normalize(canonical);
        if self.spellings.contains_key(&normalized) {
            self.collisions.push(canonical.to_owned());
            return;
        }
        let spelling = Spelling {
            canonical: canonical.to_owned(),
            levels,
            store,
        };
        self.spellings.insert(normalized, spelling);
    }

    /// Adds a pattern; patterns are tried before the spellings.
    pub(crate) fn add_pattern(&mut self, pattern: Pattern) {
        self.patterns.push(pattern);
    }
}

/// Lowercases and drops `-`, `_` and `.`: the form relaxed names are compared in.
pub(crate) fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '-' | '_' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The normalized prefix of per-app keys, `spring.cloud.deployer.kubernetes.`.
pub(crate) const APP_PREFIX_NORMALIZED: &str = "springclouddeployerkubernetes";

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut catalogue = Catalogue::default();
    for declared in super::properties::ALL {
        if !catalogue.slots.insert(declared.slot()) {
            catalogue
                .collisions
                .push(format!("the slot {}", declared.slot()));
        }
        declared.declare(&mut catalogue);
    }
    catalogue
});

/// How to store the value of a key found in the catalogue.
pub(crate) enum Found {
    /// A listed spelling.
    Listed(&'static Store),
    /// A key a pattern recognized.
    Matched(Store),
}

impl Found {
    pub(crate) fn get(&self) -> &Store {
        match self {
            Self::Listed(store) => store,
            Self::Matched(store) => store,
        }
    }
}

impl std::fmt::Debug for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Listed(_) => "Listed",
            Self::Matched(_) => "Matched",
        })
    }
}

/// Looks a key (without any prefix) up at a level. `written` is the key as the user wrote it
/// (with its prefix, if any), for error messages.
pub(crate) fn lookup(unprefixed: &str, written: &str, level: Level) -> Result<Found> {
    let normalized = normalize(unprefixed);
    for pattern in &CATALOGUE.patterns {
        match pattern(&normalized, level) {
            Some(Ok(store)) => return Ok(Found::Matched(store)),
            Some(Err(message)) => {
                return Err(crate::Error::UnknownProperty {
                    key: written.to_owned(),
                    message: message.to_owned(),
                });
            }
            None => {}
        }
    }
    if normalized.starts_with("fabric8") && level == Level::Server {
        return Err(crate::Error::UnknownProperty {
            key: written.to_owned(),
            message: "the Kubernetes client is configured by the server itself (in-cluster \
                      service account or kubeconfig), not by `fabric8.*` properties"
                .to_owned(),
        });
    }
    match CATALOGUE.spellings.get(&normalized) {
        Some(entry) if entry.levels.allows(level) => Ok(Found::Listed(&entry.store)),
        Some(entry) => Err(crate::Error::UnknownProperty {
            key: written.to_owned(),
            message: match level {
                Level::Server => format!(
                    "`{}` is a per-app property: set it with \
                     `deployer.<app>.kubernetes.{}` when deploying",
                    entry.canonical, entry.canonical
                ),
                Level::App => format!(
                    "`{}` can only be set in the server's platform settings",
                    entry.canonical
                ),
            },
        }),
        None => Err(crate::Error::UnknownProperty {
            key: written.to_owned(),
            message: unknown_message(&normalized, level),
        }),
    }
}

/// The message for a key that is not in the catalogue, suggesting the closest known key.
fn unknown_message(normalized: &str, level: Level) -> String {
    let closest = CATALOGUE
        .spellings
        .iter()
        .filter(|(_, entry)| entry.levels.allows(level))
        .map(|(known, entry)| (edit_distance(normalized, known), &entry.canonical))
        .filter(|(distance, _)| *distance <= 3)
        .min();
    let base = "not a property of the Kubernetes platform";
    match closest {
        Some((_, canonical)) => format!("{base}; did you mean `{canonical}`?"),
        None => format!("{base} (see the deployer property table in the documentation)"),
    }
}

/// Levenshtein distance, for suggestions.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical spelling a key is found as.
    fn canonical(unprefixed: &str) -> &'static str {
        let spelling = CATALOGUE.spellings.get(&normalize(unprefixed));
        spelling.map_or("", |spelling| spelling.canonical.as_str())
    }

    #[test]
    fn relaxed_spellings_are_the_same_key() {
        for spelling in [
            "imagePullPolicy",
            "image-pull-policy",
            "image_pull_policy",
            "IMAGE_PULL_POLICY",
            "imagepullpolicy",
            "IMAGEPULLPOLICY",
        ] {
            assert!(lookup(spelling, spelling, Level::App).is_ok(), "{spelling}");
            assert_eq!(canonical(spelling), "imagePullPolicy", "{spelling}");
        }
        let env_style = normalize("SPRING_CLOUD_DEPLOYER_KUBERNETES_IMAGEPULLPOLICY");
        let rest = env_style.strip_prefix(APP_PREFIX_NORMALIZED).unwrap();
        assert_eq!(canonical(rest), "imagePullPolicy");
        for (spelling, expected) in [
            ("init-container.image-name", "initContainer.imageName"),
            ("priority-class-name", "priorityClassName"),
            ("pod-annotations", "podAnnotations"),
            ("limits.gpu_vendor", "limits.gpuVendor"),
            ("AFFINITY_NODE_AFFINITY", "affinity.nodeAffinity"),
            ("node-affinity", "nodeAffinity"),
        ] {
            assert!(lookup(spelling, spelling, Level::App).is_ok() || spelling == "node-affinity");
            assert_eq!(canonical(spelling), expected, "{spelling}");
        }
    }

    #[test]
    fn no_two_catalogue_keys_collide_after_normalization() {
        // The catalogue is a map from the normalized form: a collision would silently drop a key.
        // Two declarations sharing a slot would read each other's values.
        assert_eq!(CATALOGUE.collisions, Vec::<String>::new());
        assert!(
            CATALOGUE.spellings.len() > 150,
            "{}",
            CATALOGUE.spellings.len()
        );
    }

    #[test]
    fn probe_keys_have_scdf_spellings() {
        for key in [
            "livenessHttpProbePort",
            "readinessTcpProbePort",
            "startupCommandProbeCommand",
            "liveness-probe-port",
        ] {
            assert!(lookup(key, key, Level::App).is_ok(), "{key}");
        }
        assert_eq!(canonical("liveness-probe-port"), "livenessProbePort");
        // TCP probes have no path.
        assert!(lookup("livenessTcpProbePath", "k", Level::App).is_err());
    }

    #[test]
    fn level_mismatches_and_unknown_keys_are_errors_with_advice() {
        let error = lookup(
            "namespace",
            "spring.cloud.deployer.kubernetes.namespace",
            Level::App,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("spring.cloud.deployer.kubernetes.namespace"),
            "{error}"
        );
        assert!(error.contains("server's platform settings"), "{error}");
        let error = lookup("containerPorts", "containerPorts", Level::Server)
            .unwrap_err()
            .to_string();
        assert!(error.contains("per-app"), "{error}");
        let error = lookup("tolerashuns", "k.tolerashuns", Level::App)
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `tolerations`?"), "{error}");
        let error = lookup("fabric8.masterUrl", "fabric8.masterUrl", Level::Server).unwrap_err();
        assert!(error.to_string().contains("fabric8.masterUrl"));
    }

    #[test]
    fn patterns_come_first_and_report_malformed_keys() {
        assert!(lookup("initContainers[2]", "x", Level::App).is_ok());
        assert!(lookup("init-containers[0].image-name", "x", Level::App).is_ok());
        for (key, level, message) in [
            ("initContainers[x]", Level::App, "must be a number"),
            ("initContainers[0", Level::App, "the `]` is missing"),
            (
                "initContainers[0].colour",
                Level::App,
                "are name (containerName)",
            ),
            ("initContainers[0]", Level::Server, "keys are per-app"),
        ] {
            let error = lookup(key, key, level).unwrap_err().to_string();
            assert!(
                error.starts_with(&format!("unknown property `{key}`: ")),
                "{error}"
            );
            assert!(error.contains(message), "{error}");
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
