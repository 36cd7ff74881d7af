//! The Deployment, or for indexed apps the StatefulSet (reference sections 1.9 and 1.10).
//!
//! An indexed app (one consuming a partitioned destination) needs a stable instance index.
//! Its StatefulSet gets an init container, `index-provider`, that writes the index (the
//! trailing digits of the pod's hostname, `<name>-<ordinal>`) as `INSTANCE_INDEX` and
//! `spring.cloud.stream.instanceIndex` into `/config/application.properties`, on an `emptyDir`
//! volume the app mounts at `/config`, where Spring Boot reads it.
//!
//! Decisions on SCDF's quirks:
//!
//! * `serviceName` names the Service we actually render (SCDF uses the versioned deployment
//!   id, which names no Service when Skipper's un-versioned Service is used).
//! * The volume claim template is still not mounted automatically (SCDF has no mount path for
//!   it), but a container may mount it by naming it in `volumeMounts`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PodTemplateSpec, Volume, VolumeMount, VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::metadata::{self, Labels};
use super::pod::{PodOptions, STREAM_APP_RESTART, pod_spec};
use crate::Result;
use crate::kubernetes::context::Context;
use crate::kubernetes::properties::{
    CLAIM_TEMPLATE_NAME, CLAIM_TEMPLATE_STORAGE, CLAIM_TEMPLATE_STORAGE_CLASS_NAME, NAMESPACE,
    POD_ANNOTATIONS, STATEFUL_SET_INIT_CONTAINER_IMAGE_NAME,
};
use crate::kubernetes::{Workload, names};

/// The StatefulSet's `emptyDir` volume holding the instance index.
const CONFIG_VOLUME: &str = "config";
const CONFIG_PATH: &str = "/config";
const INDEX_PROVIDER: &str = "index-provider";
/// Writes the pod's ordinal (the hostname's trailing digits) where Spring Boot reads it.
const INDEX_COMMAND: &str = "echo INSTANCE_INDEX=${HOSTNAME##*[!0-9]} >> \
    /config/application.properties && echo \
    spring.cloud.stream.instanceIndex=${HOSTNAME##*[!0-9]} >> /config/application.properties";

pub(crate) fn workload(
    context: &Context<'_>,
    labels: &Labels,
    main: Container,
) -> Result<Workload> {
    let template_metadata = ObjectMeta {
        labels: Some(labels.workload.clone()),
        annotations: metadata::annotations(context, &POD_ANNOTATIONS),
        ..ObjectMeta::default()
    };
    let object_metadata = ObjectMeta {
        name: Some(context.deployment_id.clone()),
        namespace: context.get(&NAMESPACE).map(|prop| prop.value.clone()),
        labels: Some(labels.workload.clone()),
        ..ObjectMeta::default()
    };
    if !context.request.indexed {
        let spec = pod_spec(context, main, PodOptions::new(STREAM_APP_RESTART))?;
        return Ok(Workload::Deployment(Deployment {
            metadata: object_metadata,
            spec: Some(DeploymentSpec {
                replicas: Some(context.count),
                selector: LabelSelector {
                    match_labels: Some(labels.id_map.clone()),
                    match_expressions: None,
                },
                template: PodTemplateSpec {
                    metadata: Some(template_metadata),
                    spec: Some(spec),
                },
                ..DeploymentSpec::default()
            }),
            status: None,
        }));
    }

    let claim_name = context
        .get(&CLAIM_TEMPLATE_NAME)
        .map_or_else(|| context.deployment_id.clone(), |prop| prop.value.clone());
    names::check(
        names::is_dns1123_label,
        names::DNS1123_LABEL,
        "volume claim template name",
        &claim_name,
        "the deployment id",
    )?;
    let storage = context
        .get(&CLAIM_TEMPLATE_STORAGE)
        .map_or_else(|| "10Mi".to_owned(), |prop| prop.value.clone());
    let storage: BTreeMap<String, Quantity> = [("storage".to_owned(), Quantity(storage))]
        .into_iter()
        .collect();
    let claim = PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(claim_name.clone()),
            labels: Some(labels.base.clone()),
            ..ObjectMeta::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_owned()]),
            storage_class_name: context
                .get(&CLAIM_TEMPLATE_STORAGE_CLASS_NAME)
                .map(|prop| prop.value.clone()),
            resources: Some(VolumeResourceRequirements {
                limits: Some(storage.clone()),
                requests: Some(storage),
            }),
            ..PersistentVolumeClaimSpec::default()
        }),
        status: None,
    };

    let mut main = main;
    main.volume_mounts
        .get_or_insert_with(Vec::new)
        .push(VolumeMount {
            name: CONFIG_VOLUME.to_owned(),
            mount_path: CONFIG_PATH.to_owned(),
            ..VolumeMount::default()
        });
    let index_provider = Container {
        name: INDEX_PROVIDER.to_owned(),
        image: Some(
            context
                .get(&STATEFUL_SET_INIT_CONTAINER_IMAGE_NAME)
                .map_or_else(|| "busybox".to_owned(), |prop| prop.value.clone()),
        ),
        image_pull_policy: Some("IfNotPresent".to_owned()),
        command: Some(vec![
            "sh".to_owned(),
            "-c".to_owned(),
            INDEX_COMMAND.to_owned(),
        ]),
        volume_mounts: Some(vec![VolumeMount {
            name: CONFIG_VOLUME.to_owned(),
            mount_path: CONFIG_PATH.to_owned(),
            ..VolumeMount::default()
        }]),
        security_context: main.security_context.clone(),
        ..Container::default()
    };
    let options = PodOptions {
        restart: STREAM_APP_RESTART,
        volumes: vec![Volume {
            name: CONFIG_VOLUME.to_owned(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Volume::default()
        }],
        init_container: Some(index_provider),
        claim_template: Some(claim_name),
    };
    let spec = pod_spec(context, main, options)?;
    Ok(Workload::StatefulSet(StatefulSet {
        metadata: object_metadata,
        spec: Some(StatefulSetSpec {
            replicas: Some(context.count),
            pod_management_policy: Some("Parallel".to_owned()),
            service_name: Some(context.service_name.clone()),
            selector: LabelSelector {
                match_labels: Some(labels.id_map_with_role.clone()),
                match_expressions: None,
            },
            template: PodTemplateSpec {
                metadata: Some(template_metadata),
                spec: Some(spec),
            },
            volume_claim_templates: Some(vec![claim]),
            ..StatefulSetSpec::default()
        }),
        status: None,
    }))
}
