//! Platforms that run dataflow's apps. Today: rendering stream apps as Kubernetes objects.
#![warn(missing_docs)]
