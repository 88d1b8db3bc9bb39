//! The index never loses a party the matcher alerts on: hard pairs met in the recall
//! measurements (initials, cut fields, joined words, scripts, scores right at the threshold).

use sanctum_index::{CandidateIndex, Scratch};
use sanctum_matcher::{DEFAULT_THRESHOLD, MatchOptions, Matcher, PreparedEntity, Query};
use sanctum_model::{Entity, EntityKind, Name, NameKind, NamePart, NamePartKind};

/// A listed party; `family` marks the family name as OFAC's "LAST, First" does.
fn listed(kind: EntityKind, full: &str, family: Option<&str>) -> PreparedEntity {
    let mut e = Entity::new("test", full, kind);
    let mut name = Name::new(full, NameKind::Primary);
    if let Some(f) = family {
        name.parts.push(NamePart {
            kind: NamePartKind::Family,
            value: f.to_string(),
        });
    }
    e.names.push(name);
    PreparedEntity::new(e)
}

/// Pairs the matcher alerts on; each must come out of the index. Known miss, left out: three
/// query words joined and two edits away from one listed word ("Yahya ALAA AL DINI" /
/// "ALA'ODDINI, Yahya", 0.817): no key of the index sees it.
const PAIRS: &[(&str, &str, Option<&str>, EntityKind)] = &[
    (
        "ABOU KHALAF",
        "Abu KHALED",
        Some("KHALED"),
        EntityKind::Person,
    ),
    (
        "Q. AHMED",
        "Ahmad Sheikh Abdul QADIR",
        Some("QADIR"),
        EntityKind::Person,
    ),
    (
        "M UMAR",
        "Omar MAHAMAT",
        Some("MAHAMAT"),
        EntityKind::Person,
    ),
    (
        "J. CHOL SONG",
        "JANG, Song Chol",
        Some("JANG"),
        EntityKind::Person,
    ),
    ("ABOUDJARRAH", "ABOU DJARRAH", None, EntityKind::Person),
    ("ABUUBAIDAH", "ABU UBAIDAH", None, EntityKind::Person),
    (
        "ABUUBAIDAH",
        "UBAIDAH, Abu",
        Some("UBAIDAH"),
        EntityKind::Person,
    ),
    (
        "BANK MOKSVY PAO",
        "BANK MOSKVY PAO",
        None,
        EntityKind::Organization,
    ),
    (
        "MENDEZ SALAZAR, John Jaior",
        "MENDEZ SALAZAR, John Jairo",
        Some("MENDEZ SALAZAR"),
        EntityKind::Person,
    ),
    (
        "SYRIAN A.R.A.B. CO. FOR ELECTRONIC INDUSTRIES",
        "SYRONICS-SYRIAN ARAB CO. FOR ELECTRONIC INDUSTRIES",
        None,
        EntityKind::Organization,
    ),
    (
        "Публичное Акционерное Общество \"Таг",
        "TAGHTIRAN",
        None,
        EntityKind::Organization,
    ),
    (
        "Islam Seit-Umarowitsch ATABIJEW",
        "ATABIYEV, Islam Seit-Umarovich",
        Some("ATABIYEV"),
        EntityKind::Person,
    ),
    (
        "S. M. TUFAIL",
        "TUFAIL, Mohammed",
        Some("TUFAIL"),
        EntityKind::Person,
    ),
    (
        "YHYAZADH, Hamid Reza",
        "YAHYA ZADEH, Hamidreza",
        Some("YAHYA ZADEH"),
        EntityKind::Person,
    ),
    ("T. TAN", "TAN, Tieniu", Some("TAN"), EntityKind::Person),
    (
        "Bashar Sabawi Ibrahim Hasan AL-TIKR",
        "AL-TIKRITI, Sab'awi Ibrahim Hassan",
        Some("AL-TIKRITI"),
        EntityKind::Person,
    ),
    (
        "Hu Wei",
        "Huawei International Co., Limited",
        None,
        EntityKind::Unknown,
    ),
    (
        "M. R. KAZEMIAN",
        "KAZEMI, Mohammad Reza",
        Some("KAZEMI"),
        EntityKind::Person,
    ),
    (
        "KANYAMA Celestin Cishiku",
        "KANYAMA, Celestin",
        Some("KANYAMA"),
        EntityKind::Person,
    ),
    (
        "Hajja Sahar AKHRAS",
        "AKHRAS, Sahar",
        Some("AKHRAS"),
        EntityKind::Person,
    ),
    (
        "ALALI, Nasir",
        "ALI, Nasser Al Sheikh",
        Some("ALI"),
        EntityKind::Person,
    ),
    (
        "ABDULJABBAR OMARI",
        "JABBAR, Abdul",
        Some("JABBAR"),
        EntityKind::Person,
    ),
    (
        "MOHAMMAD ŠALIM HAQQAŃI",
        "Sayyed Mohammad HAQQANI",
        None,
        EntityKind::Person,
    ),
    (
        "محمد علي درغام",
        "'ALI, Muhammad",
        Some("'ALI"),
        EntityKind::Person,
    ),
    ("Yu Jong 2", "YUJONG1", None, EntityKind::Vessel),
    ("AR.P.Č.", "ASPC", None, EntityKind::Organization),
    (
        "LIMITED LIABILITY COMPANY GROUP O.F. COMPANIES SPETSMETALLMASTER",
        "LIMITED LIABILITY COMPANY GROUP OF COMPANIES SPETSMETALLMASTER",
        None,
        EntityKind::Organization,
    ),
    (
        "Stepan Ivanov",
        "IVANOV, Stepanovich",
        Some("IVANOV"),
        EntityKind::Person,
    ),
    (
        "JSCARGUMENT",
        "JSC ARGUMENT",
        None,
        EntityKind::Organization,
    ),
    (
        "Andriy Fedorenk",
        "FEDORENKO, Andriy Petrovych",
        Some("FEDORENKO"),
        EntityKind::Person,
    ),
    (
        "MMLK, 'Ali",
        "MAMLUK, Ali",
        Some("MAMLUK"),
        EntityKind::Person,
    ),
    (
        "Aclil Anwar AL-OLABI",
        "AL-OLABI, Adil Anwar",
        Some("AL-OLABI"),
        EntityKind::Person,
    ),
    (
        "BANCO VT8 AFRICA SA",
        "BANCO VTB AFRICA SA",
        None,
        EntityKind::Organization,
    ),
    (
        "AHROUN GAYE",
        "GAYE, Haroun",
        Some("GAYE"),
        EntityKind::Person,
    ),
    (
        "HK HENGBANGWEI ELCTRONICS LIMITED",
        "HK HENGBANGWEI ELECTRONICS LIMITED",
        None,
        EntityKind::Organization,
    ),
    (
        "Muhammad Samir AL-FA",
        "FARHAT, Muhammad 'Abd-al-Amir",
        Some("FARHAT"),
        EntityKind::Person,
    ),
    (
        "Suhayl AL-HASAN",
        "AL-HASAN, Suhayl Hasan",
        Some("AL-HASAN"),
        EntityKind::Person,
    ),
    // The bound once fell below the score (issue 16): OCR confusions and initials written
    // with and without stops, met on an independent deck.
    (
        "LXC Aviation",
        "L.X.C Aviation",
        None,
        EntityKind::Organization,
    ),
    ("LXC AVIATION", "L.X.C AVIATION", None, EntityKind::Unknown),
    (
        "Jarnal Moharnad KHAROUBI",
        "KHAROUBI, Jamal Mohamad",
        Some("KHAROUBI"),
        EntityKind::Person,
    ),
    (
        "Stanislav Aleksandrovich NAUrnOV",
        "NAUMOV, Stanislav Aleksandrovich",
        Some("NAUMOV"),
        EntityKind::Person,
    ),
    (
        "Aleksandr Borisovich KURDIUrnOV",
        "KURDIUMOV, Aleksandr Borisovich",
        Some("KURDIUMOV"),
        EntityKind::Person,
    ),
    (
        "WEl, Hsueh Kang",
        "WEI, Hsueh Kang",
        Some("WEI"),
        EntityKind::Person,
    ),
    ("WEl Zhao", "WEI, Zhao", Some("WEI"), EntityKind::Person),
    (
        "GOLDEN FISH SAL (OFFSHORE)",
        "GOLDEN FISH S.A.L. (OFFSHORE)",
        None,
        EntityKind::Organization,
    ),
    (
        "AVIATION AVIATION AVIATIONSAL",
        "AVIATION AVIATION AVIATION S.A.L.",
        None,
        EntityKind::Organization,
    ),
    (
        "CAR ESCORT SERVICES SAL OFF SHORE",
        "CAR ESCORT SERVICES S.A.L. OFF SHORE",
        None,
        EntityKind::Organization,
    ),
    (
        "Y. AL-TIKRITI",
        "AL-TIKRITI, Yasir Sab'awi Ibrahim Hasan",
        Some("AL-TIKRITI"),
        EntityKind::Person,
    ),
];

#[test]
fn every_pair_the_matcher_alerts_on_is_a_candidate() {
    let matcher = Matcher::new(MatchOptions::default());
    let mut failures = Vec::new();
    let mut alerted = 0;
    for (query, name, family, kind) in PAIRS {
        let parties = vec![listed(*kind, name, *family)];
        let index = CandidateIndex::build(&parties);
        let q = Query::name(*query).prepare().unwrap();
        let score = matcher.score(&q, &parties[0]).map_or(0.0, |h| h.score);
        if score < DEFAULT_THRESHOLD {
            continue;
        }
        alerted += 1;
        let mut scratch = Scratch::default();
        index.candidates(&q, &MatchOptions::default(), &mut scratch);
        if scratch.parties != [0] {
            failures.push(format!("{query:?} vs {name:?}: {score:.4}"));
        }
    }
    assert!(
        alerted >= 10,
        "only {alerted} pairs alert: the fixture lost its point"
    );
    assert!(failures.is_empty(), "missed: {failures:#?}");
}

#[test]
fn unrelated_names_are_not_candidates() {
    let parties = vec![
        listed(
            EntityKind::Person,
            "PUTIN, Vladimir Vladimirovich",
            Some("PUTIN"),
        ),
        listed(EntityKind::Organization, "SBERBANK OF RUSSIA", None),
    ];
    let index = CandidateIndex::build(&parties);
    let mut scratch = Scratch::default();
    for query in ["Anna Kwiatkowska", "Vladimir Smirnov", "Russia Trading LLC"] {
        let q = Query::name(query).prepare().unwrap();
        index.candidates(&q, &MatchOptions::default(), &mut scratch);
        assert!(scratch.parties.is_empty(), "{query}: {:?}", scratch.parties);
    }
    let q = Query::name("Wladimir Putin").prepare().unwrap();
    index.candidates(&q, &MatchOptions::default(), &mut scratch);
    assert_eq!(scratch.parties, [0]);
}

#[test]
fn a_name_sharing_one_word_and_similar_letters_is_not_a_candidate() {
    // MAHMOUD meets MOHAMMAD by consonants; ABDULLAH is as long as MOHAMMAD with close
    // letters, but MOHAMMAD is taken: the bound must not pair it twice.
    let parties = vec![listed(EntityKind::Person, "Mostafa Mohammad Khani", None)];
    let index = CandidateIndex::build(&parties);
    let mut scratch = Scratch::default();
    let mut q = Query::name("Mahmoud Abdullah");
    q.birth_dates.push("1969-05-02".into());
    q.countries.push("EG".into());
    let q = q.prepare().unwrap();
    index.candidates(&q, &MatchOptions::default(), &mut scratch);
    assert!(scratch.parties.is_empty(), "{:?}", scratch.parties);
}

#[test]
fn a_huge_listed_name_is_indexed_on_its_first_words() {
    // One listed name of 100,000 distinct words once made every index build take minutes:
    // it is indexed, and matched, on its first `max_name_tokens` words.
    let mut text = String::from("Vladimir Vladimirovich PUTIN");
    for i in 0..100_000u32 {
        text.push(' ');
        let mut n = i;
        for _ in 0..4 {
            text.push(char::from(b'a' + (n % 26) as u8));
            n /= 26;
        }
        text.push_str("ov");
    }
    let huge = listed(EntityKind::Person, &text, None);
    let small = listed(EntityKind::Person, "Ivan Petrov", None);
    let index = CandidateIndex::build(&[small, huge]);
    let alone = CandidateIndex::build(&[listed(EntityKind::Person, "Ivan Petrov", None)]);
    let per_word = alone.key_count();
    assert!(
        index.key_count() < per_word * 40,
        "{} keys: more than its first words give",
        index.key_count()
    );
    let mut scratch = Scratch::default();
    let q = Query::name("Vladimir PUTIN").prepare().unwrap();
    index.candidates(&q, &MatchOptions::default(), &mut scratch);
    assert_eq!(scratch.parties, [1]);
}

#[test]
fn names_met_by_one_word_that_cannot_carry_them_are_not_read() {
    // MARIA meets every listed MARIA; a listed name met by MARIA alone stays below the
    // threshold whatever its shape, so only the names GARCIA also meets are bounded. A
    // name with an initial (which may stand for GARCIA) is read whatever met it.
    let parties = vec![
        listed(EntityKind::Person, "GARCIA, Maria", Some("GARCIA")),
        listed(EntityKind::Person, "LOPEZ, Maria", Some("LOPEZ")),
        listed(EntityKind::Person, "SANTOS, Maria", Some("SANTOS")),
        listed(EntityKind::Person, "Maria G. FERREIRA", Some("FERREIRA")),
    ];
    let index = CandidateIndex::build(&parties);
    let mut scratch = Scratch::default();
    let q = Query::name("Maria Garcia").prepare().unwrap();
    index.candidates(&q, &MatchOptions::default(), &mut scratch);
    // G. may stand for GARCIA: that name is a candidate too.
    assert_eq!(scratch.parties, [0, 3]);
    assert_eq!(scratch.names_met, 4, "every MARIA is met");
    assert_eq!(
        scratch.names_bounded, 2,
        "GARCIA, Maria and the one with an initial"
    );
}
