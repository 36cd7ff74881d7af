//! The task DSL (being written).
