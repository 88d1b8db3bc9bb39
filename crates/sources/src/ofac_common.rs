//! What every OFAC format shares: party types, program tags, and the labels OFAC gives
//! identifying documents (the `idType` of the XML, the clause keys of CSV remarks).

use sanctum_model::{EntityKind, IdKind, Link};

pub const AUTHORITY: &str = "US OFAC";
pub const LIST_SDN: &str = "SDN";
pub const LIST_CONSOLIDATED: &str = "Non-SDN Consolidated";

/// The party kind from an OFAC type word ("individual", "Entity", "-0-", "vessel", …).
pub fn kind_from_type(word: &str) -> EntityKind {
    match word.trim().to_ascii_lowercase().as_str() {
        "individual" | "person" => EntityKind::Person,
        "vessel" => EntityKind::Vessel,
        "aircraft" => EntityKind::Aircraft,
        _ => EntityKind::Organization,
    }
}

/// Splits an OFAC program cell: `IRAN] [SDGT] [IFSR` → ["IRAN", "SDGT", "IFSR"].
/// Brackets left at either end (`[SDGT]`) are tolerated.
pub fn split_programs(cell: &str) -> Vec<String> {
    cell.split("] [")
        .map(|p| {
            p.trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
        })
        .filter(|p| !p.is_empty() && *p != "-0-")
        .map(str::to_string)
        .collect()
}

/// What an OFAC id label denotes. `None` for labels that are facts rather than identifiers
/// ("Gender", "Organization Established Date", "Secondary sanctions risk:", "Target Type",
/// directive determinations…): callers route those elsewhere or keep them as remarks.
pub fn id_kind_for_label(label: &str) -> Option<IdKind> {
    let l = label.trim().trim_end_matches(':').trim();
    let lower = l.to_ascii_lowercase();
    // Facts first: "Nationality of Registration" is no registration number.
    if is_fact_label(&lower) {
        return None;
    }
    let kind = if lower.starts_with("digital currency address") {
        IdKind::CryptoWallet
    } else if lower.contains("passport") || lower == "travel document number" {
        IdKind::Passport
    } else if lower == "swift/bic" {
        IdKind::SwiftBic
    } else if lower == "legal entity number" || lower == "lei" {
        IdKind::Lei
    } else if lower == "mmsi" {
        IdKind::Mmsi
    } else if lower.contains("call sign") {
        IdKind::CallSign
    } else if lower.starts_with("vessel registration identification") || lower == "imo" {
        // OFAC writes IMO numbers as "Vessel Registration Identification IMO 1234567".
        IdKind::Imo
    } else if lower.starts_with("aircraft tail number")
        || lower.starts_with("previous aircraft tail number")
    {
        IdKind::AircraftTail
    } else if lower.starts_with("aircraft construction number")
        || lower.starts_with("aircraft manufacturer's serial number")
    {
        IdKind::AircraftSerial
    } else if lower == "email address" || lower == "email" {
        IdKind::Email
    } else if lower == "website" {
        IdKind::Website
    } else if lower == "phone number" {
        IdKind::Phone
    } else if lower.contains("tax")
        || lower.contains("fiscal")
        || matches!(
            lower.as_str(),
            "r.f.c."
                | "rfc"
                | "nit #"
                | "ruc #"
                | "rif #"
                | "v.a.t. number"
                | "c.u.i.t."
                | "c.i.f."
                | "n.i.f."
                | "us fein"
                | "rtn"
                | "inn"
        )
    {
        IdKind::TaxId
    } else if lower.contains("national id")
        || lower.contains("personal id")
        || lower.contains("identification number")
        || lower.contains("identity")
        || lower.contains("id card")
        || lower.contains("id no")
        || matches!(
            lower.as_str(),
            "cedula no."
                | "c.u.r.p."
                | "d.n.i."
                | "ssn"
                | "n.i.e."
                | "c.i.n."
                | "tazkira national id card"
                | "numero de identidad"
                | "le number"
        )
    {
        IdKind::NationalId
    } else if lower.contains("registration")
        || lower.contains("registry")
        || lower.contains("register")
        || lower.contains("company number")
        || lower.contains("business number")
        || lower.contains("incorporation")
        || lower.contains("chamber of")
        || lower.contains("enterprise number")
        || lower.contains("uscc")
        || lower.contains("license")
        || lower.contains("matricula")
        || lower.contains("folio mercantil")
        || lower.contains("ogrn")
        || lower == "bik (ru)"
        || lower == "d-u-n-s number"
        || lower == "c.r. no."
        || lower == "branch unit number"
    {
        IdKind::Registration
    } else {
        IdKind::Other
    };
    Some(kind)
}

fn is_fact_label(lower: &str) -> bool {
    lower == "gender"
        || lower.starts_with("organization established date")
        || lower.starts_with("organization type")
        || lower.starts_with("target type")
        || lower.starts_with("secondary sanctions risk")
        || lower.starts_with("additional sanctions information")
        || lower.starts_with("executive order")
        || lower.starts_with("transactions prohibited")
        || lower.starts_with("ifca determination")
        || lower.starts_with("caatsa")
        || lower.starts_with("aircraft manufacture date")
        || lower.starts_with("aircraft model")
        || lower.starts_with("aircraft operator")
        || lower.starts_with("aircraft mode s")
        || lower.starts_with("vessel year of build")
        || lower.starts_with("vessel flag")
        || lower.starts_with("nationality of registration")
        || lower.starts_with("other vessel flag")
        || lower.starts_with("other vessel type")
        || lower.starts_with("listing date")
        || lower.starts_with("equity ticker")
        || lower.starts_with("isin")
        || lower.starts_with("effective date")
        || lower.starts_with("purchase/sales")
}

/// The parties a remark names as "Linked To: NAME" (one or several, in parentheses).
pub fn linked_to(remarks: &str) -> Vec<Link> {
    const MARKER: &str = "Linked To:";
    let mut out = Vec::new();
    let mut rest = remarks;
    while let Some(i) = rest.find(MARKER) {
        let after = &rest[i + MARKER.len()..];
        let mut depth = 0usize;
        let mut end = after.len();
        for (pos, ch) in after.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = pos;
                    break;
                }
                ')' => depth -= 1,
                ';' if depth == 0 => {
                    end = pos;
                    break;
                }
                _ => {}
            }
        }
        let target = after[..end].trim();
        if !target.is_empty() {
            out.push(Link {
                relation: "Linked To".to_string(),
                target_name: Some(target.to_string()),
                target_id: None,
                record: None,
            });
        }
        rest = &after[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linked_to_names_are_read_from_remarks() {
        let links = linked_to("(Linked To: HUAWEI INVESTMENT & HOLDING CO., LTD.)");
        assert_eq!(links.len(), 1);
        assert_eq!(
            links[0].target_name.as_deref(),
            Some("HUAWEI INVESTMENT & HOLDING CO., LTD.")
        );
        let two = linked_to("Linked To: A (B) LLC; Linked To: C)");
        let names: Vec<_> = two
            .iter()
            .filter_map(|l| l.target_name.as_deref())
            .collect();
        assert_eq!(names, ["A (B) LLC", "C"]);
    }

    #[test]
    fn programs_split_on_ofac_separator() {
        assert_eq!(
            split_programs("IRAN] [SDGT] [IFSR"),
            vec!["IRAN", "SDGT", "IFSR"]
        );
        assert_eq!(split_programs("[SDGT]"), vec!["SDGT"]);
        assert!(split_programs("-0- ").is_empty());
    }

    #[test]
    fn every_published_id_label_is_classified() {
        // The labels OFAC publishes; none may fall through to "Other" unless it is a fact.
        let cases = [
            ("Passport", Some(IdKind::Passport)),
            ("Diplomatic Passport", Some(IdKind::Passport)),
            ("Tax ID No.", Some(IdKind::TaxId)),
            ("National ID No.", Some(IdKind::NationalId)),
            ("Cedula No.", Some(IdKind::NationalId)),
            ("Registration Number", Some(IdKind::Registration)),
            (
                "Unified Social Credit Code (USCC)",
                Some(IdKind::Registration),
            ),
            ("BIK (RU)", Some(IdKind::Registration)),
            ("SWIFT/BIC", Some(IdKind::SwiftBic)),
            ("Legal Entity Number", Some(IdKind::Lei)),
            ("MMSI", Some(IdKind::Mmsi)),
            ("Other Vessel Call Sign", Some(IdKind::CallSign)),
            ("Vessel Registration Identification", Some(IdKind::Imo)),
            ("Aircraft Tail Number", Some(IdKind::AircraftTail)),
            (
                "Aircraft Manufacturer's Serial Number (MSN)",
                Some(IdKind::AircraftSerial),
            ),
            ("Digital Currency Address - XBT", Some(IdKind::CryptoWallet)),
            ("Gender", None),
            ("Secondary sanctions risk:", None),
            ("Organization Established Date", None),
            ("Nationality of Registration", None),
        ];
        for (label, want) in cases {
            assert_eq!(id_kind_for_label(label), want, "{label}");
        }
    }
}
