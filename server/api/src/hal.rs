//! HAL building blocks: links, paged collections and their page metadata.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A HAL link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// Target URL (absolute in responses, as Spring HATEOAS renders it).
    pub href: String,
    /// Whether `href` is a URI template.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub templated: bool,
}

impl Link {
    /// A plain link.
    pub fn new(href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            templated: false,
        }
    }

    /// A templated link such as `http://host/apps/{type}/{name}`.
    pub fn templated(href: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            templated: true,
        }
    }
}

/// `_links` holding only `self`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfLinks {
    /// The resource's own URL.
    #[serde(rename = "self")]
    pub self_link: Link,
}

impl SelfLinks {
    /// Links with `self` = `href`.
    pub fn new(href: impl Into<String>) -> Self {
        Self {
            self_link: Link::new(href),
        }
    }
}

/// The navigation links of a page, in the order Spring HATEOAS writes them. `first` and `last`
/// appear only when there is more than one page, `prev`/`next` only when such a page exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLinks {
    /// The first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<Link>,
    /// The previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<Link>,
    /// This page.
    #[serde(rename = "self", default, skip_serializing_if = "Option::is_none")]
    pub self_link: Option<Link>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Link>,
    /// The last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Link>,
}

/// Spring Data's `page` block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageMetadata {
    /// Requested page size.
    pub size: u64,
    /// Rows in the whole list.
    pub total_elements: u64,
    /// Number of pages (0 for an empty list).
    pub total_pages: u64,
    /// This page's 0-based number.
    pub number: u64,
}

impl PageMetadata {
    /// Metadata for page `number` of `size` rows over `total_elements` rows.
    pub fn new(size: u64, number: u64, total_elements: u64) -> Self {
        let total_pages = if size == 0 {
            0
        } else {
            total_elements.div_ceil(size)
        };
        Self {
            size,
            total_elements,
            total_pages,
            number,
        }
    }
}

/// A page of resources: `{"_embedded": {"<key>": [...]}, "_links": {...}, "page": {...}}`.
///
/// The embedded key is SCDF's `<decapitalizedResourceClass>List`, for example
/// `appRegistrationResourceList`; `_embedded` is left out when the page is empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PagedResources<T> {
    /// The rows, under their list key.
    #[serde(rename = "_embedded", skip_serializing_if = "Option::is_none")]
    pub embedded: Option<BTreeMap<String, Vec<T>>>,
    /// Navigation links.
    #[serde(rename = "_links")]
    pub links: PageLinks,
    /// Page metadata.
    pub page: PageMetadata,
}

impl<T> PagedResources<T> {
    /// A page holding `items` under `key`.
    pub fn new(key: &str, items: Vec<T>, links: PageLinks, page: PageMetadata) -> Self {
        let embedded = (!items.is_empty()).then(|| BTreeMap::from([(key.to_owned(), items)]));
        Self {
            embedded,
            links,
            page,
        }
    }

    /// The rows, whatever their key (empty when `_embedded` is absent).
    pub fn items(&self) -> &[T] {
        self.embedded
            .as_ref()
            .and_then(|m| m.values().next())
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_metadata_counts_pages() {
        assert_eq!(PageMetadata::new(20, 0, 0).total_pages, 0);
        assert_eq!(PageMetadata::new(20, 0, 20).total_pages, 1);
        assert_eq!(PageMetadata::new(20, 0, 21).total_pages, 2);
    }

    #[test]
    fn paged_resources_round_trip_through_json() {
        let page = PagedResources::new(
            "xList",
            vec![1, 2],
            PageLinks {
                self_link: Some(Link::new("http://h/x")),
                ..PageLinks::default()
            },
            PageMetadata::new(20, 0, 2),
        );
        let json = serde_json::to_value(&page).unwrap();
        assert_eq!(json["_embedded"]["xList"], serde_json::json!([1, 2]));
        assert_eq!(json["_links"]["self"]["href"], "http://h/x");
        assert!(json["_links"].get("templated").is_none());
        assert_eq!(json["page"]["totalElements"], 2);
        let back: PagedResources<i32> = serde_json::from_value(json).unwrap();
        assert_eq!(back.items(), [1, 2]);
    }
}
