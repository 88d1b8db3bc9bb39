//! The index's bound is an upper bound of the matcher's score, over generated name pairs.
//!
//! Both evaluate one model (`sanctum_matcher::model`): the matcher with the similarities it
//! finds, the bound with the best its keys allow. This checks it holds where the keys and
//! the bound's optimistic rules meet the matcher's: a listed name (persons, companies,
//! vessels; initials, particles, legal forms, Cyrillic and Arabic script, Chinese and Korean
//! names in other romanisations) and a query made
//! of it the way names are really written otherwise (typos, OCR confusions, initials with and
//! without stops, words joined and split, particles glued, vowels dropped, names left out or
//! reordered, a field cut short). Whatever the matcher scores the pair, the index must
//! propose the party at that score as threshold: the bound never falls below the score,
//! nor does the bound of names met by some query words alone (`bound_met_only_by`), which
//! rules a name out before its shape is read.

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::RngSeed;
use sanctum_index::{CandidateIndex, Scratch};
use sanctum_matcher::{MatchOptions, Matcher, PreparedEntity, Query};
use sanctum_model::{Entity, EntityKind, Name, NameKind, NamePart, NamePartKind};

const GIVEN: &[&str] = &[
    "Vladimir",
    "Mohammed",
    "Muhammad",
    "Jamal",
    "Stanislav",
    "Aleksandr",
    "Hsueh",
    "Kang",
    "Ali",
    "Yasir",
    "Hugues",
    "Celestin",
    "Diosdado",
    "Ibrahim",
    "Min",
    "Song",
    "Chol",
    "Jose",
    "Americo",
    "Guidon",
];
const PATRONYMIC: &[&str] = &["Vladimirovich", "Aleksandrovich", "Borisovna", "Sab'awi"];
const FAMILY: &[&str] = &[
    "PUTIN",
    "KHAROUBI",
    "NAUMOV",
    "TIKRITI",
    "HERNANDEZ",
    "ZHANG",
    "KIM",
    "WEI",
    "CABELLO",
    "RONDON",
    "KURDIUMOV",
    "GHABRA",
    "TCHUTO",
    "MWISSA",
    "HLAING",
];
const PARTICLE: &[&str] = &["AL", "BIN", "ABU", "VAN", "DE", "NA", "IBN"];
const COMPANY_WORD: &[&str] = &[
    "AVIATION",
    "GOLDEN",
    "FISH",
    "TRUST",
    "INSURANCE",
    "MOSKVY",
    "ESCORT",
    "SERVICES",
    "NATIONAL",
    "FACTORING",
    "HENGBANGWEI",
    "ELECTRONICS",
    "OFFSHORE",
    "MIRATH",
    "CAPITAL",
    "BANK",
    "GROUP",
    "TRADING",
];
const LEGAL_FORM: &[&str] = &[
    "S.A.L.",
    "LLC",
    "LIMITED",
    "CO., LTD",
    "JSC",
    "OOO",
    "GMBH",
    "LIMITED LIABILITY COMPANY",
];
const SCRIPT: &[(&str, &str)] = &[
    (
        "Владимир Владимирович ПУТИН",
        "Vladimir Vladimirovich PUTIN",
    ),
    ("Наталья Алексеевна ОРЛОВА", "Natalya Alekseevna ORLOVA"),
    ("محمد علي درغام", "Muhammad Ali DARGHAM"),
    ("Станислав НАУМОВ", "Stanislav NAUMOV"),
];

/// One person written in other scripts and languages, and in Latin letters: the table of
/// names across scripts (`NameToken::across`) and the sound rules of katakana and Hangul
/// (`NameToken::sounds`) align what no spelling does.
const ACROSS: &[&str] = &[
    "ウラジーミル・プーチン",
    "ヴラジーミル プーチン",
    "블라디미르 푸틴",
    "弗拉基米尔·普京",
    "فلاديمير بوتين",
    "ולדימיר פוטין",
    "Βλαντίμιρ Πούτιν",
    "Уладзімір Пуцін",
    "Վլադիմիր Պուտին",
    "セルゲイ・ラブロフ",
    "세르게이 라브로프",
    "Sergei LAVROV",
    "Vladimir PUTIN",
    "Wladimir Putin",
];

/// The forms of [`ACROSS`] that another language respells rather than another script
/// transcribes.
const RESPELT: &[&str] = &["Уладзімір Пуцін"];

/// Chinese and Korean names, and their words in other romanisations (a word of a query may
/// be either side).
const KOREAN_FAMILY: &[&str] = &["KIM", "LI", "PAK", "JANG", "CHOE"];
const KOREAN_GIVEN: &[&str] = &["Chol", "Yong", "Song", "Jong", "Un", "Ho", "Nam", "Ki"];
const CHINESE_FAMILY: &[&str] = &["ZHANG", "XU", "LI"];
const CHINESE_GIVEN: &[&str] = &["Xiaoming", "Zhiming", "Guowei"];
const ROMANISED: &[(&str, &str)] = &[
    ("Chol", "Cheol"),
    ("Chol", "Chul"),
    ("Yong", "Yeong"),
    ("Yong", "Young"),
    ("Song", "Sung"),
    ("KIM", "GIM"),
    ("LI", "RHEE"),
    ("PAK", "PARK"),
    ("ZHANG", "CHANG"),
    ("Xiaoming", "Hsiao-ming"),
    ("Xiaoming", "Xiao Ming"),
    ("XU", "HSU"),
    ("Jong", "Jeong"),
    ("Un", "Eun"),
    ("Zhiming", "Chih-ming"),
    ("CHOE", "CHOI"),
    ("Guowei", "Kuo-wei"),
];

/// A listed name: its words, the family name's words where the publisher marks it, and the
/// party's kind.
#[derive(Debug, Clone)]
struct Listed {
    words: Vec<String>,
    family: Option<String>,
    kind: EntityKind,
}

fn pick<'a>(pool: &'a [&'a str], seed: u16) -> &'a str {
    pool[usize::from(seed) % pool.len()]
}

fn person(seeds: &[u16]) -> Listed {
    let mut family = vec![pick(FAMILY, seeds[0]).to_string()];
    if seeds[1].is_multiple_of(4) {
        family.insert(0, pick(PARTICLE, seeds[2]).to_string());
    }
    let mut given = vec![pick(GIVEN, seeds[3]).to_string()];
    match seeds[4] % 3 {
        0 => given.push(pick(GIVEN, seeds[5]).to_string()),
        1 => given.push(pick(PATRONYMIC, seeds[5]).to_string()),
        _ => {}
    }
    // "LAST, First" (the family name marked, as OFAC's lists do, mostly), or natural order.
    let (words, marked) = if seeds[6].is_multiple_of(2) {
        let mut words = family.clone();
        if let Some(last) = words.last_mut() {
            last.push(',');
        }
        words.extend(given);
        (words, !seeds[7].is_multiple_of(4))
    } else {
        (given.into_iter().chain(family.clone()).collect(), false)
    };
    Listed {
        words,
        family: marked.then(|| family.join(" ")),
        kind: EntityKind::Person,
    }
}

fn company(seeds: &[u16]) -> Listed {
    let mut words: Vec<String> = (0..1 + usize::from(seeds[0] % 3))
        .map(|k| pick(COMPANY_WORD, seeds[1 + k]).to_string())
        .collect();
    if seeds[4].is_multiple_of(3) {
        // Initials written with stops (L.X.C AVIATION).
        let letters: String = (0..2 + usize::from(seeds[5] % 3))
            .map(|k| char::from(b'A' + (seeds[6 + k] % 26) as u8))
            .map(|c| format!("{c}."))
            .collect();
        words.insert(0, letters.trim_end_matches('.').to_string());
    }
    if seeds[9].is_multiple_of(2) {
        words.push(pick(LEGAL_FORM, seeds[10]).to_string());
    }
    let kind = [
        EntityKind::Organization,
        EntityKind::Vessel,
        EntityKind::Unknown,
    ][usize::from(seeds[11] % 3)];
    Listed {
        words,
        family: None,
        kind,
    }
}

fn syllabic(seeds: &[u16]) -> Listed {
    // A Korean name (given names of one syllable each) or a Chinese one (one given name).
    let korean = seeds[5].is_multiple_of(2);
    let (families, givens) = if korean {
        (KOREAN_FAMILY, KOREAN_GIVEN)
    } else {
        (CHINESE_FAMILY, CHINESE_GIVEN)
    };
    let family = pick(families, seeds[0]).to_string();
    let mut given = vec![pick(givens, seeds[1]).to_string()];
    if korean && !seeds[2].is_multiple_of(3) {
        given.push(pick(givens, seeds[3]).to_string());
    }
    let words = if seeds[4].is_multiple_of(2) {
        std::iter::once(format!("{family},")).chain(given).collect()
    } else {
        std::iter::once(family).chain(given).collect()
    };
    Listed {
        words,
        family: None,
        kind: EntityKind::Person,
    }
}

fn scripted(seeds: &[u16]) -> Listed {
    let (native, _) = SCRIPT[usize::from(seeds[0]) % SCRIPT.len()];
    Listed {
        words: native.split(' ').map(String::from).collect(),
        family: None,
        kind: EntityKind::Person,
    }
}

/// OCR confusions, as scanners make them.
const OCR: &[(&str, &str)] = &[
    ("m", "rn"),
    ("M", "RN"),
    ("I", "l"),
    ("i", "1"),
    ("O", "0"),
    ("d", "cl"),
    ("S", "5"),
    ("B", "8"),
    ("w", "vv"),
];

/// Letters typing slips put in.
const SLIPS: &[u8] = b"aeiouqwsnmrtlkhzx";

/// One way a name is written otherwise, applied to the query's words.
fn perturb(words: &mut Vec<String>, op: u16, at: u16, arg: u16) {
    if words.is_empty() {
        return;
    }
    let i = usize::from(at) % words.len();
    let word = words[i].clone();
    let chars: Vec<char> = word.chars().collect();
    let k = usize::from(arg) % chars.len().max(1);
    match op % 15 {
        // A letter changed, left out, doubled, added; two letters swapped.
        0 if !chars.is_empty() => {
            let mut c = chars.clone();
            c[k] = char::from(SLIPS[usize::from(arg) % SLIPS.len()]);
            words[i] = c.into_iter().collect();
        }
        1 if chars.len() > 1 => {
            let mut c = chars.clone();
            c.remove(k);
            words[i] = c.into_iter().collect();
        }
        2 if !chars.is_empty() => {
            let mut c = chars.clone();
            c.insert(k, chars[k]);
            words[i] = c.into_iter().collect();
        }
        3 if k + 1 < chars.len() => {
            let mut c = chars.clone();
            c.swap(k, k + 1);
            words[i] = c.into_iter().collect();
        }
        // An OCR confusion.
        4 => {
            let (from, to) = OCR[usize::from(arg) % OCR.len()];
            words[i] = word.replacen(from, to, 1);
        }
        // Two words joined, one split.
        5 if i + 1 < words.len() => {
            let next = words.remove(i + 1);
            words[i] = format!("{word}{next}");
        }
        6 if chars.len() > 3 => {
            let cut = 1 + k % (chars.len() - 1);
            words[i] = chars[..cut].iter().collect();
            words.insert(i + 1, chars[cut..].iter().collect());
        }
        // Stops removed or added (L.X.C / LXC / L X C).
        7 => words[i] = word.replace('.', ""),
        8 => words[i] = word.replace('.', " "),
        // A word left out; an initial for it.
        9 if words.len() > 1 => {
            words.remove(i);
        }
        10 => words[i] = format!("{}.", chars.first().copied().unwrap_or('X')),
        // Vowels dropped.
        11 => {
            words[i] = chars
                .iter()
                .enumerate()
                .filter(|(n, c)| *n == 0 || !"aeiouAEIOU".contains(**c))
                .map(|(_, c)| *c)
                .collect()
        }
        // Order changed.
        12 => words.rotate_left(1),
        // Cut at a field limit (20 or 35 characters).
        13 => {
            let text = words.join(" ");
            let limit = if arg.is_multiple_of(2) { 20 } else { 35 };
            if text.chars().count() > limit {
                let cut: String = text.chars().take(limit).collect();
                *words = cut.split(' ').map(String::from).collect();
            }
        }
        // Another romanisation of a Chinese or Korean word.
        14 => {
            let bare = word.trim_end_matches(',');
            if let Some((a, b)) = ROMANISED
                .iter()
                .filter(|(a, b)| a.eq_ignore_ascii_case(bare) || b.eq_ignore_ascii_case(bare))
                .nth(usize::from(arg) % 2)
                .or_else(|| {
                    ROMANISED
                        .iter()
                        .find(|(a, b)| a.eq_ignore_ascii_case(bare) || b.eq_ignore_ascii_case(bare))
                })
            {
                let other = if a.eq_ignore_ascii_case(bare) { b } else { a };
                words[i] = word.replace(bare, other);
            }
        }
        _ => {}
    }
    words.retain(|w| !w.trim().is_empty());
}

fn entity(listed: &Listed) -> PreparedEntity {
    let full = listed.words.join(" ");
    let mut e = Entity::new("test", &full, listed.kind);
    let mut name = Name::new(&full, NameKind::Primary);
    if let Some(f) = &listed.family {
        name.parts.push(NamePart {
            kind: NamePartKind::Family,
            value: f.clone(),
        });
    }
    e.names.push(name);
    PreparedEntity::new(e)
}

/// Whether the index proposes the party at the matcher's own score as the threshold, with
/// the score (`None`: the matcher found nothing to compare, or scored too low to matter).
fn proposed_at_score(listed: &Listed, query: &str) -> Option<(bool, f64)> {
    let party = entity(listed);
    let q = Query::name(query).prepare().ok()?;
    let score = Matcher::new(MatchOptions::default())
        .score(&q, &party)?
        .score;
    // Below this no threshold is set in practice, and the bound may prune freely.
    if score < 0.5 {
        return None;
    }
    let options = MatchOptions {
        threshold: score,
        ..MatchOptions::default()
    };
    let index = CandidateIndex::build(std::slice::from_ref(&party));
    let mut scratch = Scratch::default();
    index.candidates(&q, &options, &mut scratch);
    Some((scratch.parties == [0], score))
}

fn listed_name() -> impl Strategy<Value = Listed> {
    (0u8..6, prop::collection::vec(any::<u16>(), 12)).prop_map(|(shape, seeds)| match shape {
        0 | 1 => person(&seeds),
        2 | 3 => company(&seeds),
        4 => syllabic(&seeds),
        _ => scripted(&seeds),
    })
}

/// The query written for `listed`: romanised where the list writes the name in its script,
/// then perturbed by each of `edits` (see [`perturb`]).
fn written(listed: &Listed, romanised: bool, edits: &[(u16, u16, u16)]) -> String {
    let mut words = listed.words.clone();
    let native = listed.words.join(" ");
    if romanised && let Some((_, latin)) = SCRIPT.iter().find(|(n, _)| *n == native) {
        words = latin.split(' ').map(String::from).collect();
    }
    for &(op, at, arg) in edits {
        perturb(&mut words, op, at, arg);
    }
    words.join(" ")
}

/// Ways of writing that change no spelling: stops, a word left out, an initial, the order.
const STRUCTURAL: [u16; 5] = [7, 8, 9, 10, 12];

/// Whether the quick bound, read from the listed name's shape alone, is at least the full
/// bound for every name the query's keys meet: it prunes first, so below the full bound it
/// would lose what the full bound keeps.
fn quick_bound_holds(listed: &Listed, query: &str) -> Result<(), String> {
    let party = entity(listed);
    let Ok(q) = Query::name(query).prepare() else {
        return Ok(());
    };
    let index = CandidateIndex::build(std::slice::from_ref(&party));
    let mut scratch = Scratch::default();
    for name in &q.names {
        for (_, _, quick, full) in index.bounds(name, false, &mut scratch) {
            // The quick bound sums f32 weights: a rounding's worth below is no loss.
            if quick + 1e-5 < full {
                return Err(format!("quick bound {quick} below the full bound {full}"));
            }
        }
    }
    Ok(())
}

proptest! {
    // A fixed seed keeps CI reproducible; PROPTEST_RNG_SEED=N explores other pairs.
    #![proptest_config(ProptestConfig {
        cases: 2048,
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            ProptestConfig::default().rng_seed
        } else {
            RngSeed::Fixed(16)
        },
        ..ProptestConfig::default()
    })]

    /// One change of spelling or of the words (any of [`perturb`]'s), and one that changes no
    /// spelling: the index proposes every pair the matcher scores.
    #[test]
    fn the_bound_is_never_below_the_score(
        listed in listed_name(),
        first in (any::<u16>(), any::<u16>(), any::<u16>()),
        second in prop::option::of((0..STRUCTURAL.len(), any::<u16>(), any::<u16>())),
        romanised in any::<bool>(),
    ) {
        let mut edits = vec![first];
        edits.extend(second.map(|(op, at, arg)| (STRUCTURAL[op], at, arg)));
        let query = written(&listed, romanised, &edits);
        if let Err(e) = quick_bound_holds(&listed, &query) {
            prop_assert!(false, "{query:?} against {:?}: {e}", listed.words.join(" "));
        }
        if let Some((proposed, score)) = proposed_at_score(&listed, &query) {
            prop_assert!(
                proposed,
                "{query:?} against {:?} (family {:?}, {:?}) scores {score} but is not proposed",
                listed.words.join(" "),
                listed.family,
                listed.kind
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            ProptestConfig::default().rng_seed
        } else {
            RngSeed::Fixed(17)
        },
        ..ProptestConfig::default()
    })]

    /// A Chinese or Korean name with every word in another romanisation where one is known,
    /// and one change that changes no spelling: the syllable keys meet whatever the matcher
    /// takes for the same syllables.
    #[test]
    fn the_bound_holds_across_romanisations(
        seeds in prop::collection::vec(any::<u16>(), 12),
        arg in any::<u16>(),
        other in prop::option::of((0..STRUCTURAL.len(), any::<u16>(), any::<u16>())),
    ) {
        let listed = syllabic(&seeds);
        let mut edits: Vec<(u16, u16, u16)> =
            (0..listed.words.len() as u16).map(|at| (14, at, arg)).collect();
        edits.extend(other.map(|(op, at, arg)| (STRUCTURAL[op], at, arg)));
        let query = written(&listed, false, &edits);
        if let Some((proposed, score)) = proposed_at_score(&listed, &query) {
            prop_assert!(
                proposed,
                "{query:?} against {:?} scores {score} but is not proposed",
                listed.words.join(" ")
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        rng_seed: if std::env::var_os("PROPTEST_RNG_SEED").is_some() {
            ProptestConfig::default().rng_seed
        } else {
            RngSeed::Fixed(18)
        },
        ..ProptestConfig::default()
    })]

    /// A person listed in one script and written in another, or in Latin letters, with one
    /// change of any kind: every alignment across scripts is met by a key.
    #[test]
    fn the_bound_holds_across_scripts(
        listed in 0..ACROSS.len(),
        query in 0..ACROSS.len(),
        edit in prop::option::of((any::<u16>(), any::<u16>(), any::<u16>())),
    ) {
        // A form respelt in another language (Belarusian Уладзімір Пуцін: two edits from
        // Vladimir Putin, U/V and DZ/D) is already a change: against another form it is
        // tested as written, one more change being the gap of two changes
        // (`two_changes_are_proposed_but_for_the_known_gaps`).
        let respelt = |k: usize| RESPELT.contains(&ACROSS[k]);
        prop_assume!(
            edit.is_none() || listed == query || !(respelt(listed) || respelt(query)),
            "a respelt form changed again"
        );
        let listed = Listed {
            words: ACROSS[listed].split(' ').map(String::from).collect(),
            family: None,
            kind: EntityKind::Person,
        };
        let mut words: Vec<String> = ACROSS[query].split(' ').map(String::from).collect();
        if let Some((op, at, arg)) = edit {
            perturb(&mut words, op, at, arg);
        }
        let query = words.join(" ");
        if let Some((proposed, score)) = proposed_at_score(&listed, &query) {
            prop_assert!(
                proposed,
                "{query:?} against {:?} scores {score} but is not proposed",
                listed.words.join(" ")
            );
        }
    }
}

/// Two changes of any kind: what the keys do not see. Of the 4,705 pairs of 5,000 the
/// matcher scores, 99.68% are proposed (15 missed, December 2026); the floor leaves room for
/// a key changed on purpose, not for a lost kind of alignment. The misses are pairs the keys
/// cannot meet at an affordable cost: words joined and misspelt (ESCORUMIRATH / ESCORT
/// MIRATH: a key for every misspelling of every joined pair would double the index, and a
/// guess from lengths let most names through the quick bound), two edits in a long word's
/// first four letters (ELETCRNOICS / ELECTRONICS), a word cut short with its first letter
/// changed.
#[test]
fn two_changes_are_proposed_but_for_the_known_gaps() {
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (
        listed_name(),
        prop::collection::vec((any::<u16>(), any::<u16>(), any::<u16>()), 2),
        any::<bool>(),
    );
    let (mut scored, mut missed) = (0, Vec::new());
    for _ in 0..5000 {
        let Ok(tree) = strategy.new_tree(&mut runner) else {
            continue;
        };
        let (listed, edits, romanised) = tree.current();
        let query = written(&listed, romanised, &edits);
        if let Some((proposed, score)) = proposed_at_score(&listed, &query) {
            scored += 1;
            if !proposed {
                missed.push(format!("{query:?} / {:?}: {score}", listed.words.join(" ")));
            }
        }
    }
    assert!(
        scored >= 2500,
        "only {scored} pairs scored: the generator lost its point"
    );
    let rate = 1.0 - missed.len() as f64 / f64::from(scored);
    eprintln!("{rate:.4} of {scored} proposed, {} missed", missed.len());
    assert!(
        rate >= 0.995,
        "{rate:.4} of {scored} proposed; missed: {missed:#?}"
    );
}

/// Pairs the recall tool found the index missing with names written without their vowels.
#[test]
fn names_stripped_of_vowels_are_proposed() {
    for (words, kind, query) in [
        (
            &["ALVARADO", "RUBIO,", "Teresa", "De", "Jesus"][..],
            EntityKind::Person,
            "Trs De Jss ALVRD RUBIO",
        ),
        (
            &[
                "OPEN",
                "JOINT-STOCK",
                "COMPANY",
                "NORTH",
                "CAUCASUS",
                "DEVELOPMENT",
                "CORPORATION",
            ][..],
            EntityKind::Organization,
            "OPN JNT-STCK CMPNY NRTH CCSS DVLPMNT CRPRTN",
        ),
    ] {
        let listed = Listed {
            words: words.iter().map(|w| w.to_string()).collect(),
            family: None,
            kind,
        };
        let (proposed, score) = proposed_at_score(&listed, query).expect("scored");
        assert!(proposed, "{query:?} scores {score} but is not proposed");
    }
}
