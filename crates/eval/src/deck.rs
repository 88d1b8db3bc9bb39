//! The evaluation deck: queries generated from the real lists, each labelled with the
//! party it denotes (or none), to measure the matcher class by class.
//!
//! - Listed: every listed name exactly as published (`as_listed`) and every person name
//!   "LAST, First" in natural order (`natural_order`). Not sampled.
//! - Benign, adversarial and degraded variants of sampled strong names (primary, strong
//!   alias, former name), `per_class` cases per class: see [`CLASSES`].
//! - Look-alike negatives that name someone else: another party's given name with this
//!   family name (`lookalike_cross`), one whole name part swapped for a different common
//!   one of the same locale (`lookalike_swap`), and too many edits in every word
//!   (`lookalike_edits`). `lookalikes` cases each.
//! - A customer population of `customers` persons and companies in many locales and
//!   scripts, none of whose names a listed name holds whole (`customer_person`,
//!   `customer_company`).
//! - The listed name with a birth date at least ten years away (`birth_year_far`, a
//!   negative) and with the listed birth date (`birth_date_same`). `per_class` cases each.
//!
//! The deck depends only on the parties and the options: the same seed gives the same deck.

mod across;
mod locales;
mod rng;
mod variants;

use locales::{CompanyStyle, Extra, LOCALES, Locale, Order};
use rng::Rng;
use sanctum_matcher::Query;
use sanctum_model::{DateSpec, Entity, EntityKind, Gender, Name, NameKind, NamePartKind};
use std::collections::HashMap;
use variants::Source;

/// What a class of cases measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Group {
    /// Listed names as published or in natural order: all must be found.
    Listed,
    /// Spellings a customer file may hold in good faith.
    Benign,
    /// Spellings meant to slip past a screen.
    Adversarial,
    /// Spellings damaged by systems: OCR, typing, field limits.
    Degraded,
    /// Negatives that differ from a listed name in a whole name part.
    LookAlikePart,
    /// Negatives several edits away from a listed name.
    LookAlikeEdits,
    /// Negatives: people and companies not on the lists.
    Customer,
    /// Negatives: a listed person's name with a birth date ten or more years away.
    BirthYearFar,
    /// The listed person's name with the listed birth date.
    BirthDateSame,
}

/// One query of the deck.
#[derive(Debug, Clone)]
pub struct DeckCase {
    pub class: &'static str,
    pub group: Group,
    pub query: Query,
    /// [`Entity::id`] of the party the query denotes; `None` for negatives and customers.
    pub target: Option<String>,
    /// [`Entity::id`] of the listed party the case was derived from: the target of a
    /// positive, the party a look-alike (swap, edits) or a far birth year was made from;
    /// `None` for customers and for `lookalike_cross` (made from two parties).
    pub party: Option<String>,
    /// The listed name the case was derived from (for reports); for customers the locale.
    pub source_name: String,
}

#[derive(Debug, Clone)]
pub struct DeckOptions {
    pub seed: u64,
    /// Cases per variant class (and per birth-date class), sampled from listed names.
    pub per_class: usize,
    /// Customers in all (persons and companies).
    pub customers: usize,
    /// Cases per look-alike class.
    pub lookalikes: usize,
}

impl Default for DeckOptions {
    fn default() -> Self {
        DeckOptions {
            seed: 1,
            per_class: 200,
            customers: 5000,
            lookalikes: 300,
        }
    }
}

/// Every class the deck produces, in deck order.
pub const CLASSES: &[&str] = &[
    "as_listed",
    "natural_order",
    "name_order",
    "transliteration",
    "diacritics",
    "token_drop",
    "initials",
    "particles",
    "titles",
    "punctuation",
    "case",
    "homoglyphs",
    "invisible",
    "dropped_vowels",
    "doubled_letters",
    "phonetic",
    "ocr",
    "keyboard_typo",
    "transposition",
    "truncation_20",
    "truncation_35",
    "lookalike_cross",
    "lookalike_swap",
    "lookalike_edits",
    "customer_person",
    "customer_company",
    "birth_year_far",
    "birth_date_same",
    "vowelless",
    "romanised_syllables",
    "syllable_typo",
    "one_family_name",
    "across_katakana",
    "across_hangul",
    "across_greek",
    "across_arabic",
    "across_latin_languages",
];

/// The group a class belongs to. Unknown class names count as customers (negatives), so a
/// misspelt class can only lower measured precision, never inflate recall.
pub fn group_of(class: &str) -> Group {
    match class {
        "as_listed" | "natural_order" => Group::Listed,
        "name_order"
        | "transliteration"
        | "diacritics"
        | "token_drop"
        | "initials"
        | "particles"
        | "titles"
        | "punctuation"
        | "case"
        | "romanised_syllables"
        | "one_family_name"
        | "across_katakana"
        | "across_hangul"
        | "across_greek"
        | "across_arabic"
        | "across_latin_languages" => Group::Benign,
        "homoglyphs" | "invisible" | "dropped_vowels" | "doubled_letters" | "phonetic"
        | "vowelless" => Group::Adversarial,
        "ocr" | "keyboard_typo" | "transposition" | "truncation_20" | "truncation_35"
        | "syllable_typo" => Group::Degraded,
        "lookalike_cross" | "lookalike_swap" => Group::LookAlikePart,
        "lookalike_edits" => Group::LookAlikeEdits,
        "birth_year_far" => Group::BirthYearFar,
        "birth_date_same" => Group::BirthDateSame,
        _ => Group::Customer,
    }
}

/// Cases per class, in [`CLASSES`] order (classes with no case included, with 0).
pub fn class_counts(deck: &[DeckCase]) -> Vec<(&'static str, usize)> {
    CLASSES
        .iter()
        .map(|&c| (c, deck.iter().filter(|d| d.class == c).count()))
        .collect()
}

type VariantFn = fn(&Source, &mut Rng) -> Option<String>;

/// The sampled variant classes; `true` where the class needs the person's natural order.
const VARIANT_CLASSES: &[(&str, VariantFn, bool)] = &[
    ("name_order", variants::name_order, true),
    ("transliteration", variants::transliteration, false),
    ("diacritics", variants::diacritics, false),
    ("token_drop", variants::token_drop, true),
    ("initials", variants::initials, true),
    ("particles", variants::particles, false),
    ("titles", variants::titles, true),
    ("punctuation", variants::punctuation, false),
    ("case", variants::case, false),
    ("homoglyphs", variants::homoglyphs, false),
    ("invisible", variants::invisible, false),
    ("dropped_vowels", variants::dropped_vowels, false),
    ("doubled_letters", variants::doubled_letters, false),
    ("phonetic", variants::phonetic, false),
    ("ocr", variants::ocr, false),
    ("keyboard_typo", variants::keyboard_typo, false),
    ("transposition", variants::transposition, false),
    ("truncation_20", |s, _| variants::truncation(s, 20), false),
    ("truncation_35", |s, _| variants::truncation(s, 35), false),
    ("vowelless", variants::vowelless, false),
    ("romanised_syllables", variants::romanised_syllables, false),
    ("syllable_typo", variants::syllable_typo, false),
    ("one_family_name", variants::one_family_name, true),
    // A listed person written in another script or language (see `across`).
    (
        "across_katakana",
        |s, r| across::written_in(s, r, across::katakana),
        true,
    ),
    (
        "across_hangul",
        |s, r| across::written_in(s, r, across::hangul),
        true,
    ),
    (
        "across_greek",
        |s, r| across::written_in(s, r, across::greek),
        true,
    ),
    (
        "across_arabic",
        |s, r| across::written_in(s, r, across::arabic),
        true,
    ),
    (
        "across_latin_languages",
        |s, r| across::written_in(s, r, across::latin_languages),
        true,
    ),
];

/// Builds the deck. Deterministic for a given seed; never panics on any entity.
pub fn generate(parties: &[Entity], opts: &DeckOptions) -> Vec<DeckCase> {
    let index = ListedIndex::new(parties);
    let mut deck = Vec::new();
    listed(parties, &mut deck);
    let strong = strong_names(parties);
    for &(class, variant, natural) in VARIANT_CLASSES {
        variant_class(
            parties, &strong, &index, opts, class, variant, natural, &mut deck,
        );
    }
    lookalike_cross(parties, &index, opts, &mut deck);
    lookalike_swap(parties, &strong, &index, opts, &mut deck);
    lookalike_edits(parties, &strong, &index, opts, &mut deck);
    customers(&index, opts, &mut deck);
    birth_dates(parties, &index, opts, &mut deck);
    deck
}

// ---------------------------------------------------------------------------------------
// What is listed

/// A name's matching keys, sorted and deduplicated: two names with the same key set are the
/// same name to the matcher's analysis.
fn key_set(text: &str) -> Vec<String> {
    let mut keys: Vec<String> = sanctum_names::analyze(text)
        .keys()
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The listed names by key set, to keep negatives off the lists and targets unambiguous.
struct ListedIndex {
    /// Key set (joined) → parties with a name of that key set.
    exact: HashMap<String, Vec<usize>>,
    /// Key → listed names (indices into `names`) holding it.
    by_key: HashMap<String, Vec<usize>>,
    names: Vec<Vec<String>>,
}

impl ListedIndex {
    fn new(parties: &[Entity]) -> Self {
        let mut index = ListedIndex {
            exact: HashMap::new(),
            by_key: HashMap::new(),
            names: Vec::new(),
        };
        for (p, party) in parties.iter().enumerate() {
            for name in &party.names {
                let keys = key_set(&name.full);
                if keys.is_empty() {
                    continue;
                }
                let at = index.exact.entry(keys.join(" ")).or_default();
                if !at.contains(&p) {
                    at.push(p);
                }
                for k in &keys {
                    index
                        .by_key
                        .entry(k.clone())
                        .or_default()
                        .push(index.names.len());
                }
                index.names.push(keys);
            }
        }
        index
    }

    /// The parties listing a name with exactly these keys.
    fn parties_named(&self, text: &str) -> &[usize] {
        self.exact
            .get(&key_set(text).join(" "))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Whether some listed name holds every key of `text` (so `text` may be that party's
    /// name shortened, and is no fair negative).
    fn within_listed(&self, text: &str) -> bool {
        let keys = key_set(text);
        let Some(rarest) = keys
            .iter()
            .filter_map(|k| self.by_key.get(k))
            .min_by_key(|v| v.len())
        else {
            // A key no listed name holds.
            return keys.is_empty();
        };
        if keys.iter().any(|k| !self.by_key.contains_key(k)) {
            return false;
        }
        rarest
            .iter()
            .filter_map(|&n| self.names.get(n))
            .any(|listed| keys.iter().all(|k| listed.binary_search(k).is_ok()))
    }
}

fn kind_of(party: &Entity) -> Option<EntityKind> {
    (party.kind != EntityKind::Unknown).then_some(party.kind)
}

fn has_tokens(text: &str) -> bool {
    !sanctum_names::tokens(text).is_empty()
}

fn positive(class: &'static str, party: &Entity, text: String, source: &str) -> DeckCase {
    DeckCase {
        class,
        group: group_of(class),
        query: Query {
            names: vec![text],
            kind: kind_of(party),
            ..Query::default()
        },
        target: Some(party.id()),
        party: Some(party.id()),
        source_name: source.to_string(),
    }
}

fn negative(
    class: &'static str,
    party: Option<&Entity>,
    kind: Option<EntityKind>,
    text: String,
    source: String,
) -> DeckCase {
    DeckCase {
        class,
        group: group_of(class),
        query: Query {
            names: vec![text],
            kind,
            ..Query::default()
        },
        target: None,
        party: party.map(Entity::id),
        source_name: source,
    }
}

fn listed(parties: &[Entity], deck: &mut Vec<DeckCase>) {
    for party in parties {
        let mut seen: Vec<&str> = Vec::new();
        for name in &party.names {
            let text = name.full.trim();
            if seen.contains(&text) || !has_tokens(text) {
                continue;
            }
            seen.push(text);
            deck.push(positive("as_listed", party, text.to_string(), &name.full));
        }
        if party.kind != EntityKind::Person {
            continue;
        }
        let mut seen_natural: Vec<String> = Vec::new();
        for name in party
            .names
            .iter()
            .filter(|n| !matches!(n.kind, NameKind::WeakAlias | NameKind::OriginalScript))
        {
            let Some(natural) = variants::natural_order(&name.full) else {
                continue;
            };
            if seen_natural.contains(&natural) || !has_tokens(&natural) {
                continue;
            }
            seen_natural.push(natural.clone());
            deck.push(positive("natural_order", party, natural, &name.full));
        }
    }
}

/// (party, name) indices of the strong names: primary, strong alias, former name.
fn strong_names(parties: &[Entity]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (p, party) in parties.iter().enumerate() {
        for (n, name) in party.names.iter().enumerate() {
            if matches!(
                name.kind,
                NameKind::Primary | NameKind::Alias | NameKind::Former
            ) && has_tokens(&name.full)
            {
                out.push((p, n));
            }
        }
    }
    out
}

/// A listed name ready for variation: natural order when `natural` (or by chance) and the
/// name has a comma form.
fn source<'a>(party: &'a Entity, name: &'a Name, natural: bool, rng: &mut Rng) -> Source<'a> {
    let person = party.kind == EntityKind::Person;
    let family = name
        .part(NamePartKind::Family)
        .map(|f| f.split_whitespace().count())
        .filter(|&n| n > 0);
    let natural_form = if person {
        variants::natural_order(&name.full)
    } else {
        None
    };
    let (base, family_words) = match natural_form {
        Some(n) if natural || rng.chance(0.75) => (n, family),
        Some(_) => (variants::collapse_spaces(&name.full), None),
        None => {
            let base = variants::collapse_spaces(&name.full);
            // A family part at the end of a name without a comma still tells the split.
            let words = name
                .part(NamePartKind::Family)
                .filter(|f| {
                    !f.trim().is_empty() && base.to_lowercase().ends_with(&f.trim().to_lowercase())
                })
                .map(|f| f.split_whitespace().count());
            (base, words)
        }
    };
    Source {
        entity: party,
        base,
        person,
        family_words,
    }
}

#[allow(clippy::too_many_arguments)]
fn variant_class(
    parties: &[Entity],
    strong: &[(usize, usize)],
    index: &ListedIndex,
    opts: &DeckOptions,
    class: &'static str,
    variant: VariantFn,
    natural: bool,
    deck: &mut Vec<DeckCase>,
) {
    let mut rng = Rng::fork(opts.seed, class);
    let mut pool = strong.to_vec();
    rng.shuffle(&mut pool);
    let mut made = 0;
    for (p, n) in pool {
        if made >= opts.per_class {
            break;
        }
        let (Some(party), Some(name)) =
            (parties.get(p), parties.get(p).and_then(|e| e.names.get(n)))
        else {
            continue;
        };
        let src = source(party, name, natural, &mut rng);
        let Some(text) = variant(&src, &mut rng) else {
            continue;
        };
        let text = text.trim().to_string();
        if text == name.full.trim() || text == src.base || !has_tokens(&text) {
            continue;
        }
        // A variant that is another party's name exactly would not denote this party.
        let named = index.parties_named(&text);
        if !named.is_empty() && !named.contains(&p) {
            continue;
        }
        deck.push(positive(class, party, text, &name.full));
        made += 1;
    }
}

// ---------------------------------------------------------------------------------------
// Look-alikes

/// (given, family) of persons whose publisher names the parts.
fn given_family(party: &Entity) -> Option<(&str, &str)> {
    let name = party.names.iter().find(|n| n.kind == NameKind::Primary)?;
    let given = name.part(NamePartKind::Given)?.trim();
    let family = name.part(NamePartKind::Family)?.trim();
    let real = |s: &str| {
        s.chars().filter(|c| c.is_alphabetic()).count() >= 3
            && !sanctum_names::is_particle(&s.to_lowercase())
    };
    (real(given) && real(family)).then_some((given, family))
}

fn lookalike_cross(
    parties: &[Entity],
    index: &ListedIndex,
    opts: &DeckOptions,
    deck: &mut Vec<DeckCase>,
) {
    let mut rng = Rng::fork(opts.seed, "lookalike_cross");
    let persons: Vec<(&Entity, &str, &str)> = parties
        .iter()
        .filter(|p| p.kind == EntityKind::Person)
        .filter_map(|p| given_family(p).map(|(g, f)| (p, g, f)))
        .collect();
    if persons.len() < 2 {
        return;
    }
    let mut made = 0;
    for _ in 0..opts.lookalikes.saturating_mul(20) {
        if made >= opts.lookalikes {
            break;
        }
        let (Some(&(a, given, _)), Some(&(b, _, family))) =
            (rng.pick(&persons), rng.pick(&persons))
        else {
            break;
        };
        if a.id() == b.id() || key_set(given).iter().any(|k| key_set(family).contains(k)) {
            continue;
        }
        let text = format!("{given} {family}");
        if index.within_listed(&text) || !has_tokens(&text) {
            continue;
        }
        let source = format!("{} + {}", a.caption(), b.caption());
        deck.push(negative(
            "lookalike_cross",
            None,
            Some(EntityKind::Person),
            text,
            source,
        ));
        made += 1;
    }
}

/// Locales written in Latin letters (the swap keeps the script of the listed name).
fn latin_locale(locale: &Locale) -> bool {
    !matches!(locale.code, "ar" | "ru" | "uk" | "zh" | "ja" | "ko")
}

/// The first key of a name, as the matcher would compare it.
fn first_key(text: &str) -> Option<String> {
    sanctum_names::analyze(text)
        .tokens
        .into_iter()
        .next()
        .map(|t| t.key)
}

/// Which locales list a given (or family) name, by key.
struct PartTables {
    given: HashMap<String, Vec<(usize, Gender)>>,
    family: HashMap<String, Vec<usize>>,
}

impl PartTables {
    fn new() -> Self {
        let mut tables = PartTables {
            given: HashMap::new(),
            family: HashMap::new(),
        };
        for (l, locale) in LOCALES.iter().enumerate().filter(|(_, l)| latin_locale(l)) {
            for (list, gender) in [(locale.male, Gender::Male), (locale.female, Gender::Female)] {
                for name in Locale::list(list) {
                    if let Some(k) = first_key(&name) {
                        tables.given.entry(k).or_default().push((l, gender));
                    }
                }
            }
            for name in Locale::list(locale.family) {
                if let Some(k) = first_key(&name) {
                    tables.family.entry(k).or_default().push(l);
                }
            }
        }
        tables
    }
}

/// A replacement for `old` from `list`: a different name, not a near spelling of it.
fn different_part(old: &str, list: &'static str, rng: &mut Rng) -> Option<String> {
    let old_key = first_key(old)?;
    let mut candidates = Locale::list(list);
    rng.shuffle(&mut candidates);
    candidates.into_iter().find(|c| {
        first_key(c).is_some_and(|k| {
            k != old_key
                && strsim::normalized_levenshtein(&k, &old_key) < 0.5
                && !k.starts_with(&old_key)
                && !old_key.starts_with(&k)
        })
    })
}

fn lookalike_swap(
    parties: &[Entity],
    strong: &[(usize, usize)],
    index: &ListedIndex,
    opts: &DeckOptions,
    deck: &mut Vec<DeckCase>,
) {
    let mut rng = Rng::fork(opts.seed, "lookalike_swap");
    let tables = PartTables::new();
    let mut pool: Vec<(usize, usize)> = strong
        .iter()
        .copied()
        .filter(|&(p, _)| parties.get(p).is_some_and(|e| e.kind == EntityKind::Person))
        .collect();
    rng.shuffle(&mut pool);
    let mut made = 0;
    for (p, n) in pool {
        if made >= opts.lookalikes {
            break;
        }
        let (Some(party), Some(name)) =
            (parties.get(p), parties.get(p).and_then(|e| e.names.get(n)))
        else {
            continue;
        };
        let src = source(party, name, true, &mut rng);
        let words: Vec<String> = src.base.split_whitespace().map(str::to_string).collect();
        let family_words = src.family_words.unwrap_or(1).max(1);
        if words.len() < family_words + 1 || words.iter().any(|w| !w.is_ascii()) {
            continue;
        }
        let given_at = 0;
        let family_at = words.len() - family_words;
        let (Some(given), Some(family)) = (words.get(given_at), words.get(family_at..)) else {
            continue;
        };
        // The given name must be one plain name word (not "al-Sheikh", not an initial).
        let given_tokens = sanctum_names::analyze(given).tokens;
        if given_tokens.len() != 1
            || given_tokens
                .iter()
                .any(|t| t.kind != sanctum_names::TokenKind::Name)
        {
            continue;
        }
        let family = family.join(" ");
        let given_hits = first_key(given).and_then(|k| tables.given.get(&k));
        let family_hits = first_key(&family).and_then(|k| tables.family.get(&k));
        let swap_given = match (given_hits, family_hits) {
            (Some(_), Some(_)) => rng.chance(0.5),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => {
                // Neither part is in a table: swap the family name for one of a locale of
                // the party's nationality.
                let codes: Vec<&str> = party
                    .nationalities
                    .iter()
                    .chain(&party.citizenships)
                    .map(|c| c.code.as_str())
                    .collect();
                let locale = LOCALES
                    .iter()
                    .find(|l| latin_locale(l) && l.countries.iter().any(|c| codes.contains(c)));
                let Some(new) = locale.and_then(|l| different_part(&family, l.family, &mut rng))
                else {
                    continue;
                };
                let mut out: Vec<String> = words.get(..family_at).unwrap_or_default().to_vec();
                out.push(variants::recase(&family, &new.to_lowercase()));
                push_swap(deck, index, party, name, out.join(" "), &mut made);
                continue;
            }
        };
        let new = if swap_given {
            let hits = given_hits.map(Vec::as_slice).unwrap_or_default();
            let Some(&(l, gender)) = rng.pick(hits) else {
                continue;
            };
            let Some(locale) = LOCALES.get(l) else {
                continue;
            };
            let list = if gender == Gender::Female {
                locale.female
            } else {
                locale.male
            };
            different_part(given, list, &mut rng).map(|g| {
                let mut out = words.clone();
                if let Some(slot) = out.get_mut(given_at) {
                    *slot = variants::recase(given, &g.to_lowercase());
                }
                out.join(" ")
            })
        } else {
            let hits = family_hits.map(Vec::as_slice).unwrap_or_default();
            let Some(locale) = rng.pick(hits).and_then(|&l| LOCALES.get(l)) else {
                continue;
            };
            different_part(&family, locale.family, &mut rng).map(|f| {
                let mut out: Vec<String> = words.get(..family_at).unwrap_or_default().to_vec();
                out.push(variants::recase(&family, &f.to_lowercase()));
                out.join(" ")
            })
        };
        if let Some(text) = new {
            push_swap(deck, index, party, name, text, &mut made);
        }
    }
}

fn push_swap(
    deck: &mut Vec<DeckCase>,
    index: &ListedIndex,
    party: &Entity,
    name: &Name,
    text: String,
    made: &mut usize,
) {
    if has_tokens(&text) && !index.within_listed(&text) {
        deck.push(negative(
            "lookalike_swap",
            Some(party),
            Some(party.kind),
            text,
            name.full.clone(),
        ));
        *made += 1;
    }
}

fn lookalike_edits(
    parties: &[Entity],
    strong: &[(usize, usize)],
    index: &ListedIndex,
    opts: &DeckOptions,
    deck: &mut Vec<DeckCase>,
) {
    let mut rng = Rng::fork(opts.seed, "lookalike_edits");
    let mut pool = strong.to_vec();
    rng.shuffle(&mut pool);
    let mut made = 0;
    for (p, n) in pool {
        if made >= opts.lookalikes {
            break;
        }
        let (Some(party), Some(name)) =
            (parties.get(p), parties.get(p).and_then(|e| e.names.get(n)))
        else {
            continue;
        };
        let src = source(party, name, false, &mut rng);
        let Some(text) = variants::many_edits(&src.base, &mut rng) else {
            continue;
        };
        if !has_tokens(&text) || index.within_listed(&text) {
            continue;
        }
        deck.push(negative(
            "lookalike_edits",
            Some(party),
            kind_of(party),
            text,
            name.full.clone(),
        ));
        made += 1;
    }
}

// ---------------------------------------------------------------------------------------
// Customers

fn pick_from(list: &'static str, rng: &mut Rng) -> Option<String> {
    let items = Locale::list(list);
    rng.pick(&items).cloned()
}

fn person_name(locale: &Locale, gender: Gender, rng: &mut Rng) -> Option<String> {
    let female = gender == Gender::Female;
    let given = pick_from(if female { locale.female } else { locale.male }, rng)?;
    let family = pick_from(locale.family, rng)?;
    let family = if female {
        feminine_family(locale, &family)
    } else {
        family
    };
    let mut before_family: Vec<String> = vec![given.clone()];
    let mut after_family: Vec<String> = Vec::new();
    match locale.extra {
        Extra::Patronymic
            if rng.chance(if locale.order == Order::FamilyGiven {
                0.8
            } else {
                0.5
            }) =>
        {
            if let Some(p) = pick_from(
                if female {
                    locale.patronymic_female
                } else {
                    locale.patronymic_male
                },
                rng,
            ) {
                before_family.push(p);
            }
        }
        Extra::SecondFamily if rng.chance(0.5) => {
            if let Some(second) = pick_from(locale.family, rng).filter(|s| *s != family) {
                after_family.push(second);
            }
        }
        Extra::FatherName if rng.chance(0.4) => {
            if let Some(father) = pick_from(locale.male, rng).filter(|f| *f != given) {
                if locale.code == "ar_latn" && rng.chance(0.3) {
                    before_family.push(if female { "bint" } else { "bin" }.to_string());
                }
                before_family.push(father);
            }
        }
        Extra::Middle if rng.chance(0.3) => {
            if let Some(middle) = pick_from(if female { locale.female } else { locale.male }, rng)
                .filter(|m| *m != given)
            {
                before_family.push(if locale.code == "en" && rng.chance(0.5) {
                    format!("{}.", middle.chars().next()?)
                } else {
                    middle
                });
            }
        }
        _ => {}
    }
    let text = match locale.order {
        Order::GivenFamily => {
            // Russian documents often write the family name first.
            if locale.extra == Extra::Patronymic && rng.chance(0.3) {
                std::iter::once(family)
                    .chain(before_family)
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                before_family
                    .into_iter()
                    .chain(std::iter::once(family))
                    .chain(after_family)
                    .collect::<Vec<_>>()
                    .join(" ")
            }
        }
        Order::FamilyGiven => {
            // "Nguyễn Văn Minh": the middle part sits between family and given name.
            let mut parts = vec![family];
            parts.extend(before_family.into_iter().skip(1));
            parts.push(given);
            parts.join(" ")
        }
        Order::FamilyGivenJoined => {
            if locale.code == "ja" && rng.chance(0.3) {
                format!("{family} {given}")
            } else {
                format!("{family}{given}")
            }
        }
    };
    Some(text)
}

/// The feminine form of a family name where the language inflects it (Ivanov → Ivanova,
/// Kowalski → Kowalska).
fn feminine_family(locale: &Locale, family: &str) -> String {
    let rules: &[(&str, &str)] = match locale.code {
        "ru" => &[
            ("ов", "ова"),
            ("ев", "ева"),
            ("ёв", "ёва"),
            ("ин", "ина"),
            ("ий", "ая"),
        ],
        "ru_latn" => &[("ov", "ova"), ("ev", "eva"), ("in", "ina"), ("iy", "aya")],
        "pl" => &[("ski", "ska"), ("cki", "cka"), ("dzki", "dzka")],
        _ => &[],
    };
    for (masculine, feminine) in rules {
        if let Some(stem) = family.strip_suffix(masculine) {
            return format!("{stem}{feminine}");
        }
    }
    family.to_string()
}

fn company_name(locale: &Locale, rng: &mut Rng) -> Option<String> {
    let word = if rng.chance(0.3) {
        pick_from(locale.family, rng)
    } else {
        None
    }
    .or_else(|| pick_from(locale.company_words, rng))?;
    let industry = if rng.chance(0.8) {
        pick_from(locale.industries, rng)
    } else {
        None
    };
    let form = if rng.chance(0.9) {
        pick_from(locale.legal_forms, rng)
    } else {
        None
    };
    let text = match locale.company_style {
        CompanyStyle::WordIndustryForm => [Some(word), industry, form]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        CompanyStyle::FormQuotedWord => {
            let form = form.unwrap_or_default();
            let quoted = if rng.chance(0.5) {
                format!("«{word}»")
            } else {
                format!("\"{word}\"")
            };
            match rng.below(3) {
                0 => format!("{word} {form}"),
                _ => format!("{form} {quoted}"),
            }
        }
        CompanyStyle::Joined => {
            let core = format!("{word}{}", industry.unwrap_or_default());
            match form {
                Some(f) if locale.code == "ja" && rng.chance(0.5) => format!("{f}{core}"),
                Some(f) if locale.code == "ko" && rng.chance(0.5) => format!("{f} {core}"),
                Some(f) => format!("{core}{f}"),
                None => core,
            }
        }
    };
    Some(variants::collapse_spaces(&text))
}

fn customers(index: &ListedIndex, opts: &DeckOptions, deck: &mut Vec<DeckCase>) {
    let mut rng = Rng::fork(opts.seed, "customers");
    let total_weight: u32 = LOCALES.iter().map(|l| l.weight).sum();
    let mut made = 0;
    for _ in 0..opts.customers.saturating_mul(4) {
        if made >= opts.customers {
            break;
        }
        let mut roll = rng.below(total_weight as usize) as u32;
        let Some(locale) = LOCALES.iter().find(|l| {
            if roll < l.weight {
                true
            } else {
                roll -= l.weight;
                false
            }
        }) else {
            continue;
        };
        let country = rng.pick(locale.countries).map(|c| c.to_string());
        let person = rng.chance(0.75);
        let case = if person {
            let gender = if rng.chance(0.5) {
                Gender::Female
            } else {
                Gender::Male
            };
            let Some(text) = person_name(locale, gender, &mut rng) else {
                continue;
            };
            let (year, month, day) = (
                rng.between(1940, 2005),
                rng.between(1, 12),
                rng.between(1, 28),
            );
            DeckCase {
                class: "customer_person",
                group: Group::Customer,
                query: Query {
                    names: vec![text],
                    kind: Some(EntityKind::Person),
                    birth_dates: vec![format!("{year:04}-{month:02}-{day:02}")],
                    countries: country.into_iter().collect(),
                    gender: Some(gender),
                    identifiers: Vec::new(),
                },
                target: None,
                party: None,
                source_name: format!("({})", locale.code),
            }
        } else {
            let Some(text) = company_name(locale, &mut rng) else {
                continue;
            };
            DeckCase {
                class: "customer_company",
                group: Group::Customer,
                query: Query {
                    names: vec![text],
                    kind: Some(EntityKind::Organization),
                    countries: country.into_iter().collect(),
                    ..Query::default()
                },
                target: None,
                party: None,
                source_name: format!("({})", locale.code),
            }
        };
        let Some(text) = case.query.names.first() else {
            continue;
        };
        // The population is not on the lists: no customer bears a listed name, nor one
        // that a listed name holds whole (`Roman Lysenko` is `Roman Grigoryevich LYSENKO`
        // with the patronymic dropped: a token_drop positive, no fair negative).
        if !has_tokens(text) || index.within_listed(text) {
            continue;
        }
        deck.push(case);
        made += 1;
    }
}

// ---------------------------------------------------------------------------------------
// Birth dates

fn birth_dates(
    parties: &[Entity],
    index: &ListedIndex,
    opts: &DeckOptions,
    deck: &mut Vec<DeckCase>,
) {
    let mut rng = Rng::fork(opts.seed, "birth_dates");
    let mut pool: Vec<usize> = (0..parties.len())
        .filter(|&p| {
            parties.get(p).is_some_and(|e| {
                e.kind == EntityKind::Person
                    && e.birth_dates.iter().any(|d| matches!(d.date, DateSpec::Exact(pd) if pd.day.is_some() && pd.month.is_some()))
            })
        })
        .collect();
    rng.shuffle(&mut pool);
    let (mut far, mut same) = (0, 0);
    for p in pool {
        if far >= opts.per_class && same >= opts.per_class {
            break;
        }
        let Some(party) = parties.get(p) else {
            continue;
        };
        let Some(name) = party.names.iter().find(|n| n.kind == NameKind::Primary) else {
            continue;
        };
        let text = variants::natural_order(&name.full)
            .unwrap_or_else(|| variants::collapse_spaces(&name.full));
        // Only names no other party bears: the label must not depend on someone else.
        if !has_tokens(&text) || index.parties_named(&text) != [p] {
            continue;
        }
        let Some(exact) = party.birth_dates.iter().find_map(|d| match d.date {
            DateSpec::Exact(pd) if pd.day.is_some() => Some(pd),
            _ => None,
        }) else {
            continue;
        };
        let query = |date: String| Query {
            names: vec![text.clone()],
            kind: Some(EntityKind::Person),
            birth_dates: vec![date],
            ..Query::default()
        };
        if same < opts.per_class {
            deck.push(DeckCase {
                class: "birth_date_same",
                group: Group::BirthDateSame,
                query: query(exact.to_string()),
                target: Some(party.id()),
                party: Some(party.id()),
                source_name: name.full.clone(),
            });
            same += 1;
        }
        if far < opts.per_class {
            let earliest = party
                .birth_dates
                .iter()
                .map(|d| d.date.bounds().0.year)
                .min()
                .unwrap_or(exact.year);
            let latest = party
                .birth_dates
                .iter()
                .map(|d| d.date.bounds().1.year)
                .max()
                .unwrap_or(exact.year);
            let gap = rng.between(10, 25) as u16;
            let year = if rng.chance(0.5) && latest.saturating_add(gap) <= 2015 {
                latest.saturating_add(gap)
            } else {
                earliest.saturating_sub(gap)
            };
            let (month, day) = (exact.month.unwrap_or(1), exact.day.unwrap_or(1).min(28));
            deck.push(DeckCase {
                class: "birth_year_far",
                group: Group::BirthYearFar,
                query: query(format!("{year:04}-{month:02}-{day:02}")),
                target: None,
                party: Some(party.id()),
                source_name: name.full.clone(),
            });
            far += 1;
        }
    }
}

#[cfg(test)]
mod tests;
