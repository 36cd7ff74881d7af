//! The crate's one error type.
//!
//! Every error a user can cause names the property (or the name) at fault, as the user wrote
//! it, and says what is expected. Messages never contain the values of environment variables
//! or credentials: those may be secrets.

/// What went wrong while reading platform settings or rendering an app.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A property's value cannot be used.
    #[error("invalid value for `{key}`: {message}")]
    InvalidProperty {
        /// The property's key, as written (a server key, a per-app
        /// `spring.cloud.deployer.kubernetes.*` key, or an app property such as `server.port`).
        key: String,
        /// What is wrong and what is expected.
        message: String,
    },

    /// A key that is not a property of the Kubernetes platform, or not at this level.
    #[error("unknown property `{key}`: {message}")]
    UnknownProperty {
        /// The key, as written.
        key: String,
        /// Why it is not accepted, with a suggestion where one is close.
        message: String,
    },

    /// The same property is given twice under two spellings (relaxed names).
    #[error("`{first}` and `{second}` are the same property; set it once")]
    DuplicateProperty {
        /// The first spelling.
        first: String,
        /// The second spelling.
        second: String,
    },

    /// Two properties that cannot be used together.
    #[error("`{first}` and `{second}` cannot be used together: {message}")]
    ConflictingProperties {
        /// One of the properties.
        first: String,
        /// The other property.
        second: String,
        /// Why they conflict.
        message: String,
    },

    /// A property that the other settings make mandatory is missing.
    #[error("missing property `{key}`: {message}")]
    MissingProperty {
        /// The key that must be set.
        key: String,
        /// Why it is needed.
        message: String,
    },

    /// A name that would be written into a Kubernetes object breaks Kubernetes' naming rules.
    #[error("invalid {what} `{name}` (from {source_of_name}): must be {rule}")]
    InvalidName {
        /// What the name is used as, e.g. "Service name" or "label value".
        what: &'static str,
        /// The offending name.
        name: String,
        /// Where it came from: the properties or request fields it was derived from.
        source_of_name: String,
        /// The rule it breaks.
        rule: &'static str,
    },

    /// A stream's name cannot name its apps' Kubernetes objects (SCDF's checks before it
    /// deploys a stream to Kubernetes).
    #[error("{message}")]
    InvalidStreamName {
        /// The stream's name.
        stream: String,
        /// What is wrong, in SCDF's words.
        message: String,
    },

    /// The app's resource is not something Kubernetes can run.
    #[error(
        "the app's resource `{resource}` is not a Docker image: Kubernetes runs `docker:<image>` \
         resources only"
    )]
    UnsupportedResource {
        /// The resource URI of the request.
        resource: String,
    },

    /// Turning the rendered objects into YAML failed (not caused by user input).
    #[error("cannot serialize the rendered objects")]
    Serialize(#[source] serde_json::Error),

    /// An object we would apply exists already and is not ours (it lacks our managed-by
    /// label): we never touch objects we did not create.
    #[error(
        "{kind} `{name}` exists in namespace `{namespace}` and was not created by dataflow; \
         it is left alone"
    )]
    NotOurs {
        /// The object's kind.
        kind: String,
        /// Its name.
        name: String,
        /// Its namespace.
        namespace: String,
    },

    /// The platform's view of its objects is not complete yet (the watch caches are still
    /// loading or re-listing), so no state can be given.
    #[error("the platform's status is not known yet: its watch caches are still loading")]
    NotSynced,

    /// The Kubernetes API refused a call or could not be reached.
    #[error("Kubernetes API: cannot {action}")]
    Kube {
        /// What was being done, e.g. "apply Deployment `ticktock-log-v1`".
        action: String,
        /// The client's error.
        #[source]
        source: Box<kube::Error>,
    },

    /// No Kubernetes client could be configured (kubeconfig or in-cluster settings).
    #[error("cannot configure the Kubernetes client: {message}")]
    KubeConfig {
        /// What is wrong.
        message: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An [`Error::InvalidProperty`].
    pub(crate) fn invalid(key: &str, message: impl Into<String>) -> Self {
        Self::InvalidProperty {
            key: key.to_owned(),
            message: message.into(),
        }
    }
}

/// Every error but a failure to serialize an object is about the properties or names the user
/// gave; the message names them. A stream name Kubernetes cannot use is the definition's fault.
impl dataflow_core::ErrorCode for Error {
    fn code(&self) -> dataflow_core::Code {
        match self {
            // The cluster cannot answer now: retrying may help (503).
            Self::NotSynced => dataflow_core::Code::PlatformUnavailable,
            Self::Kube { source, .. } if is_unreachable(source) => {
                dataflow_core::Code::PlatformUnavailable
            }
            // An object in the way that is not ours: the user must move it (409).
            Self::NotOurs { .. } => dataflow_core::Code::PlatformObjectExists,
            // Not the user's input: logged in full and shown as internal errors.
            Self::Serialize(_) | Self::Kube { .. } | Self::KubeConfig { .. } => {
                dataflow_core::Code::Internal
            }
            Self::InvalidStreamName { .. } => dataflow_core::Code::InvalidStreamDefinition,
            _ => dataflow_core::Code::InvalidPlatformSetting,
        }
    }
}

/// Whether the client never got an answer from the API server (connection refused, TLS, timeout)
/// or the server said it is unavailable, as opposed to refusing the request.
fn is_unreachable(error: &kube::Error) -> bool {
    match error {
        kube::Error::Api(status) => matches!(status.code, 429 | 502 | 503 | 504),
        kube::Error::HyperError(_) | kube::Error::Service(_) => true,
        _ => false,
    }
}
