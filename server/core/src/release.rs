//! Releases: the desired state of a stream's deployment on a platform (Skipper's `Release`).
//!
//! Every deploy, update or rollback of a stream creates a new release with the next version
//! (1, 2, 3 … per stream; numbers are never reused, so a rollback to v1 creates v3). A release
//! holds what was rendered for the platform, and a [`ReleaseStatus`] saying whether its objects
//! should exist there; the reconcile loop makes the platform match the releases that are
//! [live](ReleaseStatus::is_live).
//!
//! **What is masked.** A release is shown to users (`stream history`, `stream manifest`), so
//! its manifest and [`properties`](Release::properties) are masked by the caller
//! ([`crate::sanitize`]) *before* it builds a [`NewRelease`]. The desired state must survive a
//! restart, though: the reconcile loop re-plans a release from its [`ReleaseSpec`], which holds
//! the deployment properties as the user gave them. The spec is kept in the database (as the
//! registry and the definitions are) and never shown: its `Debug` prints keys only, and no API
//! response is built from it.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::error::{Code, Error};

/// Where a release is in its life, and so whether its objects should exist on the platform.
///
/// Skipper's status codes are `UNKNOWN`, `DEPLOYED`, `DELETED` and `FAILED`; a reconcile loop
/// also needs to tell a release being rolled out (whose objects must exist but are not yet
/// healthy) from one that is done, hence [`Deploying`](Self::Deploying) (Skipper reports it as
/// `UNKNOWN` while its upgrade strategy runs). There is no `Unknown`: every stored release is in
/// one of these states.
///
/// Transitions: `Deploying` → `Deployed` (healthy) or `Failed` (health check timed out: its new
/// objects are removed, the previous release keeps running); `Deployed` → `Deleted` (undeployed,
/// or replaced by a newer release that became healthy); `Failed` → `Deleted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReleaseStatus {
    /// Rolled out but not yet healthy: its objects should exist.
    Deploying,
    /// Healthy: its objects should exist.
    Deployed,
    /// Never became healthy: its objects should not exist (the previous release keeps running).
    Failed,
    /// Undeployed or superseded: its objects should not exist.
    Deleted,
}

impl ReleaseStatus {
    /// Every status, in the order of a release's life.
    pub const ALL: [Self; 4] = [Self::Deploying, Self::Deployed, Self::Failed, Self::Deleted];

    /// The stored (and displayed) name, lower case.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Deploying => "deploying",
            Self::Deployed => "deployed",
            Self::Failed => "failed",
            Self::Deleted => "deleted",
        }
    }

    /// Skipper's status code for this status (`StatusCode` of a release's info).
    pub const fn skipper_code(self) -> &'static str {
        match self {
            Self::Deploying => "UNKNOWN",
            Self::Deployed => "DEPLOYED",
            Self::Failed => "FAILED",
            Self::Deleted => "DELETED",
        }
    }

    /// Whether the release's objects should exist on its platform: what the reconcile loop
    /// creates and keeps. During an upgrade both the old (`Deployed`) and the new (`Deploying`)
    /// release are live (red/black).
    pub const fn is_live(self) -> bool {
        matches!(self, Self::Deploying | Self::Deployed)
    }
}

impl fmt::Display for ReleaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReleaseStatus {
    type Err = Error;

    /// Parses a stored name ([`ReleaseStatus::as_str`]), ignoring case.
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| Error::new(Code::Internal, format!("unknown release status '{s}'")))
    }
}

/// An instant to the millisecond (milliseconds since the Unix epoch, UTC), as releases record
/// and the store keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The instant `millis` milliseconds after the Unix epoch (before it when negative).
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// `time`, truncated to the millisecond (saturating far outside ±292 million years).
    pub fn from_system_time(time: SystemTime) -> Self {
        let millis = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        match time.duration_since(UNIX_EPOCH) {
            Ok(after) => Self(millis(after)),
            Err(before) => Self(-millis(before.duration())),
        }
    }

    /// The instant as a [`SystemTime`].
    pub fn to_system_time(self) -> SystemTime {
        let magnitude = Duration::from_millis(self.0.unsigned_abs());
        if self.0 >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

/// What the platform must run for a release, as given: the input the reconcile loop re-plans
/// the release's apps from. Never shown to users (see the module docs).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct ReleaseSpec {
    /// The deployment properties of the release, unmasked (they may hold secrets).
    pub properties: BTreeMap<String, String>,
    /// For each app label, the release whose version its objects are named after
    /// (`<stream>-<label>-v<N>`): an app carried over unchanged keeps its earlier name.
    pub app_releases: BTreeMap<String, u32>,
}

/// Only the property keys: the values may be secrets.
impl fmt::Debug for ReleaseSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReleaseSpec")
            .field("properties", &self.properties.keys().collect::<Vec<_>>())
            .field("app_releases", &self.app_releases)
            .finish()
    }
}

/// What a deploy, update or rollback asks the store to record; the store gives it the stream's
/// next version and the timestamps. Masked by the caller (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRelease {
    /// The stream's name (compared ignoring case, as stream names are).
    pub stream: String,
    /// The platform account the release is deployed to (`default` unless the user chose one).
    pub platform: String,
    /// The initial status, normally [`ReleaseStatus::Deploying`].
    pub status: ReleaseStatus,
    /// The rendered manifest (YAML), secrets masked.
    pub manifest: String,
    /// The deployment properties given for this release, secrets masked.
    pub properties: BTreeMap<String, String>,
    /// The version of each app deployed, by app label (`time` → `5.0.0`).
    pub app_versions: BTreeMap<String, String>,
    /// What happened, for the history (`Install complete`, `Upgrade complete`, …).
    pub description: String,
    /// What the platform must run (unmasked; never shown).
    pub spec: ReleaseSpec,
}

/// A stored release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The stream's name as given when this release was created.
    pub stream: String,
    /// 1 for a stream's first release, then one more for each release of the same stream.
    pub version: u32,
    /// The platform account it is deployed to.
    pub platform: String,
    /// Where the release is in its life.
    pub status: ReleaseStatus,
    /// The rendered manifest (YAML), secrets masked.
    pub manifest: String,
    /// The deployment properties of this release, secrets masked.
    pub properties: BTreeMap<String, String>,
    /// The version of each app deployed, by app label.
    pub app_versions: BTreeMap<String, String>,
    /// What happened last, for the history.
    pub description: String,
    /// When the release was created (Skipper's `firstDeployed`).
    pub first_deployed: Timestamp,
    /// When the release last changed status (Skipper's `lastDeployed`).
    pub last_updated: Timestamp,
    /// When the release became [`ReleaseStatus::Deleted`], if it has.
    pub deleted: Option<Timestamp>,
    /// What the platform must run (unmasked; never shown).
    pub spec: ReleaseSpec,
}

impl Release {
    /// The `stream:version` key naming this release in messages (and in
    /// [`Code::NoSuchRelease`] errors).
    pub fn key(&self) -> String {
        release_key(&self.stream, self.version)
    }
}

/// `stream:version`, the key naming a release in messages.
pub fn release_key(stream: &str, version: u32) -> String {
    format!("{stream}:{version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in ReleaseStatus::ALL {
            assert_eq!(status.as_str().parse::<ReleaseStatus>(), Ok(status));
        }
        assert_eq!(
            "DEPLOYED".parse::<ReleaseStatus>(),
            Ok(ReleaseStatus::Deployed)
        );
        assert!("unknown".parse::<ReleaseStatus>().is_err());
    }

    #[test]
    fn only_deploying_and_deployed_releases_should_exist() {
        let live: Vec<_> = ReleaseStatus::ALL
            .into_iter()
            .filter(|s| s.is_live())
            .collect();
        assert_eq!(live, [ReleaseStatus::Deploying, ReleaseStatus::Deployed]);
    }

    #[test]
    fn timestamps_keep_milliseconds_on_both_sides_of_the_epoch() {
        let t = UNIX_EPOCH + Duration::from_micros(1_700_000_000_123_456);
        let ts = Timestamp::from_system_time(t);
        assert_eq!(ts.as_millis(), 1_700_000_000_123);
        assert_eq!(
            ts.to_system_time(),
            UNIX_EPOCH + Duration::from_millis(1_700_000_000_123)
        );
        let before = Timestamp::from_system_time(UNIX_EPOCH - Duration::from_millis(1_500));
        assert_eq!(before.as_millis(), -1_500);
        assert_eq!(
            before.to_system_time(),
            UNIX_EPOCH - Duration::from_millis(1_500)
        );
    }

    #[test]
    fn releases_are_named_stream_colon_version() {
        assert_eq!(release_key("ticktock", 3), "ticktock:3");
    }
}
