//! The iteration order of a `java.util.HashMap<String, …>`, which SCDF's graphs expose: a
//! node's `properties` come from such a map, so their JSON order and the order in which SCDF
//! prints arguments back as DSL follow it.
//!
//! Java spreads `String.hashCode()` (`h = 31·h + c` over UTF-16 units) as `h ^ (h >>> 16)`,
//! keeps buckets of insertion-ordered entries in a table of 16 that doubles when more than
//! ¾ full (or when a bucket would grow past 8 entries while the table is under 64), splits
//! buckets in order when doubling, and iterates bucket by bucket. That is what happens here.
//! Buckets Java would turn into trees (9+ colliding keys in a table of 64+) keep insertion
//! order here, an approximation that needs adversarial key names to matter.

use std::collections::HashSet;

/// Indices into `keys` (which may repeat; a repeat updates in place) in the order a Java
/// `HashMap` that received `put(key)` for each of them in turn iterates its keys.
pub(crate) fn hash_map_order(keys: &[&str]) -> Vec<usize> {
    let mut table: Vec<Vec<(u32, usize)>> = Vec::new();
    let mut threshold = 0;
    let mut size = 0;
    let mut seen = HashSet::new();
    for (index, key) in keys.iter().enumerate() {
        if !seen.insert(*key) {
            continue;
        }
        if table.is_empty() {
            table = vec![Vec::new(); 16];
            threshold = 12;
        }
        let hash = spread(java_string_hash(key));
        let bucket = bucket_of(hash, table.len());
        let bin_length = table[bucket].len();
        table[bucket].push((hash, index));
        if bin_length >= 8 && table.len() < 64 {
            resize(&mut table, &mut threshold);
        }
        size += 1;
        if size > threshold {
            resize(&mut table, &mut threshold);
        }
    }
    table
        .into_iter()
        .flatten()
        .map(|(_, index)| index)
        .collect()
}

/// Java's `String.hashCode()`.
fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// `HashMap.hash`: the high half folded into the low half.
fn spread(hash: i32) -> u32 {
    let bits = u32::from_ne_bytes(hash.to_ne_bytes());
    bits ^ (bits >> 16)
}

fn bucket_of(hash: u32, table_length: usize) -> usize {
    usize::try_from(hash).unwrap_or(usize::MAX) & (table_length - 1)
}

/// Doubles the table; each bucket splits into the same index and index + old length, keeping
/// the relative order of its entries.
fn resize(table: &mut Vec<Vec<(u32, usize)>>, threshold: &mut usize) {
    let new_length = table.len() * 2;
    let mut resized = vec![Vec::new(); new_length];
    for entry in table.drain(..).flatten() {
        resized[bucket_of(entry.0, new_length)].push(entry);
    }
    *table = resized;
    *threshold = new_length / 4 * 3;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered<'a>(keys: &[&'a str]) -> Vec<&'a str> {
        hash_map_order(keys).into_iter().map(|i| keys[i]).collect()
    }

    #[test]
    fn task_graph_properties_follow_java_hash_map_order() {
        // SCDF's TaskParserTests.graphToText_3667 shows this order in the graph.
        let keys = ["script-location", "username", "password", "url"];
        assert_eq!(
            ordered(&keys),
            ["password", "url", "script-location", "username"]
        );
        assert_eq!(java_string_hash("password"), 1_216_985_755);
        assert_eq!(java_string_hash(""), 0);
    }

    #[test]
    fn task_graph_properties_repeat_and_grow() {
        assert_eq!(ordered(&["x", "y", "x"]), ["x", "y"]);
        let keys: Vec<String> = (0..40).map(|i| format!("key{i}")).collect();
        let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
        let order = hash_map_order(&refs);
        assert_eq!(order.len(), 40);
        let unique: HashSet<_> = order.iter().collect();
        assert_eq!(unique.len(), 40);
    }
}
