//! Services: the server's use cases, written against the store and the domain, free of HTTP.

pub mod cpu;
pub mod deployments;
pub mod registry;
pub mod streams;
