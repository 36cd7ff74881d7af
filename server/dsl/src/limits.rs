//! Limits on what one parse accepts and reports, so that no definition, however large or
//! broken, costs the server more than a bounded amount of memory and time.
//!
//! - [`MAX_ERRORS`]: a validation reports at most this many problems. The parsers of both DSLs
//!   stop at their first error, so only task validation ([`crate::task::validate`] and the
//!   functions that call it) ever collects several.

/// The most problems one validation reports: the first ones found, in SCDF's order. When there
/// were more, the last one reported says how many were left out, in its `hint` line (the
/// header, and so the tools endpoint's `errors` list, stays SCDF's). A hundred is far more than
/// anyone fixes in one go, and keeps the errors of the worst definition a few kilobytes.
pub const MAX_ERRORS: usize = 100;
