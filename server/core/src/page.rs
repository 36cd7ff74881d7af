//! Paging and sorting of list queries, with Spring Data's parameter conventions (`page` 0-based,
//! `size` 20 by default and at most 2000, `sort=property[,asc|desc]` repeatable).
//!
//! Spring silently falls back to defaults on malformed values; we reject them with a message
//! naming the parameter, because a silently ignored `sort` returns a differently ordered list.
//!
//! Each sort property counts once (its first mention decides its direction), and at most
//! [`MAX_SORT_PARAMETERS`] `sort` parameters and properties are read, so that a query never
//! holds more `ORDER BY` terms than the few sortable properties. The `search` text of list
//! queries is checked by [`validate_search`].

use crate::error::{Code, Error};

/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: u32 = 20;
/// The largest page size; larger requests are clamped to it, as Spring Data does.
pub const MAX_PAGE_SIZE: u32 = 2000;
/// The most `sort` parameters a request may give, and the most properties they may name in all
/// (duplicates included). Lists have at most five sortable properties; SQLite refuses a query
/// with more than 2,000 `ORDER BY` terms.
pub const MAX_SORT_PARAMETERS: usize = 16;
/// The longest `search` text of a list query, in characters (it becomes a `LIKE` pattern, which
/// SQLite limits to 50,000 bytes; no app or stream name is longer than 255 characters).
pub const MAX_SEARCH_CHARS: usize = 256;

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Ascending.
    Asc,
    /// Descending.
    Desc,
}

/// One sort key: a property (already validated by the caller's list of sortable properties)
/// and a direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortOrder<P> {
    /// What to sort by.
    pub property: P,
    /// Which way.
    pub direction: Direction,
}

/// A bounded slice of a list: which page, how big, in which order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest<P> {
    /// 0-based page number.
    pub page: u32,
    /// Page size, 1..=[`MAX_PAGE_SIZE`].
    pub size: u32,
    /// Sort keys, most significant first; empty means the list's natural order.
    pub sort: Vec<SortOrder<P>>,
}

impl<P> Default for PageRequest<P> {
    fn default() -> Self {
        Self {
            page: 0,
            size: DEFAULT_PAGE_SIZE,
            sort: Vec::new(),
        }
    }
}

impl<P> PageRequest<P> {
    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        u64::from(self.page) * u64::from(self.size)
    }

    /// Builds a page request from the raw `page`, `size` and `sort` parameters, resolving each
    /// sort property with `property` (which returns `None` for properties that cannot be sorted).
    ///
    /// A property named again is dropped: the first mention already decides the order, so a
    /// later one could not change it. More than [`MAX_SORT_PARAMETERS`] `sort` parameters, or
    /// properties named in them, are refused.
    pub fn parse(
        page: Option<&str>,
        size: Option<&str>,
        sort: &[&str],
        property: impl Fn(&str) -> Option<P>,
        sortable: &[&str],
    ) -> Result<Self, Error>
    where
        P: PartialEq,
    {
        let invalid = |message: String| Error::new(Code::InvalidPageRequest, message);
        let page = match page {
            None => 0,
            Some(text) => text.trim().parse::<u32>().map_err(|_| {
                invalid(format!(
                    "The parameter 'page' must be a whole number from 0 up (got '{text}')"
                ))
            })?,
        };
        let size = match size {
            None => DEFAULT_PAGE_SIZE,
            Some(text) => match text.trim().parse::<u64>() {
                Ok(0) | Err(_) => {
                    return Err(invalid(format!(
                        "The parameter 'size' must be a whole number from 1 up (got '{text}'); \
                         sizes above {MAX_PAGE_SIZE} are reduced to {MAX_PAGE_SIZE}"
                    )));
                }
                Ok(n) => u32::try_from(n.min(u64::from(MAX_PAGE_SIZE))).unwrap_or(MAX_PAGE_SIZE),
            },
        };
        if sort.len() > MAX_SORT_PARAMETERS {
            return Err(invalid(format!(
                "The parameter 'sort' is given {} times; the limit is {MAX_SORT_PARAMETERS}",
                sort.len()
            )));
        }
        let mut orders: Vec<SortOrder<P>> = Vec::new();
        let mut named = 0;
        for param in sort {
            for order in parse_sort(param, &property, sortable)? {
                named += 1;
                if named > MAX_SORT_PARAMETERS {
                    return Err(invalid(format!(
                        "The parameter 'sort' names more than {MAX_SORT_PARAMETERS} properties; \
                         the limit is {MAX_SORT_PARAMETERS}"
                    )));
                }
                if !orders.iter().any(|o| o.property == order.property) {
                    orders.push(order);
                }
            }
        }
        Ok(Self {
            page,
            size,
            sort: orders,
        })
    }
}

/// Checks the `search` text of a list query: at most [`MAX_SEARCH_CHARS`] characters.
pub fn validate_search(search: &str) -> Result<(), Error> {
    let length = search.chars().count();
    if length > MAX_SEARCH_CHARS {
        return Err(Error::new(
            Code::InvalidParameter,
            format!(
                "The parameter 'search' is {length} characters long; the limit is \
                 {MAX_SEARCH_CHARS}"
            ),
        ));
    }
    Ok(())
}

/// Parses one `sort` parameter: `a,b,desc` sorts by `a` then `b`, both descending, as Spring does.
fn parse_sort<P>(
    param: &str,
    property: &impl Fn(&str) -> Option<P>,
    sortable: &[&str],
) -> Result<Vec<SortOrder<P>>, Error> {
    let mut parts: Vec<&str> = param.split(',').map(str::trim).collect();
    let direction = match parts.last().map(|p| p.to_ascii_lowercase()) {
        Some(d) if d == "asc" => Some(Direction::Asc),
        Some(d) if d == "desc" => Some(Direction::Desc),
        _ => None,
    };
    if direction.is_some() {
        parts.pop();
    }
    let direction = direction.unwrap_or(Direction::Asc);
    let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        return Err(Error::new(
            Code::InvalidPageRequest,
            format!(
                "The parameter 'sort' needs a property (got '{param}'); sortable properties: {}",
                sortable.join(", ")
            ),
        ));
    }
    parts
        .into_iter()
        .map(|name| {
            property(name)
                .map(|property| SortOrder {
                    property,
                    direction,
                })
                .ok_or_else(|| {
                    Error::new(
                        Code::InvalidPageRequest,
                        format!(
                            "Cannot sort by '{name}'; sortable properties: {}",
                            sortable.join(", ")
                        ),
                    )
                })
        })
        .collect()
}

/// One page of results and the total count of the whole list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// How many rows the whole (filtered) list has.
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prop(name: &str) -> Option<&'static str> {
        ["name", "type"]
            .into_iter()
            .find(|p| p.eq_ignore_ascii_case(name))
    }

    fn parse(
        page: Option<&str>,
        size: Option<&str>,
        sort: &[&str],
    ) -> Result<PageRequest<&'static str>, Error> {
        PageRequest::parse(page, size, sort, prop, &["name", "type"])
    }

    #[test]
    fn defaults_match_spring_data() {
        let p = parse(None, None, &[]).unwrap();
        assert_eq!((p.page, p.size, p.offset()), (0, 20, 0));
        assert!(p.sort.is_empty());
    }

    #[test]
    fn sizes_above_the_maximum_are_clamped() {
        assert_eq!(parse(None, Some("100000"), &[]).unwrap().size, 2000);
        assert_eq!(parse(Some("3"), Some("10"), &[]).unwrap().offset(), 30);
    }

    #[test]
    fn malformed_numbers_are_rejected_with_the_parameter_name() {
        for (page, size, what) in [
            (Some("-1"), None, "'page'"),
            (Some("x"), None, "'page'"),
            (None, Some("0"), "'size'"),
            (None, Some("ten"), "'size'"),
        ] {
            let err = parse(page, size, &[]).unwrap_err();
            assert_eq!(err.code(), Code::InvalidPageRequest);
            assert!(err.message().contains(what), "{err}");
        }
    }

    #[test]
    fn sort_accepts_spring_forms() {
        let p = parse(None, None, &["name,DESC", "type"]).unwrap();
        assert_eq!(
            p.sort,
            [
                SortOrder {
                    property: "name",
                    direction: Direction::Desc
                },
                SortOrder {
                    property: "type",
                    direction: Direction::Asc
                }
            ]
        );
        let both = parse(None, None, &["type,name,asc"]).unwrap();
        assert_eq!(both.sort.len(), 2);
    }

    #[test]
    fn sort_rejects_unknown_properties_and_empty_ones() {
        let err = parse(None, None, &["uri,asc"]).unwrap_err();
        assert!(err.message().contains("Cannot sort by 'uri'"), "{err}");
        assert!(err.message().contains("name, type"), "{err}");
        assert!(parse(None, None, &["desc"]).is_err());
        assert!(parse(None, None, &[""]).is_err());
    }

    #[test]
    fn a_property_sorts_once_by_its_first_mention() {
        let p = parse(None, None, &["name,desc", "type", "NAME,asc", "type,name"]).unwrap();
        assert_eq!(
            p.sort,
            [
                SortOrder {
                    property: "name",
                    direction: Direction::Desc
                },
                SortOrder {
                    property: "type",
                    direction: Direction::Asc
                }
            ]
        );
    }

    #[test]
    fn too_many_sort_parameters_or_properties_are_refused() {
        let limit = vec!["name"; MAX_SORT_PARAMETERS];
        assert_eq!(parse(None, None, &limit).unwrap().sort.len(), 1);
        let many = vec!["name"; 2100];
        let in_one = vec!["name"; MAX_SORT_PARAMETERS + 1].join(",");
        for (sort, what) in [
            (many, "is given 2100 times; the limit is 16"),
            (
                vec![in_one.as_str()],
                "names more than 16 properties; the limit is 16",
            ),
        ] {
            let err = parse(None, None, &sort).unwrap_err();
            assert_eq!(err.code(), Code::InvalidPageRequest);
            assert!(err.message().contains("'sort'"), "{err}");
            assert!(err.message().contains(what), "{err}");
        }
    }

    #[test]
    fn search_text_is_limited() {
        validate_search("").unwrap();
        validate_search(&"é".repeat(MAX_SEARCH_CHARS)).unwrap();
        let err = validate_search(&"x".repeat(60_000)).unwrap_err();
        assert_eq!(err.code(), Code::InvalidParameter);
        assert_eq!(
            err.message(),
            "The parameter 'search' is 60000 characters long; the limit is 256"
        );
    }
}
