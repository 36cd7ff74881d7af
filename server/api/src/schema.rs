//! `/schema/…`: the Spring Boot generations apps may be built with and the database table
//! prefixes of each, in SCDF's shapes (SCDF 2.11 `SchemaController`). The dashboard reads them
//! to offer the Boot version in its registration form.

use serde::{Deserialize, Serialize};

use crate::hal::SelfLinks;

/// `GET /schema/versions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaVersionsResource {
    /// The Boot generation assumed when none is given: `"2"`.
    pub default_schema_version: String,
    /// Every generation: `["2", "3"]`.
    pub versions: Vec<String>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

/// One schema target of `GET /schema/targets` and `GET /schema/targets/{name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaTargetResource {
    /// `boot2` or `boot3`.
    pub name: String,
    /// `"2"` or `"3"`.
    pub schema_version: String,
    /// Prefix of the task tables of apps of this generation.
    pub task_prefix: String,
    /// Prefix of the batch tables of apps of this generation.
    pub batch_prefix: String,
    /// A separate datasource, if any.
    pub datasource: Option<String>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

/// `GET /schema/targets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaTargetsResource {
    /// The target of apps registered without a Boot version: `boot2`.
    pub default_schema_target: String,
    /// Every target.
    pub schemas: Vec<SchemaTargetResource>,
    /// `self`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}
