//! Stable error codes: one table saying, for every code, its class (which the HTTP edge maps to a
//! status) and the `logref` SCDF clients see in the error body.

use std::fmt;

/// What kind of failure a [`Code`] is; the HTTP layer maps each class to one status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The request is malformed or names something impossible (400).
    InvalidRequest,
    /// The thing asked for does not exist (404).
    NotFound,
    /// The request conflicts with the current state (409).
    Conflict,
    /// The request body is larger than the server accepts (413).
    PayloadTooLarge,
    /// The request body is of a media type the endpoint does not read (415).
    UnsupportedMediaType,
    /// 405: the endpoint does not take this method.
    MethodNotAllowed,
    /// A dependency (the database) is not reachable right now (503).
    Unavailable,
    /// A bug or an unexpected failure (500); details are logged, not returned.
    Internal,
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $code:ident => $class:ident, $logref:literal;)*) => {
        /// A stable error code. Its `logref` is the name SCDF puts in `_embedded.errors[].logref`
        /// for the same failure (an exception class name), or a name of ours in the same style
        /// where SCDF has no such error.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Code {
            $($(#[$doc])* $code,)*
        }

        impl Code {
            /// The class, which decides the HTTP status.
            pub const fn class(self) -> ErrorClass {
                match self { $(Self::$code => ErrorClass::$class,)* }
            }

            /// The `logref` of the error body.
            pub const fn logref(self) -> &'static str {
                match self { $(Self::$code => $logref,)* }
            }
        }
    };
}

error_codes! {
    /// A required request parameter is missing.
    MissingParameter => InvalidRequest, "MissingServletRequestParameterException";
    /// A request parameter has a value of the wrong type or outside its allowed set.
    InvalidParameter => InvalidRequest, "MethodArgumentTypeMismatchException";
    /// `page`, `size` or `sort` is malformed (SCDF silently falls back to defaults).
    InvalidPageRequest => InvalidRequest, "InvalidPageRequestException";
    /// The request body could not be read.
    MalformedBody => InvalidRequest, "HttpMessageNotReadableException";
    /// An app name breaks the naming rules.
    InvalidAppName => InvalidRequest, "InvalidApplicationNameException";
    /// An app URI (or version) is malformed.
    InvalidAppUri => InvalidRequest, "InvalidAppUriException";
    /// A bulk app list has malformed lines.
    InvalidAppList => InvalidRequest, "InvalidAppListException";
    /// A bulk app list location could not be read.
    AppListUnreadable => InvalidRequest, "AppListUnreadableException";
    /// The registration already exists and `force` was not given.
    AppAlreadyRegistered => Conflict, "AppAlreadyRegisteredException";
    /// A new version's URI differs from the default version's by more than the version.
    AppUriMismatch => Conflict, "AppUriMismatchException";
    /// A concurrent change took a key this change needed; retrying may succeed.
    ConcurrentModification => Conflict, "ConcurrentModificationException";
    /// No such app registration.
    NoSuchAppRegistration => NotFound, "NoSuchAppRegistrationException";
    /// A stream definition does not parse, or names apps the registry does not have.
    InvalidStreamDefinition => InvalidRequest, "InvalidStreamDefinitionException";
    /// A stream of that name already exists.
    DuplicateStreamDefinition => Conflict, "DuplicateStreamDefinitionException";
    /// No stream of that name.
    NoSuchStreamDefinition => NotFound, "NoSuchStreamDefinitionException";
    /// No release of that stream and version (Skipper's exception for a missing release).
    NoSuchRelease => NotFound, "ReleaseNotFoundException";
    /// A deployment property is malformed, unknown, or names an unknown app or version (SCDF
    /// answers 500 for most of these).
    InvalidDeploymentProperties => InvalidRequest, "InvalidDeploymentPropertiesException";
    /// The deployment cannot be rendered for the platform (bad platform setting value, name too
    /// long for Kubernetes, ...).
    InvalidPlatformSetting => InvalidRequest, "InvalidPlatformSettingException";
    /// No platform is configured that could run the request.
    NoPlatform => Conflict, "NoPlatformException";
    /// The request body exceeds the configured limit.
    PayloadTooLarge => PayloadTooLarge, "PayloadTooLargeException";
    /// The request body has a media type the endpoint does not accept.
    UnsupportedMediaType => UnsupportedMediaType, "HttpMediaTypeNotSupportedException";
    /// The database cannot be reached.
    StoreUnavailable => Unavailable, "StoreUnavailableException";
    /// No schema target of that name (`/schema/targets/{name}`).
    NoSuchSchemaTarget => NotFound, "NoSuchSchemaTargetException";
    /// A request the HTTP layer cannot read: no or several `Host` headers, a path or parameter
    /// that is not UTF-8 once decoded.
    MalformedRequest => InvalidRequest, "MalformedRequestException";
    /// No endpoint has this path.
    NoSuchEndpoint => NotFound, "NoHandlerFoundException";
    /// The endpoint exists but not for this method.
    MethodNotAllowed => MethodNotAllowed, "HttpRequestMethodNotSupportedException";
    /// An app list location the operator has not allowed (a `file:` outside the import
    /// directories, an `http(s)` host in a private or local range).
    AppListLocationRefused => InvalidRequest, "AppListLocationRefusedException";
    /// DSL text that does not parse, outside a stream or task context.
    InvalidDefinition => InvalidRequest, "InvalidDefinitionException";
    /// DSL text longer than the parsers accept.
    DefinitionTooLong => InvalidRequest, "DefinitionTooLongException";
    /// The stream already has a live release (deployed or being deployed).
    StreamAlreadyDeployed => Conflict, "StreamAlreadyDeployedException";
    /// The operation needs a deployed stream (scale, update) and the stream is not deployed.
    StreamNotDeployed => Conflict, "StreamNotDeployedException";
    /// An app registration that a deployed stream uses cannot be removed.
    AppRegistrationInUse => Conflict, "AppRegistrationInUseException";
    /// No deployed app with that deployment id (`/runtime/apps/{id}`).
    NoSuchApp => NotFound, "NoSuchAppException";
    /// No instance with that id of a deployed app.
    NoSuchAppInstance => NotFound, "NoSuchAppInstanceException";
    /// No platform account of that name.
    NoSuchPlatform => InvalidRequest, "PlatformNotFoundException";
    /// The platform cannot answer right now (not reachable, or its watch caches not yet
    /// loaded); retrying later may succeed.
    PlatformUnavailable => Unavailable, "PlatformUnavailableException";
    /// An object the platform would create exists already and was not created by this server.
    PlatformObjectExists => Conflict, "PlatformObjectExistsException";
    /// Anything unexpected.
    Internal => Internal, "InternalServerError";
}

/// A domain error: a stable code and a message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: Code,
    message: String,
}

impl Error {
    /// An error with `code` and a user-facing `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The user-facing message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// An error that knows its stable code. Every crate's error type implements it, so the server
/// turns any of them into a status and a body through one table ([`Code::class`]) without
/// knowing the crate: a new entity or error kind needs no edit at the edge.
pub trait ErrorCode: std::error::Error + Send + Sync + 'static {
    /// The stable code.
    fn code(&self) -> Code;

    /// What a user may be told (4xx only: the edge replaces 5xx messages by a generic one).
    fn public_message(&self) -> String {
        self.to_string()
    }
}

impl ErrorCode for Error {
    fn code(&self) -> Code {
        self.code
    }

    fn public_message(&self) -> String {
        self.message.clone()
    }
}

/// A DSL error on its own is the client's definition failing to parse: its message is SCDF's
/// rendering, with the values of sensitive arguments blotted out (services that know whether
/// the text is a stream or a task wrap it with their own code instead).
impl ErrorCode for dataflow_dsl::DslError {
    fn code(&self) -> Code {
        match self.message {
            dataflow_dsl::DslMessage::DefinitionTooLong => Code::DefinitionTooLong,
            _ => Code::InvalidDefinition,
        }
    }

    fn public_message(&self) -> String {
        crate::sanitize::blot_dsl_text(&self.formatted())
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dsl_errors_have_a_code_and_blot_secrets() {
        let error = dataflow_dsl::stream::parse_stream("time --password=hunter2 | | log")
            .expect_err("two pipes");
        assert_eq!(ErrorCode::code(&error), Code::InvalidDefinition);
        let message = ErrorCode::public_message(&error);
        assert!(!message.contains("hunter2"), "{message}");
        assert!(message.contains("time --password="), "{message}");

        let long = "a".repeat(dataflow_dsl::MAX_DSL_CHARS + 1);
        let error = dataflow_dsl::stream::parse_stream(&long).expect_err("too long");
        assert_eq!(ErrorCode::code(&error), Code::DefinitionTooLong);
    }
}
