//! The server-level settings of the Kubernetes platform.

use std::collections::BTreeMap;

use super::keys::Level;
use super::properties::NAMESPACE;
use super::settings::Settings;
use crate::Result;

/// The Kubernetes platform's server-level settings: defaults for every app deployed to it.
///
/// Built from properties whose keys are those of SCDF's deployer property table *without* a
/// prefix (`imagePullPolicy`, `limits.cpu`, `tolerations`, `namespace`, ...), matched by relaxed
/// names (`image-pull-policy`, `IMAGE_PULL_POLICY`, ...). Values use the same text formats as
/// per-app properties: YAML for structured values, `k:v,k2:v2` for annotations and labels,
/// `K=V,K2='a,b'` for environment variables.
///
/// Everything is parsed and checked when the platform is built, so a bad server setting fails
/// at startup, not at the first deployment. Unknown keys are errors (SCDF ignores them).
///
/// `Debug` never shows environment variable values or the app admin password.
#[derive(Debug, Clone, Default)]
pub struct KubernetesPlatform {
    pub(crate) settings: Settings,
}

impl KubernetesPlatform {
    /// Parses server-level settings. An empty value leaves its setting at the default.
    ///
    /// # Errors
    ///
    /// [`crate::Error`] naming the first key that is unknown, only valid per app, given twice
    /// (two spellings), or has an invalid value.
    pub fn from_properties(properties: &BTreeMap<String, String>) -> Result<Self> {
        let mut settings = Settings::default();
        for (key, value) in properties {
            settings.set(Level::Server, key, key, value)?;
        }
        Ok(Self { settings })
    }

    /// The namespace every object is rendered into, if one is configured. Without one, the
    /// objects carry no namespace and the client's default namespace applies.
    pub fn namespace(&self) -> Option<&str> {
        self.settings
            .get(&NAMESPACE)
            .map(|prop| prop.value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubernetes::properties::IMAGE_PULL_POLICY;

    fn platform(pairs: &[(&str, &str)]) -> Result<KubernetesPlatform> {
        let properties = pairs
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect();
        KubernetesPlatform::from_properties(&properties)
    }

    #[test]
    fn default_has_no_settings() {
        assert_eq!(KubernetesPlatform::default().namespace(), None);
        assert!(
            platform(&[])
                .unwrap()
                .settings
                .get(&IMAGE_PULL_POLICY)
                .is_none()
        );
    }

    #[test]
    fn keys_match_by_relaxed_names() {
        let platform = platform(&[("NAMESPACE", "apps"), ("image-pull-policy", "Always")]).unwrap();
        assert_eq!(platform.namespace(), Some("apps"));
        assert_eq!(
            platform.settings.get(&IMAGE_PULL_POLICY).unwrap().value,
            "Always"
        );
    }

    #[test]
    fn unknown_and_per_app_keys_are_errors_naming_the_key() {
        let error = platform(&[("imagePullPolicee", "Always")])
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("unknown property `imagePullPolicee`"),
            "{error}"
        );
        assert!(error.contains("did you mean `imagePullPolicy`"), "{error}");
        let error = platform(&[("createNodePort", "true")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("per-app"), "{error}");
    }

    #[test]
    fn bad_values_fail_eagerly() {
        let error = platform(&[("limits.cpu", "lots")]).unwrap_err().to_string();
        assert!(
            error.starts_with("invalid value for `limits.cpu`"),
            "{error}"
        );
        let error = platform(&[("namespace", "Not_A_Label")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("DNS-1123 label"), "{error}");
        let error = platform(&[("tolerations", "[{key: a, effect: [x]}]")])
            .unwrap_err()
            .to_string();
        assert!(error.contains("[0].effect"), "{error}");
    }

    #[test]
    fn debug_hides_secrets() {
        let platform = platform(&[
            ("environmentVariables", "DB_PASSWORD=s3cr3t,MODE=x"),
            ("appAdmin.user", "admin"),
            ("appAdmin.password", "pa55word"),
        ])
        .unwrap();
        let debug = format!("{platform:?}");
        assert!(debug.contains("DB_PASSWORD"), "{debug}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(!debug.contains("pa55word"), "{debug}");
    }
}
