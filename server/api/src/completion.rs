//! `GET /completions/stream` and `GET /completions/task`.

use serde::{Deserialize, Serialize};

use crate::hal::SelfLinks;

/// The proposals for a partial definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionProposalsResource {
    /// Whole continued definitions.
    pub proposals: Vec<CompletionProposal>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

/// One proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionProposal {
    /// The full DSL text with the completion applied.
    pub text: String,
    /// Why it is proposed.
    pub explanation: String,
}
