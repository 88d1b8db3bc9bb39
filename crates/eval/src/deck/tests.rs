use super::*;
use sanctum_model::{CountryValue, DateValue, NamePart, PartialDate};
use std::collections::{BTreeMap, BTreeSet};

fn name(full: &str, kind: NameKind, parts: &[(NamePartKind, &str)]) -> Name {
    let mut n = Name::new(full, kind);
    n.parts = parts
        .iter()
        .map(|(k, v)| NamePart {
            kind: *k,
            value: v.to_string(),
        })
        .collect();
    n
}

fn person(id: &str, names: Vec<Name>, dob: Option<(u16, u8, u8)>, country: &str) -> Entity {
    let mut e = Entity::new("test", id, EntityKind::Person);
    e.names = names;
    if let Some((y, m, d)) = dob {
        e.birth_dates.push(DateValue {
            date: DateSpec::Exact(PartialDate {
                year: y,
                month: Some(m),
                day: Some(d),
            }),
            record: None,
        });
    }
    e.nationalities.push(CountryValue {
        code: country.to_string(),
        record: None,
    });
    e
}

fn org(id: &str, kind: EntityKind, names: &[&str]) -> Entity {
    let mut e = Entity::new("test", id, kind);
    e.names = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            Name::new(
                *n,
                if i == 0 {
                    NameKind::Primary
                } else {
                    NameKind::Alias
                },
            )
        })
        .collect();
    e
}

fn parties() -> Vec<Entity> {
    use NameKind::*;
    use NamePartKind::{Family, Given, Middle};
    vec![
        person(
            "kim",
            vec![
                name(
                    "KIM, Chol Yong",
                    Primary,
                    &[(Family, "KIM"), (Given, "Chol Yong")],
                ),
                name("KIM, Kyong Nam", Alias, &[]),
                name("KIM, Song Il", Alias, &[]),
                name("RI, Hong Sop", Alias, &[]),
            ],
            Some((1961, 4, 2)),
            "KP",
        ),
        person(
            "cabello",
            vec![
                name(
                    "CABELLO RONDON, Diosdado",
                    Primary,
                    &[(Family, "CABELLO RONDON"), (Given, "Diosdado")],
                ),
                name(
                    "PLANCARTE SOLIS, Enrique",
                    Alias,
                    &[(Family, "PLANCARTE SOLIS"), (Given, "Enrique")],
                ),
            ],
            Some((1963, 4, 15)),
            "VE",
        ),
        person(
            "putin",
            vec![
                name(
                    "PUTIN, Vladimir Vladimirovich",
                    Primary,
                    &[
                        (Family, "PUTIN"),
                        (Given, "Vladimir"),
                        (Middle, "Vladimirovich"),
                    ],
                ),
                name("Владимир Владимирович Путин", OriginalScript, &[]),
                name(
                    "PUTIN, Vladimir",
                    Alias,
                    &[(Family, "PUTIN"), (Given, "Vladimir")],
                ),
            ],
            Some((1952, 10, 7)),
            "RU",
        ),
        person(
            "zawahiri",
            vec![
                name(
                    "AL-ZAWAHIRI, Ayman",
                    Primary,
                    &[(Family, "AL-ZAWAHIRI"), (Given, "Ayman")],
                ),
                name("Ayman al Zawahiri", Alias, &[]),
                name(
                    "AL-ZAWAHRI, Aiman Mohammed Rabi",
                    Alias,
                    &[
                        (Family, "AL-ZAWAHRI"),
                        (Given, "Aiman"),
                        (Middle, "Mohammed Rabi"),
                    ],
                ),
                name("Abdul Muiz", WeakAlias, &[]),
                name("الظواهري أيمن", OriginalScript, &[]),
            ],
            Some((1951, 6, 19)),
            "EG",
        ),
        person(
            "rotenberg",
            vec![name(
                "ROTENBERG, Arkady Romanovich",
                Primary,
                &[
                    (Family, "ROTENBERG"),
                    (Given, "Arkady"),
                    (Middle, "Romanovich"),
                ],
            )],
            Some((1951, 12, 15)),
            "RU",
        ),
        person(
            "smith",
            vec![name(
                "SMITH, John Patrick",
                Primary,
                &[(Family, "SMITH"), (Given, "John"), (Middle, "Patrick")],
            )],
            Some((1970, 2, 3)),
            "GB",
        ),
        person(
            "ali",
            vec![name(
                "ALI, Mohammed",
                Primary,
                &[(Family, "ALI"), (Given, "Mohammed")],
            )],
            Some((1980, 5, 5)),
            "SA",
        ),
        person(
            "vanderberg",
            vec![name(
                "VAN DER BERG, Pieter Ockham",
                Primary,
                &[
                    (Family, "VAN DER BERG"),
                    (Given, "Pieter"),
                    (Middle, "Ockham"),
                ],
            )],
            None,
            "NL",
        ),
        org(
            "argument",
            EntityKind::Organization,
            &[
                "JSC ARGUMENT",
                "AKTSIONERNOE OBSHCHESTVO ARGUMENT",
                "ARGUMENT OOO",
                "AKTSIONERNOE OBSHCHESTVO NAUCHNO-PROIZVODSTVENNOE PREDPRIYATIE ARGUMENT",
            ],
        ),
        org(
            "melli",
            EntityKind::Organization,
            &[
                "BANK MELLI IRAN",
                "MELLI BANK PLC",
                "BANK MELLI IRAN INTERNATIONAL FINANCIAL SERVICES",
            ],
        ),
        org("vessel", EntityKind::Vessel, &["ADRIAN DARYA 1", "GRACE 1"]),
    ]
}

fn opts(seed: u64) -> DeckOptions {
    DeckOptions {
        seed,
        per_class: 12,
        customers: 400,
        lookalikes: 12,
    }
}

fn texts(deck: &[DeckCase], class: &str) -> Vec<String> {
    deck.iter()
        .filter(|c| c.class == class)
        .filter_map(|c| c.query.names.first().cloned())
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_deck_and_another_seed_another() {
    let parties = parties();
    type Summary = Vec<(String, Vec<String>, Option<String>, Vec<String>)>;
    let summary = |deck: &[DeckCase]| -> Summary {
        deck.iter()
            .map(|c| {
                (
                    c.class.to_string(),
                    c.query.names.clone(),
                    c.target.clone(),
                    c.query.birth_dates.clone(),
                )
            })
            .collect()
    };
    let a = generate(&parties, &opts(7));
    let b = generate(&parties, &opts(7));
    let c = generate(&parties, &opts(8));
    assert_eq!(summary(&a), summary(&b));
    assert_ne!(summary(&a), summary(&c));
}

#[test]
fn every_listed_name_is_in_the_deck_and_person_names_in_natural_order_too() {
    let parties = parties();
    let deck = generate(&parties, &opts(1));
    let listed = texts(&deck, "as_listed");
    let all: usize = parties.iter().map(|p| p.names.len()).sum();
    assert_eq!(listed.len(), all);
    assert!(
        listed.contains(&"Abdul Muiz".to_string()),
        "weak aliases are listed names too"
    );
    assert!(listed.contains(&"Владимир Владимирович Путин".to_string()));
    let natural = texts(&deck, "natural_order");
    assert!(natural.contains(&"Vladimir Vladimirovich PUTIN".to_string()));
    assert!(natural.contains(&"Ayman AL-ZAWAHIRI".to_string()));
    assert!(natural.contains(&"Pieter Ockham VAN DER BERG".to_string()));
    assert!(
        deck.iter()
            .filter(|c| c.group == Group::Listed)
            .all(|c| c.target.is_some())
    );
}

#[test]
fn each_variant_class_gives_varied_spellings_that_differ_from_the_source() {
    let parties = parties();
    let deck = generate(&parties, &opts(3));
    for &(class, _, _) in VARIANT_CLASSES {
        let cases: Vec<&DeckCase> = deck.iter().filter(|c| c.class == class).collect();
        assert!(!cases.is_empty(), "{class} made no case");
        let distinct: BTreeSet<&String> =
            cases.iter().filter_map(|c| c.query.names.first()).collect();
        assert!(distinct.len() >= 2, "{class} is not varied: {distinct:?}");
        for c in &cases {
            let text = c
                .query
                .names
                .first()
                .map(String::as_str)
                .unwrap_or_default();
            assert_ne!(text, c.source_name, "{class}");
            assert!(
                c.target.as_deref().is_some_and(|t| t.starts_with("test:")),
                "{class}"
            );
            assert!(
                c.query.prepare().is_ok(),
                "{class}: {text:?} is not a valid query"
            );
        }
    }
    let tr = texts(&deck, "transliteration");
    assert!(
        tr.iter()
            .any(|t| t.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))),
        "a Cyrillic rendering: {tr:?}"
    );
    let homoglyphs = texts(&deck, "homoglyphs");
    assert!(homoglyphs.iter().all(|t| !t.is_ascii()));
    let invisible = texts(&deck, "invisible");
    assert!(invisible.iter().all(|t| t.chars().any(|c| matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{00AD}' | '\u{2060}' | '\u{FEFF}'
    ))));
    assert!(
        texts(&deck, "truncation_20")
            .iter()
            .all(|t| t.chars().count() <= 20)
    );
    let particles = texts(&deck, "particles");
    assert!(
        particles
            .iter()
            .any(|t| t.to_lowercase().contains("alzawahiri")
                || t.to_lowercase().contains("al zawahiri")),
        "{particles:?}"
    );
    let initials = texts(&deck, "initials");
    assert!(
        initials
            .iter()
            .any(|t| t.starts_with("V. ") || t.starts_with("V ")),
        "{initials:?}"
    );
}

#[test]
fn lookalikes_name_someone_else_and_no_listed_name() {
    let parties = parties();
    let deck = generate(&parties, &opts(5));
    let index = ListedIndex::new(&parties);
    for class in ["lookalike_cross", "lookalike_swap", "lookalike_edits"] {
        let cases = texts(&deck, class);
        assert!(!cases.is_empty(), "{class} made no case");
        for text in &cases {
            assert!(
                !index.within_listed(text),
                "{class}: {text:?} is a listed name"
            );
        }
    }
    assert!(
        deck.iter()
            .filter(|c| matches!(c.group, Group::LookAlikePart | Group::LookAlikeEdits))
            .all(|c| c.target.is_none())
    );
    // Every name word of three or more letters changed in at least 40 % of its letters.
    for c in deck.iter().filter(|c| c.class == "lookalike_edits") {
        let text: Vec<Vec<char>> = c
            .query
            .names
            .first()
            .map(|t| t.split_whitespace().map(|w| w.chars().collect()).collect())
            .unwrap_or_default();
        let forms = [
            variants::natural_order(&c.source_name).unwrap_or_default(),
            c.source_name.clone(),
        ];
        let source = forms
            .iter()
            .map(|f| {
                f.split_whitespace()
                    .map(|w| w.chars().collect::<Vec<char>>())
                    .collect::<Vec<_>>()
            })
            .find(|f| f.len() == text.len() && f.iter().zip(&text).all(|(a, b)| a.len() == b.len()))
            .expect("the edited name keeps the shape of its source");
        let mut total = 0;
        for (a, b) in text.iter().zip(&source) {
            let word: String = b.iter().collect();
            let letters = b.iter().filter(|c| c.is_ascii_alphabetic()).count();
            let changed = a.iter().zip(b).filter(|(x, y)| x != y).count();
            total += changed;
            if letters >= 3
                && sanctum_names::classify(&word.to_lowercase()) == sanctum_names::TokenKind::Name
            {
                assert!(changed * 5 >= letters * 2, "{a:?} vs {word}");
            }
        }
        assert!(total >= 3);
    }
}

#[test]
fn customers_span_locales_and_scripts_and_never_bear_a_listed_name() {
    let parties = parties();
    let deck = generate(&parties, &opts(11));
    let index = ListedIndex::new(&parties);
    let customers: Vec<&DeckCase> = deck.iter().filter(|c| c.group == Group::Customer).collect();
    assert_eq!(customers.len(), 400);
    let locales: BTreeSet<&str> = customers.iter().map(|c| c.source_name.as_str()).collect();
    assert!(locales.len() >= 18, "{locales:?}");
    for c in &customers {
        let text = c.query.names.first().cloned().unwrap_or_default();
        assert!(index.parties_named(&text).is_empty(), "{text:?} is listed");
        assert!(c.query.prepare().is_ok(), "{text:?} {:?}", c.query);
        assert!(c.target.is_none());
    }
    let scripts = |range: std::ops::RangeInclusive<char>| {
        customers.iter().any(|c| {
            c.query
                .names
                .iter()
                .any(|n| n.chars().any(|ch| range.contains(&ch)))
        })
    };
    assert!(scripts('\u{0400}'..='\u{04FF}'), "Cyrillic");
    assert!(scripts('\u{0600}'..='\u{06FF}'), "Arabic");
    assert!(scripts('\u{4E00}'..='\u{9FFF}'), "Han");
    assert!(scripts('\u{AC00}'..='\u{D7AF}'), "Hangul");
    let persons = customers
        .iter()
        .filter(|c| c.class == "customer_person")
        .count();
    assert!(persons > 200 && persons < 400, "{persons}");
    assert!(
        customers
            .iter()
            .filter(|c| c.class == "customer_person")
            .all(|c| c.query.birth_dates.len() == 1 && c.query.countries.len() == 1)
    );
    // "Mohammed Ali" is listed here (ALI, Mohammed), so no customer is exactly that.
    assert!(customers.iter().all(|c| {
        key_set(c.query.names.first().map(String::as_str).unwrap_or(""))
            != ["ali", "mohammed"]
                .iter()
                .map(|s| sanctum_names::fold_variant(s).into_owned())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect::<Vec<_>>()
    }));
}

#[test]
fn no_customer_bears_a_listed_name_shortened() {
    // List, with a patronymic added, the first customers a deck makes: the same seed must
    // then make none of them, since each is a listed name with its middle dropped (a
    // token_drop positive, no fair negative).
    let mut parties = parties();
    let first = generate(&parties, &opts(11));
    let shortened: Vec<String> = first
        .iter()
        .filter(|c| c.class == "customer_person")
        .filter_map(|c| c.query.names.first())
        .filter(|t| t.is_ascii() && t.split_whitespace().count() == 2)
        .take(20)
        .cloned()
        .collect();
    assert_eq!(shortened.len(), 20);
    for (i, text) in shortened.iter().enumerate() {
        let (given, family) = text.split_once(' ').unwrap_or_default();
        let full = format!("{given} Petrovich {family}");
        let names = vec![Name::new(&full, NameKind::Primary)];
        parties.push(person(&format!("short{i}"), names, None, "ru"));
    }
    let index = ListedIndex::new(&parties);
    let again = generate(&parties, &opts(11));
    let customers = texts(&again, "customer_person");
    assert!(customers.len() > 200, "{}", customers.len());
    for text in &customers {
        assert!(
            !shortened.contains(text),
            "{text:?} is a listed name shortened"
        );
        assert!(
            !index.within_listed(text),
            "{text:?} is within a listed name"
        );
    }
}

#[test]
fn birth_date_cases_carry_the_same_date_or_one_ten_years_away() {
    let parties = parties();
    let deck = generate(&parties, &opts(2));
    let same: Vec<&DeckCase> = deck
        .iter()
        .filter(|c| c.class == "birth_date_same")
        .collect();
    let far: Vec<&DeckCase> = deck
        .iter()
        .filter(|c| c.class == "birth_year_far")
        .collect();
    assert_eq!(same.len(), far.len());
    assert!(same.len() >= 4, "{}", same.len());
    let putin = same
        .iter()
        .find(|c| c.target.as_deref() == Some("test:putin"))
        .expect("Putin has a full birth date");
    assert_eq!(putin.query.birth_dates, vec!["1952-10-07".to_string()]);
    for c in &far {
        assert!(c.target.is_none());
        assert!(c.party.as_deref().is_some_and(|p| p.starts_with("test:")));
        let year: i32 = c
            .query
            .birth_dates
            .first()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok())
            .unwrap_or(0);
        let twin = same
            .iter()
            .find(|s| s.query.names == c.query.names)
            .expect("the same name with its own date");
        let listed: i32 = twin
            .query
            .birth_dates
            .first()
            .and_then(|d| d.get(..4))
            .and_then(|y| y.parse().ok())
            .unwrap_or(0);
        assert!((year - listed).abs() >= 10, "{year} vs {listed}");
        assert!(c.query.prepare().is_ok());
    }
}

fn odd_parties() -> Vec<Entity> {
    let odd = [
        "",
        " ",
        ",",
        ", ,",
        "-",
        "LAST,",
        ", First",
        "X",
        "al-",
        "al",
        "\u{200B}",
        "123",
        "🙂 🙂",
        "e\u{0301}\u{0301}\u{0301}",
        "Ω",
        "A, B, C, D",
        "Ḿ",
        "ʼ",
        "İı",
        "ß",
        "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-a-b-c-d-e-f-g-h",
        "VERY LONG NAME WITH MANY WORDS THAT GOES ON AND ON AND ON FOR A WHILE LONGER THAN ANY FIELD",
        "ОЧЕНЬ, Странное",
        "\"",
        "'",
        "()",
        "Abdul",
        "abdulaziz",
        "van",
        "van de",
    ];
    let mut out = Vec::new();
    out.push(Entity::new("odd", "none", EntityKind::Person));
    for (i, text) in odd.iter().enumerate() {
        for kind in [
            EntityKind::Person,
            EntityKind::Organization,
            EntityKind::Unknown,
        ] {
            let mut e = Entity::new("odd", format!("{i}-{}", kind.as_str()), kind);
            let mut n = Name::new(*text, NameKind::Primary);
            n.parts = vec![
                NamePart {
                    kind: NamePartKind::Family,
                    value: text.to_string(),
                },
                NamePart {
                    kind: NamePartKind::Given,
                    value: text.to_string(),
                },
            ];
            e.names.push(n);
            e.names.push(Name::new(*text, NameKind::OriginalScript));
            e.birth_dates.push(DateValue {
                date: DateSpec::Exact(PartialDate {
                    year: 1000,
                    month: Some(2),
                    day: Some(29),
                }),
                record: None,
            });
            out.push(e);
        }
    }
    out
}

#[test]
fn odd_and_empty_names_do_not_panic() {
    let parties = odd_parties();
    let deck = generate(
        &parties,
        &DeckOptions {
            seed: 3,
            per_class: 50,
            customers: 50,
            lookalikes: 50,
        },
    );
    for c in &deck {
        assert!(
            c.query
                .names
                .iter()
                .all(|n| !sanctum_names::tokens(n).is_empty()),
            "{:?}",
            c
        );
    }
    // No parties at all, and zero sizes.
    assert!(
        generate(&[], &opts(1))
            .iter()
            .all(|c| c.group == Group::Customer)
    );
    assert!(
        generate(
            &parties,
            &DeckOptions {
                seed: 0,
                per_class: 0,
                customers: 0,
                lookalikes: 0
            }
        )
        .iter()
        .all(|c| c.group == Group::Listed)
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    #[test]
    fn any_names_do_not_panic(names in proptest::collection::vec(".{0,40}", 1..6), seed in 0u64..1000) {
        let parties: Vec<Entity> = names
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let kind = if i % 2 == 0 { EntityKind::Person } else { EntityKind::Organization };
                let mut e = Entity::new("prop", i.to_string(), kind);
                let mut n = Name::new(text.clone(), NameKind::Primary);
                if let Some((last, first)) = text.split_once(',') {
                    n.parts = vec![
                        NamePart { kind: NamePartKind::Family, value: last.to_string() },
                        NamePart { kind: NamePartKind::Given, value: first.to_string() },
                    ];
                }
                e.names.push(n);
                e
            })
            .collect();
        let _ = generate(&parties, &DeckOptions { seed, per_class: 5, customers: 5, lookalikes: 5 });
    }
}

fn real_sdn(test: &str) -> Option<Vec<Entity>> {
    let dir = sanctum_testkit::shared_lists(test)?;
    use sanctum_sources::detect::{self, Format, Publication, Role};
    let csv = dir.join("ofac_sdn_csv");
    let publication = Publication {
        source: "us_ofac_sdn".into(),
        format: Format::OfacCsv,
        main: csv.join("sdn_2022-01-31.csv"),
        companions: vec![
            (Role::OfacAlt, csv.join("alt_2022-01-31.csv")),
            (Role::OfacAdd, csv.join("add_2022-01-31.csv")),
        ],
        date: None,
    };
    Some(
        detect::read(&publication, &sanctum_sources::ParseOptions::default())
            .expect("the SDN list parses")
            .entities,
    )
}

/// How many cases each class can give on the real SDN list (run with `--ignored`).
#[test]
#[ignore = "slow: fills every class as far as the list allows"]
fn deck_capacity_on_the_real_sdn_list() {
    let Some(parties) = real_sdn("deck_capacity_on_the_real_sdn_list") else {
        return;
    };
    let deck = generate(
        &parties,
        &DeckOptions {
            seed: 42,
            per_class: 1_000_000,
            customers: 0,
            lookalikes: 20_000,
        },
    );
    for (class, n) in class_counts(&deck) {
        eprintln!("{class:>18} {n:>6}");
    }
}

/// The deck over the real SDN list of 2022-01-31 (with its alt and add files): prints the
/// counts per class and checks that every class the list allows is filled.
#[test]
fn deck_over_the_real_sdn_list() {
    let Some(parties) = real_sdn("deck_over_the_real_sdn_list") else {
        return;
    };
    assert_eq!(parties.len(), 9052);
    let opts = DeckOptions {
        seed: 42,
        per_class: 500,
        customers: 20_000,
        lookalikes: 500,
    };
    let started = std::time::Instant::now();
    let deck = generate(&parties, &opts);
    let elapsed = started.elapsed();
    let counts: BTreeMap<&str, usize> = class_counts(&deck).into_iter().collect();
    for (class, n) in class_counts(&deck) {
        eprintln!("{class:>18} {n:>6}");
        if let Some(example) = deck.iter().find(|c| c.class == class) {
            eprintln!(
                "{:>18} e.g. {:?} <- {:?}",
                "",
                example
                    .query
                    .names
                    .first()
                    .map(String::as_str)
                    .unwrap_or(""),
                example.source_name
            );
        }
    }
    eprintln!("deck of {} cases in {elapsed:?}", deck.len());
    // SANCTUM_DECK_SAMPLES=n prints n cases of each class, to read the deck by eye.
    let samples: usize = std::env::var("SANCTUM_DECK_SAMPLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    for class in CLASSES {
        for c in deck
            .iter()
            .filter(|c| c.class == *class)
            .step_by(37)
            .take(samples)
        {
            eprintln!(
                "{class:>18} {:?} <- {:?} {:?}",
                c.query.names.first().map(String::as_str).unwrap_or(""),
                c.source_name,
                c.query.birth_dates
            );
        }
    }
    let names: usize = parties
        .iter()
        .map(|p| p.names.iter().filter(|n| has_tokens(n.full.trim())).count())
        .sum();
    assert!(
        counts["as_listed"] >= names - 50 && counts["as_listed"] <= names,
        "{} of {names}",
        counts["as_listed"]
    );
    assert!(counts["natural_order"] > 5000);
    // Chinese and Korean names are a few hundred of the list's: their classes take every
    // case there is.
    for &(class, _, _) in VARIANT_CLASSES {
        if matches!(
            class,
            "romanised_syllables" | "syllable_typo" | "one_family_name"
        ) {
            assert!(counts[class] >= 150, "{class}: {}", counts[class]);
        } else {
            assert_eq!(counts[class], 500, "{class}");
        }
    }
    for class in ["lookalike_cross", "lookalike_swap", "lookalike_edits"] {
        assert_eq!(counts[class], 500, "{class}");
    }
    assert_eq!(
        counts["customer_person"] + counts["customer_company"],
        20_000
    );
    assert_eq!(counts["birth_year_far"], 500);
    assert_eq!(counts["birth_date_same"], 500);
    let index = ListedIndex::new(&parties);
    for c in deck.iter().filter(|c| c.group == Group::Customer) {
        let text = c.query.names.first().map(String::as_str).unwrap_or("");
        assert!(index.parties_named(text).is_empty(), "{text}");
    }
}

#[test]
fn a_cut_inside_the_opening_legal_form_names_nobody() {
    let company = org(
        "llc",
        EntityKind::Organization,
        &["LIMITED LIABILITY COMPANY SIBANTHRACITE PORT SERVICES"],
    );
    let source = |base: &str| variants::Source {
        entity: &company,
        base: base.to_string(),
        person: false,
        family_words: None,
    };
    let name = "LIMITED LIABILITY COMPANY SIBANTHRACITE PORT SERVICES";
    assert_eq!(variants::truncation(&source(name), 20), None);
    assert_eq!(
        variants::truncation(&source(name), 35).as_deref(),
        Some("LIMITED LIABILITY COMPANY SIBANTHRA")
    );
    // A name that ends in its legal form keeps its first words when cut.
    assert_eq!(
        variants::truncation(&source("SIBANTHRACITE PORT SERVICES LIMITED"), 20).as_deref(),
        Some("SIBANTHRACITE PORT S")
    );
}

#[test]
fn assimilated_articles_only_before_their_consonant() {
    assert!(variants::is_article_of("ad", "Din") && variants::is_article_of("AL", "Qaida"));
    assert!(variants::is_article_of("ash", "Shami"));
    assert!(!variants::is_article_of("UT", "IT") && !variants::is_article_of("ad", "Rahman"));
}

#[test]
fn initials_stand_for_given_names_not_titles() {
    let mullah = org(
        "noorzai",
        EntityKind::Person,
        &["Mullah Ahmed Shah NOORZAI"],
    );
    let source = |base: &str| variants::Source {
        entity: &mullah,
        base: base.to_string(),
        person: true,
        family_words: None,
    };
    let mut rng = Rng::fork(7, "initials");
    for _ in 0..50 {
        let text = variants::initials(&source("Mullah Ahmed Shah NOORZAI"), &mut rng);
        let text = text.expect("a person with given names has initials");
        assert!(text.starts_with('A') || text.starts_with("Ahmed"), "{text}");
        // The Russian official order: the family name first, the patronymic last.
        let text = variants::initials(&source("SHIPULIN Anton Vladimirovich"), &mut rng);
        assert!(text.is_some_and(|t| t.ends_with("SHIPULIN")));
    }
}

#[test]
fn token_drop_leaves_no_particle_without_its_name() {
    let azzouz = org("azzouz", EntityKind::Person, &["ABD AL-BASET AZZOUZ"]);
    let source = |base: &str| variants::Source {
        entity: &azzouz,
        base: base.to_string(),
        person: true,
        family_words: None,
    };
    let mut rng = Rng::fork(3, "token_drop");
    // `AL-BASET` is bound to `ABD`, and `ABD` is no name to drop: nothing is left.
    assert_eq!(
        variants::token_drop(&source("ABD AL-BASET AZZOUZ"), &mut rng),
        None
    );
    for _ in 0..50 {
        let text = variants::token_drop(&source("Ali Saleh BIN Hamad AL THANI"), &mut rng);
        // Only `Saleh` may go: `Hamad` is bound to `BIN`.
        assert_eq!(text.as_deref(), Some("Ali BIN Hamad AL THANI"));
    }
}

#[test]
fn a_punctuated_title_is_no_given_name() {
    let shaban = org("shaban", EntityKind::Person, &["SHABAN, Dr. Adib"]);
    let source = variants::Source {
        entity: &shaban,
        base: "Dr. Adib SHABAN".to_string(),
        person: true,
        family_words: Some(1),
    };
    let mut rng = Rng::fork(3, "titles");
    // `Adib` is the first given name: token_drop keeps it, and has nothing else to drop.
    assert_eq!(variants::token_drop(&source, &mut rng), None);
    let initials = variants::initials(&source, &mut rng);
    assert_eq!(initials.as_deref(), Some("A. SHABAN"));
}
