//! Store errors, classified so callers can tell a missing row from a broken database.

use dataflow_core::app::AppRegistration;
use dataflow_core::{Code, ErrorCode};

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The row asked for does not exist.
    #[error("{entity} {key} not found")]
    NotFound {
        /// What kind of row.
        entity: Entity,
        /// Which one, as the caller named it.
        key: String,
    },
    /// A registration to save exists already (with [`crate::ConflictPolicy::Fail`]).
    #[error("{} is already registered as {}", .0.coordinates(), .0.uri)]
    AlreadyRegistered(Box<AppRegistration>),
    /// A concurrent change made this one impossible (a unique key was taken meanwhile).
    #[error("conflicting concurrent change: {0}")]
    Conflict(#[source] sqlx::Error),
    /// The database cannot be reached.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// Migrations failed.
    #[error("migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored row breaks a domain rule (written by something else than this server).
    #[error("corrupt row in {table}: {reason}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The connection settings are wrong.
    #[error("{0}")]
    Config(String),
}

/// The kinds of row the store keeps, for errors that name one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// An app registration.
    App,
    /// A stream definition.
    Stream,
    /// A release of a stream (`stream:version`).
    Release,
}

impl Entity {
    /// The code of a missing row of this kind.
    pub const fn not_found_code(self) -> Code {
        match self {
            Self::App => Code::NoSuchAppRegistration,
            Self::Stream => Code::NoSuchStreamDefinition,
            Self::Release => Code::NoSuchRelease,
        }
    }
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::App => "app",
            Self::Stream => "stream",
            Self::Release => "release",
        })
    }
}

impl ErrorCode for Error {
    /// The stable code the HTTP edge maps to a status.
    fn code(&self) -> Code {
        match self {
            Self::NotFound { entity, .. } => entity.not_found_code(),
            Self::AlreadyRegistered(_) => Code::AppAlreadyRegistered,
            Self::Unavailable(_) => Code::StoreUnavailable,
            Self::Conflict(_) => Code::ConcurrentModification,
            Self::Database(_) | Self::Migrate(_) | Self::Corrupt { .. } | Self::Config(_) => {
                Code::Internal
            }
        }
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => Self::Conflict(e),
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Tls(_) => Self::Unavailable(e),
            _ => Self::Database(e),
        }
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_rows_name_their_entity_and_code() {
        let app = Error::NotFound {
            entity: Entity::App,
            key: "source:time:1".to_owned(),
        };
        assert_eq!(app.code(), Code::NoSuchAppRegistration);
        assert_eq!(app.to_string(), "app source:time:1 not found");
        let stream = Error::NotFound {
            entity: Entity::Stream,
            key: "ticktock".to_owned(),
        };
        assert_eq!(stream.code(), Code::NoSuchStreamDefinition);
        let release = Error::NotFound {
            entity: Entity::Release,
            key: "ticktock:2".to_owned(),
        };
        assert_eq!(release.code(), Code::NoSuchRelease);
        assert_eq!(release.code().logref(), "ReleaseNotFoundException");
        assert_eq!(release.to_string(), "release ticktock:2 not found");
    }
}
