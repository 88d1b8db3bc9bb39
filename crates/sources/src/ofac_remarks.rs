//! The Remarks text of OFAC's legacy files (sdn.csv, cons_prim.csv), read into the model.
//!
//! OFAC's CSV carries birth dates, places, nationalities, documents, weak a.k.a.s and links
//! only as `; `-separated clauses of free text:
//! `DOB 09 Nov 1952; POB Leninakan, Armenia; nationality Finland; Tax ID No. 781012626436
//! (Russia); a.k.a. 'ZAHAR, Mahmoud'; Linked To: OOO VOLGA GROUP.`
//! [`apply_remarks`] turns each clause it understands into a field of the entity and keeps
//! every other clause, as published, in [`Entity::remarks`], so nothing is lost.

use crate::ofac_common;
use sanctum_model::date::{parse_date_text, parse_single_date};
use sanctum_model::{
    DateValue, Entity, EntityKind, Gender, IdKind, Identifier, Link, Name, NameKind, NamePart,
    NamePartKind, Text, country,
};

/// The document labels OFAC uses in remarks: its published idType list
/// (`schemas/ofac_id_types.csv`) plus the labels seen in the files that the list lacks.
pub const KNOWN_ID_LABELS: &[&str] = &[
    "Passport",
    "Tax ID No.",
    "Registration Number",
    "National ID No.",
    "Cedula No.",
    "C.U.R.P.",
    "R.F.C.",
    "Government Gazette Number",
    "Identification Number",
    "NIT #",
    "Registration ID",
    "Business Registration Number",
    "Company Number",
    "Folio Mercantil No.",
    "RUC #",
    "Commercial Registry Number",
    "V.A.T. Number",
    "Trade License No.",
    "C.R. No.",
    "Legal Entity Number",
    "Unified Social Credit Code (USCC)",
    "License",
    "Matricula Mercantil No",
    "D.N.I.",
    "D-U-N-S Number",
    "Economic Register Number (CBLS)",
    "Business Registration Document #",
    "Driver's License No.",
    "Istanbul Chamber of Comm. No.",
    "Central Registration System Number",
    "RIF #",
    "BIK (RU)",
    "Business Number",
    "Diplomatic Passport",
    "Electoral Registry No.",
    "RFC",
    "Chamber of Commerce Number",
    "National Foreign ID Number",
    "Personal ID Card",
    "Enterprise Number",
    "Italian Fiscal Code",
    "Credencial electoral",
    "Public Registration Number",
    "UK Company Number",
    "C.U.I.",
    "Cartilla de Servicio Militar Nacional",
    "I.F.E.",
    "Permit Number",
    "Residency Number",
    "US FEIN",
    "Dubai Chamber of Commerce Membership No.",
    "SSN",
    "Registered Charity No.",
    "Vessel Registration Identification",
    "Branch Unit Number",
    "Certificate of Incorporation Number",
    "Numero de Identidad",
    "Turkish Identification Number",
    "C.U.I.T.",
    "Citizen's Card Number",
    "LE Number",
    "United Social Credit Code Certificate (USCCC)",
    "Kenyan ID No.",
    "RTN",
    "Travel Document Number",
    "C.U.I.P.",
    "VisaNumberID",
    "File Number",
    "SRE Permit No.",
    "Paraguayan tax identification number",
    "Refugee ID Card",
    "Romanian C.R.",
    "Tazkira National ID Card",
    "Afghan Money Service Provider License Number",
    "C.I.F.",
    "Immigration No.",
    "Numero Unico de Identificacao Tributaria (NUIT)",
    "Pilot License Number",
    "Bosnian Personal ID No.",
    "British National Overseas Passport",
    "Fiscal Code",
    "MSB Registration Number",
    "Moroccan Personal ID No.",
    "N.I.E.",
    "N.I.F.",
    "Public Security and Immigration No.",
    "Romanian Permanent Resident",
    "Romanian Tax Registration",
    "Seafarer's Identification Document",
    "Stateless Person ID Card",
    "Stateless Person Passport",
    "Tourism License No.",
    "Trademark number",
    "UAE Identification",
    "Aircraft Construction Number (also called L/N or S/N or F/N)",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
    "MMSI",
    "Other Vessel Call Sign",
    "Previous Aircraft Tail Number",
    "SWIFT/BIC",
    "Military Registration Number",
    "C.I.N.",
    "Registration Certificate Number (Dubai)",
    "Russian State Individual Business Registration Number Pattern (OGRNIP)",
    // Seen in the files, absent from the idType list.
    "Email Address",
    "Email",
    "Website",
    "Birth Certificate Number",
    "Phone Number",
    "Telephone No.",
    "Telephone",
    "Fax No.",
    "Fax",
    "Phone",
];

/// Words conventionally written with a final period: a remark ending in one keeps its period
/// ("Linked To: TROCANA WORLD INC."), any other final period ends the text.
const ABBREVIATIONS: &[&str] = &[
    "INC", "LTD", "LTDA", "CO", "CORP", "CIA", "JR", "SR", "BHD", "PTY", "PTE", "PVT", "ST", "NO",
];

/// Fills `entity` from an OFAC remarks text (the Remarks cell, with any sdn_comments.csv
/// continuation appended). Clauses equal to one of the entity's titles are dropped, as the
/// title is already held; clauses not understood are kept verbatim in `entity.remarks`.
pub fn apply_remarks(entity: &mut Entity, text: &str) {
    let text = strip_final_period(text.trim());
    for clause in split_clauses(text) {
        if !apply_clause(entity, clause) {
            entity.remarks.push(Text::new(clause));
        }
    }
}

/// Splits remarks on `;`, except inside the quoted name of an a.k.a. clause
/// (`a.k.a. 'A; B'`). OFAC quotes names only there; elsewhere an apostrophe is a letter
/// ("Driver's License", "Said Jan 'Abd al-Salam").
pub fn split_clauses(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut at_clause_start = true;
    while i < bytes.len() {
        if at_clause_start {
            at_clause_start = false;
            if let Some(open) = quoted_name_start(&text[i..])
                && let Some(close) = name_closing_quote(bytes, i + open)
            {
                i = close + 1;
                continue;
            }
        }
        if bytes[i] == b';' {
            push_clause(&mut out, &text[start..i]);
            start = i + 1;
            at_clause_start = true;
        }
        i += 1;
    }
    push_clause(&mut out, &text[start..]);
    out
}

fn push_clause<'t>(out: &mut Vec<&'t str>, clause: &'t str) {
    let clause = clause.trim();
    if !clause.is_empty() {
        out.push(clause);
    }
}

const NAME_KEYS: [(&str, NameKind); 3] = [
    // Remarks a.k.a.s are OFAC's weak aliases; the strong ones are in alt.csv.
    ("a.k.a.", NameKind::WeakAlias),
    ("n.k.a.", NameKind::WeakAlias),
    ("f.k.a.", NameKind::Former),
];

/// The offset of the opening quote when `rest` starts an a.k.a. clause with a quoted name.
fn quoted_name_start(rest: &str) -> Option<usize> {
    let body = rest.trim_start();
    let body = strip_prefix_ci(body, "alt. ").unwrap_or(body);
    let value = NAME_KEYS
        .iter()
        .find_map(|(key, _)| strip_prefix_ci(body, key))?
        .trim_start();
    value.starts_with('\'').then(|| rest.len() - value.len())
}

/// The quote closing a name opened at `open`: the first quote followed by `;` or the end
/// (or by a final period). Names may hold quotes themselves: `''ABD-AL-'IZ'`.
fn name_closing_quote(bytes: &[u8], open: usize) -> Option<usize> {
    (open + 2..bytes.len()).find(|&j| {
        bytes[j] == b'\''
            && match bytes.get(j + 1) {
                None | Some(b';') => true,
                Some(b'.') => matches!(bytes.get(j + 2), None | Some(b';')),
                _ => false,
            }
    })
}

fn strip_final_period(text: &str) -> &str {
    let Some(body) = text.strip_suffix('.') else {
        return text;
    };
    let last_word = body.rsplit([' ', ';', ',']).next().unwrap_or(body);
    let is_initials = last_word.contains('.')
        && last_word
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b == b'.');
    if is_initials || ABBREVIATIONS.contains(&last_word) {
        text
    } else {
        body
    }
}

/// `clause` without a leading `prefix`, compared case-insensitively.
fn strip_prefix_ci<'t>(clause: &'t str, prefix: &str) -> Option<&'t str> {
    let head = clause.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        clause.get(prefix.len()..)
    } else {
        None
    }
}

/// The value after a key and a space (`DOB 1960`; older entries write `POB: Keren`), or
/// `None` when the clause has another key or no value.
fn value_after<'t>(clause: &'t str, key: &str) -> Option<&'t str> {
    let rest = strip_prefix_ci(clause, key)?;
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    let rest = rest.strip_prefix(' ')?.trim();
    (!rest.is_empty()).then_some(rest)
}

/// The longest known document label the clause starts with (followed by a space).
pub fn longest_known_label(clause: &str) -> Option<&'static str> {
    KNOWN_ID_LABELS
        .iter()
        .copied()
        .filter(|label| value_after(clause, label).is_some())
        .max_by_key(|label| label.len())
}

/// Applies one clause; false when the clause is not understood and must stay a remark.
fn apply_clause(entity: &mut Entity, clause: &str) -> bool {
    let body = strip_prefix_ci(clause, "alt. ").unwrap_or(clause).trim();
    if entity
        .titles
        .iter()
        .any(|t| t.value.eq_ignore_ascii_case(body))
    {
        return true;
    }
    if let Some(v) = value_after(body, "DOB") {
        return push_date(entity, v);
    }
    if let Some(v) = value_after(body, "POB") {
        if !entity.birth_places.iter().any(|p| p.value == v) {
            entity.birth_places.push(Text::new(v));
        }
        return true;
    }
    if let Some(v) = value_after(body, "Nationality of Registration") {
        return set_flag(entity, v);
    }
    if let Some(v) = value_after(body, "nationality") {
        return push_country(&mut entity.nationalities, v);
    }
    if let Some(v) = value_after(body, "citizen") {
        return push_country(&mut entity.citizenships, v);
    }
    if let Some(v) = value_after(body, "Gender") {
        entity.gender = match v.to_ascii_lowercase().as_str() {
            "male" => Some(Gender::Male),
            "female" => Some(Gender::Female),
            _ => return false,
        };
        return true;
    }
    for (key, kind) in NAME_KEYS {
        if let Some(v) = value_after(body, key) {
            return push_quoted_names(entity, v, kind);
        }
    }
    if let Some(v) = value_after(body, "Linked To:") {
        push_link(entity, "Linked To", v);
        return true;
    }
    if let Some(v) = value_after(body, "Aircraft Operator") {
        push_link(entity, "Aircraft Operator", v);
        return true;
    }
    if let Some(v) = value_after(body, "Organization Established Date") {
        return push_date(entity, v);
    }
    for key in ["Vessel Year of Build", "Aircraft Manufacture Date"] {
        if let Some(v) = value_after(body, key) {
            return set_build_date(entity, v);
        }
    }
    if let Some(v) = value_after(body, "Aircraft Model") {
        if entity.craft.craft_type.is_none() {
            entity.craft.craft_type = Some(v.to_string());
            return true;
        }
        return entity.craft.craft_type.as_deref() == Some(v);
    }
    if let Some(rest) = strip_prefix_ci(body, "Digital Currency Address - ") {
        // "Digital Currency Address - XBT 1abc…": the currency is part of the label.
        let Some((currency, address)) = rest.trim().split_once(' ') else {
            return false;
        };
        let mut id = Identifier::new(IdKind::CryptoWallet, address.trim());
        id.label = Some(currency.to_string());
        return push_identifier(entity, id);
    }
    let Some(label) = longest_known_label(body) else {
        return false;
    };
    let Some(kind) = id_kind(label) else {
        return false;
    };
    let value = value_after(body, label).unwrap_or_default();
    match parse_id_value(kind, label, value) {
        Some(id) => push_identifier(entity, id),
        None => false,
    }
}

/// The identifier kind for a label: OFAC's common mapping, with telephone and fax numbers
/// (written "Telephone", "Fax No." in remarks) as phone numbers.
fn id_kind(label: &str) -> Option<IdKind> {
    let lower = label.to_ascii_lowercase();
    if lower.starts_with("telephone") || lower.starts_with("fax") || lower.starts_with("phone") {
        return Some(IdKind::Phone);
    }
    ofac_common::id_kind_for_label(label)
}

/// Reads a document value: `042833 (Lebanon)`, `A123 (Russia) issued 01 Jan 2010 expires
/// 01 Jan 2020`, `HRB 32490 (Mainz) (Germany)`. A trailing parenthesis that names a country
/// becomes the country, other trailing parentheses the note. `None` when no value is left.
pub fn parse_id_value(kind: IdKind, label: &str, value: &str) -> Option<Identifier> {
    let mut rest = value.trim();
    let mut notes: Vec<String> = Vec::new();
    let mut expires = None;
    let mut issued = None;
    if let Some(i) = rest.rfind(" expires ") {
        let text = rest[i + " expires ".len()..].trim();
        match parse_single_date(text) {
            Ok(d) => expires = Some(d),
            Err(_) => notes.push(format!("expires {text}")),
        }
        rest = rest[..i].trim_end();
    }
    if let Some(i) = rest.rfind(" issued ") {
        let text = rest[i + " issued ".len()..].trim();
        match parse_single_date(text) {
            Ok(d) => issued = Some(d),
            Err(_) => notes.push(format!("issued {text}")),
        }
        rest = rest[..i].trim_end();
    }
    let mut country_code = None;
    // Phone numbers are written "(357)(22660766)": their parentheses are the number.
    while kind != IdKind::Phone
        && let Some((head, inner)) = trailing_parenthesis(rest)
    {
        match country::code(inner) {
            Some(code) if country_code.is_none() => country_code = Some(code.to_string()),
            _ => notes.insert(0, inner.to_string()),
        }
        rest = head;
    }
    let mut value = rest.trim();
    if kind == IdKind::Imo {
        value = value.strip_prefix("IMO ").map(str::trim).unwrap_or(value);
    }
    if value.is_empty() || is_prose(value) {
        return None;
    }
    let mut id = Identifier::new(kind, value);
    id.label = Some(label.to_string());
    id.country = country_code;
    id.issued = issued;
    id.expires = expires;
    id.note = (!notes.is_empty()).then(|| notes.join("; "));
    Some(id)
}

/// A sentence rather than a number ("Passport and National ID were issued in Ulm"): such
/// clauses stay remarks.
fn is_prose(value: &str) -> bool {
    const LINK_WORDS: &[&str] = &["and", "or", "the", "of", "in", "were", "was", "under", "by"];
    value.split_whitespace().any(|w| LINK_WORDS.contains(&w))
}

/// Splits `text (inner)` into `text` and `inner` when the text ends in a parenthesis that
/// follows a space (so `D489833(9)` stays whole).
fn trailing_parenthesis(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_suffix(')')?;
    let open = body.rfind('(')?;
    let head = &body[..open];
    if !head.ends_with(' ') {
        return None;
    }
    Some((head.trim_end(), body[open + 1..].trim()))
}

fn push_identifier(entity: &mut Entity, id: Identifier) -> bool {
    if !entity.identifiers.contains(&id) {
        entity.identifiers.push(id);
    }
    true
}

fn push_date(entity: &mut Entity, text: &str) -> bool {
    let Ok(date) = parse_date_text(text) else {
        return false;
    };
    if !entity.birth_dates.iter().any(|d| d.date == date) {
        entity.birth_dates.push(DateValue { date, record: None });
    }
    true
}

fn set_build_date(entity: &mut Entity, text: &str) -> bool {
    let Ok(date) = parse_single_date(text) else {
        return false;
    };
    match entity.craft.build_date {
        None => {
            entity.craft.build_date = Some(date);
            true
        }
        Some(existing) => existing == date,
    }
}

fn set_flag(entity: &mut Entity, text: &str) -> bool {
    let flag = country::code(text).map_or_else(|| text.to_string(), str::to_string);
    match &entity.craft.flag {
        None => {
            entity.craft.flag = Some(flag);
            true
        }
        Some(existing) => *existing == flag,
    }
}

fn push_country(list: &mut Vec<sanctum_model::CountryValue>, text: &str) -> bool {
    match country::code(text) {
        Some(code) => {
            Entity::push_country(list, code, None);
            true
        }
        None => false,
    }
}

fn push_link(entity: &mut Entity, relation: &str, target: &str) {
    let link = Link {
        relation: relation.to_string(),
        target_name: Some(target.to_string()),
        target_id: None,
        record: None,
    };
    if !entity.links.contains(&link) {
        entity.links.push(link);
    }
}

/// `'NAME'` (the quotes are OFAC's; the name may hold quotes too), or an unquoted value.
fn push_quoted_names(entity: &mut Entity, text: &str, kind: NameKind) -> bool {
    let text = text.trim();
    let name = if text.contains('\'') {
        match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            Some(inner) if !inner.trim().is_empty() => inner.trim(),
            _ => return false,
        }
    } else {
        text
    };
    let name = ofac_name(name, kind, entity.kind, None);
    entity.push_name(name);
    true
}

/// A name as OFAC writes it. Individuals are "LAST, First Middle": the full name is kept as
/// published and split into family, given (first word) and middle (the other words) parts.
/// Other parties' names are one whole part.
pub fn ofac_name(full: &str, kind: NameKind, party: EntityKind, record: Option<String>) -> Name {
    let full = full.trim();
    let mut name = Name::new(full, kind).with_record(record);
    name.parts = name_parts(full, party);
    name
}

/// The parts of an OFAC name (see [`ofac_name`]).
pub fn name_parts(full: &str, party: EntityKind) -> Vec<NamePart> {
    let part = |kind, value: &str| NamePart {
        kind,
        value: value.to_string(),
    };
    let full = full.trim();
    if full.is_empty() {
        return Vec::new();
    }
    if party == EntityKind::Person
        && let Some((last, first)) = full.split_once(',')
    {
        let last = last.trim();
        let mut words = first.split_whitespace();
        let mut parts = Vec::new();
        if !last.is_empty() {
            parts.push(part(NamePartKind::Family, last));
        }
        if let Some(given) = words.next() {
            parts.push(part(NamePartKind::Given, given));
        }
        let middle = words.collect::<Vec<_>>().join(" ");
        if !middle.is_empty() {
            parts.push(part(NamePartKind::Middle, &middle));
        }
        return parts;
    }
    vec![part(NamePartKind::Whole, full)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> Entity {
        Entity::new("t", "1", EntityKind::Person)
    }

    #[test]
    fn clauses_do_not_split_inside_quoted_names() {
        assert_eq!(
            split_clauses("a.k.a. 'A; B'; Driver's License No. 1 (Mexico); a.k.a. 'C'"),
            vec![
                "a.k.a. 'A; B'",
                "Driver's License No. 1 (Mexico)",
                "a.k.a. 'C'"
            ]
        );
        // Apostrophes outside a.k.a. names are letters.
        assert_eq!(
            split_clauses("Passport 1 issued under the name Jan 'Abd; DOB 1960; a.k.a. 'X'"),
            vec![
                "Passport 1 issued under the name Jan 'Abd",
                "DOB 1960",
                "a.k.a. 'X'"
            ]
        );
        // A name cut off at the end of the text does not swallow the rest.
        assert_eq!(
            split_clauses("a.k.a. 'WHOIS HACKIN; DOB 1960"),
            vec!["a.k.a. 'WHOIS HACKIN", "DOB 1960"]
        );
        assert_eq!(
            split_clauses("alt. a.k.a. ''ABD-AL-'IZ'; a.k.a. 'B'."),
            vec!["alt. a.k.a. ''ABD-AL-'IZ'", "a.k.a. 'B'."]
        );
    }

    #[test]
    fn final_period_is_dropped_unless_an_abbreviation() {
        assert_eq!(
            strip_final_period("Linked To: HIZBALLAH."),
            "Linked To: HIZBALLAH"
        );
        assert_eq!(strip_final_period("Linked To: X INC."), "Linked To: X INC.");
        assert_eq!(strip_final_period("Linked To: X S.A."), "Linked To: X S.A.");
        assert_eq!(
            strip_final_period("Website www.x.com."),
            "Website www.x.com"
        );
        assert_eq!(strip_final_period("a.k.a. 'BNC'."), "a.k.a. 'BNC'");
    }

    #[test]
    fn identifiers_with_country_dates_and_notes() {
        let id = parse_id_value(
            IdKind::Passport,
            "Passport",
            "A123 (Russia) issued 01 Jan 2010 expires 01 Jan 2020",
        )
        .unwrap();
        assert_eq!(id.value, "A123");
        assert_eq!(id.country.as_deref(), Some("RU"));
        assert_eq!(id.issued.unwrap().to_string(), "2010-01-01");
        assert_eq!(id.expires.unwrap().to_string(), "2020-01-01");
        let id = parse_id_value(
            IdKind::Registration,
            "Registration Number",
            "HRB 32490 (Mainz) (Germany)",
        )
        .unwrap();
        assert_eq!(
            (id.value.as_str(), id.country.as_deref(), id.note.as_deref()),
            ("HRB 32490", Some("DE"), Some("Mainz"))
        );
        let id = parse_id_value(
            IdKind::NationalId,
            "National ID No.",
            "D489833(9) (Hong Kong)",
        )
        .unwrap();
        assert_eq!(id.value, "D489833(9)");
    }

    #[test]
    fn longest_label_wins() {
        assert_eq!(
            longest_known_label("Diplomatic Passport 123"),
            Some("Diplomatic Passport")
        );
        assert_eq!(longest_known_label("Passport 123"), Some("Passport"));
        assert_eq!(
            longest_known_label("Telephone No. 0096"),
            Some("Telephone No.")
        );
        assert_eq!(longest_known_label("Passport"), None);
        assert_eq!(longest_known_label("Fax: 0097282"), Some("Fax"));
    }

    #[test]
    fn remarks_fill_the_entity() {
        let mut e = person();
        apply_remarks(
            &mut e,
            "DOB circa 1970; alt. DOB 1955 to 1958; nationality Atlantis; Gender Female; \
             a.k.a. 'ZAHAR, Mahmoud'; f.k.a. 'OLD'; Digital Currency Address - ETH 0xabc; \
             Vessel Registration Identification IMO 9187629; Secondary sanctions risk: x.",
        );
        let dates: Vec<String> = e.birth_dates.iter().map(|d| d.date.to_string()).collect();
        assert_eq!(dates, vec!["~1970", "1955/1958"]);
        assert_eq!(e.gender, Some(Gender::Female));
        assert_eq!(e.names[0].full, "ZAHAR, Mahmoud");
        assert_eq!(e.names[0].kind, NameKind::WeakAlias);
        assert_eq!(e.names[0].part(NamePartKind::Family), Some("ZAHAR"));
        assert_eq!(e.names[1].kind, NameKind::Former);
        assert_eq!(e.identifiers[0].label.as_deref(), Some("ETH"));
        assert_eq!(e.identifiers[1].kind, IdKind::Imo);
        assert_eq!(e.identifiers[1].value, "9187629");
        let remarks: Vec<&str> = e.remarks.iter().map(|r| r.value.as_str()).collect();
        assert_eq!(
            remarks,
            vec!["nationality Atlantis", "Secondary sanctions risk: x"]
        );
    }
}
