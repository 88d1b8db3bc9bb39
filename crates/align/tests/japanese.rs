//! Japanese names end to end through the matcher and the linker: katakana and hiragana
//! romanised (Hepburn), family name first or last, so that HAYASHI Yoshimasa,
//! Yoshimasa Hayashi and ハヤシ ヨシマサ meet.

use sanctum_align::{LinkOptions, Record, align};
use sanctum_matcher::{Matcher, PreparedEntity, Query};
use sanctum_model::{
    DateSpec, DateValue, Designation, Entity, EntityKind, Name, NameKind, NamePart, NamePartKind,
    PartialDate,
};

fn person(source: &str, id: &str, authority: &str, names: &[(&str, NameKind)]) -> Entity {
    let mut e = Entity::new(source, id, EntityKind::Person);
    for (full, kind) in names {
        e.names.push(Name::new(*full, *kind));
    }
    e.birth_dates.push(DateValue {
        date: DateSpec::Exact(PartialDate::new(1961, Some(1), Some(19)).unwrap()),
        record: None,
    });
    e.designations.push(Designation {
        authority: authority.into(),
        list: "test".into(),
        programs: vec!["Test".into()],
        listed_on: None,
        ended_on: None,
        legal_basis: Vec::new(),
        record: None,
    });
    e
}

/// The MOF way: family name first in capitals, parts given.
fn hayashi_listed() -> Entity {
    let mut e = person(
        "jp_mof",
        "1",
        "JP MOF",
        &[("HAYASHI Yoshimasa", NameKind::Primary)],
    );
    e.names[0].parts = vec![
        NamePart {
            kind: NamePartKind::Family,
            value: "HAYASHI".into(),
        },
        NamePart {
            kind: NamePartKind::Given,
            value: "Yoshimasa".into(),
        },
    ];
    e
}

#[test]
fn kana_and_either_name_order_meet_the_listed_romanised_name() {
    let listed = PreparedEntity::new(hayashi_listed());
    let matcher = Matcher::default();
    for query in [
        "HAYASHI Yoshimasa",
        "Yoshimasa Hayashi",
        "ハヤシ ヨシマサ",
        "はやし よしまさ",
        "ヨシマサ ハヤシ",
    ] {
        let prepared = Query::name(query).prepare().unwrap();
        let hit = matcher
            .score(&prepared, &listed)
            .unwrap_or_else(|| panic!("{query}: not comparable"));
        assert!(
            hit.score >= sanctum_matcher::DEFAULT_THRESHOLD,
            "{query}: score {} below the threshold\n{}",
            hit.score,
            hit.explanation
        );
    }
}

#[test]
fn a_listed_kana_name_meets_a_romanised_query() {
    let listed = PreparedEntity::new(person(
        "jp_mof",
        "2",
        "JP MOF",
        &[("ハヤシ ヨシマサ", NameKind::Primary)],
    ));
    let prepared = Query::name("Yoshimasa HAYASHI").prepare().unwrap();
    let hit = Matcher::default().score(&prepared, &listed).unwrap();
    assert!(
        hit.score >= sanctum_matcher::DEFAULT_THRESHOLD,
        "{}",
        hit.explanation
    );
}

#[test]
fn the_same_person_in_kana_and_in_latin_on_two_lists_is_one_target() {
    let jp = person(
        "jp_mof",
        "1",
        "JP MOF",
        &[
            ("HAYASHI Yoshimasa", NameKind::Primary),
            ("ハヤシ ヨシマサ", NameKind::OriginalScript),
        ],
    );
    let uk = person(
        "uk_ofsi",
        "99",
        "UK OFSI",
        &[("Yoshimasa HAYASHI", NameKind::Primary)],
    );
    let kana_only = person(
        "ca_sema",
        "7",
        "CA GAC",
        &[("ハヤシ ヨシマサ", NameKind::Primary)],
    );
    let other = person(
        "un_sc",
        "5",
        "UN SC",
        &[("HAYASHI Kenji", NameKind::Primary)],
    );
    let alignment = align(
        vec![
            Record::current(jp),
            Record::current(uk),
            Record::current(kana_only),
            Record::current(other),
        ],
        &LinkOptions::default(),
    );
    assert_eq!(
        alignment.target_of[0], alignment.target_of[1],
        "{:#?}",
        alignment.links
    );
    assert_eq!(
        alignment.target_of[0], alignment.target_of[2],
        "{:#?}",
        alignment.links
    );
    assert_ne!(
        alignment.target_of[0], alignment.target_of[3],
        "{:#?}",
        alignment.links
    );
    let link = alignment
        .links
        .iter()
        .find(|l| l.a == 0 && l.b == 1)
        .unwrap();
    let names = link.names.as_ref().unwrap();
    assert_eq!(names.birth_date, sanctum_align::link::Agreement::Agree);
}
