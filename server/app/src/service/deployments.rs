//! Stream deployments: from a definition and deployment properties to the Kubernetes objects
//! that would run it. Today this renders manifests for export (`POST
//! /streams/deployments/{name}/manifest`, `dataflow-server render-stream`); applying them to a
//! cluster builds on the same path.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use dataflow_core::app::AppRegistration;
use dataflow_core::deployment::AppDeploymentRequest;
use dataflow_core::planning::{PlanInput, plan_stream};
use dataflow_core::sanitize::{MASK, blot_dsl_text};
use dataflow_core::stream::{StreamApp, missing_apps_message, stream_apps};
use dataflow_core::{Code, ErrorClass, ErrorCode as _};
use dataflow_deployer::kubernetes::{
    AppObjects, KubernetesPlatform, NoSecrets, check_stream_names, mask_objects, render_app,
    to_multi_doc_yaml,
};
use dataflow_dsl::stream::parse_stream_named;
use dataflow_store::Store;

use crate::error::{AppError, AppResult};

/// Plans and renders stream deployments.
#[derive(Clone)]
pub struct Deployments {
    store: Arc<dyn Store>,
    platform: Arc<KubernetesPlatform>,
    server_app_properties: Arc<BTreeMap<String, String>>,
}

/// The server-wide app properties may hold secrets (broker passwords): only their keys show.
impl fmt::Debug for Deployments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Deployments")
            .field("platform", &self.platform)
            .field(
                "server_app_properties",
                &self.server_app_properties.keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Deployments {
    /// Deployments over `store`'s registry and streams, to `platform`, giving every stream app
    /// `server_app_properties` (lowest precedence).
    pub fn new(
        store: Arc<dyn Store>,
        platform: KubernetesPlatform,
        server_app_properties: BTreeMap<String, String>,
    ) -> Self {
        Self {
            store,
            platform: Arc::new(platform),
            server_app_properties: Arc::new(server_app_properties),
        }
    }

    /// The manifests of the stored stream `name`, deployed with `properties`, as
    /// multi-document YAML.
    pub async fn stored_stream_manifest(
        &self,
        name: &str,
        properties: &BTreeMap<String, String>,
    ) -> AppResult<String> {
        let record = self.store.find_stream(name).await?.ok_or_else(|| {
            AppError::new(
                Code::NoSuchStreamDefinition,
                format!("Could not find stream definition named {name}"),
            )
        })?;
        self.manifest(&record.name, &record.dsl_text, properties)
            .await
    }

    /// The manifests of the stream `name` defined by `dsl` (not stored), deployed with
    /// `properties`, as multi-document YAML.
    ///
    /// Sensitive values (§8.2 key rules: passwords, tokens, URLs, ...) are masked: exported
    /// manifests end up in repositories and logs. A comment at the top says how many were
    /// masked and where secrets belong instead (Kubernetes Secrets, referenced through
    /// `secretKeyRefs` / `secretRefs`, which are rendered as references).
    pub async fn manifest(
        &self,
        name: &str,
        dsl: &str,
        properties: &BTreeMap<String, String>,
    ) -> AppResult<String> {
        let mut objects = self.render(name, dsl, properties).await?;
        let masked: usize = objects.iter_mut().map(mask_objects).sum();
        let yaml = to_multi_doc_yaml(&objects).map_err(|e| {
            tracing::error!(error = %e, stream = name, "Cannot serialize rendered objects.");
            AppError::new(Code::Internal, e.to_string())
        })?;
        if masked == 0 {
            return Ok(yaml);
        }
        Ok(format!(
            "# {masked} sensitive value(s) are masked as {MASK}. Keep secrets in Kubernetes Secrets and\n\
             # reference them with deployer.<app>.kubernetes.secretKeyRefs or secretRefs.\n{yaml}"
        ))
    }

    /// Plans the stream and renders each app's objects, in pipeline order.
    pub async fn render(
        &self,
        name: &str,
        dsl: &str,
        properties: &BTreeMap<String, String>,
    ) -> AppResult<Vec<AppObjects>> {
        let requests = self.plan(name, dsl, properties).await?;
        requests
            .iter()
            .map(|request| {
                render_app(request, &self.platform, &NoSecrets)
                    .map_err(|e| render_error(request, &e))
            })
            .collect()
    }

    /// One deployment request per app of the stream, named for a first release.
    pub async fn plan(
        &self,
        name: &str,
        dsl: &str,
        properties: &BTreeMap<String, String>,
    ) -> AppResult<Vec<AppDeploymentRequest>> {
        self.plan_release(name, dsl, properties, 1).await
    }

    /// Checks that every request renders for `platform` (nothing is applied).
    pub fn check_renders(
        &self,
        requests: &[AppDeploymentRequest],
        platform: &KubernetesPlatform,
    ) -> AppResult<()> {
        for request in requests {
            render_app(request, platform, &NoSecrets).map_err(|e| render_error(request, &e))?;
        }
        Ok(())
    }

    /// One deployment request per app of the stream, named for release `release`.
    pub async fn plan_release(
        &self,
        name: &str,
        dsl: &str,
        properties: &BTreeMap<String, String>,
        release: u32,
    ) -> AppResult<Vec<AppDeploymentRequest>> {
        let definition = parse_stream_named(dsl, Some(name)).map_err(|e| {
            AppError::new(Code::InvalidStreamDefinition, blot_dsl_text(&e.formatted()))
        })?;
        let apps = stream_apps(name, &definition);
        check_stream_names(name, &apps)?;
        let registrations = self.registrations(&apps, properties).await?;
        let requests = plan_stream(&PlanInput {
            stream: name,
            apps: &apps,
            registrations: &registrations,
            properties,
            server_app_properties: &self.server_app_properties,
            release,
        })?;
        Ok(requests)
    }

    /// The registration of every app: the version a `version.<label>` property asks for, else
    /// the default one. Apps with no registration at all are reported together, as stream
    /// creation reports them; planning reports a `version.<label>` that is not registered.
    async fn registrations(
        &self,
        apps: &[StreamApp],
        properties: &BTreeMap<String, String>,
    ) -> AppResult<Vec<AppRegistration>> {
        let mut found = Vec::new();
        let mut missing: Vec<&StreamApp> = Vec::new();
        for app in apps {
            let version = properties
                .get(&format!("version.{}", app.label))
                .map(String::as_str);
            match self
                .store
                .find_app(app.app_type, &app.name, version)
                .await?
            {
                Some(registration) => found.push(registration),
                None if version.is_none() => missing.push(app),
                None => {}
            }
        }
        if !missing.is_empty() {
            return Err(AppError::new(
                Code::InvalidStreamDefinition,
                missing_apps_message(missing),
            ));
        }
        Ok(found)
    }
}

/// A rendering error names the app; the deployer's message names the property.
fn render_error(request: &AppDeploymentRequest, error: &dataflow_deployer::Error) -> AppError {
    let code = error.code();
    if code.class() == ErrorClass::Internal {
        tracing::error!(error = %error, app = %request.label, "Cannot render an app.");
    }
    AppError::new(
        code,
        format!(
            "Cannot render app '{}' of stream '{}' for Kubernetes: {error}",
            request.label, request.stream
        ),
    )
}
