//! Every real file of the shared folder is recognised as its format and source.

mod common;

use sanctum_sources::detect::{Format, Role, detect, plan};

/// Format, role in the publication, and source.
type Recognised = (Format, Role, Option<&'static str>);

#[test]
fn every_shared_file_is_recognised() {
    let Some(lists) = sanctum_testkit::shared_lists("every_shared_file_is_recognised") else {
        return;
    };
    let expect: &[(&str, Option<Recognised>)] = &[
        (
            "ofac_sdn_csv/sdn_2022-02-25.csv",
            Some((Format::OfacCsv, Role::Main, Some("us_ofac_sdn"))),
        ),
        (
            "ofac_sdn_csv/add_2022-01-31.csv",
            Some((Format::OfacCsv, Role::OfacAdd, Some("us_ofac_sdn"))),
        ),
        (
            "ofac_sdn_csv/alt_2025-01.csv",
            Some((Format::OfacCsv, Role::OfacAlt, Some("us_ofac_sdn"))),
        ),
        (
            "ofac_sdn_csv/sdn_comments_2025-12.csv",
            Some((Format::OfacCsv, Role::OfacComments, Some("us_ofac_sdn"))),
        ),
        (
            "ofac_consolidated/cons_prim_2025-12.csv",
            Some((Format::OfacCsv, Role::Main, Some("us_ofac_cons"))),
        ),
        (
            "ofac_consolidated/cons_comments_2025-12.csv",
            Some((Format::OfacCsv, Role::OfacComments, Some("us_ofac_cons"))),
        ),
        (
            "ofac_xml/consolidated_nonsdn_legacy_2024-05-06.xml",
            Some((Format::OfacLegacyXml, Role::Main, Some("us_ofac_cons"))),
        ),
        (
            "ofac_xml/cons_advanced_2020-03-17.xml",
            Some((Format::OfacAdvancedXml, Role::Main, Some("us_ofac_cons"))),
        ),
        (
            "ofac_xml/CONS_ENHANCED_2025-01-14.zip",
            Some((Format::OfacEnhancedXml, Role::Main, Some("us_ofac_cons"))),
        ),
        // A custom export of one program is no whole list.
        (
            "ofac_xml/enhanced_IRGC_filter_2024-08-28.xml",
            Some((Format::OfacEnhancedXml, Role::Main, None)),
        ),
        (
            "us_csl/consolidated_2022-05.csv.gz",
            Some((Format::UsCslCsv, Role::Main, Some("us_csl"))),
        ),
        (
            "uk_ofsi/ConList_2023-06-05.xlsx",
            Some((Format::UkOfsiXlsx, Role::Main, Some("uk_ofsi"))),
        ),
        (
            "uk_ofsi/ConList_2023-06-05.DERIVED_from_xlsx.csv.gz",
            Some((Format::UkOfsiCsv, Role::Main, Some("uk_ofsi"))),
        ),
        (
            "un/consolidated_2020-11-24.xml",
            Some((Format::UnScXml, Role::Main, Some("un_sc"))),
        ),
        (
            "canada_sema/sema-lmes_2020-04.xml",
            Some((Format::CaSemaXml, Role::Main, Some("ca_sema"))),
        ),
        (
            "swiss_seco/seco_amendment_testfile_2024-01-17.xml",
            Some((Format::ChSecoXml, Role::Main, Some("ch_seco"))),
        ),
        (
            "japan/meti_russia_export_ban_list_2025-09-12.pdf.txt",
            Some((Format::JpMetiText, Role::Main, Some("jp_meti"))),
        ),
        ("schemas/eu_fsf_1_1.xsd", None),
        ("schemas/ofac_id_types.csv", None),
        (
            "sanctiontoolkit/combined_sanction_lists_20220505_main.csv.gz",
            None,
        ),
    ];
    for (file, want) in expect {
        let got = detect(&lists.join(file))
            .unwrap()
            .map(|d| (d.format, d.role, d.source));
        assert_eq!(got, *want, "{file}");
    }
}

#[test]
fn a_directory_plan_pairs_companions_and_orders_by_date() {
    let Some(lists) =
        sanctum_testkit::shared_lists("a_directory_plan_pairs_companions_and_orders_by_date")
    else {
        return;
    };
    let (publications, notes) = plan(&lists.join("ofac_sdn_csv"), None).unwrap();
    assert_eq!(publications.len(), 13);
    let dates: Vec<String> = publications
        .iter()
        .map(|p| p.date.unwrap().to_string())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    assert_eq!(
        publications[0].companions.len(),
        2,
        "add and alt of 2022-01-31 join sdn_2022-01-31"
    );
    assert!(publications[1..].iter().all(|p| p.companions.is_empty()));
    assert_eq!(
        notes.len(),
        6,
        "the 2025 and 2026 companions have no sdn.csv: {notes:?}"
    );

    let (publications, notes) = plan(&lists.join("ofac_xml"), None).unwrap();
    assert_eq!(publications.len(), 3);
    assert!(
        notes.iter().any(|n| n.contains("enhanced_IRGC_filter")),
        "{notes:?}"
    );
    // Dates come from the content: Publish_Date, DateOfIssue, dataAsOf.
    let dates: Vec<String> = publications
        .iter()
        .map(|p| p.date.unwrap().to_string())
        .collect();
    assert_eq!(dates, ["2020-03-17", "2024-05-06", "2025-01-10"]);
}
