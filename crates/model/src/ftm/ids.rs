//! FtM entity ids: the one place that says how sanctum names what it exports.
//!
//! FtM ids must match `^[0-9a-zA-Z]([0-9a-zA-Z.-]*[0-9a-zA-Z])?$` and be at most 200
//! characters ([`is_valid_id`]); publisher ids often are not (`belarus/1-part-1.1/1`), and
//! source keys have `_`. The scheme (see also the README's export section):
//!
//! | entity | id | example |
//! |---|---|---|
//! | a party whose publisher id fits the pattern | `{source slug}-{publisher id}` | `us-ofac-sdn-35096` |
//! | any other party | `{source slug}-{16 hex of SHA-256(publisher id)}` | `ca-sema-1cac216b7ee87fb9` |
//! | a party of an FtM import (`ftm`, `ftm_*`) | its FtM id as read, if valid | `NK-2Zu5iRq9oUEzGvRuKTMW3X` |
//! | … read from a sanctum export (source id `{dataset}:{publisher id}`) | as that dataset's party | `us-ofac-sdn-35096` |
//! | a sanction, identification, address, link | `{party id}-{kind}-{12 hex of SHA-256(content)}` | `uk-ofsi-10664-passport-a09f7c7e5b1a` |
//! | the far end of a link that names no listed party | `{link id}-object` | `uk-ofsi-10648-link-c3155ba87392-object` |
//! | a listed party that a link names but the file lacks | the id that party would have | `us-ofac-cons-4695` |
//!
//! The source slug is the source key with `_` as `-` (`us_ofac_sdn` → `us-ofac-sdn`). A
//! publisher id "fits" when it has only ASCII letters, digits, `.` and `-`, ends in a letter
//! or digit, and the party id stays within [`MAX_LITERAL_PARTY_ID`] characters (so the ids
//! derived from it stay within FtM's 200).
//!
//! `kind` is `sanction`, `address`, `link`, or the identifier kind with `-` for `_`
//! (`passport`, `national-id`, `crypto-wallet`, …: [`crate::IdKind::as_str`]). The content
//! hashed is the derived entity's FtM properties as compact JSON with sorted keys, leaving
//! out the reference to the party (and a link's name-only far end), so the id is the same
//! in every version in which the value is unchanged, whatever its position; the k-th repeat
//! of identical content within one party (k ≥ 1) hashes that JSON followed by `#k`.
//!
//! Ids before this scheme (sanctum 0.1 exports and API) were `{source}-{publisher id}` for
//! parties and `{party}.{tag}.{n}[.{record}]` for the rest: [`legacy_id_to_ftm`] maps them.

use crate::{Entity, IdKind};
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// FtM's longest entity id (`followthemoney.util.ENTITY_ID_LEN`).
pub const MAX_ID_LEN: usize = 200;

/// The longest party id written with the publisher id in it; longer ones are hashed. Leaves
/// room under [`MAX_ID_LEN`] for the longest derived id suffix
/// (`-aircraft-serial-{12 hex}`, a link's `-link-{12 hex}-object`).
pub const MAX_LITERAL_PARTY_ID: usize = 150;

const PARTY_HASH_HEX: usize = 16;
const DERIVED_HASH_HEX: usize = 12;

/// Whether `id` is a valid FtM entity id.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    let alnum = |b: &u8| b.is_ascii_alphanumeric();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            bytes.len() <= MAX_ID_LEN
                && alnum(first)
                && alnum(last)
                && bytes.iter().all(|b| alnum(b) || *b == b'.' || *b == b'-')
        }
        _ => false,
    }
}

/// Whether `source` holds FtM imports, whose publisher ids are FtM ids (`ftm`, `ftm_*`; the
/// same rule as `sanctum_sources::catalog::is_known`).
pub fn is_import_source(source: &str) -> bool {
    source == "ftm" || source.starts_with("ftm_")
}

/// The source key as it starts ids: ASCII letters and digits kept, every run of anything
/// else one `-`.
pub fn source_slug(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for c in source.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

fn sha256_hex(text: &str, len: usize) -> String {
    let mut hex = hex::encode(Sha256::digest(text.as_bytes()));
    hex.truncate(len);
    hex
}

/// Whether a publisher id can follow `{slug}-` as it is.
fn fits(source_id: &str) -> bool {
    source_id
        .bytes()
        .last()
        .is_some_and(|b| b.is_ascii_alphanumeric())
        && source_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// The dataset and publisher id a party of `source` is written as. A party of an FtM import
/// read from a sanctum export has the source id `{dataset}:{publisher id}` (see the reader),
/// and is written as that dataset's party again; any other party as itself.
pub fn publisher_of<'a>(source: &'a str, source_id: &'a str) -> (&'a str, &'a str) {
    if is_import_source(source)
        && let Some((dataset, id)) = source_id.split_once(':')
        && !dataset.is_empty()
        && !is_import_source(dataset)
        && !id.is_empty()
    {
        return (dataset, id);
    }
    (source, source_id)
}

/// The FtM id of the party `source_id` of `source` (see the module docs for the scheme).
pub fn party_id(source: &str, source_id: &str) -> String {
    let (source, source_id) = publisher_of(source, source_id);
    if is_import_source(source) && is_valid_id(source_id) && source_id.len() <= MAX_LITERAL_PARTY_ID
    {
        return source_id.to_string();
    }
    let slug = source_slug(source);
    if fits(source_id) && slug.len() + 1 + source_id.len() <= MAX_LITERAL_PARTY_ID {
        format!("{slug}-{source_id}")
    } else {
        format!("{slug}-{}", sha256_hex(source_id, PARTY_HASH_HEX))
    }
}

/// The FtM id of a party.
pub fn entity_id(e: &Entity) -> String {
    party_id(&e.source, &e.source_id)
}

/// What a derived entity is, as its id says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubKind {
    Sanction,
    Address,
    Link,
    Identifier(IdKind),
}

impl SubKind {
    /// The kind as it appears in ids.
    pub fn slug(&self) -> String {
        match self {
            SubKind::Sanction => "sanction".to_string(),
            SubKind::Address => "address".to_string(),
            SubKind::Link => "link".to_string(),
            SubKind::Identifier(k) => k.as_str().replace('_', "-"),
        }
    }

    /// The kind of a slug.
    pub fn from_slug(slug: &str) -> Option<SubKind> {
        Some(match slug {
            "sanction" => SubKind::Sanction,
            "address" => SubKind::Address,
            "link" => SubKind::Link,
            other => SubKind::Identifier(id_kind_of(&other.replace('-', "_"))?),
        })
    }
}

/// The identifier kind named by [`IdKind::as_str`].
pub(crate) fn id_kind_of(tag: &str) -> Option<IdKind> {
    Some(match tag {
        "passport" => IdKind::Passport,
        "national_id" => IdKind::NationalId,
        "tax_id" => IdKind::TaxId,
        "registration" => IdKind::Registration,
        "imo" => IdKind::Imo,
        "mmsi" => IdKind::Mmsi,
        "call_sign" => IdKind::CallSign,
        "swift_bic" => IdKind::SwiftBic,
        "lei" => IdKind::Lei,
        "crypto_wallet" => IdKind::CryptoWallet,
        "aircraft_serial" => IdKind::AircraftSerial,
        "aircraft_tail" => IdKind::AircraftTail,
        "email" => IdKind::Email,
        "website" => IdKind::Website,
        "phone" => IdKind::Phone,
        "other" => IdKind::Other,
        _ => return None,
    })
}

/// The id of a derived entity of `party` whose properties, as canonical JSON, are
/// `content`. `taken` holds the ids already given within the party: a repeat of identical
/// content gets the next free `#k` variant.
pub fn derived_id(
    party: &str,
    kind: &SubKind,
    content: &str,
    taken: &mut HashSet<String>,
) -> String {
    let slug = kind.slug();
    let mut k = 0usize;
    loop {
        let hashed = if k == 0 {
            sha256_hex(content, DERIVED_HASH_HEX)
        } else {
            sha256_hex(&format!("{content}#{k}"), DERIVED_HASH_HEX)
        };
        let id = format!("{party}-{slug}-{hashed}");
        if taken.insert(id.clone()) {
            return id;
        }
        k += 1;
    }
}

/// The id of the far end of a link that names no listed party.
pub fn link_object_id(link_id: &str) -> String {
    format!("{link_id}-object")
}

/// The kind of a derived entity of `party` and whether the id has this scheme's shape.
pub(crate) fn parse_derived(id: &str, party: &str) -> Option<SubKind> {
    let rest = id.strip_prefix(party)?.strip_prefix('-')?;
    let (slug, hashed) = rest.rsplit_once('-')?;
    if hashed.len() != DERIVED_HASH_HEX || !hashed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    SubKind::from_slug(slug)
}

/// The publisher id inside a party id of `source`, when the id carries it as it is; a hashed
/// id gives its hash (which maps back to the same id: see [`party_id`]).
pub(crate) fn source_id_in(id: &str, source: &str) -> Option<String> {
    let rest = id.strip_prefix(&source_slug(source))?.strip_prefix('-')?;
    (!rest.is_empty()).then(|| rest.to_string())
}

/// An id of the scheme before this one, as [`legacy_id_to_ftm`] reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyId {
    /// The source key and publisher id of the party the old id names or belongs to.
    pub source: String,
    pub source_id: String,
    /// The party's FtM id in this scheme.
    pub party: String,
    /// For an old sub-entity id (`{party}.{tag}.{n}[.{record}]`): its tag and position.
    pub part: Option<LegacyPart>,
}

/// The sub-entity an old id named: the `position`-th designation (`sanction`), address
/// (`addr`), link (`link`) or identifier (tag = [`IdKind::as_str`]) of its party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyPart {
    pub tag: String,
    pub position: usize,
}

const LEGACY_TAGS: [&str; 19] = [
    "sanction",
    "addr",
    "link",
    "passport",
    "national_id",
    "tax_id",
    "registration",
    "imo",
    "mmsi",
    "call_sign",
    "swift_bic",
    "lei",
    "crypto_wallet",
    "aircraft_serial",
    "aircraft_tail",
    "email",
    "website",
    "phone",
    "other",
];

/// Reads an id of the old scheme: a party `{source}-{publisher id}` (`us_csl-25308`,
/// `ca_sema-belarus/1-part-1.1/1`), or a sub-entity `{party}.{tag}.{n}[.{record}]`
/// (`uk_ofsi-10648.link.0`). The source key is everything before the first `-` (source keys
/// have none). [`LegacyId::party`] is the party's id in this scheme; for a sub-entity,
/// [`LegacyId::resolve`] gives its new id from the party. `None` for a text of neither shape.
pub fn legacy_id_to_ftm(old: &str) -> Option<LegacyId> {
    let (party, part) = split_legacy_part(old);
    let (source, source_id) = party.split_once('-')?;
    if source.is_empty() || source_id.is_empty() {
        return None;
    }
    Some(LegacyId {
        source: source.to_string(),
        source_id: source_id.to_string(),
        party: party_id(source, source_id),
        part,
    })
}

/// `{party}.{tag}.{n}[.{record}]` → (party, part); anything else is a party id.
fn split_legacy_part(old: &str) -> (&str, Option<LegacyPart>) {
    for (at, _) in old.match_indices('.') {
        let Some((party, rest)) = old.split_at_checked(at) else {
            continue;
        };
        let rest = &rest[1..];
        let mut it = rest.splitn(3, '.');
        let (Some(tag), Some(n)) = (it.next(), it.next()) else {
            continue;
        };
        if !LEGACY_TAGS.contains(&tag) || party.is_empty() {
            continue;
        }
        if let Ok(position) = n.parse::<usize>() {
            let part = LegacyPart {
                tag: tag.to_string(),
                position,
            };
            return (party, Some(part));
        }
    }
    (old, None)
}

impl LegacyId {
    /// The new id of what the old id named, given its party: the party's id, or the id of
    /// the sub-entity at the old tag and position (`None` if the party has no such value).
    pub fn resolve(&self, e: &Entity) -> Option<String> {
        let Some(part) = &self.part else {
            return Some(entity_id(e));
        };
        super::write::sub_entity_ids(e)
            .into_iter()
            .find(|(origin, _)| {
                origin.legacy_tag(e) == Some(part.tag.as_str()) && origin.index() == part.position
            })
            .map(|(_, id)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids_follow_ftm_s_pattern() {
        for ok in ["a", "us-ofac-sdn-35096", "A.b-9", "Q7747"] {
            assert!(is_valid_id(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a.",
            "us_csl-1",
            "a/b",
            "a b",
            &"a".repeat(201),
        ] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }

    #[test]
    fn party_ids_keep_publisher_ids_that_fit_and_hash_the_others() {
        assert_eq!(party_id("us_ofac_sdn", "35096"), "us-ofac-sdn-35096");
        assert_eq!(party_id("us_csl", "25308"), "us-csl-25308");
        // Pinned: the README's example, and the id every version of the list gets.
        let hashed = party_id("ca_sema", "belarus/1-part-1.1/1");
        assert_eq!(hashed, "ca-sema-1cac216b7ee87fb9");
        assert!(is_valid_id(&hashed));
        // Stable: the same publisher id always gives the same id; another gives another.
        assert_eq!(hashed, party_id("ca_sema", "belarus/1-part-1.1/1"));
        assert_ne!(hashed, party_id("ca_sema", "belarus/1-part-1.1/2"));
        // A hashed id read back as a publisher id maps to itself.
        let rest = source_id_in(&hashed, "ca_sema").unwrap();
        assert_eq!(party_id("ca_sema", &rest), hashed);
        // Trailing dots and over-long ids are hashed.
        assert!(party_id("x", "a.").starts_with("x-") && party_id("x", "a.").len() == 18);
        let long = "a".repeat(200);
        assert_eq!(party_id("x", &long).len(), 18);
        // FtM imports keep their ids.
        assert_eq!(party_id("ftm", "NK-abc"), "NK-abc");
        assert_eq!(party_id("ftm_os", "Q7747"), "Q7747");
        assert!(party_id("ftm", "us_csl-1").starts_with("ftm-"));
        // An import of a sanctum export writes its parties as they were written.
        assert_eq!(party_id("ftm", "us_ofac_sdn:35096"), "us-ofac-sdn-35096");
        assert_eq!(publisher_of("ftm_x", "us_csl:1"), ("us_csl", "1"));
        assert_eq!(publisher_of("us_csl", "a:1"), ("us_csl", "a:1"));
        assert_eq!(publisher_of("ftm", "ftm:1"), ("ftm", "ftm:1"));
    }

    #[test]
    fn source_slugs() {
        assert_eq!(source_slug("us_ofac_sdn"), "us-ofac-sdn");
        assert_eq!(source_slug("__a__b__"), "a-b");
        assert_eq!(source_slug("_"), "x");
    }

    #[test]
    fn derived_ids_hash_content_and_number_repeats() {
        let mut taken = HashSet::new();
        let a = derived_id("p-1", &SubKind::Address, "{\"city\":[\"X\"]}", &mut taken);
        let b = derived_id("p-1", &SubKind::Address, "{\"city\":[\"X\"]}", &mut taken);
        let c = derived_id(
            "p-1",
            &SubKind::Identifier(IdKind::NationalId),
            "{}",
            &mut taken,
        );
        assert_ne!(a, b);
        assert!(a.starts_with("p-1-address-") && is_valid_id(&a) && is_valid_id(&b));
        assert!(c.starts_with("p-1-national-id-"));
        assert_eq!(
            parse_derived(&c, "p-1"),
            Some(SubKind::Identifier(IdKind::NationalId))
        );
        assert_eq!(parse_derived(&a, "p-1"), Some(SubKind::Address));
        assert_eq!(parse_derived(&a, "p-2"), None);
        // Deterministic: a new party gives the same ids in the same order.
        let mut again = HashSet::new();
        assert_eq!(
            derived_id("p-1", &SubKind::Address, "{\"city\":[\"X\"]}", &mut again),
            a
        );
    }

    #[test]
    fn legacy_ids_map_to_this_scheme() {
        let party = legacy_id_to_ftm("us_csl-25308").unwrap();
        assert_eq!(party.party, "us-csl-25308");
        assert_eq!(
            (party.source.as_str(), party.source_id.as_str()),
            ("us_csl", "25308")
        );
        assert_eq!(party.part, None);

        let sema = legacy_id_to_ftm("ca_sema-belarus/1-part-1.1/1").unwrap();
        assert_eq!(sema.party, party_id("ca_sema", "belarus/1-part-1.1/1"));
        assert_eq!(sema.part, None);

        let link = legacy_id_to_ftm("uk_ofsi-10648.link.0").unwrap();
        assert_eq!(link.party, "uk-ofsi-10648");
        assert_eq!(
            link.part,
            Some(LegacyPart {
                tag: "link".into(),
                position: 0
            })
        );
        let sub = legacy_id_to_ftm("ca_sema-belarus/1-part-1.1/1.sanction.0").unwrap();
        assert_eq!(sub.party, sema.party);
        let rec = legacy_id_to_ftm("us_ofac_sdn-35096.passport.3.feature.123").unwrap();
        assert_eq!(rec.party, "us-ofac-sdn-35096");
        assert_eq!(rec.part.unwrap().position, 3);
        assert_eq!(legacy_id_to_ftm("nodash"), None);
    }
}
