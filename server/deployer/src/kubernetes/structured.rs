//! Structured property values: YAML (or JSON) text such as
//! `[{key: 'dedicated', operator: 'Equal', value: 'x', effect: 'NoSchedule'}]`.
//!
//! Values are deserialized straight into k8s-openapi types (or small SCDF-shaped structs), with
//! two additions over plain `serde_yaml`:
//!
//! * **Unknown fields are errors.** k8s-openapi ignores fields it does not know, so a typo like
//!   `tolerationSecond` would silently vanish; we report it (with its path) instead.
//! * **Quoted scalars are accepted where a boolean or number is expected** (`readOnly: 'true'`,
//!   `runAsUser: '1000'`), as SCDF's Spring binding accepts them and SCDF's documentation uses
//!   that style. Unquoted numbers are accepted where text is expected (`value: 0`).
//!
//! Errors name the property and carry the YAML error's path, line and column.

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};

use crate::{Error, Result};

/// Parses `value` as YAML into `T`. `what` describes the expected shape for error messages,
/// e.g. "a list of tolerations".
pub(crate) fn parse_yaml<T: DeserializeOwned>(key: &str, value: &str, what: &str) -> Result<T> {
    let mut unknown = Vec::new();
    let yaml = serde_yaml::Deserializer::from_str(value);
    let parsed: Result<T, serde_yaml::Error> =
        serde_ignored::deserialize(Lenient(yaml), |path| unknown.push(path_text(&path)));
    match parsed {
        Ok(parsed) if unknown.is_empty() => Ok(parsed),
        Ok(_) => Err(Error::invalid(
            key,
            format!(
                "unknown field{} {} in {what}; check the spelling against the Kubernetes API",
                if unknown.len() == 1 { "" } else { "s" },
                unknown
                    .iter()
                    .map(|path| format!("`{path}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
        Err(error) => Err(Error::invalid(
            key,
            format!("cannot read {what} from the YAML value: {error}"),
        )),
    }
}

/// A path like serde_yaml writes it: `[0].persistentVolumeClaim.readOnly`.
fn path_text(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", path_text(parent)),
        Path::Map { parent, key } => match path_text(parent) {
            parent if parent.is_empty() => key.clone(),
            parent => format!("{parent}.{key}"),
        },
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_text(parent),
    }
}

/// What a [`Lenient`] deserializer was asked for, so a quoted scalar can be converted.
#[derive(Debug, Clone, Copy)]
enum Want {
    Any,
    Bool,
    Int,
    Float,
}

/// A deserializer that converts quoted scalars into the booleans or numbers the target type
/// asks for, and otherwise forwards to the inner deserializer (recursively).
#[derive(Debug)]
struct Lenient<D>(D);

/// The visitor side of [`Lenient`].
#[derive(Debug)]
struct Wrap<V> {
    visitor: V,
    want: Want,
}

impl<V> Wrap<V> {
    const fn any(visitor: V) -> Self {
        Self {
            visitor,
            want: Want::Any,
        }
    }
}

macro_rules! forward_any {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap::any(visitor))
        }
    )*};
}

macro_rules! coerce {
    ($want:ident => $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.deserialize_any(Wrap { visitor, want: Want::$want })
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Lenient<D> {
    type Error = D::Error;

    forward_any! {
        deserialize_any deserialize_char deserialize_str deserialize_string deserialize_bytes
        deserialize_byte_buf deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }
    coerce! { Bool => deserialize_bool }
    coerce! { Int =>
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
    }
    coerce! { Float => deserialize_f32 deserialize_f64 }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap::any(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap::any(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap::any(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_tuple_struct(name, len, Wrap::any(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap::any(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap::any(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<E: de::Error>(self, value: $ty) -> Result<V::Value, E> {
            self.visitor.$method(value)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.visitor.expecting(formatter)
    }

    forward_visit! {
        visit_bool: bool visit_i8: i8 visit_i16: i16 visit_i32: i32 visit_i64: i64
        visit_i128: i128 visit_u8: u8 visit_u16: u16 visit_u32: u32 visit_u64: u64
        visit_u128: u128 visit_f32: f32 visit_f64: f64 visit_char: char
        visit_bytes: &[u8] visit_byte_buf: Vec<u8>
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<V::Value, E> {
        match self.want {
            Want::Bool if value == "true" || value == "false" => {
                self.visitor.visit_bool(value == "true")
            }
            Want::Int => {
                if let Ok(number) = value.parse::<u64>() {
                    self.visitor.visit_u64(number)
                } else if let Ok(number) = value.parse::<i64>() {
                    self.visitor.visit_i64(number)
                } else {
                    self.visitor.visit_str(value)
                }
            }
            Want::Float => match value.parse::<f64>() {
                Ok(number) => self.visitor.visit_f64(number),
                Err(_) => self.visitor.visit_str(value),
            },
            Want::Any | Want::Bool => self.visitor.visit_str(value),
        }
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<V::Value, E> {
        match self.want {
            Want::Any => self.visitor.visit_borrowed_str(value),
            _ => self.visit_str(value),
        }
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<V::Value, E> {
        match self.want {
            Want::Any => self.visitor.visit_string(value),
            _ => self.visit_str(&value),
        }
    }

    fn visit_borrowed_bytes<E: de::Error>(self, value: &'de [u8]) -> Result<V::Value, E> {
        self.visitor.visit_borrowed_bytes(value)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_some<D2: Deserializer<'de>>(self, deserializer: D2) -> Result<V::Value, D2::Error> {
        self.visitor.visit_some(Lenient(deserializer))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(
        self,
        deserializer: D2,
    ) -> Result<V::Value, D2::Error> {
        self.visitor.visit_newtype_struct(Lenient(deserializer))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_seq(Lenient(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_map(Lenient(map))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.visitor.visit_enum(Lenient(data))
    }
}

/// A seed whose deserializer is made [`Lenient`].
#[derive(Debug)]
struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Lenient(deserializer))
    }
}

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: de::EnumAccess<'de>> de::EnumAccess<'de> for Lenient<A> {
    type Error = A::Error;
    type Variant = Lenient<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Lenient(variant)))
    }
}

impl<'de, A: de::VariantAccess<'de>> de::VariantAccess<'de> for Lenient<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::any(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::any(visitor))
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{PodSecurityContext, Toleration, Volume};

    use super::*;

    #[test]
    fn quoted_booleans_and_numbers_are_accepted_where_the_type_wants_them() {
        let volumes: Vec<Volume> = parse_yaml(
            "k",
            "[{name: testpvc, persistentVolumeClaim: {claimName: 'testClaim', readOnly: 'true'}}]",
            "a list of volumes",
        )
        .unwrap();
        let claim = volumes[0].persistent_volume_claim.as_ref().unwrap();
        assert_eq!(claim.read_only, Some(true));
        let context: PodSecurityContext = parse_yaml(
            "k",
            "{runAsUser: '65534', fsGroup: 65534, sysctls: [{name: a, value: 0}]}",
            "x",
        )
        .unwrap();
        assert_eq!(context.run_as_user, Some(65534));
        assert_eq!(context.sysctls.unwrap()[0].value, "0");
    }

    #[test]
    fn wrong_types_are_errors_with_the_path_and_position() {
        let error = parse_yaml::<Vec<Toleration>>(
            "spring.cloud.deployer.kubernetes.tolerations",
            "[{key: a}, {key: b, tolerationSeconds: soon}]",
            "a list of tolerations",
        )
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("invalid value for `spring.cloud.deployer.kubernetes.tolerations`: cannot read a list of tolerations"), "{error}");
        assert!(error.contains("[1].tolerationSeconds"), "{error}");
        assert!(error.contains("line 1 column"), "{error}");
    }

    #[test]
    fn unknown_fields_are_errors_naming_their_path() {
        let error = parse_yaml::<Vec<Toleration>>(
            "tolerations",
            "[{key: a, tolerationSecond: 5, colour: red}]",
            "a list of tolerations",
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("`[0].tolerationSecond`, `[0].colour`"),
            "{error}"
        );
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let error = parse_yaml::<Vec<Toleration>>("k", "[{key: a", "x")
            .unwrap_err()
            .to_string();
        assert!(error.contains("line"), "{error}");
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "",
            "~",
            "[",
            "{",
            "- - -",
            "!!binary x",
            "*a",
            "&a [*a]",
            "? a\n: b",
        ] {
            let _ = parse_yaml::<Vec<Volume>>("k", text, "x");
            let _ = parse_yaml::<PodSecurityContext>("k", text, "x");
        }
    }
}
