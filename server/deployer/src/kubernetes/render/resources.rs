//! Container resource limits and requests (reference section 1.7).
//!
//! There are no defaults: without settings the container has no limits or requests. Each key
//! is resolved on its own, per-app value first, then the server's. The generic
//! `spring.cloud.deployer.{memory,cpu,disk}` keys are ignored, as in SCDF.
//!
//! SCDF reads the per-app `ephemeral-storage` and `hugepages-*` keys without their prefix, so
//! only the server values work there. We deliberately fix that bug: the prefixed per-app keys
//! (`spring.cloud.deployer.kubernetes.limits.ephemeral-storage`, ...) work like every other
//! resource key.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::kubernetes::context::Context;
use crate::kubernetes::keys::ResourceKey;
use crate::kubernetes::properties::RESOURCES;

/// The main container's resources, or `None` when nothing is set.
pub(crate) fn resources(context: &Context<'_>) -> Option<ResourceRequirements> {
    let value = |key: ResourceKey| {
        context
            .member(&RESOURCES, &key)
            .map(|prop| prop.value.clone())
    };
    let mut limits = BTreeMap::new();
    let mut requests = BTreeMap::new();
    for (key, prop) in context
        .app
        .members(&RESOURCES)
        .chain(context.server.members(&RESOURCES))
    {
        let (map, name) = match key {
            ResourceKey::Limit(name) => (&mut limits, name),
            ResourceKey::Request(name) => (&mut requests, name),
            ResourceKey::GpuVendor | ResourceKey::GpuCount => continue,
        };
        // The per-app value comes first in the chain and wins.
        map.entry(name.as_str().to_owned())
            .or_insert_with(|| Quantity(prop.value.clone()));
    }
    // A GPU limit needs both the vendor (the resource name) and the count.
    if let (Some(vendor), Some(count)) =
        (value(ResourceKey::GpuVendor), value(ResourceKey::GpuCount))
    {
        limits.insert(vendor, Quantity(count));
    }
    if limits.is_empty() && requests.is_empty() {
        return None;
    }
    Some(ResourceRequirements {
        limits: Some(limits).filter(|map| !map.is_empty()),
        requests: Some(requests).filter(|map| !map.is_empty()),
        ..ResourceRequirements::default()
    })
}
