//! The stream DSL (being written).
