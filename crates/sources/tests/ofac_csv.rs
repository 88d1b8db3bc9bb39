//! The OFAC CSV set parser: one hand-written fixture per format quirk, then the real files.

mod common;

use sanctum_model::{EntityKind, Gender, IdKind, NameKind, NamePartKind};
use sanctum_sources::ofac_csv::{CsvSet, OfacList, parse};
use sanctum_sources::{Input, ParseError, ParseOptions, Parsed};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn strict() -> ParseOptions {
    ParseOptions::default()
}

fn lenient() -> ParseOptions {
    ParseOptions {
        lenient: true,
        ..ParseOptions::default()
    }
}

fn open(path: &Path) -> Input<'static> {
    Input::open(path).expect("fixture opens")
}

fn read_set(
    main: PathBuf,
    add: Option<PathBuf>,
    alt: Option<PathBuf>,
    comments: Option<PathBuf>,
    list: OfacList,
    opts: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let set = CsvSet {
        main: open(&main),
        add: add.as_deref().map(open),
        alt: alt.as_deref().map(open),
        comments: comments.as_deref().map(open),
    };
    parse("us_ofac_sdn", list, set, opts)
}

fn fixture_main(name: &str, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let path = common::fixture(&format!("ofac_csv/{name}"));
    read_set(path, None, None, None, OfacList::Sdn, opts)
}

fn fx(name: &str) -> PathBuf {
    common::fixture(&format!("ofac_csv/{name}"))
}

#[test]
fn ctrl_z_line_is_skipped() {
    let parsed = fixture_main("ctrl_z.csv", &strict()).unwrap();
    assert_eq!(parsed.entities.len(), 1);
    assert!(parsed.skipped.is_empty());
    assert_eq!(parsed.entities[0].caption(), "ONE");
}

#[test]
fn null_cells_with_trailing_space_are_empty() {
    let parsed = fixture_main("nulls.csv", &strict()).unwrap();
    let e = &parsed.entities[0];
    assert_eq!(e.kind, EntityKind::Organization);
    assert!(e.titles.is_empty() && e.identifiers.is_empty() && e.remarks.is_empty());
    assert!(e.craft.is_empty());
    assert!(e.designations[0].programs.is_empty());
}

#[test]
fn program_separator_splits_tags() {
    let parsed = fixture_main("programs.csv", &strict()).unwrap();
    let d = &parsed.entities[0].designations[0];
    assert_eq!(d.programs, vec!["IRAN", "SDGT", "IFSR"]);
    assert_eq!((d.authority.as_str(), d.list.as_str()), ("US OFAC", "SDN"));
    assert!(d.listed_on.is_none());
}

#[test]
fn latin1_bytes_are_decoded() {
    let parsed = fixture_main("latin1.csv", &strict()).unwrap();
    let e = &parsed.entities[0];
    assert_eq!(e.caption(), "MÜLLER, Jürgen");
    assert_eq!(e.names[0].part(NamePartKind::Family), Some("MÜLLER"));
    assert_eq!(e.birth_places[0].value, "München, Germany");
}

#[test]
fn empty_main_file_is_rejected() {
    match fixture_main("empty.csv", &strict()) {
        Err(ParseError::Format { reason, .. }) => assert_eq!(reason, "empty publication"),
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn bad_rows_fail_strict_and_are_skipped_lenient() {
    match fixture_main("bad_rows.csv", &strict()) {
        Err(ParseError::Row(row)) => {
            assert_eq!(row.line, 2);
            assert!(row.file.ends_with("bad_rows.csv"));
            assert!(row.reason.contains("not a number"), "{}", row.reason);
        }
        other => panic!("expected a row error, got {other:?}"),
    }
    let parsed = fixture_main("bad_rows.csv", &lenient()).unwrap();
    let ids: Vec<&str> = parsed
        .entities
        .iter()
        .map(|e| e.source_id.as_str())
        .collect();
    assert_eq!(ids, vec!["10", "12"]);
    let lines: Vec<u64> = parsed.skipped.iter().map(|r| r.line).collect();
    assert_eq!(lines, vec![2, 3]);
    assert!(
        parsed.skipped[1]
            .reason
            .contains("expected 12 columns, found 4")
    );
}

#[test]
fn comments_continue_remarks_before_they_are_read() {
    let parsed = read_set(
        fx("overflow_main.csv"),
        None,
        None,
        Some(fx("overflow_comments.csv")),
        OfacList::Sdn,
        &strict(),
    )
    .unwrap();
    let bank = &parsed.entities[0];
    let tax = bank
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::TaxId)
        .unwrap();
    // "Tax ID No. 77440" + "01497 (Russia)": the split number is whole again.
    assert_eq!(tax.value, "7744001497");
    assert_eq!(tax.country.as_deref(), Some("RU"));
    assert!(
        bank.identifiers
            .iter()
            .any(|i| i.kind == IdKind::Registration && i.value == "1027700167110")
    );
    assert_eq!(
        bank.links[0].target_name.as_deref(),
        Some("PARENT BANK"),
        "the clause in the continuation is a link too"
    );
    assert!(bank.remarks.is_empty());
    // A party whose Remarks cell is null takes the comment alone.
    let other = &parsed.entities[1];
    assert_eq!(other.identifiers[0].kind, IdKind::Website);
    assert_eq!(other.identifiers[0].value, "www.norem.example");
}

#[test]
fn quote_stripped_alt_names_are_rejoined() {
    let parsed = read_set(
        fx("main.csv"),
        Some(fx("add.csv")),
        Some(fx("alt_stripped.csv")),
        None,
        OfacList::Sdn,
        &strict(),
    )
    .unwrap();
    let by_id: HashMap<&str, _> = parsed
        .entities
        .iter()
        .map(|e| (e.source_id.as_str(), e))
        .collect();
    let petrov = by_id["100"];
    let alias = petrov
        .names
        .iter()
        .find(|n| n.record.as_deref() == Some("1001"))
        .unwrap();
    assert_eq!(alias.full, "PETROV, Ivan");
    assert_eq!(alias.kind, NameKind::Alias);
    assert_eq!(alias.part(NamePartKind::Family), Some("PETROV"));
    assert_eq!(alias.part(NamePartKind::Given), Some("Ivan"));
    let former = petrov
        .names
        .iter()
        .find(|n| n.record.as_deref() == Some("1002"))
        .unwrap();
    assert_eq!(
        (former.full.as_str(), former.kind),
        ("PETROFF, Ivan Sergeevich", NameKind::Former)
    );
    let acme = by_id["200"];
    let names: Vec<(&str, NameKind)> = acme
        .names
        .iter()
        .map(|n| (n.full.as_str(), n.kind))
        .collect();
    assert_eq!(
        names,
        vec![
            ("ACME TRADING CO., LTD.", NameKind::Primary),
            (
                "ACME TRADING COMPANY, LIMITED, TEHRAN BRANCH",
                NameKind::Alias
            ),
            ("ACME NEW", NameKind::Alias),
            ("ACME", NameKind::WeakAlias),
        ]
    );
    assert_eq!(
        acme.names[1].parts.len(),
        1,
        "entity names are one whole part"
    );

    // add.csv: city/postal split, countries as codes, the orphan row reported, not fatal.
    let addr = &petrov.addresses;
    assert_eq!(addr.len(), 2);
    assert_eq!(addr[0].record.as_deref(), Some("11"));
    assert_eq!(addr[0].lines, vec!["Tverskaya 1"]);
    assert_eq!(
        (addr[0].city.as_deref(), addr[0].postal_code.as_deref()),
        (Some("Moscow"), Some("117335"))
    );
    assert_eq!(addr[0].country.as_deref(), Some("RU"));
    assert_eq!(addr[1].postal_code.as_deref(), Some("EC3N 1DY"));
    assert_eq!(addr[1].remarks.as_deref(), Some("Registered office"));
    assert_eq!(acme.addresses[0].region.as_deref(), Some("MD"));
    assert_eq!(parsed.skipped.len(), 1);
    assert!(parsed.skipped[0].file.ends_with("add.csv"));
    assert_eq!(parsed.skipped[0].line, 4);
    assert!(parsed.skipped[0].reason.contains("ent_num 999"));
}

#[test]
fn main_columns_and_remarks_become_fields() {
    let parsed = fixture_main("main.csv", &strict()).unwrap();
    let [petrov, acme, vessel, aircraft] = parsed.entities.as_slice() else {
        panic!("four parties expected");
    };
    // The individual.
    assert_eq!(petrov.source, "us_ofac_sdn");
    assert_eq!(petrov.kind, EntityKind::Person);
    let primary = &petrov.names[0];
    assert_eq!(primary.full, "PETROV, Ivan Sergeyevich");
    assert_eq!(primary.part(NamePartKind::Family), Some("PETROV"));
    assert_eq!(primary.part(NamePartKind::Given), Some("Ivan"));
    assert_eq!(primary.part(NamePartKind::Middle), Some("Sergeyevich"));
    let dobs: Vec<String> = petrov
        .birth_dates
        .iter()
        .map(|d| d.date.to_string())
        .collect();
    assert_eq!(dobs, vec!["1952-11-09", "~1950"]);
    assert_eq!(petrov.birth_places[0].value, "Leningrad, Russia");
    let nat: Vec<&str> = petrov
        .nationalities
        .iter()
        .map(|c| c.code.as_str())
        .collect();
    assert_eq!(nat, vec!["FI", "RU"]);
    assert_eq!(petrov.gender, Some(Gender::Male));
    assert_eq!(petrov.titles[0].value, "Deputy Minister of Energy");
    let passport = &petrov.identifiers[0];
    assert_eq!(passport.kind, IdKind::Passport);
    assert_eq!(passport.value, "A123");
    assert_eq!(passport.country.as_deref(), Some("RU"));
    assert_eq!(passport.issued.unwrap().to_string(), "2010-01-01");
    assert_eq!(passport.expires.unwrap().to_string(), "2020-01-01");
    assert_eq!(petrov.identifiers[1].kind, IdKind::TaxId);
    assert!(
        petrov
            .names
            .iter()
            .any(|n| n.full == "VANYA" && n.kind == NameKind::WeakAlias)
    );
    assert_eq!(
        petrov.links[0].target_name.as_deref(),
        Some("OOO VOLGA GROUP")
    );
    assert_eq!(petrov.links[0].relation, "Linked To");
    assert_eq!(
        petrov.designations[0].programs,
        vec!["UKRAINE-EO13661", "RUSSIA-EO14024"]
    );
    // The title repeated in Remarks is not kept twice; the unresolvable citizenship and
    // the sanctions fact stay as remarks.
    let remarks: Vec<&str> = petrov.remarks.iter().map(|r| r.value.as_str()).collect();
    assert_eq!(
        remarks,
        vec![
            "citizen Atlantis",
            "Secondary sanctions risk: Ukraine-/Russia-Related Sanctions Regulations, 31 CFR 589.201"
        ]
    );

    // The entity.
    assert_eq!(acme.names[0].parts[0].kind, NamePartKind::Whole);
    let kinds: Vec<(IdKind, &str)> = acme
        .identifiers
        .iter()
        .map(|i| (i.kind.clone(), i.value.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (IdKind::Website, "www.acme.example"),
            (IdKind::Email, "info@acme.example"),
            (IdKind::SwiftBic, "ACMEIRTH"),
            (IdKind::CryptoWallet, "1AbcDef"),
        ]
    );
    assert_eq!(acme.identifiers[3].label.as_deref(), Some("XBT"));
    assert_eq!(acme.birth_dates[0].date.to_string(), "1999");
    assert_eq!(
        acme.links[0].target_name.as_deref(),
        Some("TROCANA WORLD INC."),
        "a final abbreviation keeps its period"
    );

    // The vessel: columns and remarks.
    assert_eq!(vessel.kind, EntityKind::Vessel);
    let craft = &vessel.craft;
    assert_eq!(craft.craft_type.as_deref(), Some("Crude Oil Tanker"));
    assert_eq!(craft.tonnage.as_deref(), Some("150,000"));
    assert_eq!(craft.gross_registered_tonnage.as_deref(), Some("81,000"));
    assert_eq!(craft.flag.as_deref(), Some("MT"));
    assert_eq!(craft.owner.as_deref(), Some("NATIONAL IRANIAN TANKER CO."));
    assert_eq!(craft.build_date.unwrap().to_string(), "1999");
    let ids: Vec<(IdKind, &str)> = vessel
        .identifiers
        .iter()
        .map(|i| (i.kind.clone(), i.value.as_str()))
        .collect();
    assert_eq!(
        ids,
        vec![
            (IdKind::CallSign, "9HXY5"),
            (IdKind::Imo, "9187629"),
            (IdKind::Mmsi, "273123456"),
        ]
    );

    // The aircraft.
    assert_eq!(aircraft.kind, EntityKind::Aircraft);
    assert_eq!(aircraft.craft.craft_type.as_deref(), Some("A300B4-605R"));
    assert_eq!(aircraft.craft.flag.as_deref(), Some("IR"));
    assert_eq!(aircraft.craft.build_date.unwrap().to_string(), "1987");
    assert_eq!(aircraft.links[0].relation, "Aircraft Operator");
    assert_eq!(aircraft.identifiers[0].kind, IdKind::AircraftSerial);
    assert!(aircraft.remarks.is_empty());
}

// ---- real files ----

/// sdn_*.csv in the shared folder, with the counts of its README table:
/// entries, individuals, entities, vessels, aircraft.
const SDN_FILES: &[(&str, [usize; 5])] = &[
    ("sdn_2022-01-31.csv", [9052, 4650, 3703, 419, 280]),
    ("sdn_2022-02-17.csv", [9056, 4653, 3704, 419, 280]),
    ("sdn_2022-02-23T0152.csv", [9108, 4656, 3748, 424, 280]),
    ("sdn_2022-02-24T0152.csv", [9123, 4660, 3758, 425, 280]),
    ("sdn_2022-02-25.csv", [9214, 4675, 3834, 425, 280]),
    ("sdn_2022-02-28.csv", [9222, 4680, 3837, 425, 280]),
    ("sdn_2022-03-04.csv", [9318, 4731, 3879, 426, 282]),
    ("sdn_2022-03-12.csv", [9361, 4768, 3883, 427, 283]),
    ("sdn_2022-03-24.csv", [9793, 5137, 3945, 428, 283]),
    ("sdn_2022-04-06.csv", [9929, 5182, 4031, 433, 283]),
    ("sdn_2022-05-06.csv", [10026, 5206, 4104, 433, 283]),
    ("sdn_2022-05-08.csv", [10150, 5239, 4126, 502, 283]),
    ("sdn_2024-05-03.csv", [14965, 6854, 6884, 851, 376]),
];

fn kind_counts(parsed: &Parsed) -> [usize; 5] {
    let count = |k| parsed.entities.iter().filter(|e| e.kind == k).count();
    [
        parsed.entities.len(),
        count(EntityKind::Person),
        count(EntityKind::Organization),
        count(EntityKind::Vessel),
        count(EntityKind::Aircraft),
    ]
}

#[test]
fn every_real_sdn_file_parses_strictly_with_its_counts() {
    let Some(lists) =
        sanctum_testkit::shared_lists("every_real_sdn_file_parses_strictly_with_its_counts")
    else {
        return;
    };
    let dir = lists.join("ofac_sdn_csv");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("sdn_2") && n.ends_with(".csv"))
        .collect();
    on_disk.sort();
    let known: Vec<&str> = SDN_FILES.iter().map(|(n, _)| *n).collect();
    assert_eq!(on_disk, known, "README table and folder disagree");
    for (name, counts) in SDN_FILES {
        let parsed = read_set(dir.join(name), None, None, None, OfacList::Sdn, &strict())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(kind_counts(&parsed), *counts, "{name}");
        assert!(parsed.skipped.is_empty(), "{name}");
        assert!(parsed.entities.iter().all(|e| !e.caption().is_empty()));
    }
}

#[test]
fn real_sdn_with_add_and_alt() {
    let Some(lists) = sanctum_testkit::shared_lists("real_sdn_with_add_and_alt") else {
        return;
    };
    let dir = lists.join("ofac_sdn_csv");
    let parsed = read_set(
        dir.join("sdn_2022-01-31.csv"),
        Some(dir.join("add_2022-01-31.csv")),
        Some(dir.join("alt_2022-01-31.csv")),
        None,
        OfacList::Sdn,
        &strict(),
    )
    .unwrap();
    assert_eq!(parsed.entities.len(), 9052);
    let orphan_ids: Vec<(&str, String)> = parsed
        .skipped
        .iter()
        .map(|r| {
            let file = if r.file.contains("add_") {
                "add"
            } else {
                "alt"
            };
            let id = r.reason.split_whitespace().nth(1).unwrap_or("").to_string();
            (file, id)
        })
        .collect();
    // add.csv has one ent_num missing from this sdn.csv (README); alt.csv none.
    assert_eq!(orphan_ids, vec![("add", "32896".to_string())]);
    let total_addresses: usize = parsed.entities.iter().map(|e| e.addresses.len()).sum();
    let total_alt_names = parsed
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.record.is_some())
        .count();
    // 13625 rows, of which 2328 have every cell null (no address to keep).
    assert_eq!(total_addresses, 13_625 - 2_328);
    assert_eq!(total_alt_names, 12_409);
    let timchenko = parsed
        .entities
        .iter()
        .find(|e| e.source_id == "16666")
        .unwrap();
    let alias = timchenko
        .names
        .iter()
        .find(|n| n.record.as_deref() == Some("25296"))
        .unwrap();
    assert_eq!(alias.full, "TIMTCHENKO, Guennadi");
    assert_eq!(alias.part(NamePartKind::Given), Some("Guennadi"));
}

#[test]
fn real_consolidated_set() {
    let Some(lists) = sanctum_testkit::shared_lists("real_consolidated_set") else {
        return;
    };
    let dir = lists.join("ofac_consolidated");
    let parsed = read_set(
        dir.join("cons_prim_2025-12.csv"),
        Some(dir.join("cons_add_2025-12.csv")),
        Some(dir.join("cons_alt_2025-12.csv")),
        Some(dir.join("cons_comments_2025-12.csv")),
        OfacList::Consolidated,
        &strict(),
    )
    .unwrap();
    assert_eq!(parsed.entities.len(), 442);
    assert!(
        parsed
            .entities
            .iter()
            .all(|e| e.designations[0].list == "Non-SDN Consolidated")
    );
    let names: usize = parsed
        .entities
        .iter()
        .flat_map(|e| &e.names)
        .filter(|n| n.record.is_some())
        .count();
    let addresses: usize = parsed.entities.iter().map(|e| e.addresses.len()).sum();
    println!(
        "cons: {names} alt names, {addresses} addresses, {} orphan rows",
        parsed.skipped.len()
    );
    assert_eq!(names + orphan_rows(&parsed, "cons_alt"), 1073);
    assert!(addresses + orphan_rows(&parsed, "cons_add") <= 574);
    let zahhar = parsed
        .entities
        .iter()
        .find(|e| e.source_id == "9647")
        .unwrap();
    assert!(
        zahhar
            .names
            .iter()
            .any(|n| n.full == "ZAHAR, Mahmoud" && n.kind == NameKind::WeakAlias)
    );
    assert_eq!(zahhar.links[0].target_name.as_deref(), Some("HAMAS"));
}

fn orphan_rows(parsed: &Parsed, file: &str) -> usize {
    parsed
        .skipped
        .iter()
        .filter(|r| r.file.contains(file))
        .count()
}

#[test]
fn real_timchenko_spot_check() {
    let Some(lists) = sanctum_testkit::shared_lists("real_timchenko_spot_check") else {
        return;
    };
    let path = lists.join("ofac_sdn_csv/sdn_2022-05-06.csv");
    let parsed = read_set(path, None, None, None, OfacList::Sdn, &strict()).unwrap();
    let e = parsed
        .entities
        .iter()
        .find(|e| e.source_id == "16666")
        .unwrap();
    assert_eq!(e.caption(), "TIMCHENKO, Gennady Nikolayevich");
    assert_eq!(e.kind, EntityKind::Person);
    assert_eq!(e.birth_dates[0].date.to_string(), "1952-11-09");
    let nat: Vec<&str> = e.nationalities.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(nat, vec!["FI", "RU", "AM"]);
    let pob: Vec<&str> = e.birth_places.iter().map(|p| p.value.as_str()).collect();
    assert_eq!(pob, vec!["Leninakan, Armenia", "Gyumri, Armenia"]);
    let tax = e
        .identifiers
        .iter()
        .find(|i| i.kind == IdKind::TaxId)
        .unwrap();
    assert_eq!(
        (tax.value.as_str(), tax.country.as_deref()),
        ("781012626436", Some("RU"))
    );
    assert_eq!(e.links[0].target_name.as_deref(), Some("OOO VOLGA GROUP"));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.programs(), vec!["UKRAINE-EO13661", "RUSSIA-EO14024"]);
    assert_eq!(e.remarks.len(), 1);
    assert!(
        e.remarks[0]
            .value
            .starts_with("Secondary sanctions risk: Ukraine-/Russia-Related")
    );

    // Other known parties.
    let by_id = |id: &str| parsed.entities.iter().find(|e| e.source_id == id).unwrap();
    let bnc = by_id("306");
    assert!(
        bnc.names
            .iter()
            .any(|n| n.full == "BNC" && n.kind == NameKind::WeakAlias)
    );
}

/// Measures which remark clauses stay unstructured, by first word (run with --nocapture).
#[test]
fn real_unparsed_remark_clauses_report() {
    let Some(lists) = sanctum_testkit::shared_lists("real_unparsed_remark_clauses_report") else {
        return;
    };
    let path = lists.join("ofac_sdn_csv/sdn_2022-05-06.csv");
    let parsed = read_set(path, None, None, None, OfacList::Sdn, &strict()).unwrap();
    let mut by_word: HashMap<String, (usize, &str)> = HashMap::new();
    let mut total = 0;
    for remark in parsed.entities.iter().flat_map(|e| &e.remarks) {
        let body = remark.value.strip_prefix("alt. ").unwrap_or(&remark.value);
        let word = body.split_whitespace().next().unwrap_or("").to_string();
        by_word.entry(word).or_insert((0, &remark.value)).0 += 1;
        total += 1;
    }
    let mut ranked: Vec<(String, usize, &str)> = by_word
        .into_iter()
        .map(|(word, (n, example))| (word, n, example))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let structured = |e: &sanctum_model::Entity| {
        e.birth_dates.len()
            + e.birth_places.len()
            + e.nationalities.len()
            + e.citizenships.len()
            + e.identifiers.len()
            + e.links.len()
            + e.names.len()
    };
    let fields: usize = parsed.entities.iter().map(structured).sum();
    println!(
        "unparsed remark clauses in sdn_2022-05-06.csv: {total} (structured values: {fields})"
    );
    for (word, n, example) in ranked.iter().take(20) {
        let example: String = example.chars().take(90).collect();
        println!("{n:6} {word:14} e.g. {example}");
    }
    // Every unparsed clause has a reason to stay text: no DOB, POB or id label is left.
    for word in [
        "DOB", "POB", "Passport", "Linked", "a.k.a.", "Gender", "Tax",
    ] {
        let left = ranked.iter().find(|(w, _, _)| w == word).map_or(0, |r| r.1);
        assert!(left < 5, "{word}: {left} clauses left unparsed");
    }
}
