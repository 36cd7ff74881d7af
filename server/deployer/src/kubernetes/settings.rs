//! How a platform property is declared, and where its parsed values live.
//!
//! A property is declared once, in `properties.rs`, as a `static` descriptor holding everything
//! the deployer knows about it: its canonical key (relaxed spellings follow from it, see
//! `keys.rs`), other spellings, the levels it may be set at, how its text is parsed and
//! checked, and how the server's and the app's values combine. The descriptor's type says how
//! they combine:
//!
//! * [`Property<T>`]: the per-app value replaces the server's;
//! * [`ListProperty<I>`]: a list whose entries of both levels combine as its [`Merge`] says;
//! * [`Family<K, T>`]: properties whose keys are generated, one per member `K` (the probe
//!   settings, `livenessHttpProbePort`, ...), each combining like a `Property` unless the
//!   family's documentation says otherwise.
//!
//! The descriptor is also the typed handle to the value: [`Settings`] keeps each level's parsed
//! values in slots named by the declaration, and [`Settings::get`], [`Settings::list`] and
//! [`Settings::member`] return them with the declared type. The rendering code reads the
//! combined value through the `Context` (`context.get(&properties::IMAGE_PULL_POLICY)`), so
//! adding a property means declaring it and rendering it, nothing more.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;

use super::keys::{self, Catalogue, Level, Levels, Store};
use crate::{Error, Result};

/// A value with the key it was read from, as the user wrote it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Prop<T> {
    pub(crate) key: String,
    pub(crate) value: T,
}

/// One entry of a combined list, with the key of the level it came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Entry<'a, I> {
    pub(crate) key: &'a str,
    pub(crate) value: &'a I,
}

/// A property whose per-app value, when set, replaces the server's.
#[derive(Debug)]
pub(crate) struct Property<T> {
    /// The canonical key, without a prefix (`imagePullPolicy`); it also names the value's slot.
    pub(crate) key: &'static str,
    /// Where the key may be set.
    pub(crate) levels: Levels,
    /// Other spellings of the same property, each with its levels: the server's
    /// `nodeAffinity` for the per-app `affinity.nodeAffinity`. Relaxed variants (case, `-`,
    /// `_`, `.`) need no alias.
    pub(crate) aliases: &'static [(&'static str, Levels)],
    /// Parses and checks a value (never empty: an empty value leaves the property unset);
    /// errors name the key as written, the first argument.
    pub(crate) parse: fn(&str, &str) -> Result<T>,
}

/// A list property: each level's value is a list, and the lists combine as `merge` says.
#[derive(Debug)]
pub(crate) struct ListProperty<I> {
    /// The canonical key, without a prefix; it also names the value's slot.
    pub(crate) key: &'static str,
    /// Where the key may be set.
    pub(crate) levels: Levels,
    /// Parses and checks a value (never empty); errors name the key as written.
    pub(crate) parse: fn(&str, &str) -> Result<Vec<I>>,
    /// How the app's and the server's entries combine.
    pub(crate) merge: Merge<I>,
}

/// How the per-app and the server's entries of a [`ListProperty`] combine. Each rule that
/// compares entries takes `same`, which says whether two entries are the same thing (two
/// volumes of one name, say).
#[derive(Debug)]
pub(crate) enum Merge<I> {
    /// A non-empty per-app list replaces the server's.
    Replace,
    /// The app's entries, then the server's; an entry the same as an earlier one (of either
    /// level) is left out.
    FirstOfEach(fn(&I, &I) -> bool),
    /// Every app entry, then the server's entries that are not the same as an earlier entry.
    ServerFillsIn(fn(&I, &I) -> bool),
    /// The server's entries, then the app's, an entry replacing an earlier same one in its
    /// place: the app's value wins and the first definition's position is kept.
    LaterReplacesInPlace(fn(&I, &I) -> bool),
}

impl<I> Merge<I> {
    /// The combined entries.
    pub(crate) fn combine<'a>(
        &self,
        app: Option<&'a Prop<Vec<I>>>,
        server: Option<&'a Prop<Vec<I>>>,
    ) -> Vec<Entry<'a, I>> {
        fn entries<I>(list: Option<&Prop<Vec<I>>>) -> impl Iterator<Item = Entry<'_, I>> {
            list.into_iter().flat_map(|prop| {
                prop.value.iter().map(|value| Entry {
                    key: &prop.key,
                    value,
                })
            })
        }
        let mut combined: Vec<Entry<'a, I>> = Vec::new();
        match self {
            Self::Replace => {
                let app = app.filter(|prop| !prop.value.is_empty());
                combined.extend(entries(app.or(server)));
            }
            Self::FirstOfEach(same) => {
                for entry in entries(app).chain(entries(server)) {
                    if !combined.iter().any(|taken| same(taken.value, entry.value)) {
                        combined.push(entry);
                    }
                }
            }
            Self::ServerFillsIn(same) => {
                combined.extend(entries(app));
                for entry in entries(server) {
                    if !combined.iter().any(|taken| same(taken.value, entry.value)) {
                        combined.push(entry);
                    }
                }
            }
            Self::LaterReplacesInPlace(same) => {
                for entry in entries(server).chain(entries(app)) {
                    match combined
                        .iter_mut()
                        .find(|taken| same(taken.value, entry.value))
                    {
                        Some(taken) => *taken = entry,
                        None => combined.push(entry),
                    }
                }
            }
        }
        combined
    }
}

/// Properties generated from one declaration, one per member `K`, sharing a value type and a
/// parse: the probe settings (`livenessHttpProbePort`, ...), the resource limits. A member's
/// per-app value replaces the server's, unless the family's documentation says otherwise.
#[derive(Debug)]
pub(crate) struct Family<K, T> {
    /// Names the family's slot.
    pub(crate) name: &'static str,
    /// Every member with a fixed spelling.
    pub(crate) members: fn() -> Vec<Member<K>>,
    /// Members spelled by a pattern (`initContainers[<i>].<field>`).
    pub(crate) pattern: Option<MemberPattern<K>>,
    /// Parses and checks a member's value (never empty); errors name the key as written, the
    /// second argument.
    pub(crate) parse: fn(K, &str, &str) -> Result<T>,
}

/// Given a normalized key and the level, the member the key names, or why it is malformed;
/// `None` when the key is not the pattern's.
pub(crate) type MemberPattern<K> = fn(&str, Level) -> Option<Result<K, &'static str>>;

/// One spelling of a [`Family`] member.
#[derive(Debug)]
pub(crate) struct Member<K> {
    /// The canonical key, without a prefix.
    pub(crate) key: String,
    pub(crate) levels: Levels,
    pub(crate) member: K,
}

/// What the catalogue needs of a declaration, whatever its value type.
pub(crate) trait Declared: Sync {
    /// The name of the slot the declaration's values live in.
    fn slot(&self) -> &'static str;

    /// Adds the declaration's spellings to `catalogue`, each with how to store a value.
    fn declare(&'static self, catalogue: &mut Catalogue);
}

impl<T: Value + Clone> Declared for Property<T> {
    fn slot(&self) -> &'static str {
        self.key
    }

    fn declare(&'static self, catalogue: &mut Catalogue) {
        let spellings =
            std::iter::once((self.key, self.levels)).chain(self.aliases.iter().copied());
        for (spelling, levels) in spellings {
            let store: Store = Box::new(move |settings, written, value| {
                let parsed = (self.parse)(written, value)?;
                put(
                    settings.slot_mut::<Option<Prop<T>>>(self.key),
                    written,
                    parsed,
                )
            });
            catalogue.add(spelling, levels, store);
        }
    }
}

impl<I: Value + Clone> Declared for ListProperty<I> {
    fn slot(&self) -> &'static str {
        self.key
    }

    fn declare(&'static self, catalogue: &mut Catalogue) {
        let store: Store = Box::new(move |settings, written, value| {
            let parsed = (self.parse)(written, value)?;
            put(
                settings.slot_mut::<Option<Prop<Vec<I>>>>(self.key),
                written,
                parsed,
            )
        });
        catalogue.add(self.key, self.levels, store);
    }
}

impl<K, T> Family<K, T>
where
    K: Copy + Ord + fmt::Debug + Send + Sync + 'static,
    T: Clone + fmt::Debug + Send + Sync + 'static,
{
    /// Stores the value of `member`.
    fn store(&'static self, member: K) -> Store {
        Box::new(move |settings, written, value| {
            let parsed = (self.parse)(member, written, value)?;
            let members = settings.slot_mut::<BTreeMap<K, Prop<T>>>(self.name);
            if let Some(existing) = members.get(&member) {
                return Err(Error::DuplicateProperty {
                    first: existing.key.clone(),
                    second: written.to_owned(),
                });
            }
            let prop = Prop {
                key: written.to_owned(),
                value: parsed,
            };
            members.insert(member, prop);
            Ok(())
        })
    }
}

impl<K, T> Declared for Family<K, T>
where
    K: Copy + Ord + fmt::Debug + Send + Sync + 'static,
    T: Clone + fmt::Debug + Send + Sync + 'static,
{
    fn slot(&self) -> &'static str {
        self.name
    }

    fn declare(&'static self, catalogue: &mut Catalogue) {
        for member in (self.members)() {
            catalogue.add(&member.key, member.levels, self.store(member.member));
        }
        if let Some(pattern) = self.pattern {
            catalogue.add_pattern(Box::new(move |normalized, level| {
                pattern(normalized, level).map(|found| found.map(|member| self.store(member)))
            }));
        }
    }
}

/// Stores `value` in an empty slot, or reports the property as given twice (two spellings).
pub(crate) fn put<T>(slot: &mut Option<Prop<T>>, key: &str, value: T) -> Result<()> {
    if let Some(existing) = slot {
        return Err(Error::DuplicateProperty {
            first: existing.key.clone(),
            second: key.to_owned(),
        });
    }
    *slot = Some(Prop {
        key: key.to_owned(),
        value,
    });
    Ok(())
}

/// What a slot can hold: any parsed value that can be cloned, shown (secrets are wrapped in a
/// type whose `Debug` hides them) and shared between threads.
pub(crate) trait Value: Any + fmt::Debug + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn as_any_mut(&mut self) -> &mut dyn Any;
    fn boxed_clone(&self) -> Box<dyn Value>;
}

impl<T: Any + fmt::Debug + Clone + Send + Sync> Value for T {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn boxed_clone(&self) -> Box<dyn Value> {
        Box::new(self.clone())
    }
}

struct Slot(Box<dyn Value>);

impl Clone for Slot {
    fn clone(&self) -> Self {
        Self(self.0.boxed_clone())
    }
}

impl fmt::Debug for Slot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The parsed properties of one level (the server's, or one app's), in slots named by the
/// declarations. A slot holds the type its declaration gives it; the typed getters take the
/// declaration, so a value is always read as the type it was stored as.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    slots: BTreeMap<&'static str, Slot>,
}

impl Settings {
    /// Parses one property into its slot. `unprefixed` is the key without
    /// `spring.cloud.deployer.kubernetes.` (per-app) and `written` the key as the user wrote
    /// it. An empty value leaves the property unset, as in SCDF, but the key must be known.
    pub(crate) fn set(
        &mut self,
        level: Level,
        unprefixed: &str,
        written: &str,
        value: &str,
    ) -> Result<()> {
        let store = keys::lookup(unprefixed, written, level)?;
        if value.trim().is_empty() {
            return Ok(());
        }
        store.get()(self, written, value)
    }

    /// The level's value of a property.
    pub(crate) fn get<T: Any>(&self, property: &Property<T>) -> Option<&Prop<T>> {
        self.slot::<Option<Prop<T>>>(property.key)?.as_ref()
    }

    /// The level's list of a list property.
    pub(crate) fn list<I: Any>(&self, property: &ListProperty<I>) -> Option<&Prop<Vec<I>>> {
        self.slot::<Option<Prop<Vec<I>>>>(property.key)?.as_ref()
    }

    /// The level's members of a family, in member order.
    pub(crate) fn members<K: Any, T: Any>(
        &self,
        family: &Family<K, T>,
    ) -> impl Iterator<Item = (&K, &Prop<T>)> {
        self.slot::<BTreeMap<K, Prop<T>>>(family.name)
            .into_iter()
            .flatten()
    }

    /// The level's value of one member of a family.
    pub(crate) fn member<K: Any + Ord, T: Any>(
        &self,
        family: &Family<K, T>,
        member: &K,
    ) -> Option<&Prop<T>> {
        self.slot::<BTreeMap<K, Prop<T>>>(family.name)?.get(member)
    }

    fn slot<V: Any>(&self, name: &str) -> Option<&V> {
        self.slots.get(name)?.0.as_any().downcast_ref()
    }

    /// The slot `name`, created empty if need be.
    ///
    /// # Panics
    ///
    /// If the slot holds another type: two declarations share a slot, which a test of the
    /// declarations rules out.
    pub(crate) fn slot_mut<V: Value + Default>(&mut self, name: &'static str) -> &mut V {
        self.slots
            .entry(name)
            .or_insert_with(|| Slot(Box::new(V::default())))
            .0
            .as_any_mut()
            .downcast_mut()
            .unwrap_or_else(|| panic!("two property declarations share the slot `{name}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(key: &str, values: &[(&'static str, u8)]) -> Prop<Vec<(&'static str, u8)>> {
        Prop {
            key: key.to_owned(),
            value: values.to_vec(),
        }
    }

    fn combined(
        merge: &Merge<(&'static str, u8)>,
        app: &[(&'static str, u8)],
        server: &[(&'static str, u8)],
    ) -> Vec<(&'static str, (&'static str, u8))> {
        let app = list("app", app);
        let server = list("server", server);
        merge
            .combine(Some(&app), Some(&server))
            .into_iter()
            .map(|entry| match entry.key {
                "app" => ("app", *entry.value),
                _ => ("server", *entry.value),
            })
            .collect()
    }

    fn same_name(a: &(&str, u8), b: &(&str, u8)) -> bool {
        a.0 == b.0
    }

    #[test]
    fn merges_combine_the_levels_as_declared() {
        let app = [("a", 1), ("b", 1), ("b", 2)];
        let server = [("c", 3), ("a", 3), ("c", 4)];
        assert_eq!(
            combined(&Merge::Replace, &app, &server),
            [("app", ("a", 1)), ("app", ("b", 1)), ("app", ("b", 2))]
        );
        assert_eq!(
            combined(&Merge::Replace, &[], &server)[0],
            ("server", ("c", 3))
        );
        assert_eq!(
            combined(&Merge::FirstOfEach(same_name), &app, &server),
            [("app", ("a", 1)), ("app", ("b", 1)), ("server", ("c", 3))]
        );
        assert_eq!(
            combined(&Merge::ServerFillsIn(same_name), &app, &server),
            [
                ("app", ("a", 1)),
                ("app", ("b", 1)),
                ("app", ("b", 2)),
                ("server", ("c", 3))
            ]
        );
        assert_eq!(
            combined(
                &Merge::LaterReplacesInPlace(same_name),
                &[("a", 1), ("b", 1)],
                &[("c", 3), ("a", 3)]
            ),
            [("server", ("c", 3)), ("app", ("a", 1)), ("app", ("b", 1))]
        );
    }

    #[test]
    fn slots_hold_their_declared_type() {
        let mut settings = Settings::default();
        put(settings.slot_mut::<Option<Prop<u8>>>("n"), "N", 7).unwrap();
        assert_eq!(
            settings
                .slot::<Option<Prop<u8>>>("n")
                .unwrap()
                .as_ref()
                .unwrap()
                .value,
            7
        );
        let error = put(settings.slot_mut::<Option<Prop<u8>>>("n"), "n", 8).unwrap_err();
        assert_eq!(
            error.to_string(),
            "`N` and `n` are the same property; set it once"
        );
        let clone = settings.clone();
        assert!(format!("{clone:?}").contains("value: 7"));
    }
}
