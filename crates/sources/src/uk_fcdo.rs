//! The UK Sanctions List published by the FCDO (`UK-Sanctions-List.csv` / `.xml`,
//! FORMATS.md §1.7): every UK designation, financial or not (trade, transport, immigration).
//!
//! **Not yet met a full real file.** No real copy of either format was available; both readers
//! follow the column and element lists of FORMATS.md §1.7 and public parsers of the list, and
//! have been tested on hand-written samples only (seeded with real values from ConList). Expect
//! to adjust names of columns or elements when a real file arrives.
//!
//! - **CSV**: a report-date line (`Report Date: 13-Feb-2026`, the publication date), then a
//!   header, then one row per name keyed by `Unique ID` (`RUS0251`). Rows of one Unique ID are
//!   grouped in memory, in first-seen order, and values repeated on each row are kept once.
//!   Columns and lines before the header other than the report date are ignored; column
//!   names are matched ignoring case and runs of spaces.
//! - **XML**: `Designations` with an optional `DateGenerated` (the publication date) and one
//!   `Designation` per party, holding `Names/Name`, `NonLatinNames/NonLatinName`,
//!   `Addresses/Address`, `IndividualDetails`, `EntityDetails` and `ShipDetails`. Detail values
//!   are found by their leaf element names (`DOB`, `Nationality`, `IMONumber`, …) wherever they
//!   sit inside those blocks, since the wrapper names are the least certain part.
//!
//! How values land in the model (as in [`crate::uk_ofsi`], whose helpers this reader shares):
//! - `Unique ID` → [`Entity::source_id`] and identifier `UK sanctions list ref`; `OFSI Group
//!   ID` → `OFSI group id`; `UN Reference Number` → `UN reference number`.
//! - `Designation Type` / `IndividualEntityShip` Individual / Entity / Ship → kind.
//! - `Name type` Primary Name / Primary Name Variation / Alias (weak when `Alias strength`
//!   says low or weak); Name 1..5 given parts, Name 6 family name; non-Latin names become
//!   original-script names.
//! - `Regime Name` → a designation (authority `UK FCDO`, list `UK Sanctions List`), listed on
//!   `Date Designated`. `Sanctions Imposed`, `Designation source`, `Other Information`,
//!   `UK Statement of Reasons` and `Last Updated` are kept as remarks.
//! - D.O.B (`dd/mm/yyyy`, unknown parts as `00` or `dd`/`mm`), nationalities, passports and
//!   national ids with their additional information, positions, gender, places of birth,
//!   addresses (lines 1..5, line 6 as city, postcode, country), phone / e-mail / website,
//!   business registration and IMO numbers, ship flag / type / tonnage / year built / current
//!   owner, parent company and subsidiaries (as links).
//!
//! A row (a `Designation`) is rejected, strict or lenient as usual, when it has the wrong
//! number of cells, no Unique ID, an unknown type or name type, or a type that contradicts
//! earlier rows of its Unique ID; a party left with no name at all is rejected at its first
//! row. A cut file is always an error.

use crate::ofac_xml_util::{Node, XmlStream, expect_root};
use crate::uk_ofsi::{
    CsvRows, Groups, OFSI_GROUP_LABEL, UK_REF_LABEL, UN_REF_LABEL, add_address, add_birth_dates,
    add_birth_places, add_designation, add_documents, add_identifier, add_latin_name,
    add_nationalities, add_original_script_name, add_positions, add_remark, add_titles, apply_fact,
    entity_kind, labelled_facts, name_kind, tidy, uk_date,
};
use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::{Entity, IdKind};
use std::collections::HashMap;

/// The authority of this list, as [`sanctum_model::Designation::authority`].
pub const AUTHORITY: &str = "UK FCDO";
/// The list's name, as [`sanctum_model::Designation::list`].
pub const LIST: &str = "UK Sanctions List";

/// CSV columns holding a fact that [`apply_fact`] files, with the fact's label.
const CSV_FACTS: [(&str, &str); 19] = [
    ("phone number", "Phone number"),
    ("website", "Website"),
    ("email address", "Email address"),
    ("gender", "Gender"),
    ("type of entity", "Type of entity"),
    ("subsidiaries", "Subsidiaries"),
    ("parent company", "Parent company"),
    ("business registration number (s)", "Business Reg No"),
    ("imo number", "IMO number"),
    ("current owner/operator (s)", "Current owners"),
    ("previous owner/operator (s)", "Previous owners"),
    ("current believed flag of ship", "Flag of ship"),
    ("previous flags", "Previous flags"),
    ("type of ship", "Type of ship"),
    ("tonnage of ship", "Tonnage of ship"),
    ("length of ship", "Length of ship"),
    ("year built", "Year built"),
    (
        "hull identification number (hin)",
        "Hull identification number",
    ),
    ("designation source", "Designation source"),
];

/// One party's values from one CSV row or one XML `Designation`.
#[derive(Debug, Default)]
struct Record {
    line: u64,
    unique_id: String,
    kind: String,
    ofsi_group_id: String,
    un_reference: String,
    regime: String,
    date_designated: String,
    last_updated: String,
    sanctions_imposed: String,
    other_information: String,
    statement_of_reasons: String,
    /// (Name 1..5 + Name 6, name type, alias strength).
    names: Vec<([String; 6], String, String)>,
    /// (name, script, language).
    non_latin_names: Vec<(String, String, String)>,
    titles: Vec<String>,
    /// (lines 1..6, postcode, country).
    addresses: Vec<([String; 6], String, String)>,
    dobs: Vec<String>,
    nationalities: Vec<String>,
    /// (number, additional information).
    passports: Vec<(String, String)>,
    national_ids: Vec<(String, String)>,
    positions: Vec<String>,
    /// (town, country).
    birth_places: Vec<(String, String)>,
    facts: Vec<(&'static str, String)>,
}

fn six(values: &[String; 6]) -> [&str; 6] {
    [
        &values[0], &values[1], &values[2], &values[3], &values[4], &values[5],
    ]
}

/// Adds a record to its party; the error is why the record is bad.
fn add_record(source: &str, groups: &mut Groups, record: &Record) -> Result<(), String> {
    let key = tidy(&record.unique_id);
    if key.is_empty() {
        return Err("missing Unique ID".to_string());
    }
    let kind = entity_kind(&record.kind)
        .ok_or_else(|| format!("{key}: unknown designation type {:?}", record.kind))?;
    let mut name_kinds = Vec::new();
    for (parts, name_type, strength) in &record.names {
        if parts.iter().all(|p| p.trim().is_empty()) {
            continue;
        }
        let name_kind = name_kind(name_type, strength)
            .ok_or_else(|| format!("{key}: unknown name type {name_type:?}"))?;
        name_kinds.push((parts, name_kind));
    }
    let entity = groups.entity(&key, kind, record.line, || {
        let mut e = Entity::new(source, key.as_str(), kind);
        add_identifier(&mut e, IdKind::Other, UK_REF_LABEL, &key);
        e
    })?;
    for (parts, name_kind) in name_kinds {
        add_latin_name(entity, &six(parts), name_kind);
    }
    for (name, script, lang) in &record.non_latin_names {
        add_original_script_name(entity, name, script, lang);
    }
    for title in &record.titles {
        add_titles(entity, title);
    }
    add_identifier(
        entity,
        IdKind::Other,
        OFSI_GROUP_LABEL,
        &record.ofsi_group_id,
    );
    for un_ref in crate::uk_ofsi::split_numbered(&record.un_reference) {
        add_identifier(entity, IdKind::Other, UN_REF_LABEL, &un_ref);
    }
    for dob in &record.dobs {
        add_birth_dates(entity, dob, "D.O.B");
    }
    for (town, country) in &record.birth_places {
        add_birth_places(entity, town, country);
    }
    for nationality in &record.nationalities {
        add_nationalities(entity, nationality);
    }
    for (number, info) in &record.passports {
        add_documents(entity, IdKind::Passport, number, info);
    }
    for (number, info) in &record.national_ids {
        add_documents(entity, IdKind::NationalId, number, info);
    }
    for position in &record.positions {
        add_positions(entity, position);
    }
    for (lines, post_code, country) in &record.addresses {
        add_address(entity, &six(lines), post_code, country);
    }
    for (label, value) in &record.facts {
        apply_fact(entity, label, value, false);
    }
    if !record.sanctions_imposed.trim().is_empty() {
        add_remark(
            entity,
            &format!("Sanctions Imposed: {}", record.sanctions_imposed),
        );
    }
    add_remark(entity, &record.other_information);
    for (label, value) in labelled_facts(&record.other_information) {
        apply_fact(entity, label, value, true);
    }
    add_remark(entity, &record.statement_of_reasons);
    add_designation(
        entity,
        AUTHORITY,
        LIST,
        &record.regime,
        &[("Date Designated", &record.date_designated)],
    );
    if !record.last_updated.trim().is_empty() {
        add_remark(
            entity,
            &format!("Last Updated: {}", tidy(&record.last_updated)),
        );
    }
    Ok(())
}

/// Moves parties that ended up with no name into the skipped rows (or fails, in strict mode).
fn finish(
    file: &str,
    groups: Groups,
    mut parsed: Parsed,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    for (entity, line) in groups.entities.into_iter().zip(groups.first_lines) {
        if entity.names.is_empty() {
            let row = RowError {
                file: file.to_string(),
                line,
                reason: format!("{}: no name", entity.source_id),
            };
            parsed.reject_row(opts, row)?;
        } else {
            parsed.entities.push(entity);
        }
    }
    Ok(parsed)
}

fn record_from_cells(index: &HashMap<String, usize>, line: u64, cells: &[String]) -> Record {
    let get = |column: &str| -> String {
        index
            .get(column)
            .and_then(|&i| cells.get(i))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let mut facts = Vec::new();
    for (column, label) in CSV_FACTS {
        let value = get(column);
        if !value.is_empty() {
            facts.push((label, value));
        }
    }
    Record {
        line,
        unique_id: get("unique id"),
        kind: get("designation type"),
        ofsi_group_id: get("ofsi group id"),
        un_reference: get("un reference number"),
        regime: get("regime name"),
        date_designated: get("date designated"),
        last_updated: get("last updated"),
        sanctions_imposed: get("sanctions imposed"),
        other_information: get("other information"),
        statement_of_reasons: get("uk statement of reasons"),
        names: vec![(
            [
                get("name 1"),
                get("name 2"),
                get("name 3"),
                get("name 4"),
                get("name 5"),
                get("name 6"),
            ],
            get("name type"),
            get("alias strength"),
        )],
        non_latin_names: vec![(
            get("name non-latin script"),
            get("non-latin script type"),
            get("non-latin script language"),
        )],
        titles: vec![get("title")],
        addresses: vec![(
            [
                get("address line 1"),
                get("address line 2"),
                get("address line 3"),
                get("address line 4"),
                get("address line 5"),
                get("address line 6"),
            ],
            get("address postal code"),
            get("address country"),
        )],
        dobs: vec![get("d.o.b")],
        nationalities: vec![get("nationality(/ies)")],
        passports: vec![(
            get("passport number"),
            get("passport additional information"),
        )],
        national_ids: vec![(
            get("national identifier number"),
            get("national identifier additional information"),
        )],
        positions: vec![get("position")],
        birth_places: vec![(get("town of birth"), get("country of birth"))],
        facts,
    }
}

/// Reads `UK-Sanctions-List.csv`. Not yet tested on a full real file (see the module doc).
pub fn parse_csv(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let file = input.name.clone();
    let mut parsed = Parsed::default();
    let mut groups = Groups::new();
    let mut header: Option<(HashMap<String, usize>, usize)> = None;
    let rows = CsvRows::new(&file, input.reader);
    rows.for_each(|row| {
        let Some((index, width)) = &header else {
            if row
                .cells
                .iter()
                .any(|c| tidy(c).eq_ignore_ascii_case("Unique ID"))
            {
                let index = row
                    .cells
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (tidy(h).to_ascii_lowercase(), i))
                    .collect();
                header = Some((index, row.cells.len()));
            } else if let Some(date) = row
                .cells
                .first()
                .and_then(|c| c.trim().strip_prefix("Report Date:"))
            {
                parsed.published = uk_date(date);
            }
            return Ok(());
        };
        let width = *width;
        let result = if row.cells.len() != width {
            let reason = format!("expected {width} cells, found {}", row.cells.len());
            if row.last && row.cells.len() < width {
                return Err(ParseError::format(
                    &file,
                    format!(
                        "truncated file: the last row (line {}) is cut short: {reason}",
                        row.line
                    ),
                ));
            }
            Err(reason)
        } else {
            add_record(
                source,
                &mut groups,
                &record_from_cells(index, row.line, &row.cells),
            )
        };
        match result {
            Ok(()) => Ok(()),
            Err(reason) => parsed.reject_row(
                opts,
                RowError {
                    file: file.clone(),
                    line: row.line,
                    reason,
                },
            ),
        }
    })?;
    if header.is_none() {
        return Err(ParseError::format(
            &file,
            "not a UK Sanctions List CSV: no header with a \"Unique ID\" column",
        ));
    }
    finish(&file, groups, parsed, opts)
}

// ---- XML ----

/// The text of a child element, matched ignoring case.
fn child_text(node: &Node, name: &str) -> String {
    node.children
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case(name))
        .and_then(Node::text)
        .unwrap_or("")
        .to_string()
}

/// Every element named `name` (ignoring case) inside `node`, at any depth, in document order.
fn descendants<'n>(node: &'n Node, name: &str, out: &mut Vec<&'n Node>) {
    for child in &node.children {
        if child.name.eq_ignore_ascii_case(name) {
            out.push(child);
        }
        descendants(child, name, out);
    }
}

fn descendant_texts(node: &Node, name: &str) -> Vec<String> {
    let mut found = Vec::new();
    descendants(node, name, &mut found);
    found
        .into_iter()
        .filter_map(Node::text)
        .map(str::to_string)
        .collect()
}

/// The elements inside `node` that have a child named `child` (a passport has a
/// `PassportNumber`), wherever they sit.
fn holders<'n>(node: &'n Node, child: &str, out: &mut Vec<&'n Node>) {
    for c in &node.children {
        if c.children
            .iter()
            .any(|g| g.name.eq_ignore_ascii_case(child))
        {
            out.push(c);
        }
        holders(c, child, out);
    }
}

/// XML leaf elements holding a fact, with the fact's label.
const XML_FACTS: [(&str, &str); 18] = [
    ("PhoneNumber", "Phone number"),
    ("EmailAddress", "Email address"),
    ("Website", "Website"),
    ("Gender", "Gender"),
    ("TypeOfEntity", "Type of entity"),
    ("Subsidiary", "Subsidiaries"),
    ("ParentCompany", "Parent company"),
    ("BusinessRegistrationNumber", "Business Reg No"),
    ("IMONumber", "IMO number"),
    ("CurrentOwnerOperator", "Current owners"),
    ("PreviousOwnerOperator", "Previous owners"),
    ("CurrentBelievedFlagOfShip", "Flag of ship"),
    ("PreviousFlag", "Previous flags"),
    ("TypeOfShip", "Type of ship"),
    ("TonnageOfShip", "Tonnage of ship"),
    ("LengthOfShip", "Length of ship"),
    ("YearBuilt", "Year built"),
    ("HullIdentificationNumber", "Hull identification number"),
];

fn record_from_xml(node: &Node) -> Record {
    let text = |name: &str| child_text(node, name);
    let mut record = Record {
        line: node.line,
        unique_id: text("UniqueID"),
        kind: text("IndividualEntityShip"),
        ofsi_group_id: text("OFSIGroupID"),
        un_reference: text("UNReferenceNumber"),
        regime: text("RegimeName"),
        date_designated: text("DateDesignated"),
        last_updated: text("LastUpdated"),
        sanctions_imposed: text("SanctionsImposed"),
        other_information: text("OtherInformation"),
        statement_of_reasons: text("UKStatementofReasons"),
        ..Record::default()
    };
    let designation_source = text("DesignationSource");
    if !designation_source.is_empty() {
        record
            .facts
            .push(("Designation source", designation_source));
    }
    let mut names = Vec::new();
    holders(node, "NameType", &mut names);
    for extra in ["Name6", "Name1"] {
        let mut more = Vec::new();
        holders(node, extra, &mut more);
        for n in more {
            if !names.iter().any(|m| std::ptr::eq(*m, n)) {
                names.push(n);
            }
        }
    }
    for name in names {
        let parts = [
            child_text(name, "Name1"),
            child_text(name, "Name2"),
            child_text(name, "Name3"),
            child_text(name, "Name4"),
            child_text(name, "Name5"),
            child_text(name, "Name6"),
        ];
        record.names.push((
            parts,
            child_text(name, "NameType"),
            child_text(name, "AliasStrength"),
        ));
    }
    let mut non_latin = Vec::new();
    holders(node, "NameNonLatinScript", &mut non_latin);
    for n in non_latin {
        record.non_latin_names.push((
            child_text(n, "NameNonLatinScript"),
            child_text(n, "NonLatinScriptType"),
            child_text(n, "NonLatinScriptLanguage"),
        ));
    }
    record.titles = descendant_texts(node, "Title");
    let mut addresses = Vec::new();
    holders(node, "AddressLine1", &mut addresses);
    for extra in ["AddressLine6", "AddressCountry"] {
        let mut more = Vec::new();
        holders(node, extra, &mut more);
        for a in more {
            if !addresses.iter().any(|m| std::ptr::eq(*m, a)) {
                addresses.push(a);
            }
        }
    }
    for a in addresses {
        record.addresses.push((
            [
                child_text(a, "AddressLine1"),
                child_text(a, "AddressLine2"),
                child_text(a, "AddressLine3"),
                child_text(a, "AddressLine4"),
                child_text(a, "AddressLine5"),
                child_text(a, "AddressLine6"),
            ],
            child_text(a, "AddressPostalCode"),
            child_text(a, "AddressCountry"),
        ));
    }
    record.dobs = descendant_texts(node, "DOB");
    record.nationalities = descendant_texts(node, "Nationality");
    record.positions = descendant_texts(node, "Position");
    let mut passports = Vec::new();
    holders(node, "PassportNumber", &mut passports);
    record.passports = passports
        .into_iter()
        .map(|p| {
            (
                child_text(p, "PassportNumber"),
                child_text(p, "PassportAdditionalInformation"),
            )
        })
        .collect();
    let mut national_ids = Vec::new();
    holders(node, "NationalIdentifierNumber", &mut national_ids);
    record.national_ids = national_ids
        .into_iter()
        .map(|p| {
            (
                child_text(p, "NationalIdentifierNumber"),
                child_text(p, "NationalIdentifierAdditionalInformation"),
            )
        })
        .collect();
    let mut places = Vec::new();
    holders(node, "TownOfBirth", &mut places);
    let mut more = Vec::new();
    holders(node, "CountryOfBirth", &mut more);
    for p in more {
        if !places.iter().any(|m| std::ptr::eq(*m, p)) {
            places.push(p);
        }
    }
    record.birth_places = places
        .into_iter()
        .map(|p| {
            (
                child_text(p, "TownOfBirth"),
                child_text(p, "CountryOfBirth"),
            )
        })
        .collect();
    for (element, label) in XML_FACTS {
        for value in descendant_texts(node, element) {
            record.facts.push((label, value));
        }
    }
    record
}

/// Reads `UK-Sanctions-List.xml`. Not yet tested on a full real file (see the module doc).
pub fn parse_xml(
    source: &str,
    input: Input<'_>,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let mut xml = XmlStream::new(input, &opts.limits);
    expect_root(&mut xml, "Designations", "a UK Sanctions List XML file")?;
    let file = xml.file().to_string();
    let mut parsed = Parsed::default();
    let mut groups = Groups::new();
    while let Some(start) = xml.next_start()? {
        if start.depth != 1 {
            continue;
        }
        match start.name.as_str() {
            "Designation" => {
                let node = xml.read_node(start)?;
                let record = record_from_xml(&node);
                if let Err(reason) = add_record(source, &mut groups, &record) {
                    parsed.reject_row(opts, xml.row_error(node.line, reason))?;
                }
            }
            "DateGenerated" => {
                let node = xml.read_node(start)?;
                parsed.published = node.text().and_then(uk_date);
            }
            _ => {}
        }
    }
    finish(&file, groups, parsed, opts)
}

/// Whether a file's first bytes look like the UK Sanctions List CSV: a header with
/// `Unique ID` and `Designation Type`, or the `Report Date:` line.
pub fn sniff_csv(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');
    !text.trim_start().starts_with('<')
        && (text.starts_with("Report Date:")
            || (text.contains("Unique ID") && text.contains("Designation Type")))
}

/// Whether a file's first bytes look like the UK Sanctions List XML: root `Designations`
/// with FCDO elements.
pub fn sniff_xml(head: &[u8], _file_name: &str) -> bool {
    let text = String::from_utf8_lossy(head);
    text.contains("<Designations")
        && (text.contains("<UniqueID")
            || text.contains("<IndividualEntityShip")
            || text.contains("<DateGenerated")
            || text.contains("<OFSIGroupID"))
}
