//! The sanctum entity model: one shape for every listed party, whatever list published it.
//!
//! Data flows through sanctum as `list file → parser → Entity → store → index → matcher`.
//! This crate holds the middle of that chain:
//!
//! - [`Entity`]: a listed party (person, organization, vessel, aircraft) with its names,
//!   birth dates, countries, identifiers, addresses, links and [`Designation`]s.
//! - [`PartialDate`] and [`DateSpec`]: dates as publishers give them (year only, circa, ranges),
//!   with [`date::parse_date_text`] for the free-text forms the lists use.
//! - [`country`]: country names and codes as lists write them, resolved to ISO 3166-1 alpha-2.
//! - [`ftm`]: FollowTheMoney JSON lines (the OpenSanctions `entities.ftm.json` format), in and out.
//!
//! Every value that a publisher gives its own record id for (an OFAC alias `alt_num`, address
//! `add_num`, an XML `uid`) keeps it in its `record` field, so an analyst can trace any value
//! back to the publication.

pub mod country;
pub mod date;
pub mod ftm;

pub use date::{DateSpec, PartialDate};
use serde::{Deserialize, Serialize};

/// What kind of party a record denotes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    Vessel,
    Aircraft,
    /// The publisher does not say (BIS lists in the CSL leave the type blank).
    Unknown,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Vessel => "vessel",
            EntityKind::Aircraft => "aircraft",
            EntityKind::Unknown => "unknown",
        }
    }
}

/// How a name relates to the party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    Primary,
    /// A strong a.k.a. (or n.k.a.): good enough to identify the party on its own.
    Alias,
    /// A weak or low-quality a.k.a.: too broad to identify the party alone.
    WeakAlias,
    /// f.k.a.: a former name.
    Former,
    /// The primary name written in its original (non-Latin) script.
    OriginalScript,
}

/// The role of one part of a name, where the publisher gives the parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamePartKind {
    Given,
    Middle,
    Family,
    Patronymic,
    Matronymic,
    /// A name the publisher does not split (entity names, UN `FIRST_NAME` of an entity).
    Whole,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NamePart {
    pub kind: NamePartKind,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name {
    /// The name as one string, in the publisher's spelling and order.
    pub full: String,
    pub kind: NameKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<NamePart>,
    /// ISO 15924 script code or the publisher's script label, where given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub script: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Name {
    pub fn new(full: impl Into<String>, kind: NameKind) -> Self {
        Name {
            full: full.into(),
            kind,
            parts: Vec::new(),
            script: None,
            lang: None,
            record: None,
        }
    }

    pub fn with_record(mut self, record: Option<String>) -> Self {
        self.record = record;
        self
    }

    pub fn part(&self, kind: NamePartKind) -> Option<&str> {
        self.parts
            .iter()
            .find(|p| p.kind == kind)
            .map(|p| p.value.as_str())
    }
}

/// A date (or date range) of birth, or of incorporation for organizations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateValue {
    pub date: DateSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// A free-text value (place of birth, title, position, remark) with its record id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Text {
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Text {
    pub fn new(value: impl Into<String>) -> Self {
        Text {
            value: value.into(),
            record: None,
        }
    }
}

/// An ISO 3166-1 alpha-2 country code (upper case), or a publisher code with no ISO
/// equivalent ("XK" Kosovo, "SUHH" Soviet Union) kept as given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountryValue {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    Other,
}

/// The kind of an identifying number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    Passport,
    NationalId,
    TaxId,
    Registration,
    Imo,
    Mmsi,
    CallSign,
    SwiftBic,
    Lei,
    /// A crypto-currency wallet address; the currency goes in [`Identifier::label`] (e.g. "XBT").
    CryptoWallet,
    AircraftSerial,
    AircraftTail,
    Email,
    Website,
    Phone,
    /// Any other document or number; the publisher's label is in [`Identifier::label`].
    Other,
}

impl IdKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            IdKind::Passport => "passport",
            IdKind::NationalId => "national_id",
            IdKind::TaxId => "tax_id",
            IdKind::Registration => "registration",
            IdKind::Imo => "imo",
            IdKind::Mmsi => "mmsi",
            IdKind::CallSign => "call_sign",
            IdKind::SwiftBic => "swift_bic",
            IdKind::Lei => "lei",
            IdKind::CryptoWallet => "crypto_wallet",
            IdKind::AircraftSerial => "aircraft_serial",
            IdKind::AircraftTail => "aircraft_tail",
            IdKind::Email => "email",
            IdKind::Website => "website",
            IdKind::Phone => "phone",
            IdKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    pub kind: IdKind,
    pub value: String,
    /// The publisher's own label for the document type ("Cedula No.", "BIK (RU)", "XBT").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Identifier {
    pub fn new(kind: IdKind, value: impl Into<String>) -> Self {
        Identifier {
            kind,
            value: value.into(),
            label: None,
            country: None,
            issued: None,
            expires: None,
            note: None,
            record: None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Address {
    /// Street lines, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Address {
    /// The address on one line, comma separated, country code last.
    pub fn full(&self) -> String {
        let mut parts: Vec<&str> = self.lines.iter().map(String::as_str).collect();
        parts.extend(self.city.as_deref());
        parts.extend(self.region.as_deref());
        parts.extend(self.postal_code.as_deref());
        parts.extend(self.country.as_deref());
        parts.join(", ")
    }
}

/// A link to another party ("Linked To: X" in OFAC remarks, a ProfileRelationship).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Link {
    /// The relation as the publisher words it ("Linked To", "Owned or Controlled By").
    pub relation: String,
    /// The other party's name, as written by the publisher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// The other party's publisher record id, where the publisher gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// Who designated the party, on which list, under which programs, since when.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Designation {
    /// "US OFAC", "US BIS", "US State", "UK OFSI", "UN SC", …
    pub authority: String,
    /// The list within the authority: "SDN", "Entity List", "Non-SDN Consolidated", …
    pub list: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

/// Facts about a vessel or aircraft that are not identifiers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CraftInfo {
    /// Vessel type, or aircraft model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub craft_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tonnage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gross_registered_tonnage: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_date: Option<PartialDate>,
}

impl CraftInfo {
    pub fn is_empty(&self) -> bool {
        self == &CraftInfo::default()
    }
}

/// One listed party as one publisher lists it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entity {
    /// The source key this record belongs to ("us_ofac_sdn", "us_csl", …).
    pub source: String,
    /// The publisher's own record id (OFAC uid, CSL `_id`, UK Group ID, UN DATAID).
    pub source_id: String,
    pub kind: EntityKind,
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<DateValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<CountryValue>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub citizenships: Vec<CountryValue>,
    /// Countries the party is tied to otherwise (seat of an organization, jurisdiction).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<CountryValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub titles: Vec<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub positions: Vec<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identifiers: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Address>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<Text>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub designations: Vec<Designation>,
    #[serde(default, skip_serializing_if = "CraftInfo::is_empty")]
    pub craft: CraftInfo,
}

impl Entity {
    pub fn new(source: impl Into<String>, source_id: impl Into<String>, kind: EntityKind) -> Self {
        Entity {
            source: source.into(),
            source_id: source_id.into(),
            kind,
            names: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            citizenships: Vec::new(),
            countries: Vec::new(),
            gender: None,
            titles: Vec::new(),
            positions: Vec::new(),
            identifiers: Vec::new(),
            addresses: Vec::new(),
            links: Vec::new(),
            remarks: Vec::new(),
            designations: Vec::new(),
            craft: CraftInfo::default(),
        }
    }

    /// The sanctum-wide id: `source:source_id`.
    pub fn id(&self) -> String {
        format!("{}:{}", self.source, self.source_id)
    }

    /// The primary name, else the first name given.
    pub fn caption(&self) -> &str {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or_else(|| self.names.first())
            .map(|n| n.full.as_str())
            .unwrap_or("")
    }

    /// All programs across designations, deduplicated, in first-seen order.
    pub fn programs(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in self.designations.iter().flat_map(|d| d.programs.iter()) {
            if !out.contains(&p.as_str()) {
                out.push(p);
            }
        }
        out
    }

    /// Adds a name unless the same name of the same kind is already there.
    pub fn push_name(&mut self, name: Name) {
        if !self
            .names
            .iter()
            .any(|n| n.full == name.full && n.kind == name.kind)
        {
            self.names.push(name);
        }
    }

    /// Adds a country code to a list unless it is already there.
    pub fn push_country(
        list: &mut Vec<CountryValue>,
        code: impl Into<String>,
        record: Option<String>,
    ) {
        let code = code.into();
        if !list.iter().any(|c| c.code == code) {
            list.push(CountryValue { code, record });
        }
    }

    /// Field-by-field comparison, naming each top-level field whose value differs.
    pub fn changed_fields(&self, other: &Entity) -> Vec<&'static str> {
        let mut out = Vec::new();
        macro_rules! cmp {
            ($($f:ident),*) => { $( if self.$f != other.$f { out.push(stringify!($f)); } )* };
        }
        cmp!(
            kind,
            names,
            birth_dates,
            birth_places,
            nationalities,
            citizenships,
            countries,
            gender,
            titles,
            positions,
            identifiers,
            addresses,
            links,
            remarks,
            designations,
            craft
        );
        out
    }

    /// Adds to `self` every value of `other` it does not already have (`other` is the same
    /// party listed again, e.g. an OFAC uid on two CSL sub-lists).
    pub fn absorb(&mut self, other: Entity) {
        fn extend<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
            for value in from {
                if !into.contains(&value) {
                    into.push(value);
                }
            }
        }
        if self.kind == EntityKind::Unknown {
            self.kind = other.kind;
        }
        extend(&mut self.names, other.names);
        extend(&mut self.birth_dates, other.birth_dates);
        extend(&mut self.birth_places, other.birth_places);
        extend(&mut self.nationalities, other.nationalities);
        extend(&mut self.citizenships, other.citizenships);
        extend(&mut self.countries, other.countries);
        self.gender = self.gender.or(other.gender);
        extend(&mut self.titles, other.titles);
        extend(&mut self.positions, other.positions);
        extend(&mut self.identifiers, other.identifiers);
        extend(&mut self.addresses, other.addresses);
        extend(&mut self.links, other.links);
        extend(&mut self.remarks, other.remarks);
        extend(&mut self.designations, other.designations);
        if self.craft.is_empty() {
            self.craft = other.craft;
        }
    }
}

/// Merges records that repeat a `source_id` into the first record with that id, keeping
/// publication order. A publisher's record id names one party, so repeats are that party
/// listed again (the CSL repeats an OFAC uid once per sub-list: SDN, SSI, …); merging keeps
/// every designation, name and detail instead of silently dropping one row. Returns the
/// merged records and how many repeats were folded in.
pub fn merge_duplicates(entities: Vec<Entity>) -> (Vec<Entity>, u64) {
    let mut out: Vec<Entity> = Vec::with_capacity(entities.len());
    let mut position: std::collections::HashMap<String, usize> =
        std::collections::HashMap::with_capacity(entities.len());
    let mut merged = 0;
    for entity in entities {
        match position
            .get(&entity.source_id)
            .and_then(|&i| out.get_mut(i))
        {
            Some(first) => {
                first.absorb(entity);
                merged += 1;
            }
            None => {
                position.insert(entity.source_id.clone(), out.len());
                out.push(entity);
            }
        }
    }
    (out, merged)
}
