//! The app's Service (reference section 1.4).
//!
//! One port per app port (`server.port`, default 8080, plus the per-app `servicePorts`), named
//! `port-<n>`, with no target port or protocol (Kubernetes defaults them). The type is
//! `LoadBalancer` with `createLoadBalancer=true`, `NodePort` with the per-app `createNodePort`,
//! otherwise ClusterIP (left unset).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::metadata::{self, Labels};
use crate::kubernetes::context::Context;
use crate::kubernetes::properties::{
    CREATE_LOAD_BALANCER, CREATE_NODE_PORT, NAMESPACE, NodePort, SERVICE_ANNOTATIONS, SERVICE_PORTS,
};
use crate::{Error, Result};

pub(crate) fn service(context: &Context<'_>, labels: &Labels) -> Result<Service> {
    let app_load_balancer = context.app.get(&CREATE_LOAD_BALANCER);
    let node_port = context.get(&CREATE_NODE_PORT);
    if let (Some(load_balancer), Some(node_port)) = (app_load_balancer, node_port) {
        return Err(Error::ConflictingProperties {
            first: node_port.key.clone(),
            second: load_balancer.key.clone(),
            message: "a Service cannot be a NodePort and a LoadBalancer at the same time"
                .to_owned(),
        });
    }
    let load_balancer = context
        .get(&CREATE_LOAD_BALANCER)
        .is_some_and(|prop| prop.value);
    // A per-app NodePort wins over the server's LoadBalancer default.
    let service_type = match (node_port, load_balancer) {
        (Some(_), _) => Some("NodePort"),
        (None, true) => Some("LoadBalancer"),
        (None, false) => None,
    };

    let mut ports = vec![context.external_port];
    ports.extend(
        context
            .get(&SERVICE_PORTS)
            .iter()
            .flat_map(|prop| prop.value.iter().copied()),
    );
    let mut seen = BTreeSet::new();
    let ports: Vec<ServicePort> = ports
        .into_iter()
        .filter(|port| seen.insert(*port))
        .enumerate()
        .map(|(index, port)| ServicePort {
            name: Some(format!("port-{port}")),
            port,
            // An explicit node port goes on the app's own port (the first).
            node_port: match node_port {
                Some(prop) if index == 0 => match prop.value {
                    NodePort::Port(node_port) => Some(node_port),
                    NodePort::Any => None,
                },
                _ => None,
            },
            ..ServicePort::default()
        })
        .collect();

    Ok(Service {
        metadata: ObjectMeta {
            name: Some(context.service_name.clone()),
            namespace: context.get(&NAMESPACE).map(|prop| prop.value.clone()),
            labels: Some(labels.base.clone()),
            annotations: metadata::annotations(context, &SERVICE_ANNOTATIONS),
            ..ObjectMeta::default()
        },
        spec: Some(ServiceSpec {
            ports: Some(ports),
            selector: Some(labels.service_selector.clone()),
            type_: service_type.map(str::to_owned),
            ..ServiceSpec::default()
        }),
        status: None,
    })
}
