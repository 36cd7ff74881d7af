//! Platform accounts: where streams are deployed. SCDF (through Skipper) has named accounts per
//! platform type; a deployment picks one with `spring.cloud.dataflow.skipper.platformName`
//! (default `default`). Here each account is a Kubernetes namespace reached through a
//! kubeconfig or the in-cluster service account, with the server's platform settings.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use dataflow_core::Code;
use dataflow_core::planning::DEFAULT_PLATFORM;
use dataflow_deployer::AppDeployer;
use dataflow_deployer::kubernetes::{KubernetesMetrics, KubernetesPlatform};

use crate::error::{AppError, AppResult};

/// One platform account.
#[derive(Clone)]
pub struct Account {
    /// Its name (`default`, ...).
    pub name: String,
    /// The platform type (`kubernetes`).
    pub platform_type: &'static str,
    /// Where it deploys, for `platform list`.
    pub description: String,
    /// Runs the apps.
    pub deployer: Arc<dyn AppDeployer>,
    /// The platform settings its apps are rendered with.
    pub platform: Arc<KubernetesPlatform>,
    /// Its Kubernetes client's metrics, when the server built the client.
    pub kubernetes_metrics: Option<KubernetesMetrics>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("name", &self.name)
            .field("platform_type", &self.platform_type)
            .field("description", &self.description)
            .finish_non_exhaustive()
    }
}

/// The configured accounts, by name.
#[derive(Debug, Clone, Default)]
pub struct Platforms {
    accounts: Arc<BTreeMap<String, Account>>,
}

impl Platforms {
    /// The given accounts.
    pub fn new(accounts: impl IntoIterator<Item = Account>) -> Self {
        Self {
            accounts: Arc::new(
                accounts
                    .into_iter()
                    .map(|account| (account.name.clone(), account))
                    .collect(),
            ),
        }
    }

    /// Every account, by name.
    pub fn all(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }

    /// Whether no account is configured (streams can then only be exported, not deployed).
    pub fn is_empty(&self) -> bool {
        self.accounts.is_empty()
    }

    /// The account a deployment asks for (`None`: the default one): 409 when no account is
    /// configured at all, 400 naming the known ones when there is no such account.
    pub fn get(&self, name: Option<&str>) -> AppResult<&Account> {
        let wanted = name.unwrap_or(DEFAULT_PLATFORM);
        if self.accounts.is_empty() {
            return Err(AppError::new(
                Code::NoPlatform,
                "No deployment platform is configured: start the server with \
                 --kubernetes-account (DATAFLOW_KUBERNETES_ACCOUNTS) to deploy streams, or \
                 export their manifests with POST /streams/deployments/{name}/manifest.",
            ));
        }
        self.accounts.get(wanted).ok_or_else(|| {
            let known: Vec<&str> = self.accounts.keys().map(String::as_str).collect();
            AppError::new(
                Code::NoSuchPlatform,
                format!(
                    "No platform account named '{wanted}' \
                     (spring.cloud.dataflow.skipper.platformName); this server has: {}",
                    known.join(", ")
                ),
            )
        })
    }

    /// The account a stored release names, if it is still configured.
    pub fn find(&self, name: &str) -> Option<&Account> {
        self.accounts.get(name)
    }
}
