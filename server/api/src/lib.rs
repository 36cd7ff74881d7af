//! The REST contract of the dataflow server, shared by the server, the shell, the dashboard and
//! the tests. Every type serializes to the JSON Spring Cloud Data Flow (SCDF) clients already
//! parse: HAL (`_links`, `_embedded`), Spring Data's `page` block, and SCDF's `VndErrors` body.
//!
//! ```
//! use dataflow_api::{Link, hal::PagedResources};
//! let empty: PagedResources<serde_json::Value> =
//!     PagedResources::new("appRegistrationResourceList", vec![], Default::default(), Default::default());
//! let json = serde_json::to_value(&empty).unwrap();
//! assert!(json.get("_embedded").is_none(), "an empty page has no _embedded, as in HAL");
//! # let _ = Link::new("http://localhost:9393/apps");
//! ```
#![warn(missing_docs)]

pub mod about;
pub mod apps;
pub mod completion;
pub mod deployments;
pub mod error;
pub mod hal;
pub mod runtime;
pub mod schema;
pub mod streams;
pub mod tools;

pub use hal::Link;

/// The API revision SCDF reports in `GET /` (`api.revision`); unchanged since SCDF 2.7.
pub const API_REVISION: u32 = 14;
