//! EU Financial Sanctions Files (FSF), XML 1.1 and its CSV variant.
//!
//! **Not yet met a full real file**: no complete real EU file was available; the readers
//! follow the 1.1 XSD (`export/sanctionEntity`) and the CSV column names published parsers
//! agree on, with hand-written fixtures seeded from real values.
//!
//! XML: `export generationDate=…` then one `sanctionEntity` per party, read as a stream.
//! CSV: semicolon separated, UTF-8 with a BOM, one row per child item (a name alias, an
//! address, a birth date, an identification or a citizenship), every row repeating the
//! entity's columns; columns are named `<Element>_<Attribute>` (`NameAlias_WholeName`,
//! `BirthDate_BirthDate`, `Citizenship_CountryIso2Code`). Rows of one party are gathered by
//! `Entity_LogicalId`, and child items by their own `…_LogicalId`, so a row that repeats an
//! item adds nothing. Both readers feed the same builder, so a CSV and an XML file of the
//! same release give the same entities, with two known exceptions: the 1.1 CSV header has no
//! `strong` column (every CSV alias is a strong alias, unless a `NameAlias_Strong` column is
//! present) and its `Address_ContactInfo` layout is unknown (contact details are read from
//! the XML `contactInfo` elements only). A CSV file whose last row is short, unreadable or
//! lacks its line break, or that has no row after the header, is taken as truncated.
//!
//! Mapping: `logicalId` → `source_id`; `euReferenceNumber` → identifier "EU reference
//! number"; `unitedNationId` → "UN reference number"; `designationDate` → `listed_on`
//! (when absent, the earliest publication date of the entity's regulations, the act that
//! listed it); `delistingDate` → `ended_on`; regulation `programme` → programs and its
//! `numberTitle` → legal basis; `subjectType` person/enterprise (P/E); each `nameAlias`
//! (first/middle/last/whole name, `function` → positions, `title`, `gender`, `nameLanguage`
//! → lang; the first strong alias is the primary name, `strong="false"` → weak alias);
//! `citizenship`; `birthdate` (full date, year/month/day, or a year range; `circa`; a
//! non-Gregorian calendar is kept as a remark, not converted); `address`; `identification`
//! (`identificationTypeCode` passport/id/regnumber/fiscalcode/…). Country code `00`
//! (unknown) is ignored. Every child item keeps its `logicalId` as `record`.

use crate::ofac_xml_util::{Node, XmlStream, clean};
use crate::un_sc::{UN_REFERENCE_LABEL, iso_date, root_start, script_of};
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::{
    Address, DateSpec, DateValue, Designation, Entity, EntityKind, Gender, IdKind, Identifier,
    Name, NameKind, NamePart, NamePartKind, PartialDate, Text, country,
};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::rc::Rc;

pub const AUTHORITY: &str = "EU";
pub const LIST: &str = "Financial Sanctions Files";
pub const EU_REFERENCE_LABEL: &str = "EU reference number";

/// Whether the first bytes of a file look like the FSF XML.
pub fn sniff_xml(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    text.contains("fpi/fsd/export") || (text.contains("<export") && text.contains("sanctionEntity"))
}

/// Whether the first bytes of a file look like the FSF CSV.
pub fn sniff_csv(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    let first_line = text
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap_or("");
    first_line.contains("Entity_LogicalId") && first_line.contains(';')
}

/// Item categories, in the order their values are laid out in an entity.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    NameAlias,
    Citizenship,
    BirthDate,
    Address,
    Identification,
}

impl Item {
    const ALL: [Item; 5] = [
        Item::NameAlias,
        Item::Citizenship,
        Item::BirthDate,
        Item::Address,
        Item::Identification,
    ];

    fn xml_name(self) -> &'static str {
        match self {
            Item::NameAlias => "nameAlias",
            Item::Citizenship => "citizenship",
            Item::BirthDate => "birthdate",
            Item::Address => "address",
            Item::Identification => "identification",
        }
    }

    fn csv_prefix(self) -> &'static str {
        match self {
            Item::NameAlias => "NameAlias",
            Item::Citizenship => "Citizenship",
            Item::BirthDate => "BirthDate",
            Item::Address => "Address",
            Item::Identification => "Identification",
        }
    }
}

/// The values of one element (or one CSV column group), looked up by XML attribute name.
type Get<'a> = &'a dyn Fn(&str) -> Option<String>;

/// One party being assembled from its `sanctionEntity` element or its CSV rows.
struct Builder {
    entity: Entity,
    designation: Designation,
    regulation_dates: Vec<PartialDate>,
    seen_items: HashSet<(usize, String)>,
    /// Values some items add to shared fields, kept per category so that the order of CSV
    /// rows does not change the result.
    item_remarks: [Vec<Text>; 5],
    contact_ids: Vec<Identifier>,
}

fn item_index(item: Item) -> usize {
    Item::ALL.iter().position(|&i| i == item).unwrap_or(0)
}

fn flag(get: Get<'_>, key: &str) -> bool {
    get(key).is_some_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// A country code from an ISO code attribute, else from the description; `00` is unknown.
fn country_of(get: Get<'_>) -> Option<String> {
    let iso = get("countryIso2Code").filter(|c| c != "00");
    iso.and_then(|c| country::code(&c).map(str::to_string))
        .or_else(|| get("countryDescription").and_then(|d| country::code(&d).map(str::to_string)))
}

fn country_text(get: Get<'_>) -> Option<String> {
    get("countryDescription")
        .filter(|d| !d.eq_ignore_ascii_case("unknown"))
        .or_else(|| get("countryIso2Code").filter(|c| c != "00"))
}

impl Builder {
    fn new(source: &str, get: Get<'_>) -> Result<Builder, String> {
        let logical_id = get("logicalId").ok_or("sanctionEntity without a logicalId")?;
        let code = get("subjectType.code")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let class = get("subjectType.classificationCode")
            .unwrap_or_default()
            .to_ascii_lowercase();
        // The published CSV has been seen with code and classification swapped; read either.
        let kind = match (code.as_str(), class.as_str()) {
            ("person", _) | (_, "person") | ("p", _) | (_, "p") => EntityKind::Person,
            ("enterprise", _) | (_, "enterprise") | ("e", _) | (_, "e") => EntityKind::Organization,
            ("", "") => return Err(format!("sanctionEntity {logical_id}: no subjectType")),
            _ => EntityKind::Unknown,
        };
        let mut entity = Entity::new(source, logical_id.as_str(), kind);
        for (key, label) in [
            ("euReferenceNumber", EU_REFERENCE_LABEL),
            ("unitedNationId", UN_REFERENCE_LABEL),
        ] {
            if let Some(value) = get(key) {
                let mut id = Identifier::new(IdKind::Other, value);
                id.label = Some(label.to_string());
                entity.identifiers.push(id);
            }
        }
        let date = |key: &str| -> Result<Option<PartialDate>, String> {
            match get(key) {
                Some(text) => iso_date(&text)
                    .map(Some)
                    .ok_or_else(|| format!("sanctionEntity {logical_id}: bad {key} {text:?}")),
                None => Ok(None),
            }
        };
        let designation = Designation {
            authority: AUTHORITY.to_string(),
            list: LIST.to_string(),
            programs: Vec::new(),
            listed_on: date("designationDate")?,
            ended_on: date("delistingDate")?,
            legal_basis: Vec::new(),
            record: None,
        };
        let mut builder = Builder {
            entity,
            designation,
            regulation_dates: Vec::new(),
            seen_items: HashSet::new(),
            item_remarks: Default::default(),
            contact_ids: Vec::new(),
        };
        builder.add_entity_texts(get);
        Ok(builder)
    }

    /// Entity remarks and designation details (repeated on every CSV row).
    fn add_entity_texts(&mut self, get: Get<'_>) {
        for key in ["remark", "designationDetails"] {
            if let Some(value) = get(key) {
                push_unique(&mut self.entity.remarks, Text::new(value));
            }
        }
    }

    fn add_regulation(&mut self, get: Get<'_>) {
        if let Some(programme) = get("programme") {
            push_unique(&mut self.designation.programs, programme);
        }
        if let Some(title) = get("numberTitle") {
            push_unique(&mut self.designation.legal_basis, title);
        }
        if let Some(date) = get("publicationDate").and_then(|d| iso_date(&d)) {
            self.regulation_dates.push(date);
        }
    }

    /// Adds one child item; an item whose logicalId was already read adds nothing.
    fn add_item(&mut self, item: Item, get: Get<'_>) {
        let record = get("logicalId");
        if let Some(id) = &record
            && !self.seen_items.insert((item_index(item), id.clone()))
        {
            return;
        }
        match item {
            Item::NameAlias => self.add_name(get, record),
            Item::Citizenship => self.add_citizenship(get, record),
            Item::BirthDate => self.add_birth_date(get, record),
            Item::Address => self.add_address(get, record),
            Item::Identification => self.add_identification(get, record),
        }
    }

    fn item_remark(&mut self, item: Item, value: String, record: Option<String>) {
        push_unique(
            &mut self.item_remarks[item_index(item)],
            Text { value, record },
        );
    }

    fn add_name(&mut self, get: Get<'_>, record: Option<String>) {
        let mut parts = Vec::new();
        for (key, kind) in [
            ("firstName", NamePartKind::Given),
            ("middleName", NamePartKind::Middle),
            ("lastName", NamePartKind::Family),
        ] {
            if let Some(value) = get(key) {
                parts.push(NamePart { kind, value });
            }
        }
        let joined = parts
            .iter()
            .map(|p| p.value.as_str())
            .collect::<Vec<_>>()
            .join(" ");
        let full = match get("wholeName") {
            Some(whole) => {
                if parts.is_empty() {
                    parts.push(NamePart {
                        kind: NamePartKind::Whole,
                        value: whole.clone(),
                    });
                }
                whole
            }
            None if !joined.is_empty() => joined,
            None => return,
        };
        let strong = get("strong").is_none_or(|s| !s.eq_ignore_ascii_case("false"));
        let has_primary = self
            .entity
            .names
            .iter()
            .any(|n| n.kind == NameKind::Primary);
        let kind = match (strong, has_primary) {
            (false, _) => NameKind::WeakAlias,
            (true, false) => NameKind::Primary,
            (true, true) => NameKind::Alias,
        };
        if let Some(remark) = get("remark") {
            self.item_remark(Item::NameAlias, format!("{full}: {remark}"), record.clone());
        }
        let mut name = Name::new(full.as_str(), kind);
        name.parts = parts;
        name.script = script_of(&full).map(str::to_string);
        name.lang = get("nameLanguage");
        name.record = record.clone();
        self.entity.push_name(name);
        if self.entity.gender.is_none() {
            self.entity.gender =
                get("gender").and_then(|g| match g.to_ascii_uppercase().as_str() {
                    "M" => Some(Gender::Male),
                    "F" => Some(Gender::Female),
                    _ => None,
                });
        }
        if let Some(title) = get("title") {
            push_unique_value(&mut self.entity.titles, title, record.clone());
        }
        if let Some(function) = get("function") {
            push_unique_value(&mut self.entity.positions, function, record);
        }
    }

    fn add_citizenship(&mut self, get: Get<'_>, record: Option<String>) {
        match country_of(get) {
            Some(code) => Entity::push_country(&mut self.entity.citizenships, code, record),
            None => {
                if let Some(text) = country_text(get).or_else(|| get("region")) {
                    self.item_remark(Item::Citizenship, format!("Citizenship: {text}"), record);
                }
            }
        }
    }

    fn add_birth_date(&mut self, get: Get<'_>, record: Option<String>) {
        let calendar = get("calendarType").unwrap_or_default();
        let number = |key: &str| get(key).and_then(|v| v.trim().parse::<u16>().ok());
        let raw = get("birthdate").or_else(|| {
            let parts = [get("year"), get("monthOfYear"), get("dayOfMonth")];
            let parts: Vec<String> = parts.into_iter().flatten().collect();
            let range = match (get("yearRangeFrom"), get("yearRangeTo")) {
                (Some(a), Some(b)) => Some(format!("{a} to {b}")),
                _ => None,
            };
            (!parts.is_empty()).then(|| parts.join("-")).or(range)
        });
        let single = match get("birthdate") {
            Some(text) => iso_date(&text),
            None => number("year").and_then(|y| {
                let month = number("monthOfYear").and_then(|m| u8::try_from(m).ok());
                let day = number("dayOfMonth")
                    .and_then(|d| u8::try_from(d).ok())
                    .filter(|_| month.is_some());
                PartialDate::new(y, month, day).ok()
            }),
        };
        let range = match (number("yearRangeFrom"), number("yearRangeTo")) {
            (Some(a), Some(b)) => PartialDate::new(a, None, None)
                .ok()
                .zip(PartialDate::new(b, None, None).ok()),
            _ => None,
        };
        let gregorian = calendar.is_empty() || calendar.eq_ignore_ascii_case("gregorian");
        let spec = match (single, range) {
            (Some(d), _) if flag(get, "circa") => Some(DateSpec::Circa(d)),
            (Some(d), _) => Some(DateSpec::Exact(d)),
            (None, Some((a, b))) => Some(DateSpec::Range(a, b)),
            (None, None) => None,
        };
        match (spec, raw) {
            (Some(date), _) if gregorian => self.entity.birth_dates.push(DateValue {
                date,
                record: record.clone(),
            }),
            (_, Some(raw)) => {
                let value = if gregorian {
                    format!("Date of birth: {raw}")
                } else {
                    format!("Date of birth ({calendar} calendar): {raw}")
                };
                self.item_remark(Item::BirthDate, value, record.clone());
            }
            _ => {}
        }
        let place = [
            get("place"),
            get("city"),
            get("zipCode"),
            get("region"),
            country_text(get),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        if !place.is_empty() {
            push_unique_value(&mut self.entity.birth_places, place, record.clone());
        }
        if let Some(remark) = get("remark") {
            self.item_remark(Item::BirthDate, format!("Birth: {remark}"), record);
        }
    }

    fn add_address(&mut self, get: Get<'_>, record: Option<String>) {
        let remarks = [get("place"), get("remark")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        let address = Address {
            lines: [get("street"), get("poBox")]
                .into_iter()
                .flatten()
                .collect(),
            city: get("city"),
            region: get("region"),
            postal_code: get("zipCode"),
            country: country_of(get).or_else(|| country_text(get)),
            remarks: (!remarks.is_empty()).then(|| remarks.join("; ")),
            record,
        };
        if address.lines.is_empty()
            && address.city.is_none()
            && address.region.is_none()
            && address.postal_code.is_none()
            && address.country.is_none()
            && address.remarks.is_none()
        {
            return;
        }
        push_unique(&mut self.entity.addresses, address);
    }

    fn add_contact(&mut self, key: &str, value: String, record: Option<String>) {
        let kind = match key.to_ascii_uppercase().as_str() {
            "EMAIL" => IdKind::Email,
            "WEB" | "WEBSITE" => IdKind::Website,
            "PHONE" | "FAX" | "MOBILE" => IdKind::Phone,
            _ => IdKind::Other,
        };
        let mut id = Identifier::new(kind, value);
        id.label = Some(key.to_string());
        id.record = record;
        push_unique(&mut self.contact_ids, id);
    }

    fn add_identification(&mut self, get: Get<'_>, record: Option<String>) {
        let code = get("identificationTypeCode").unwrap_or_default();
        let description = get("identificationTypeDescription");
        let label = description.clone().unwrap_or_else(|| code.clone());
        let Some(number) = get("number").or_else(|| get("latinNumber")) else {
            if !label.is_empty()
                && let Some(remark) = get("remark")
            {
                self.item_remark(Item::Identification, format!("{label}: {remark}"), record);
            }
            return;
        };
        let kind = match code.to_ascii_lowercase().as_str() {
            "passport" => IdKind::Passport,
            "id" | "nationalid" | "nid" => IdKind::NationalId,
            "regnumber" => IdKind::Registration,
            "fiscalcode" | "tin" | "taxid" | "inn" | "kpp" => IdKind::TaxId,
            "swiftbic" | "bic" => IdKind::SwiftBic,
            "imo" => IdKind::Imo,
            _ => description
                .as_deref()
                .and_then(crate::ofac_common::id_kind_for_label)
                .unwrap_or(IdKind::Other),
        };
        let mut id = Identifier::new(kind, number.as_str());
        id.label = (!label.is_empty()).then_some(label);
        id.country = country_of(get).or_else(|| country_text(get));
        id.issued = get("issueDate").and_then(|d| iso_date(&d));
        id.expires = get("validTo").and_then(|d| iso_date(&d));
        let mut notes = Vec::new();
        for (key, word) in [
            ("diplomatic", "diplomatic"),
            ("knownExpired", "known expired"),
            ("knownFalse", "known false"),
            ("reportedLost", "reported lost"),
            ("revokedByIssuer", "revoked by issuer"),
        ] {
            if flag(get, key) {
                notes.push(word.to_string());
            }
        }
        if let Some(latin) = get("latinNumber").filter(|l| *l != number) {
            notes.push(format!("latin number {latin}"));
        }
        for (key, word) in [
            ("issuedBy", "issued by"),
            ("nameOnDocument", "name on document"),
            ("region", "region"),
        ] {
            if let Some(value) = get(key) {
                notes.push(format!("{word} {value}"));
            }
        }
        notes.extend(get("remark"));
        if !notes.is_empty() {
            id.note = Some(notes.join("; "));
        }
        id.record = record;
        push_unique(&mut self.entity.identifiers, id);
    }

    fn finish(mut self) -> Entity {
        if self.designation.listed_on.is_none() {
            self.designation.listed_on = self.regulation_dates.iter().min().copied();
        }
        let has_primary = self
            .entity
            .names
            .iter()
            .any(|n| n.kind == NameKind::Primary);
        if !has_primary && let Some(first) = self.entity.names.first_mut() {
            first.kind = NameKind::Primary;
        }
        for remarks in self.item_remarks {
            for remark in remarks {
                push_unique(&mut self.entity.remarks, remark);
            }
        }
        for id in self.contact_ids {
            push_unique(&mut self.entity.identifiers, id);
        }
        self.entity.designations.push(self.designation);
        self.entity
    }
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

fn push_unique_value(list: &mut Vec<Text>, value: String, record: Option<String>) {
    if !list.iter().any(|t| t.value == value) {
        list.push(Text { value, record });
    }
}

fn nonempty(text: &str) -> Option<String> {
    Some(clean(text)).filter(|t| !t.is_empty())
}

// ---- XML ----

/// Looks a key up in an element: an attribute, else the text of child elements of that
/// name (`remark`), else `subjectType.code` style paths into a child's attribute.
fn xml_get(node: &Node, key: &str) -> Option<String> {
    if let Some((child, attr)) = key.split_once('.') {
        return node
            .child(child)
            .and_then(|c| c.attr(attr))
            .and_then(nonempty);
    }
    if let Some(value) = node.attr(key).and_then(nonempty) {
        return Some(value);
    }
    let texts: Vec<String> = node
        .children_named(key)
        .filter_map(|c| c.text().and_then(nonempty))
        .collect();
    (!texts.is_empty()).then(|| texts.join("; "))
}

/// Reads an FSF XML 1.1 publication.
pub fn parse_xml(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    let root = root_start(&mut xml, "export", "an EU FSF XML file")?;
    let mut parsed = Parsed::default();
    if let Some(generated) = root.attr("generationDate") {
        match iso_date(generated) {
            Some(date) => parsed.published = Some(date),
            None => {
                let row = xml.row_error(root.line, format!("bad generationDate {generated:?}"));
                parsed.reject_row(opts, row)?;
            }
        }
    }
    while let Some(start) = xml.next_start()? {
        if start.depth != 1 || start.name != "sanctionEntity" {
            continue;
        }
        let node = xml.read_node(start)?;
        match xml_entity(source, &node) {
            Ok(entity) => parsed.entities.push(entity),
            Err(reason) => parsed.reject_row(opts, xml.row_error(node.line, reason))?,
        }
    }
    Ok(parsed)
}

fn xml_entity(source: &str, node: &Node) -> Result<Entity, String> {
    let mut builder = Builder::new(source, &|k| xml_get(node, k))?;
    for regulation in node.children_named("regulation") {
        builder.add_regulation(&|k| xml_get(regulation, k));
    }
    for item in Item::ALL {
        for child in node.children_named(item.xml_name()) {
            builder.add_item(item, &|k| xml_get(child, k));
            if item == Item::Address {
                let record = child.attr("logicalId").map(str::to_string);
                for contact in child.children_named("contactInfo") {
                    if let (Some(key), Some(value)) = (
                        contact.attr("key"),
                        contact.attr("value").and_then(nonempty),
                    ) {
                        builder.add_contact(key, value, record.clone());
                    }
                }
            }
        }
    }
    Ok(builder.finish())
}

// ---- CSV ----

/// The CSV column for an XML attribute of an element group.
fn csv_column(prefix: &str, key: &str) -> String {
    let special = match (prefix, key) {
        ("Entity", "euReferenceNumber") => Some("Entity_EU_ReferenceNumber"),
        ("Entity", "subjectType.code") => Some("Entity_SubjectType"),
        ("Entity", "subjectType.classificationCode") => {
            Some("Entity_SubjectType_ClassificationCode")
        }
        ("Entity_Regulation", "regulationType") => Some("Entity_Regulation_Type"),
        ("BirthDate", "birthdate") => Some("BirthDate_BirthDate"),
        ("BirthDate", "dayOfMonth") => Some("BirthDate_Day"),
        ("BirthDate", "monthOfYear") => Some("BirthDate_Month"),
        ("Identification", "issueDate") => Some("Identification_IssuedDate"),
        ("Identification", "identificationTypeCode") => Some("Identification_TypeCode"),
        ("Identification", "identificationTypeDescription") => {
            Some("Identification_TypeDescription")
        }
        _ => None,
    };
    if let Some(column) = special {
        return column.to_string();
    }
    let mut chars = key.chars();
    let capitalised: String = chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect();
    format!("{prefix}_{capitalised}")
}

/// Remembers the last byte read, to tell a complete file from one cut inside its last row.
struct LastByte<R> {
    inner: R,
    last: Rc<Cell<Option<u8>>>,
}

impl<R: Read> Read for LastByte<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(&b) = n.checked_sub(1).and_then(|i| buf.get(i)) {
            self.last.set(Some(b));
        }
        Ok(n)
    }
}

struct CsvColumns {
    index: HashMap<String, usize>,
    count: usize,
}

impl CsvColumns {
    fn get(&self, record: &csv::StringRecord, prefix: &str, key: &str) -> Option<String> {
        let i = *self.index.get(&csv_column(prefix, key))?;
        record.get(i).and_then(nonempty)
    }
}

/// Reads an FSF CSV publication (`…-FULL-1_1.csv`).
pub fn parse_csv(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let file = input.name;
    let last_byte = Rc::new(Cell::new(None));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .has_headers(false)
        // An input ending inside a quoted field fails the read: a cut file.
        .from_reader(
            crate::csv_guard::CsvGuard::new(
                LastByte {
                    inner: input.reader,
                    last: Rc::clone(&last_byte),
                },
                b';',
                false,
            )
            .0,
        );
    let (index, count) = crate::csv_header(
        &mut reader,
        &file,
        "an EU FSF CSV file",
        &["Entity_LogicalId", "NameAlias_WholeName"],
    )?;
    let cols = CsvColumns { index, count };
    let mut record = csv::StringRecord::new();
    let mut parsed = Parsed::default();
    let mut builders: Vec<Builder> = Vec::new();
    let mut position: HashMap<String, usize> = HashMap::new();
    // A short or unreadable row is only known to be a bad row (rather than a cut-off file)
    // once another row follows it.
    let mut short_row: Option<RowError> = None;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line()).unwrap_or(line);
                if let csv::ErrorKind::Io(io) = e.into_kind() {
                    return Err(ParseError::io(&file, io));
                }
                if let Some(row) = short_row.take() {
                    parsed.reject_row(opts, row)?;
                }
                // Like a short row, a bad last row may be a file cut inside a character.
                short_row = Some(RowError {
                    file: file.clone(),
                    line,
                    reason: "unreadable row (invalid UTF-8 or CSV)".to_string(),
                });
                continue;
            }
        }
        if let Some(row) = short_row.take() {
            parsed.reject_row(opts, row)?;
        }
        let line = record.position().map(|p| p.line()).unwrap_or(line);
        if record.len() == 1 && record.get(0).is_some_and(str::is_empty) {
            continue;
        }
        if record.len() != cols.count {
            let row = RowError {
                file: file.clone(),
                line,
                reason: format!("expected {} columns, found {}", cols.count, record.len()),
            };
            if record.len() < cols.count {
                short_row = Some(row);
            } else {
                parsed.reject_row(opts, row)?;
            }
            continue;
        }
        if parsed.published.is_none() {
            let generated = cols.index.get("fileGenerationDate");
            if let Some(text) = generated.and_then(|&i| record.get(i)).and_then(nonempty) {
                match iso_date(&text) {
                    Some(date) => parsed.published = Some(date),
                    None => {
                        let row = RowError {
                            file: file.clone(),
                            line,
                            reason: format!("bad fileGenerationDate {text:?}"),
                        };
                        parsed.reject_row(opts, row)?;
                    }
                }
            }
        }
        let entity_get = |k: &str| cols.get(&record, "Entity", k);
        let Some(logical_id) = entity_get("logicalId") else {
            let row = RowError {
                file: file.clone(),
                line,
                reason: "row without an Entity_LogicalId".to_string(),
            };
            parsed.reject_row(opts, row)?;
            continue;
        };
        let builder = match position.get(&logical_id) {
            Some(&i) => match builders.get_mut(i) {
                Some(b) => {
                    b.add_entity_texts(&entity_get);
                    b
                }
                None => continue,
            },
            None => match Builder::new(source, &entity_get) {
                Ok(b) => {
                    position.insert(logical_id, builders.len());
                    builders.push(b);
                    match builders.last_mut() {
                        Some(b) => b,
                        None => continue,
                    }
                }
                Err(reason) => {
                    let row = RowError {
                        file: file.clone(),
                        line,
                        reason,
                    };
                    parsed.reject_row(opts, row)?;
                    continue;
                }
            },
        };
        builder.add_regulation(&|k| cols.get(&record, "Entity_Regulation", k));
        for item in Item::ALL {
            builder.add_item(item, &|k| cols.get(&record, item.csv_prefix(), k));
        }
    }
    if let Some(row) = short_row {
        return Err(ParseError::format(
            &file,
            format!(
                "truncated file: the last row (line {}) is cut short: {}",
                row.line, row.reason
            ),
        ));
    }
    if !matches!(last_byte.get(), Some(b'\n' | b'\r')) {
        // Published files end their last row with a line break; without one the last
        // value may be cut short.
        return Err(ParseError::format(
            &file,
            "truncated file: the last row has no line end",
        ));
    }
    if builders.is_empty() && parsed.skipped.is_empty() {
        // The EU list is never empty: a header alone is a file cut off after (or inside) it.
        return Err(ParseError::format(
            &file,
            "no rows after the header: the file is empty or truncated",
        ));
    }
    parsed.entities = builders.into_iter().map(Builder::finish).collect();
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_follow_the_published_names() {
        assert_eq!(csv_column("NameAlias", "wholeName"), "NameAlias_WholeName");
        assert_eq!(csv_column("BirthDate", "birthdate"), "BirthDate_BirthDate");
        assert_eq!(
            csv_column("Citizenship", "countryIso2Code"),
            "Citizenship_CountryIso2Code"
        );
        assert_eq!(
            csv_column("Entity", "unitedNationId"),
            "Entity_UnitedNationId"
        );
        assert_eq!(
            csv_column("Entity_Regulation", "programme"),
            "Entity_Regulation_Programme"
        );
    }
}
