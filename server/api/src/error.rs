//! Error bodies. Controller errors use SCDF's `VndErrors` shape so existing clients keep reading
//! `_embedded.errors[0].message`; requests that match no route get Spring Boot's error shape.

use serde::{Deserialize, Serialize};

use crate::hal::SelfLinks;

/// `{"_embedded": {"errors": [{"logref", "message", "_links"}]}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VndErrors {
    /// The errors.
    #[serde(rename = "_embedded")]
    pub embedded: VndErrorList,
}

/// The `errors` list of a [`VndErrors`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VndErrorList {
    /// One entry per error; the server sends exactly one.
    pub errors: Vec<VndError>,
}

/// One error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VndError {
    /// The error's name (SCDF's exception class name for the same failure).
    pub logref: String,
    /// What went wrong, for a person.
    pub message: String,
    /// Always `{"self": {"href": "/"}}`, as SCDF writes it.
    #[serde(rename = "_links")]
    pub links: SelfLinks,
}

impl VndErrors {
    /// A body holding one error.
    pub fn single(logref: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            embedded: VndErrorList {
                errors: vec![VndError {
                    logref: logref.into(),
                    message: message.into(),
                    links: SelfLinks::new("/"),
                }],
            },
        }
    }

    /// The first error's message (what SCDF's shell prints).
    pub fn message(&self) -> &str {
        self.embedded
            .errors
            .first()
            .map_or("", |e| e.message.as_str())
    }
}
