//! Stream resources (`/streams/definitions`, `/streams/validation`).
//!
//! Every DSL text a resource carries is masked on construction (reference §8.2): a value of a
//! sensitive argument such as `--password=secret` is shown as `--password='******'`.

use std::collections::BTreeMap;

use dataflow_core::sanitize::mask_stream_dsl;
pub use dataflow_core::status::DeploymentState;
use dataflow_core::stream_definition::StreamDefinitionRecord;
use serde::{Deserialize, Serialize};

use crate::hal::SelfLinks;

/// The `_embedded` key of stream definition lists.
pub const STREAM_LIST_KEY: &str = "streamDefinitionResourceList";

/// One stream definition, as in `GET /streams/definitions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamDefinitionResource {
    /// The stream's name.
    pub name: String,
    /// The DSL as it is now, masked.
    pub dsl_text: String,
    /// The DSL as first written, masked.
    pub original_dsl_text: String,
    /// The stream's deployment state.
    pub status: DeploymentState,
    /// Free text.
    pub description: String,
    /// The description of `status`.
    pub status_description: String,
    /// `self`: `/streams/definitions/{name}`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl StreamDefinitionResource {
    /// The resource for `stream` in `state`, with its DSL masked and links under `base_url` (no
    /// trailing slash).
    pub fn new(stream: &StreamDefinitionRecord, state: DeploymentState, base_url: &str) -> Self {
        Self {
            name: stream.name.clone(),
            dsl_text: mask_stream_dsl(&stream.dsl_text),
            original_dsl_text: mask_stream_dsl(&stream.original_dsl_text),
            status: state,
            description: stream.description.clone(),
            status_description: state.description().to_owned(),
            links: SelfLinks::new(format!(
                "{base_url}/streams/definitions/{}",
                path_segment(&stream.name)
            )),
        }
    }
}

/// Whether an app of a validated stream can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AppValidity {
    /// Registered, with a well-formed URI.
    Valid,
    /// Not registered (with the inferred type), or registered with a malformed URI.
    Invalid,
}

/// `GET /streams/validation/{name}`: each app of the stream and whether it can be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreamAppStatusResource {
    /// The stream's name (SCDF calls it `appName`).
    pub app_name: String,
    /// The stream's DSL, masked.
    pub dsl: String,
    /// The stream's description.
    pub description: String,
    /// `<type>:<label>` of every app (e.g. `source:trucks`) to its validity.
    pub app_statuses: BTreeMap<String, AppValidity>,
    /// `self`: `/streams/validation/{name}`.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl StreamAppStatusResource {
    /// The validation of `stream`, with its DSL masked and links under `base_url`.
    pub fn new(
        stream: &StreamDefinitionRecord,
        app_statuses: BTreeMap<String, AppValidity>,
        base_url: &str,
    ) -> Self {
        Self {
            app_name: stream.name.clone(),
            dsl: mask_stream_dsl(&stream.dsl_text),
            description: stream.description.clone(),
            app_statuses,
            links: SelfLinks::new(format!(
                "{base_url}/streams/validation/{}",
                path_segment(&stream.name)
            )),
        }
    }
}

/// `name` as one URL path segment: characters outside RFC 3986's unreserved set and `$`
/// (stream names may hold any Unicode letter) percent-encoded as UTF-8.
pub fn path_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~' | '$') {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for byte in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(dsl: &str) -> StreamDefinitionRecord {
        StreamDefinitionRecord {
            name: "ticktock".to_owned(),
            dsl_text: dsl.to_owned(),
            original_dsl_text: dsl.to_owned(),
            description: "demo".to_owned(),
            source_destination: None,
        }
    }

    #[test]
    fn definitions_serialize_as_scdf_with_masked_dsl() {
        let dsl = "time --password=secret | log";
        let resource =
            StreamDefinitionResource::new(&record(dsl), DeploymentState::Undeployed, "http://h");
        // How the mask is written is `mask_stream_dsl`'s business; that it is applied is ours.
        let masked = mask_stream_dsl(dsl);
        assert!(
            !masked.contains("secret") && masked.contains("******"),
            "{masked}"
        );
        assert_eq!(
            serde_json::to_value(&resource).unwrap(),
            serde_json::json!({
                "name": "ticktock",
                "dslText": masked,
                "originalDslText": masked,
                "status": "undeployed",
                "description": "demo",
                "statusDescription":
                    "The app or group is known to the system, but is not currently deployed",
                "_links": { "self": { "href": "http://h/streams/definitions/ticktock" } }
            })
        );
    }

    #[test]
    fn names_become_path_segments() {
        assert_eq!(path_segment("my-stream_1$"), "my-stream_1$");
        assert_eq!(path_segment("flüsse"), "fl%C3%BCsse");
    }
}
