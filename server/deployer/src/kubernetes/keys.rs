//! The catalogue of the Kubernetes platform's property keys, and relaxed-name matching.
//!
//! SCDF matches property keys by "relaxed names": `imagePullPolicy`, `image-pull-policy`,
//! `image_pull_policy`, `IMAGE_PULL_POLICY` and `imagepullpolicy` are the same key. We compare
//! keys after lowercasing them and dropping the separators `-`, `_` and `.`, which accepts every
//! spelling SCDF accepts (and a few harmless more, such as `image.pull.policy`).
//!
//! Every key SCDF documents is in the catalogue, with the levels it may be set at. Keys that
//! configure tasks, schedules or status tracking are *known* here (so a shared `deployer.*`
//! setting does not fail a stream) but do not affect rendering stream apps.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Where a key may be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    /// Server (platform) settings: [`super::KubernetesPlatform::from_properties`].
    Server,
    /// Per-app deployment properties: `spring.cloud.deployer.kubernetes.<key>`.
    App,
}

/// The levels a key is accepted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Levels {
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
    const fn settings(self) -> &'static [ProbeSetting] {
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
    const DEPRECATED: [Self; 8] = [
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
    const ALL: [Self; 5] = [
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
    const SPELLINGS: [(&'static str, Self); 10] = [
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

/// How to check a known key that does not affect rendering stream apps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Check {
    /// A non-negative integer.
    Count,
    /// `true` or `false`.
    Bool,
    /// `k:v,k2:v2` annotations.
    Pairs,
    /// Any text.
    Text,
    /// One of these values (exactly).
    OneOf(&'static [&'static str]),
}

/// A property of the Kubernetes platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Key {
    Namespace,
    ImagePullPolicy,
    ImagePullSecret,
    ImagePullSecrets,
    EntryPointStyle,
    EnvironmentVariables,
    Resource(ResourceKey),
    Probe(ProbeKey),
    ProbeType,
    ProbeCredentialsSecret,
    BootMajorVersion,
    CreateLoadBalancer,
    CreateNodePort,
    ServicePorts,
    ContainerPorts,
    ContainerCommand,
    ServiceAnnotations,
    PodAnnotations,
    DeploymentLabels,
    NodeSelector,
    Tolerations,
    NodeAffinity,
    PodAffinity,
    PodAntiAffinity,
    Volumes,
    VolumeMounts,
    HostNetwork,
    DeploymentServiceAccountName,
    RestartPolicy,
    TerminationGracePeriodSeconds,
    ShareProcessNamespace,
    PriorityClassName,
    PodSecurityContext,
    ContainerSecurityContext,
    SecretRefs,
    ConfigMapRefs,
    SecretKeyRefs,
    ConfigMapKeyRefs,
    InitContainer,
    InitContainerField(InitField),
    InitContainers,
    /// `initContainers[i]` (the field is `None`) or `initContainers[i].<field>`.
    IndexedInitContainer(usize, Option<InitField>),
    AdditionalContainers,
    LifecyclePostStart,
    LifecyclePreStop,
    ClaimTemplateName,
    ClaimTemplateStorage,
    ClaimTemplateStorageClassName,
    StatefulSetInitContainerImageName,
    AppAdminUser,
    AppAdminPassword,
    /// A known key that configures tasks, schedules or status tracking; checked, then ignored.
    NotForApps(Check),
}

/// A catalogue entry.
#[derive(Debug, Clone)]
struct Entry {
    canonical: String,
    key: Key,
    levels: Levels,
}

/// A key found in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Known {
    pub(crate) key: Key,
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

static CATALOGUE: LazyLock<HashMap<String, Entry>> = LazyLock::new(|| {
    entries()
        .into_iter()
        .map(|entry| (normalize(&entry.canonical), entry))
        .collect()
});

/// Every key, by its canonical spelling.
fn entries() -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut add = |canonical: String, key: Key, levels: Levels| {
        entries.push(Entry {
            canonical,
            key,
            levels,
        });
    };
    use Levels::{AppOnly, Both, ServerOnly};
    let fixed: &[(&str, Key, Levels)] = &[
        ("namespace", Key::Namespace, ServerOnly),
        ("imagePullPolicy", Key::ImagePullPolicy, Both),
        ("imagePullSecret", Key::ImagePullSecret, Both),
        ("imagePullSecrets", Key::ImagePullSecrets, Both),
        ("entryPointStyle", Key::EntryPointStyle, Both),
        ("environmentVariables", Key::EnvironmentVariables, Both),
        (
            "limits.gpuVendor",
            Key::Resource(ResourceKey::GpuVendor),
            Both,
        ),
        (
            "limits.gpuCount",
            Key::Resource(ResourceKey::GpuCount),
            Both,
        ),
        ("probeType", Key::ProbeType, Both),
        ("probeCredentialsSecret", Key::ProbeCredentialsSecret, Both),
        ("bootMajorVersion", Key::BootMajorVersion, AppOnly),
        ("createLoadBalancer", Key::CreateLoadBalancer, Both),
        ("createNodePort", Key::CreateNodePort, AppOnly),
        ("servicePorts", Key::ServicePorts, AppOnly),
        ("containerPorts", Key::ContainerPorts, AppOnly),
        ("containerCommand", Key::ContainerCommand, AppOnly),
        ("serviceAnnotations", Key::ServiceAnnotations, Both),
        ("podAnnotations", Key::PodAnnotations, Both),
        ("deploymentLabels", Key::DeploymentLabels, Both),
        ("nodeSelector", Key::NodeSelector, Both),
        ("tolerations", Key::Tolerations, Both),
        ("nodeAffinity", Key::NodeAffinity, ServerOnly),
        ("podAffinity", Key::PodAffinity, ServerOnly),
        ("podAntiAffinity", Key::PodAntiAffinity, ServerOnly),
        ("affinity.nodeAffinity", Key::NodeAffinity, AppOnly),
        ("affinity.podAffinity", Key::PodAffinity, AppOnly),
        ("affinity.podAntiAffinity", Key::PodAntiAffinity, AppOnly),
        ("volumes", Key::Volumes, Both),
        ("volumeMounts", Key::VolumeMounts, Both),
        ("hostNetwork", Key::HostNetwork, Both),
        (
            "deploymentServiceAccountName",
            Key::DeploymentServiceAccountName,
            Both,
        ),
        ("restartPolicy", Key::RestartPolicy, Both),
        (
            "terminationGracePeriodSeconds",
            Key::TerminationGracePeriodSeconds,
            Both,
        ),
        ("shareProcessNamespace", Key::ShareProcessNamespace, Both),
        ("priorityClassName", Key::PriorityClassName, Both),
        ("podSecurityContext", Key::PodSecurityContext, Both),
        (
            "containerSecurityContext",
            Key::ContainerSecurityContext,
            Both,
        ),
        ("secretRefs", Key::SecretRefs, Both),
        ("configMapRefs", Key::ConfigMapRefs, Both),
        ("secretKeyRefs", Key::SecretKeyRefs, Both),
        ("configMapKeyRefs", Key::ConfigMapKeyRefs, Both),
        ("initContainer", Key::InitContainer, Both),
        ("initContainers", Key::InitContainers, Both),
        ("additionalContainers", Key::AdditionalContainers, Both),
        (
            "lifecycle.postStart.exec.command",
            Key::LifecyclePostStart,
            Both,
        ),
        (
            "lifecycle.preStop.exec.command",
            Key::LifecyclePreStop,
            Both,
        ),
        (
            "statefulSet.volumeClaimTemplate.name",
            Key::ClaimTemplateName,
            Both,
        ),
        (
            "statefulSet.volumeClaimTemplate.storage",
            Key::ClaimTemplateStorage,
            Both,
        ),
        (
            "statefulSet.volumeClaimTemplate.storageClassName",
            Key::ClaimTemplateStorageClassName,
            Both,
        ),
        (
            "statefulSetInitContainerImageName",
            Key::StatefulSetInitContainerImageName,
            Both,
        ),
        ("appAdmin.user", Key::AppAdminUser, ServerOnly),
        ("appAdmin.password", Key::AppAdminPassword, ServerOnly),
        // Tasks, schedules and status tracking.
        ("jobAnnotations", Key::NotForApps(Check::Pairs), Both),
        ("taskServiceAccountName", Key::NotForApps(Check::Text), Both),
        ("backoffLimit", Key::NotForApps(Check::Count), Both),
        (
            "ttlSecondsAfterFinished",
            Key::NotForApps(Check::Count),
            Both,
        ),
        (
            "cron.concurrencyPolicy",
            Key::NotForApps(Check::OneOf(&["Allow", "Forbid", "Replace"])),
            Both,
        ),
        (
            "cron.ttlSecondsAfterFinished",
            Key::NotForApps(Check::Count),
            Both,
        ),
        ("cron.backoffLimit", Key::NotForApps(Check::Count), Both),
        ("cron.expression", Key::NotForApps(Check::Text), AppOnly),
        (
            "maxTerminatedErrorRestarts",
            Key::NotForApps(Check::Count),
            ServerOnly,
        ),
        (
            "maxCrashLoopBackOffRestarts",
            Key::NotForApps(Check::Count),
            ServerOnly,
        ),
        (
            "minutesToWaitForLoadBalancer",
            Key::NotForApps(Check::Count),
            ServerOnly,
        ),
        ("createJob", Key::NotForApps(Check::Bool), ServerOnly),
        (
            "maximumConcurrentTasks",
            Key::NotForApps(Check::Count),
            ServerOnly,
        ),
    ];
    for (canonical, key, levels) in fixed {
        add((*canonical).to_owned(), *key, *levels);
    }
    for name in ResourceName::ALL {
        let limit = Key::Resource(ResourceKey::Limit(name));
        let request = Key::Resource(ResourceKey::Request(name));
        add(format!("limits.{}", name.as_str()), limit, Both);
        add(format!("requests.{}", name.as_str()), request, Both);
    }
    for probe in ProbeName::ALL {
        for kind in ProbeKind::ALL {
            for &setting in kind.settings() {
                let key = ProbeKey {
                    probe,
                    kind: Some(kind),
                    setting,
                };
                add(key.canonical(), Key::Probe(key), Both);
            }
        }
        for setting in ProbeSetting::DEPRECATED {
            let key = ProbeKey {
                probe,
                kind: None,
                setting,
            };
            add(key.canonical(), Key::Probe(key), Both);
        }
    }
    for (spelling, field) in InitField::SPELLINGS {
        let key = Key::InitContainerField(field);
        add(format!("initContainer.{spelling}"), key, AppOnly);
    }
    entries
}

/// Looks a key (without any prefix) up at a level. `written` is the key as the user wrote it
/// (with its prefix, if any), for error messages.
pub(crate) fn lookup(unprefixed: &str, written: &str, level: Level) -> crate::Result<Known> {
    let normalized = normalize(unprefixed);
    if let Some(key) = indexed_init_container(&normalized, written, level)? {
        return Ok(Known { key });
    }
    if normalized.starts_with("fabric8") && level == Level::Server {
        return Err(crate::Error::UnknownProperty {
            key: written.to_owned(),
            message: "the Kubernetes client is configured by the server itself (in-cluster \
                      service account or kubeconfig), not by `fabric8.*` properties"
                .to_owned(),
        });
    }
    match CATALOGUE.get(&normalized) {
        Some(entry) if entry.levels.allows(level) => Ok(Known { key: entry.key }),
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

/// `initContainers[<i>]` and `initContainers[<i>].<field>` (per-app only).
fn indexed_init_container(
    normalized: &str,
    written: &str,
    level: Level,
) -> crate::Result<Option<Key>> {
    let Some(rest) = normalized.strip_prefix("initcontainers[") else {
        return Ok(None);
    };
    let invalid = |message: &str| crate::Error::UnknownProperty {
        key: written.to_owned(),
        message: message.to_owned(),
    };
    if level == Level::Server {
        return Err(invalid(
            "indexed `initContainers[<i>]` keys are per-app; at server level set \
             `initContainers` to a YAML list",
        ));
    }
    let Some((index, field)) = rest.split_once(']') else {
        return Err(invalid(
            "expected `initContainers[<index>]`, the `]` is missing",
        ));
    };
    let index: usize = index
        .parse()
        .map_err(|_| invalid("the index of `initContainers[<index>]` must be a number"))?;
    if field.is_empty() {
        return Ok(Some(Key::IndexedInitContainer(index, None)));
    }
    InitField::SPELLINGS
        .iter()
        .find(|(spelling, _)| normalize(spelling) == field)
        .map(|(_, field)| Some(Key::IndexedInitContainer(index, Some(*field))))
        .ok_or_else(|| {
            invalid(
                "the fields of `initContainers[<i>].<field>` are name (containerName), image \
                 (imageName), command (commands), args, env (environmentVariables) and \
                 volumeMounts",
            )
        })
}

/// The message for a key that is not in the catalogue, suggesting the closest known key.
fn unknown_message(normalized: &str, level: Level) -> String {
    let closest = CATALOGUE
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
            let known = lookup(spelling, spelling, Level::App).unwrap();
            assert_eq!(known.key, Key::ImagePullPolicy, "{spelling}");
        }
        let env_style = normalize("SPRING_CLOUD_DEPLOYER_KUBERNETES_IMAGEPULLPOLICY");
        let rest = env_style.strip_prefix(APP_PREFIX_NORMALIZED).unwrap();
        assert_eq!(
            lookup(rest, "x", Level::App).unwrap().key,
            Key::ImagePullPolicy
        );
        assert_eq!(
            lookup("init-container.image-name", "x", Level::App)
                .unwrap()
                .key,
            Key::InitContainerField(InitField::Image)
        );
        assert_eq!(
            lookup("priority-class-name", "x", Level::App).unwrap().key,
            Key::PriorityClassName
        );
        assert_eq!(
            lookup("pod-annotations", "x", Level::App).unwrap().key,
            Key::PodAnnotations
        );
        assert_eq!(
            lookup("limits.gpu_vendor", "x", Level::App).unwrap().key,
            Key::Resource(ResourceKey::GpuVendor)
        );
    }

    #[test]
    fn no_two_catalogue_keys_collide_after_normalization() {
        // The catalogue is a map from the normalized form: a collision would silently drop a key.
        let entries = entries();
        assert_eq!(CATALOGUE.len(), entries.len());
        assert!(entries.len() > 150, "{}", entries.len());
    }

    #[test]
    fn probe_keys_have_scdf_spellings() {
        for key in [
            "livenessHttpProbePort",
            "readinessTcpProbePort",
            "startupCommandProbeCommand",
        ] {
            assert!(
                matches!(lookup(key, key, Level::App).unwrap().key, Key::Probe(_)),
                "{key}"
            );
        }
        let deprecated = lookup("liveness-probe-port", "x", Level::App).unwrap();
        assert_eq!(
            deprecated.key,
            Key::Probe(ProbeKey {
                probe: ProbeName::Liveness,
                kind: None,
                setting: ProbeSetting::Port
            })
        );
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
    fn indexed_init_containers() {
        assert_eq!(
            lookup("initContainers[2]", "x", Level::App).unwrap().key,
            Key::IndexedInitContainer(2, None)
        );
        assert_eq!(
            lookup("init-containers[0].image-name", "x", Level::App)
                .unwrap()
                .key,
            Key::IndexedInitContainer(0, Some(InitField::Image))
        );
        assert!(lookup("initContainers[x]", "x", Level::App).is_err());
        assert!(lookup("initContainers[0", "x", Level::App).is_err());
        assert!(lookup("initContainers[0].colour", "x", Level::App).is_err());
        assert!(lookup("initContainers[0]", "x", Level::Server).is_err());
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
