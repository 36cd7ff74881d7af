//! The plain-text formats of property values: booleans, numbers, ports, `k:v` pairs,
//! `K=V` environment lists, name lists, commands and quantities.
//!
//! Every parser takes the key as the user wrote it, so its errors name the property.

use std::collections::BTreeMap;

use crate::{Error, Result};

/// `true` or `false`, ignoring case.
pub(crate) fn parse_bool(key: &str, value: &str) -> Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Error::invalid(
            key,
            format!("`{value}` is not `true` or `false`"),
        )),
    }
}

/// An integer in `min..=max`.
pub(crate) fn parse_int(key: &str, value: &str, min: i64, max: i64) -> Result<i64> {
    let trimmed = value.trim();
    let range = || {
        if max == i64::from(i32::MAX) {
            format!("an integer of at least {min}")
        } else {
            format!("an integer from {min} to {max}")
        }
    };
    let number: i64 = trimmed.parse().map_err(|_| {
        Error::invalid(
            key,
            format!("`{value}` is not a number; expected {}", range()),
        )
    })?;
    if (min..=max).contains(&number) {
        Ok(number)
    } else {
        Err(Error::invalid(
            key,
            format!("{number} is out of range; expected {}", range()),
        ))
    }
}

/// An `i32` in `min..=i32::MAX` (the type of most Kubernetes integer fields).
pub(crate) fn parse_i32(key: &str, value: &str, min: i32) -> Result<i32> {
    let number = parse_int(key, value, i64::from(min), i64::from(i32::MAX))?;
    i32::try_from(number).map_err(|_| Error::invalid(key, "out of range"))
}

/// A TCP port, 1 to 65535.
pub(crate) fn parse_port(key: &str, value: &str) -> Result<i32> {
    let trimmed = value.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            key,
            format!("`{value}` is not a port: it must contain digits only (1 to 65535)"),
        ));
    }
    let port = parse_int(key, trimmed, 1, 65_535)?;
    i32::try_from(port).map_err(|_| Error::invalid(key, "out of range"))
}

/// A comma-separated list of ports: `8081, 8082`.
pub(crate) fn parse_ports(key: &str, value: &str) -> Result<Vec<i32>> {
    value
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(|part| parse_port(key, part))
        .collect()
}

/// How a `k:v,k2:v2` list splits each pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PairStyle {
    /// Annotations: split on the first `:` only (values may contain `:`), and commas inside
    /// double quotes do not separate pairs (the quotes are kept, as SCDF keeps them).
    Annotations,
    /// Labels and node selectors: exactly one `:` per pair.
    Labels,
}

/// Parses `k:v,k2:v2`. Keys and values are trimmed; empty pairs are skipped.
pub(crate) fn parse_pairs(
    key: &str,
    value: &str,
    style: PairStyle,
) -> Result<BTreeMap<String, String>> {
    let pairs = match style {
        PairStyle::Annotations => split_outside_quotes(value, ',', '"'),
        PairStyle::Labels => value.split(',').map(str::to_owned).collect(),
    };
    let mut map = BTreeMap::new();
    for pair in pairs
        .iter()
        .map(|pair| pair.trim())
        .filter(|pair| !pair.is_empty())
    {
        let parts = match style {
            PairStyle::Annotations => pair.split_once(':'),
            PairStyle::Labels => match pair.split(':').count() {
                2 => pair.split_once(':'),
                _ => None,
            },
        };
        let Some((name, text)) = parts else {
            let expected = match style {
                PairStyle::Annotations => "`key:value`",
                PairStyle::Labels => "`key:value` with exactly one `:`",
            };
            return Err(Error::invalid(
                key,
                format!(
                    "`{pair}` is not a pair; expected {expected} pairs separated by commas, \
                     e.g. `k1:v1,k2:v2`"
                ),
            ));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::invalid(key, format!("`{pair}` has an empty key")));
        }
        map.insert(name.to_owned(), text.trim().to_owned());
    }
    Ok(map)
}

/// Splits `text` on `separator`, except inside `quote`s (the quotes are kept).
fn split_outside_quotes(text: &str, separator: char, quote: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if c == quote {
            quoted = !quoted;
        }
        if c == separator && !quoted {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// Parses `K=V,K2='a,b'` environment variables, keeping their order.
///
/// Commas inside single quotes do not separate entries and the quotes around a whole value are
/// removed (`JAVA_OPTS='-Xmx1g,-Dx=y'` gives `-Xmx1g,-Dx=y`). SCDF handles quotes only when the
/// name is a single word; we handle them for every name. A later entry with the same name
/// replaces the earlier one in place. Errors never quote the entries: values may be secrets.
pub(crate) fn parse_env(key: &str, value: &str) -> Result<Vec<(String, String)>> {
    let mut vars: Vec<(String, String)> = Vec::new();
    let entries = split_outside_quotes(value, ',', '\'');
    let count = entries.len();
    for (index, entry) in entries.iter().enumerate() {
        if entry.trim().is_empty() {
            continue;
        }
        let Some((name, text)) = entry.split_once('=') else {
            return Err(Error::invalid(
                key,
                format!(
                    "entry {} of {count} has no `=`; expected `NAME=value` entries separated \
                     by commas (quote values that contain commas: `NAME='a,b'`)",
                    index + 1
                ),
            ));
        };
        let name = name.trim();
        check_env_name(key, name)?;
        let text = text
            .strip_prefix('\'')
            .and_then(|inner| inner.strip_suffix('\''))
            .unwrap_or(text);
        match vars.iter_mut().find(|(existing, _)| existing == name) {
            Some(slot) => text.clone_into(&mut slot.1),
            None => vars.push((name.to_owned(), text.to_owned())),
        }
    }
    Ok(vars)
}

/// Kubernetes (since 1.34) accepts any printable ASCII except `=` in environment variable names.
pub(crate) fn check_env_name(key: &str, name: &str) -> Result<()> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b'=') {
        return Err(Error::invalid(
            key,
            format!(
                "`{name}` is not an environment variable name: it must be non-empty printable \
                 ASCII without spaces or `=`"
            ),
        ));
    }
    Ok(())
}

/// A list of names: a YAML list (`['a','b']`, `[a, b]`) or a comma-separated text (`a` or
/// `a,b`).
pub(crate) fn parse_names(key: &str, value: &str) -> Result<Vec<String>> {
    let trimmed = value.trim();
    let names: Vec<String> = if trimmed.starts_with('[') {
        super::structured::parse_yaml::<Vec<String>>(key, trimmed, "a list of names")?
    } else {
        trimmed.split(',').map(str::to_owned).collect()
    };
    Ok(names
        .into_iter()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect())
}

/// A command line split like a POSIX shell: `echo arg1 'arg 2'` gives `echo`, `arg1`, `arg 2`.
pub(crate) fn parse_command(key: &str, value: &str) -> Result<Vec<String>> {
    let words = shlex::split(value).ok_or_else(|| {
        Error::invalid(key, "the command has an unclosed quote or a trailing `\\`")
    })?;
    if words.is_empty() {
        return Err(Error::invalid(key, "the command is empty"));
    }
    Ok(words)
}

/// A comma-separated command: `/bin/sh,-c,echo hello` (lifecycle hooks). Parts are kept as
/// written, spaces included.
pub(crate) fn parse_comma_command(value: &str) -> Vec<String> {
    value.split(',').map(str::to_owned).collect()
}

/// Checks a Kubernetes quantity (`500m`, `1.5`, `2Gi`, `1e3`) and returns it trimmed.
///
/// The grammar is Kubernetes': a signed decimal number, then a binary suffix (`Ki` … `Ei`), a
/// decimal suffix (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`) or an exponent (`e3`, `E-2`).
pub(crate) fn parse_quantity(key: &str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    if is_quantity(trimmed) {
        Ok(trimmed.to_owned())
    } else {
        Err(Error::invalid(
            key,
            format!(
                "`{value}` is not a Kubernetes quantity; expected a number with an optional \
                 suffix, e.g. `500m`, `2`, `512Mi`, `1Gi`"
            ),
        ))
    }
}

fn is_quantity(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let number_end = unsigned
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(number_end);
    let valid_number = match number.split_once('.') {
        Some((whole, fraction)) => {
            let neither = whole.is_empty() && fraction.is_empty();
            !neither && !fraction.contains('.')
        }
        None => !number.is_empty(),
    };
    if !valid_number {
        return false;
    }
    const SUFFIXES: [&str; 16] = [
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E",
    ];
    if SUFFIXES.contains(&suffix) {
        return true;
    }
    // An exponent: `e` or `E`, an optional sign, digits.
    suffix
        .strip_prefix(['e', 'E'])
        .map(|exponent| exponent.strip_prefix(['+', '-']).unwrap_or(exponent))
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The size of the StatefulSet's volume claim.
///
/// SCDF's format is digits with an optional `m`/`g` suffix (case-insensitive), no suffix
/// meaning MiB: `10m` is `10Mi`, `1g` is `1024Mi`. We keep that meaning for those forms and
/// also accept any other Kubernetes quantity as it is (`2Gi`, `500Mi`).
pub(crate) fn parse_storage_size(key: &str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    let (digits, factor) = match trimmed.as_bytes().last() {
        Some(b'm' | b'M') => (&trimmed[..trimmed.len() - 1], 1),
        Some(b'g' | b'G') => (&trimmed[..trimmed.len() - 1], 1024),
        _ => (trimmed, 1),
    };
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let mebibytes = digits
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(factor))
            .ok_or_else(|| Error::invalid(key, format!("`{value}` is too large")))?;
        return Ok(format!("{mebibytes}Mi"));
    }
    parse_quantity(key, value).map_err(|_| {
        Error::invalid(
            key,
            format!(
                "`{value}` is not a size; expected MiB with an optional `m`/`g` suffix (`10m`, \
                 `1g`) or a Kubernetes quantity (`2Gi`)"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_ignore_case_and_reject_anything_else() {
        assert!(parse_bool("k", "TRUE").unwrap());
        assert!(!parse_bool("k", " false ").unwrap());
        let error = parse_bool("k", "yes").unwrap_err().to_string();
        assert_eq!(
            error,
            "invalid value for `k`: `yes` is not `true` or `false`"
        );
    }

    #[test]
    fn ports_are_digits_in_range() {
        assert_eq!(parse_port("k", " 8080 ").unwrap(), 8080);
        for bad in ["", "0", "65536", "80a", "-1", "+80"] {
            assert!(parse_port("k", bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_ports("k", "8081, 8082, 65535").unwrap(),
            [8081, 8082, 65535]
        );
        assert!(
            parse_ports("k", "8081,abc")
                .unwrap_err()
                .to_string()
                .contains("abc")
        );
    }

    #[test]
    fn annotation_pairs_split_on_the_first_colon_and_keep_quoted_commas() {
        let pairs = parse_pairs("k", "a:v", PairStyle::Annotations).unwrap();
        assert_eq!(pairs, BTreeMap::from([("a".into(), "v".into())]));
        let pairs = parse_pairs(
            "k",
            "iam.amazonaws.com/role:arn:aws:iam::12345678:role/role-name,b:\"x,y\"",
            PairStyle::Annotations,
        )
        .unwrap();
        assert_eq!(
            pairs["iam.amazonaws.com/role"],
            "arn:aws:iam::12345678:role/role-name"
        );
        assert_eq!(pairs["b"], "\"x,y\"");
        assert!(parse_pairs("k", "novalue", PairStyle::Annotations).is_err());
    }

    #[test]
    fn label_pairs_need_exactly_one_colon() {
        let pairs = parse_pairs("k", "disktype:ssd, os: linux", PairStyle::Labels).unwrap();
        assert_eq!(pairs["os"], "linux");
        for bad in ["label1|value1", "label1:value1 label2:value2", ":x"] {
            assert!(parse_pairs("k", bad, PairStyle::Labels).is_err(), "{bad}");
        }
    }

    #[test]
    fn env_entries_keep_quoted_commas_and_order() {
        let vars = parse_env(
            "k",
            "JAVA_TOOL_OPTIONS='thing1,thing2',foo='bar,baz',car=caz,OPTS='thing3, thing4',a.b=c=d",
        )
        .unwrap();
        let expected = [
            ("JAVA_TOOL_OPTIONS", "thing1,thing2"),
            ("foo", "bar,baz"),
            ("car", "caz"),
            ("OPTS", "thing3, thing4"),
            ("a.b", "c=d"),
        ];
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(vars, expected);
        let replaced = parse_env("k", "A=1,B=2,A=3").unwrap();
        assert_eq!(
            replaced,
            [
                ("A".to_owned(), "3".to_owned()),
                ("B".to_owned(), "2".to_owned())
            ]
        );
    }

    #[test]
    fn env_errors_never_show_values() {
        let error = parse_env("k", "A=s3cret,oops-s3cret")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("s3cret"), "{error}");
        assert!(error.contains("entry 2 of 2"), "{error}");
    }

    #[test]
    fn names_are_yaml_lists_or_comma_separated() {
        assert_eq!(parse_names("k", "['a','b']").unwrap(), ["a", "b"]);
        assert_eq!(parse_names("k", "[a, b]").unwrap(), ["a", "b"]);
        assert_eq!(parse_names("k", "single").unwrap(), ["single"]);
        assert_eq!(parse_names("k", "a, b").unwrap(), ["a", "b"]);
        assert!(parse_names("k", "[a, [b]]").is_err());
    }

    #[test]
    fn commands_split_like_a_shell() {
        assert_eq!(
            parse_command("k", "echo arg1 'arg2'").unwrap(),
            ["echo", "arg1", "arg2"]
        );
        assert_eq!(
            parse_command("k", "sh -c \"a b\"").unwrap(),
            ["sh", "-c", "a b"]
        );
        assert!(parse_command("k", "echo 'open").is_err());
        assert!(parse_command("k", "  ").is_err());
        assert_eq!(
            parse_comma_command("/bin/sh,-c,echo Hello"),
            ["/bin/sh", "-c", "echo Hello"]
        );
    }

    #[test]
    fn quantities_follow_the_kubernetes_grammar() {
        for good in [
            "1", "500m", "1.5", ".5", "2Gi", "128Mi", "1e3", "1E-2", "+1", "-1", "10k",
        ] {
            assert!(is_quantity(good), "{good}");
        }
        for bad in ["", "lots", "1.2.3", "2gi", "1 Gi", ".", "1e", "Mi", "1KiB"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn storage_sizes_use_scdf_mebibytes_or_quantities() {
        assert_eq!(parse_storage_size("k", "10m").unwrap(), "10Mi");
        assert_eq!(parse_storage_size("k", "1g").unwrap(), "1024Mi");
        assert_eq!(parse_storage_size("k", "1G").unwrap(), "1024Mi");
        assert_eq!(parse_storage_size("k", "20").unwrap(), "20Mi");
        assert_eq!(parse_storage_size("k", "2Gi").unwrap(), "2Gi");
        assert!(parse_storage_size("k", "big").is_err());
        assert!(parse_storage_size("k", "99999999999999999999g").is_err());
    }
}
