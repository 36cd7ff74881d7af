//! Deployment states as SCDF reports them (reference §5): the state of an app instance, of an
//! app (its instances), and of a stream (its apps), with SCDF's aggregation rules. Platforms
//! map what they observe to these states; the REST layer only shows them.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The deployment state of an app or a stream, as SCDF's `DeploymentStateResource`: a key
/// (how it serializes) and a description shown beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeploymentState {
    /// `deploying`: the stream is being deployed.
    Deploying,
    /// `deployed`: the stream has been deployed.
    Deployed,
    /// `undeployed`: known, but not deployed.
    Undeployed,
    /// `partial`: some apps are deployed, others are not.
    Partial,
    /// `failed`: every app failed to deploy.
    Failed,
    /// `error`: the state could not be determined.
    Error,
    /// `unknown`: the deployment is not known to the system.
    Unknown,
}

impl DeploymentState {
    /// Every state, in SCDF's declaration order.
    pub const ALL: [Self; 7] = [
        Self::Deploying,
        Self::Deployed,
        Self::Undeployed,
        Self::Partial,
        Self::Failed,
        Self::Error,
        Self::Unknown,
    ];

    /// The key, as serialized (`deployed`).
    pub const fn key(self) -> &'static str {
        match self {
            Self::Deploying => "deploying",
            Self::Deployed => "deployed",
            Self::Undeployed => "undeployed",
            Self::Partial => "partial",
            Self::Failed => "failed",
            Self::Error => "error",
            Self::Unknown => "unknown",
        }
    }

    /// SCDF's description of the state, word for word.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Deploying => "The stream is being deployed.",
            Self::Deployed => "The stream has been successfully deployed",
            Self::Undeployed => {
                "The app or group is known to the system, but is not currently deployed"
            }
            Self::Partial => {
                "In the case of multiple apps, some have successfully deployed, while others \
                 have not"
            }
            Self::Failed => "All apps have failed deployment",
            Self::Error => "A system error occurred trying to determine deployment status",
            Self::Unknown => "The app or group deployment is not known to the system",
        }
    }

    /// The state of a stream from the states of its apps, as SCDF aggregates them: a single
    /// distinct state is the stream's (`unknown` meaning `undeployed`); otherwise `error` when
    /// there is no state or an `error`, `partial` for `deployed` with `failed`, then `failed`,
    /// then `deploying`, else `partial`.
    pub fn aggregate(states: impl IntoIterator<Item = Self>) -> Self {
        let states: BTreeSet<Self> = states.into_iter().collect();
        let has = |state| states.contains(&state);
        if states.len() == 1 {
            return match states.first() {
                Some(Self::Unknown) | None => Self::Undeployed,
                Some(&state) => state,
            };
        }
        if states.is_empty() || has(Self::Error) {
            Self::Error
        } else if has(Self::Deployed) && has(Self::Failed) {
            Self::Partial
        } else if has(Self::Failed) {
            Self::Failed
        } else if has(Self::Deploying) {
            Self::Deploying
        } else {
            Self::Partial
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_serialize_as_their_keys() {
        for state in DeploymentState::ALL {
            assert_eq!(
                serde_json::to_value(state).unwrap(),
                serde_json::Value::from(state.key())
            );
        }
    }

    #[test]
    fn stream_states_aggregate_as_scdf() {
        use DeploymentState::*;
        let cases: [(&[DeploymentState], DeploymentState); 10] = [
            (&[Deployed, Deployed], Deployed),
            (&[Unknown], Undeployed),
            (&[Failed], Failed),
            (&[], Error),
            (&[Deployed, Error], Error),
            (&[Deployed, Failed, Deploying], Partial),
            (&[Failed, Deploying], Failed),
            (&[Deploying, Deployed], Deploying),
            (&[Deployed, Undeployed], Partial),
            (&[Unknown, Deployed], Partial),
        ];
        for (states, expected) in cases {
            assert_eq!(
                DeploymentState::aggregate(states.iter().copied()),
                expected,
                "{states:?}"
            );
        }
    }
}
