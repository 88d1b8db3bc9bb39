//! FollowTheMoney (FtM) JSON lines in and out: the format of OpenSanctions'
//! `entities.ftm.json`, one JSON object `{id, schema, caption, properties, datasets, target}`
//! per line, every property a list of strings.
//!
//! # Writing
//!
//! [`write_entities`] writes a file of parties ([`FtmWriter`] streams one); [`write_entity`]
//! one party as if alone in its file. Each party is one line, then one line per sub-entity:
//!
//! | sanctum | FtM |
//! |---|---|
//! | [`EntityKind`] Person / Organization / Vessel / Aircraft / Unknown | `Person` / `Organization` / `Vessel` / `Airplane` / `LegalEntity`, `target: true` |
//! | party | id as [`ids`] says (`us-ofac-sdn-35096`), `datasets: [source]` |
//! | names: primary / alias / weak alias / former / original script | `name` / `alias` / `weakAlias` / `previousName` / `alias`; with no primary name, the first name is also the `name` FtM requires |
//! | parts of the first primary name | `firstName`, `middleName`, `lastName`, `fatherName`, `motherName` |
//! | birth dates | `birthDate` (Person), `incorporationDate` (other legal entities) |
//! | birth places, titles, positions, gender | `birthPlace`, `title`, `position`, `gender` (Person) |
//! | nationalities, citizenships | `nationality`, `citizenship` (Person); nationalities → `jurisdiction` (other legal entities) |
//! | countries | `country` |
//! | remarks | `notes` |
//! | craft info | `type` (vessel) or `model` (aircraft), `flag`, `tonnage`, `grossRegisteredTonnage`, `buildDate` |
//! | each identifier | a `Passport`, `CryptoWallet` or `Identification` entity `{holder, number, country, type, startDate, endDate, summary, recordId}` (a wallet: `{holder, publicKey, currency, country, summary}`), plus the party's own property where its schema has one and FtM's type keeps the value (`passportNumber`, `idNumber`, `taxNumber`, `registrationNumber`, `swiftBic`, `leiCode`, `imoNumber`, `mmsi`, `callSign`, `email`, `website`, `phone`, `serialNumber`) |
//! | each address | an `Address` entity `{full, street (one value per line), city, region, postalCode, country, remarks}`, plus the party's `address` (full text) and `addressEntity` |
//! | each designation | a `Sanction` entity `{entity, authority, summary (the list), program, listingDate, endDate, provisions (the legal basis), authorityId (the publisher id), recordId}`; the party gets `topics: ["sanction"]` |
//! | each link | an `UnknownLink` `{subject, object, role (the relation), summary (the target's name), recordId}` |
//!
//! A link's `object` is the party it names when that party is in the file. Otherwise FtM,
//! which wants both ends, gets a far end of its own: a `LegalEntity` (`target: false`) whose
//! only property is the `name` the link gives, with the id the named party would have
//! (written once per file) or, for a link that names no id, `{link id}-object`.
//!
//! ## Values FtM's types refuse
//!
//! Every value goes where FtM keeps it ([`values`] holds FtM's rules; the contract test
//! `scripts/contract-ftm.sh` runs FtM itself over every shared list's export):
//! - Country codes are written in lower case, as FtM does, and read back in upper case. A
//!   country, nationality, citizenship, jurisdiction or flag that is no code FtM knows (`None
//!   Identified`, a postcode) goes whole to the same entity's `description` as
//!   `{property}: {value}`, and is read back from there.
//! - A number whose party property FtM checks (a phone libphonenumber calls invalid, an
//!   e-mail or URL that is none, an LEI, BIC or IMO number failing its check) is left out
//!   of the party property only: its Identification entity keeps it whole in `number`.
//!
//! # What a round trip loses
//!
//! Everything above comes back as written, with these exceptions:
//! - Names come back grouped by kind in the order primary, alias, weak alias, former; an
//!   original-script name comes back as an alias; a party without a primary name gets its
//!   first name back as primary too. The script, language and record of a name
//!   are lost. Name parts come back on the first primary name only, in the order given,
//!   middle, family, patronymic, matronymic; `Whole` and `Other` parts are lost.
//! - Birth dates: a circa date is written as its date; a range as two values, its earliest and
//!   latest bound (FtM dates are ISO prefixes and cannot say "circa" or "between"). Both come
//!   back as exact dates. Record ids of dates, places, titles, positions, remarks and countries
//!   are lost, and so are those of addresses and crypto wallets (FtM's `Address` and
//!   `CryptoWallet` have no `recordId`).
//! - A value FtM refused comes back after the values of its property FtM kept.
//! - Facts the FtM schema of the party has no property for: birth dates of vessels and
//!   aircraft; birth places, titles, positions, gender and citizenships of non-persons;
//!   nationalities of vessels and aircraft; the craft owner (FtM wants an entity there, not a
//!   name); the flag and tonnage of aircraft; craft info of parties that are no craft.
//! - Crypto wallets lose their dates (FtM's `CryptoWallet` has no such properties).
//! - A publisher id outside FtM's id pattern is hashed in the party id and kept in its
//!   sanctions' `authorityId`; a party without sanctions gets the hash back as publisher id
//!   (which gives the same FtM id again).
//!
//! An export read back with [`ReadOptions::import`] (`sanctum update ftm --from`) and exported
//! again gives the same lines: the losses above happen once, in the first export.
//!
//! # Reading
//!
//! [`read_entities`] reads the whole file first, so sub-entities may come before or after
//! their holder. Party lines sharing an id are fragments of one party and are merged.
//! `LegalEntity` reads as [`EntityKind::Unknown`], `Company` and `PublicBody` as
//! organizations. Relationship schemas (`Ownership`, `Directorship`, `Family`, `Associate`,
//! `Employment`, `Membership`, `Representation`, `Occupancy`, `UnknownLink`) become [`Link`]s
//! on the party at their first end (or their second end, marked `(as {property})`, when only
//! that one is a party in the file). A link's far end as sanctum writes it (a `LegalEntity`
//! with `target: false` and only a `name`, the `object` of an `UnknownLink`) is no party. Everything else
//! (`Position`, `Security`, sub-entities of parties not in the file…) is skipped and counted
//! in [`FtmRead::skipped`]. An `Address` whose `full` text is more than its parts say reads
//! as that text (one line) with its country.
//!
//! A party with `datasets: [dataset]` and an id of sanctum's scheme for that dataset
//! (`{dataset slug}-{rest}`, or the old `{dataset}-{rest}`) gives back source `dataset` and
//! publisher id `rest` (or the sanctions' `authorityId` it hashes to); any other party keeps
//! the default source and its id as publisher id. With [`ReadOptions::import`] every party
//! gets the given source, and the publisher id `{dataset}:{rest}` or its FtM id; links to
//! parties of the file name them by that publisher id. Such an import keeps the ids it was
//! given, so exported beside the lists it came from it repeats their lines: FtM reads those as
//! fragments of one entity.
//!
//! [`Link`]: crate::Link

pub mod ids;
mod read;
mod values;
mod write;

pub use ids::{LegacyId, LegacyPart, entity_id, is_valid_id, legacy_id_to_ftm, party_id};
pub use read::{ReadOptions, read_entities, read_ftm, read_ftm_with};
pub use write::{FtmWriter, write_entities, write_entity};

use crate::EntityKind;
use std::collections::BTreeMap;

/// A line of an FtM file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct FtmError {
    /// 1-based line number.
    pub line: u64,
    pub reason: String,
}

/// The result of reading an FtM file.
#[derive(Debug, Clone, Default)]
pub struct FtmRead {
    pub entities: Vec<crate::Entity>,
    /// Entities that are no party and could not be attached to one, counted by schema.
    pub skipped: BTreeMap<String, u64>,
    /// Lines that could not be read, in lenient mode.
    pub errors: Vec<FtmError>,
}

type Props = BTreeMap<String, Vec<String>>;

/// The FtM schema a party of this kind is written as.
pub fn schema_of(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Person => "Person",
        EntityKind::Organization => "Organization",
        EntityKind::Vessel => "Vessel",
        EntityKind::Aircraft => "Airplane",
        EntityKind::Unknown => "LegalEntity",
    }
}

fn is_legal_entity(kind: EntityKind) -> bool {
    matches!(
        kind,
        EntityKind::Person | EntityKind::Organization | EntityKind::Unknown
    )
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Address, CountryValue, CraftInfo, DateSpec, DateValue, Designation, Entity, Gender, IdKind,
        Identifier, Link, Name, NameKind, NamePart, NamePartKind, PartialDate, Text,
    };
    use std::collections::HashSet;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    fn round_trip(e: &Entity) -> Vec<Entity> {
        let mut buf = Vec::new();
        write_entity(e, &mut buf).unwrap();
        read_entities(buf.as_slice(), "other").unwrap()
    }

    fn rich_person() -> Entity {
        let mut e = Entity::new("us_ofac_sdn", "35096", EntityKind::Person);
        let mut primary = Name::new("PUTIN, Vladimir Vladimirovich", NameKind::Primary);
        primary.parts = vec![
            NamePart {
                kind: NamePartKind::Given,
                value: "Vladimir".into(),
            },
            NamePart {
                kind: NamePartKind::Family,
                value: "PUTIN".into(),
            },
            NamePart {
                kind: NamePartKind::Patronymic,
                value: "Vladimirovich".into(),
            },
        ];
        e.names = vec![
            primary,
            Name::new("PUTIN, Vladimir", NameKind::Alias),
            Name::new("Vova", NameKind::WeakAlias),
            Name::new("PUTIN, V. V.", NameKind::Former),
        ];
        e.birth_dates = vec![
            DateValue {
                date: DateSpec::Exact(d("1952-10-07")),
                record: None,
            },
            DateValue {
                date: DateSpec::Exact(d("1953")),
                record: None,
            },
        ];
        e.birth_places = vec![Text::new("Leningrad, Russia")];
        e.nationalities = vec![CountryValue {
            code: "RU".into(),
            record: None,
        }];
        e.citizenships = vec![CountryValue {
            code: "SUHH".into(),
            record: None,
        }];
        e.countries = vec![CountryValue {
            code: "RU".into(),
            record: None,
        }];
        e.gender = Some(Gender::Male);
        e.titles = vec![Text::new("President of the Russian Federation")];
        e.positions = vec![Text::new("Head of State")];
        let mut passport = Identifier::new(IdKind::Passport, "K475336");
        passport.label = Some("Diplomatic Passport".into());
        passport.country = Some("RU".into());
        passport.issued = Some(d("2009-08"));
        passport.expires = Some(d("2014-08-30"));
        passport.note = Some("issued under another name".into());
        passport.record = Some("feature.123".into());
        let mut tax = Identifier::new(IdKind::TaxId, "7706810747");
        tax.label = Some("Tax ID No.".into());
        let mut wallet =
            Identifier::new(IdKind::CryptoWallet, "1AeSq93WDNdLoEJ92sex7T8xQZoYYm8BtS");
        wallet.label = Some("XBT".into());
        wallet.record = Some("w1".into());
        let email = Identifier::new(IdKind::Email, "vvp@kremlin.ru");
        e.identifiers = vec![passport, tax, wallet, email];
        e.addresses = vec![
            Address {
                lines: vec!["Kremlin".into(), "Building 1".into()],
                city: Some("Moscow".into()),
                region: Some("Moscow Region".into()),
                postal_code: Some("103132".into()),
                country: Some("RU".into()),
                remarks: Some("official residence".into()),
                record: Some("25811".into()),
            },
            Address {
                city: Some("Sochi".into()),
                country: Some("RU".into()),
                ..Address::default()
            },
        ];
        e.links = vec![
            Link {
                relation: "Linked To".into(),
                target_name: Some("ROSTEC".into()),
                target_id: Some("12345".into()),
                record: Some("rel.9".into()),
            },
            Link {
                relation: "Associate of".into(),
                target_name: Some("SECHIN, Igor".into()),
                target_id: None,
                record: None,
            },
        ];
        e.remarks = vec![Text::new("Linked To: ROSTEC."), Text::new("second remark")];
        e.designations = vec![
            Designation {
                authority: "US OFAC".into(),
                list: "SDN".into(),
                programs: vec!["RUSSIA-EO14024".into(), "UKRAINE-EO13660".into()],
                listed_on: Some(d("2022-02-25")),
                ended_on: None,
                legal_basis: vec!["E.O. 14024".into()],
                record: Some("sanction.1".into()),
            },
            Designation {
                authority: "UK OFSI".into(),
                list: "Consolidated".into(),
                programs: vec!["Russia".into()],
                listed_on: Some(d("2022-02")),
                ended_on: Some(d("2030")),
                legal_basis: Vec::new(),
                record: None,
            },
        ];
        e
    }

    #[test]
    fn rich_person_round_trips_exactly() {
        let mut e = rich_person();
        let back = round_trip(&e);
        assert_eq!(back.len(), 1, "a link's far end is no party");
        // FtM's Address and CryptoWallet have no recordId (documented loss).
        e.addresses[0].record = None;
        e.identifiers[2].record = None;
        assert_eq!(back[0], e, "changed: {:?}", back[0].changed_fields(&e));
    }

    #[test]
    fn vessel_round_trips_with_craft_info() {
        let mut e = Entity::new("us_csl", "9999", EntityKind::Vessel);
        e.names = vec![Name::new("ADRIAN DARYA 1", NameKind::Primary)];
        e.craft = CraftInfo {
            craft_type: Some("Crude Oil Tanker".into()),
            flag: Some("PA".into()),
            tonnage: Some("159681".into()),
            gross_registered_tonnage: Some("81479".into()),
            owner: None,
            build_date: Some(d("1996")),
        };
        let mut imo = Identifier::new(IdKind::Imo, "IMO 9116412");
        imo.label = Some("Vessel Registration Identification".into());
        e.identifiers = vec![imo, Identifier::new(IdKind::CallSign, "9HA2504")];
        e.countries = vec![CountryValue {
            code: "IR".into(),
            record: None,
        }];
        let back = round_trip(&e);
        assert_eq!(back[0], e, "changed: {:?}", back[0].changed_fields(&e));
    }

    #[test]
    fn documented_losses_happen_as_documented() {
        let mut e = Entity::new("src", "1", EntityKind::Organization);
        e.names = vec![
            Name::new("Alias First", NameKind::Alias),
            Name::new("Primary", NameKind::Primary),
            Name::new("Примари", NameKind::OriginalScript),
        ];
        e.birth_dates = vec![
            DateValue {
                date: DateSpec::Circa(d("1970")),
                record: Some("r".into()),
            },
            DateValue {
                date: DateSpec::Range(d("1955"), d("1958")),
                record: None,
            },
        ];
        e.titles = vec![Text::new("not a person's")];
        e.craft.owner = Some("Nobody".into());
        let back = &round_trip(&e)[0];
        let names: Vec<_> = back
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Primary", NameKind::Primary),
                ("Alias First", NameKind::Alias),
                ("Примари", NameKind::Alias)
            ]
        );
        let dates: Vec<_> = back
            .birth_dates
            .iter()
            .map(|d| d.date.to_string())
            .collect();
        assert_eq!(dates, vec!["1970", "1955", "1958"]);
        assert!(back.titles.is_empty());
        assert!(back.craft.is_empty());
    }

    #[test]
    fn party_lines_use_ftm_names() {
        let lines = lines_of(&[rich_person()]);
        let party = &lines[0];
        assert_eq!(party["id"], "us-ofac-sdn-35096");
        assert_eq!(party["schema"], "Person");
        assert_eq!(party["target"], true);
        assert_eq!(party["datasets"][0], "us_ofac_sdn");
        assert_eq!(party["properties"]["nationality"][0], "ru");
        assert_eq!(party["properties"]["birthDate"][0], "1952-10-07");
        assert_eq!(party["properties"]["topics"][0], "sanction");
        assert_eq!(party["properties"]["passportNumber"][0], "K475336");
        assert_eq!(party["properties"]["gender"][0], "male");
        let schemas: Vec<_> = lines
            .iter()
            .map(|l| l["schema"].as_str().unwrap())
            .collect();
        assert_eq!(
            schemas,
            vec![
                "Person",
                "Sanction",
                "Sanction",
                "Passport",
                "Identification",
                "CryptoWallet",
                "Identification",
                "Address",
                "Address",
                "UnknownLink",
                "UnknownLink",
                "LegalEntity",
                "LegalEntity"
            ]
        );
        let sanction = &lines[1]["properties"];
        assert_eq!(sanction["entity"][0], "us-ofac-sdn-35096");
        assert_eq!(sanction["program"][1], "UKRAINE-EO13660");
        assert_eq!(sanction["listingDate"][0], "2022-02-25");
        assert_eq!(sanction["authorityId"][0], "35096");
        assert_eq!(sanction["recordId"][0], "sanction.1");
        let passport = &lines[3];
        let passport_id = passport["id"].as_str().unwrap();
        assert!(
            passport_id.starts_with("us-ofac-sdn-35096-passport-") && passport_id.len() == 39,
            "{passport_id}"
        );
        assert_eq!(passport["properties"]["recordId"][0], "feature.123");
        assert_eq!(passport["properties"]["country"][0], "ru");
        assert_eq!(passport["properties"]["startDate"][0], "2009-08");
        assert_eq!(lines[7]["id"], party["properties"]["addressEntity"][0]);
        // The link to a party not in the file points at the id it would have; the name-only
        // link at a far end of its own. Both far ends carry the name the link gives.
        let links = (&lines[9], &lines[10]);
        assert_eq!(links.0["properties"]["object"][0], "us-ofac-sdn-12345");
        assert_eq!(lines[11]["id"], "us-ofac-sdn-12345");
        assert_eq!(lines[11]["target"], false);
        assert_eq!(lines[11]["properties"]["name"][0], "ROSTEC");
        let far = format!("{}-object", links.1["id"].as_str().unwrap());
        assert_eq!(links.1["properties"]["object"][0], far.as_str());
        assert_eq!(lines[12]["id"], far.as_str());
        assert_eq!(lines[12]["properties"]["name"][0], "SECHIN, Igor");
        // Every id is FtM's, unique, and every reference names a line of the file.
        let ids: HashSet<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), lines.len());
        assert!(ids.iter().all(|id| is_valid_id(id)), "{ids:?}");
        for l in &lines {
            for key in ["entity", "holder", "addressEntity", "subject", "object"] {
                for r in l["properties"][key].as_array().into_iter().flatten() {
                    assert!(ids.contains(r.as_str().unwrap()), "{key} {r}");
                }
            }
        }
    }

    fn lines_of(entities: &[Entity]) -> Vec<serde_json::Value> {
        let mut buf = Vec::new();
        write_entities(entities, &mut buf).unwrap();
        String::from_utf8(buf)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// A vessel as the CSL and OFSI list them, with the values FtM's types refuse.
    fn awkward_vessel() -> Entity {
        let mut e = Entity::new("ca_sema", "russia/1.1/7", EntityKind::Vessel);
        e.names = vec![Name::new("SHIP", NameKind::Primary)];
        e.craft.flag = Some("None Identified".into());
        e.countries = vec![
            CountryValue {
                code: "IR".into(),
                record: None,
            },
            CountryValue {
                code: "Moscow region".into(),
                record: None,
            },
        ];
        e.identifiers = vec![
            Identifier::new(IdKind::Imo, "IMO 15411"),
            Identifier::new(IdKind::Imo, "IMO 9116412"),
        ];
        e.addresses = vec![Address {
            city: Some("Moscow".into()),
            country: Some("115088".into()),
            ..Address::default()
        }];
        e.designations = vec![Designation {
            authority: "CA".into(),
            list: "SEMA".into(),
            programs: Vec::new(),
            listed_on: None,
            ended_on: None,
            legal_basis: Vec::new(),
            record: None,
        }];
        e
    }

    fn awkward_company() -> Entity {
        let mut e = Entity::new("uk_ofsi", "11188", EntityKind::Organization);
        e.names = vec![Name::new("ETEMAD", NameKind::Primary)];
        e.identifiers = vec![
            Identifier::new(IdKind::Phone, "'+98 21 77240540 50 Extension 2906"),
            Identifier::new(IdKind::Phone, "+98 21 77240488"),
            Identifier::new(IdKind::Email, "info@etemad"),
            Identifier::new(IdKind::Email, "info@etemad.ir"),
            Identifier::new(IdKind::Website, "info@surena"),
            Identifier::new(IdKind::Website, "www.surena.ir"),
            Identifier::new(IdKind::Lei, "851683897"),
        ];
        e
    }

    #[test]
    fn values_ftm_refuses_are_kept_where_ftm_keeps_them() {
        let lines = lines_of(&[awkward_vessel(), awkward_company()]);
        let vessel = &lines[0];
        // A publisher id outside FtM's pattern: a hashed id, the id in authorityId.
        assert_eq!(vessel["id"], party_id("ca_sema", "russia/1.1/7").as_str());
        assert_eq!(vessel["properties"]["flag"], serde_json::Value::Null);
        assert_eq!(vessel["properties"]["country"], serde_json::json!(["ir"]));
        assert_eq!(
            vessel["properties"]["description"],
            serde_json::json!(["country: Moscow region", "flag: None Identified"])
        );
        assert_eq!(
            vessel["properties"]["imoNumber"],
            serde_json::json!(["IMO 9116412"])
        );
        let address = lines.iter().find(|l| l["schema"] == "Address").unwrap();
        assert_eq!(address["properties"]["country"], serde_json::Value::Null);
        assert_eq!(address["properties"]["description"][0], "country: 115088");
        let sanction = lines.iter().find(|l| l["schema"] == "Sanction").unwrap();
        assert_eq!(sanction["properties"]["authorityId"][0], "russia/1.1/7");
        let numbers: Vec<&str> = lines
            .iter()
            .filter(|l| l["schema"] == "Identification")
            .map(|l| l["properties"]["number"][0].as_str().unwrap())
            .collect();
        assert!(numbers.contains(&"IMO 15411") && numbers.contains(&"info@surena"));

        let company = lines
            .iter()
            .find(|l| l["schema"] == "Organization")
            .unwrap();
        let p = &company["properties"];
        assert_eq!(p["phone"], serde_json::json!(["+98 21 77240488"]));
        assert_eq!(p["email"], serde_json::json!(["info@etemad.ir"]));
        assert_eq!(p["website"], serde_json::json!(["www.surena.ir"]));
        assert_eq!(p["leiCode"], serde_json::Value::Null);

        // And all of it comes back.
        let mut buf = Vec::new();
        write_entities(&[awkward_vessel(), awkward_company()], &mut buf).unwrap();
        let back = read_entities(buf.as_slice(), "x").unwrap();
        for (a, b) in [awkward_vessel(), awkward_company()].iter().zip(&back) {
            assert_eq!(a, b, "changed: {:?}", a.changed_fields(b));
        }
    }

    #[test]
    fn an_imported_export_is_written_back_line_for_line() {
        let mut other = rich_person();
        other.source_id = "12345".into();
        other.links.clear();
        let entities = [rich_person(), other, awkward_vessel(), awkward_company()];
        let mut first = Vec::new();
        write_entities(&entities, &mut first).unwrap();
        let read = read_ftm_with(
            first.as_slice(),
            ReadOptions {
                source: "ftm",
                lenient: false,
                import: true,
            },
        )
        .unwrap();
        assert_eq!(read.entities.len(), 4);
        assert!(read.skipped.is_empty(), "{:?}", read.skipped);
        let ids: Vec<_> = read.entities.iter().map(|e| e.id()).collect();
        assert_eq!(
            ids,
            vec![
                "ftm:us_ofac_sdn:35096",
                "ftm:us_ofac_sdn:12345",
                "ftm:ca_sema:russia/1.1/7",
                "ftm:uk_ofsi:11188"
            ]
        );
        // The link to a party of the file names it by its publisher id in the import.
        assert_eq!(
            read.entities[0].links[0].target_id.as_deref(),
            Some("us_ofac_sdn:12345")
        );
        let mut second = Vec::new();
        write_entities(&read.entities, &mut second).unwrap();
        assert_eq!(
            String::from_utf8(second).unwrap(),
            String::from_utf8(first).unwrap()
        );
    }

    #[test]
    fn a_party_listed_under_aliases_only_has_the_name_ftm_requires() {
        let mut e = Entity::new("uk_ofsi", "16601", EntityKind::Organization);
        e.names = vec![
            Name::new("33RD TSNIII", NameKind::Alias),
            Name::new("33RD INSTITUTE", NameKind::Alias),
        ];
        let lines = lines_of(std::slice::from_ref(&e));
        assert_eq!(
            lines[0]["properties"]["name"],
            serde_json::json!(["33RD TSNIII"])
        );
        assert_eq!(lines[0]["caption"], "33RD TSNIII");
        let back = &round_trip(&e)[0];
        let names: Vec<_> = back
            .names
            .iter()
            .map(|n| (n.full.as_str(), n.kind))
            .collect();
        assert_eq!(
            names,
            vec![
                ("33RD TSNIII", NameKind::Primary),
                ("33RD TSNIII", NameKind::Alias),
                ("33RD INSTITUTE", NameKind::Alias)
            ]
        );
        // Written again, it is the same entity.
        assert_eq!(lines_of(std::slice::from_ref(back))[0], lines[0]);
    }

    #[test]
    fn a_hashed_party_without_sanctions_keeps_its_id() {
        let mut e = awkward_vessel();
        e.designations.clear();
        let back = round_trip(&e);
        assert_eq!(back[0].source, "ca_sema");
        assert_ne!(back[0].source_id, e.source_id);
        assert_eq!(entity_id(&back[0]), entity_id(&e));
    }

    #[test]
    fn old_sub_entity_ids_resolve_to_new_ones() {
        let e = rich_person();
        let lines = lines_of(std::slice::from_ref(&e));
        let old = legacy_id_to_ftm("us_ofac_sdn-35096.passport.0.feature.123").unwrap();
        assert_eq!(old.resolve(&e).as_deref(), lines[3]["id"].as_str());
        let old = legacy_id_to_ftm("us_ofac_sdn-35096.addr.1").unwrap();
        assert_eq!(old.resolve(&e).as_deref(), lines[8]["id"].as_str());
        let old = legacy_id_to_ftm("us_ofac_sdn-35096.link.1").unwrap();
        assert_eq!(old.resolve(&e).as_deref(), lines[10]["id"].as_str());
        let old = legacy_id_to_ftm("us_ofac_sdn-35096.sanction.1").unwrap();
        assert_eq!(old.resolve(&e).as_deref(), lines[2]["id"].as_str());
        let old = legacy_id_to_ftm("us_ofac_sdn-35096").unwrap();
        assert_eq!(old.resolve(&e).as_deref(), Some("us-ofac-sdn-35096"));
        assert_eq!(
            legacy_id_to_ftm("us_ofac_sdn-35096.link.7")
                .unwrap()
                .resolve(&e),
            None
        );
    }

    #[test]
    fn an_old_export_still_reads() {
        let text = r#"{"id":"us_ofac_sdn-1","schema":"Person","properties":{"name":["A"],"addressEntity":["us_ofac_sdn-1.addr.0.77"]},"datasets":["us_ofac_sdn"]}
{"id":"us_ofac_sdn-1.addr.0.77","schema":"Address","properties":{"full":["Moscow"],"city":["Moscow"]},"datasets":["us_ofac_sdn"]}
{"id":"us_ofac_sdn-1.tax_id.0.9","schema":"Identification","properties":{"holder":["us_ofac_sdn-1"],"number":["77"]},"datasets":["us_ofac_sdn"]}
"#;
        let e = &read_entities(text.as_bytes(), "x").unwrap()[0];
        assert_eq!(
            (e.source.as_str(), e.source_id.as_str()),
            ("us_ofac_sdn", "1")
        );
        assert_eq!(e.addresses[0].record.as_deref(), Some("77"));
        assert_eq!(e.identifiers[0].kind, IdKind::TaxId);
        assert_eq!(e.identifiers[0].record.as_deref(), Some("9"));
    }

    #[test]
    fn sub_entities_before_their_holder_are_attached() {
        let text = r#"{"id":"x.s","schema":"Sanction","properties":{"entity":["p1"],"authority":["EU"],"program":["RUS"]},"datasets":["eu"]}
{"id":"p1","schema":"LegalEntity","properties":{"name":["Acme"],"innCode":["7706810747"]},"datasets":["eu","us"]}
{"id":"pos","schema":"Position","properties":{"name":["Minister"]}}
"#;
        let read = read_ftm(text.as_bytes(), "opensanctions", false).unwrap();
        assert_eq!(read.entities.len(), 1);
        let e = &read.entities[0];
        assert_eq!(
            (e.source.as_str(), e.source_id.as_str()),
            ("opensanctions", "p1")
        );
        assert_eq!(e.kind, EntityKind::Unknown);
        assert_eq!(e.designations[0].authority, "EU");
        assert_eq!(e.identifiers[0].kind, IdKind::TaxId);
        assert_eq!(e.identifiers[0].label.as_deref(), Some("INN"));
        assert_eq!(read.skipped.get("Position"), Some(&1));
    }

    #[test]
    fn fragments_of_one_party_are_merged() {
        let text = r#"{"id":"d-1","schema":"Person","properties":{"name":["A"]},"datasets":["d"]}
{"id":"d-1","schema":"Person","properties":{"name":["A"],"alias":["B"]},"datasets":["d"]}
"#;
        let read = read_entities(text.as_bytes(), "x").unwrap();
        assert_eq!(read.len(), 1);
        let names: Vec<_> = read[0].names.iter().map(|n| n.full.as_str()).collect();
        assert_eq!(names, vec!["A", "B"]);
        assert_eq!(
            (read[0].source.as_str(), read[0].source_id.as_str()),
            ("d", "1")
        );
    }

    #[test]
    fn malformed_lines_name_their_line() {
        let text = "{\"id\":\"a\",\"schema\":\"Person\",\"properties\":{\"name\":[\"A\"]}}\n\n{\"id\": oops}\n";
        let err = read_entities(text.as_bytes(), "x").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.reason.contains("invalid JSON"), "{}", err.reason);
        let err = read_entities("{\"schema\":\"Person\"}\n".as_bytes(), "x").unwrap_err();
        assert_eq!(err.line, 1);
        let read = read_ftm(text.as_bytes(), "x", true).unwrap();
        assert_eq!(read.entities.len(), 1);
        assert_eq!(read.errors.len(), 1);
    }
}
