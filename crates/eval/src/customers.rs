//! Reproducible customer files: the matching deck's customer population (persons and
//! companies of many locales and scripts, none bearing a listed name) with a share of listed
//! names planted in their deck variants (name order, transliteration, typos, OCR, …).
//!
//! Columns: `id,name,birth_date,country,gender,kind,expected`; `expected` holds the
//! planted party's entity id (`us_ofac_sdn:35096`) and is empty for plain customers. The
//! same parties, seed and options give the same file.

use crate::deck::{self, DeckOptions, Group};
use sanctum_model::{Entity, EntityKind, Gender};
use std::io::Write;

#[derive(Debug, Clone)]
pub struct CustomerFileOptions {
    pub seed: u64,
    pub rows: usize,
    /// Share of rows that are listed names (with variants), e.g. 0.001.
    pub listed_share: f64,
    /// Plant only parties of these sources (all when empty).
    pub planted_sources: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CustomerFileStats {
    pub rows: usize,
    pub planted: usize,
}

/// Customers generated per deck call: bounds the generator's memory.
const BATCH: usize = 100_000;

/// A small deterministic generator (SplitMix64), independent of the deck's.
pub(crate) struct Mix(pub(crate) u64);

impl Mix {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn kind_text(kind: Option<EntityKind>) -> &'static str {
    match kind {
        Some(EntityKind::Person) => "person",
        Some(EntityKind::Organization) => "organization",
        Some(EntityKind::Vessel) => "vessel",
        Some(EntityKind::Aircraft) => "aircraft",
        _ => "",
    }
}

fn gender_text(g: Option<Gender>) -> &'static str {
    match g {
        Some(Gender::Male) => "m",
        Some(Gender::Female) => "f",
        _ => "",
    }
}

/// Writes a customer file of `options.rows` rows.
pub fn write_customer_file(
    parties: &[Entity],
    options: &CustomerFileOptions,
    out: impl Write,
) -> std::io::Result<CustomerFileStats> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "id",
        "name",
        "birth_date",
        "country",
        "gender",
        "kind",
        "expected",
    ])?;
    let mut mix = Mix(options.seed ^ 0x5eed);
    let mut stats = CustomerFileStats::default();
    let mut batch_no = 0u64;
    while stats.rows < options.rows {
        let want = (options.rows - stats.rows).min(BATCH);
        let planted_want = ((want as f64) * options.listed_share).round() as usize;
        let customers = want - planted_want.min(want);
        let deck = deck::generate(
            parties,
            &DeckOptions {
                seed: options.seed.wrapping_add(batch_no),
                per_class: (planted_want / 5).max(8),
                customers,
                lookalikes: 0,
            },
        );
        batch_no += 1;
        let mut planted: Vec<&deck::DeckCase> = deck
            .iter()
            .filter(|c| {
                c.target.is_some()
                    && matches!(
                        c.group,
                        Group::Benign | Group::Adversarial | Group::Degraded
                    )
                    && (options.planted_sources.is_empty()
                        || c.target.as_deref().is_some_and(|t| {
                            options
                                .planted_sources
                                .iter()
                                .any(|s| t.starts_with(&format!("{s}:")))
                        }))
            })
            .collect();
        // A deterministic shuffle, then the first few.
        for i in (1..planted.len()).rev() {
            planted.swap(i, mix.below(i + 1));
        }
        planted.truncate(planted_want);
        let plain: Vec<&deck::DeckCase> =
            deck.iter().filter(|c| c.group == Group::Customer).collect();
        let total = plain.len() + planted.len();
        if total == 0 {
            break;
        }
        // Planted rows at random places among the customers.
        let mut slots: Vec<bool> = vec![false; total];
        let mut placed = 0;
        while placed < planted.len() {
            let at = mix.below(total);
            if let Some(slot) = slots.get_mut(at)
                && !*slot
            {
                *slot = true;
                placed += 1;
            }
        }
        let (mut next_plain, mut next_planted) = (plain.iter(), planted.iter());
        for is_planted in slots {
            let case = if is_planted {
                next_planted.next()
            } else {
                next_plain.next()
            };
            let Some(case) = case else { continue };
            stats.rows += 1;
            let q = &case.query;
            let expected = case.target.clone().unwrap_or_default();
            if !expected.is_empty() {
                stats.planted += 1;
            }
            w.write_record([
                format!("C{:07}", stats.rows).as_str(),
                q.names.first().map(String::as_str).unwrap_or(""),
                q.birth_dates.first().map(String::as_str).unwrap_or(""),
                q.countries.first().map(String::as_str).unwrap_or(""),
                gender_text(q.gender),
                kind_text(q.kind),
                &expected,
            ])?;
        }
        if customers > 0 && plain.is_empty() {
            break;
        }
    }
    w.flush()?;
    Ok(stats)
}
