//! What moves a name match up or down: birth dates, countries, gender, kind, identifiers.
//!
//! Each feature contributes a small signed amount; absent data contributes nothing (a
//! customer file without birth dates neither helps nor hurts). A birth year ten or more
//! years away pushes a same-name match below the threshold: it is another person.

use crate::model::{
    BIRTH_YEARS_APART, NO_SHARED_COUNTRY, OTHER_GENDER, OTHER_KIND, OVERLAPPING_BIRTH_DATE,
    SAME_BIRTH_DATE, SHARED_COUNTRY,
};
use crate::{Feature, PreparedQuery};
use sanctum_model::{DateSpec, Entity, EntityKind, PartialDate};

pub use crate::model::MAX_BONUS;

/// Identifier values compared without spaces, dashes, dots and case.
pub fn normalize_id(value: &str) -> String {
    let id: String = value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // An IMO number is written with its prefix or without (IMO 9187629, 9187629): the
    // seven digits are the number.
    match id.strip_prefix("IMO") {
        Some(digits)
            if digits.len() == IMO_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            digits.to_string()
        }
        _ => id,
    }
}

/// The digits of an IMO ship or company number (six and a check digit).
const IMO_DIGITS: usize = 7;

fn days(d: (u16, u8, u8)) -> i64 {
    i64::from(d.0) * 372 + i64::from(d.1) * 31 + i64::from(d.2)
}

/// How a query birth date relates to a listed one.
fn birth_date_contribution(query: &PartialDate, listed: &DateSpec, details: bool) -> (f64, String) {
    let say = |text: &dyn Fn() -> String| if details { text() } else { String::new() };
    let (lo, hi) = listed.bounds();
    let circa = matches!(listed, DateSpec::Circa(_));
    let (q_lo, q_hi) = (days(query.earliest()), days(query.latest()));
    let (l_lo, l_hi) = (days(lo.earliest()), days(hi.latest()));
    let overlap = q_lo <= l_hi && l_lo <= q_hi;
    let exact_day = query.day.is_some() && lo == hi && lo.day.is_some() && *query == lo;
    if exact_day {
        return (SAME_BIRTH_DATE, say(&|| format!("same birth date {query}")));
    }
    if overlap {
        return (
            OVERLAPPING_BIRTH_DATE,
            say(&|| format!("birth date {query} agrees with listed {listed}")),
        );
    }
    // Years apart, counting from the nearest edge of the listed range.
    let q_year = i64::from(query.year);
    let gap = if q_year < i64::from(lo.year) {
        i64::from(lo.year) - q_year
    } else {
        q_year - i64::from(hi.year)
    };
    let gap = if circa { (gap - 2).max(0) } else { gap };
    let contribution = BIRTH_YEARS_APART[match gap {
        0 => 0,
        1 => 1,
        2..=4 => 2,
        5..=9 => 3,
        _ => 4,
    }];
    (
        contribution,
        say(&|| format!("birth date {query} is {gap} year(s) from listed {listed}")),
    )
}

/// The features of a query against a party, each with its contribution.
pub fn weigh(query: &PreparedQuery, party: &Entity) -> Vec<Feature> {
    weigh_with(query, party, true)
}

/// What the features other than identifiers add up to, and whether an identifier matched:
/// [`weigh`]'s numbers without its words, for deciding cheaply whether a name comparison
/// can still reach the threshold.
pub fn adjustment(query: &PreparedQuery, party: &Entity) -> (f64, bool) {
    let features = weigh_with(query, party, false);
    let id_match = features
        .iter()
        .any(|f| f.feature == "identifier" && f.contribution > 0.0);
    let sum = features
        .iter()
        .filter(|f| f.feature != "identifier")
        .map(|f| f.contribution)
        .sum();
    (sum, id_match)
}

fn weigh_with(query: &PreparedQuery, party: &Entity, details: bool) -> Vec<Feature> {
    let say = |text: &dyn Fn() -> String| if details { text() } else { String::new() };
    let mut out = Vec::new();

    if !query.birth_dates.is_empty()
        && !party.birth_dates.is_empty()
        && party.kind == EntityKind::Person
    {
        let best = query
            .birth_dates
            .iter()
            .flat_map(|q| {
                party
                    .birth_dates
                    .iter()
                    .map(move |l| birth_date_contribution(q, &l.date, details))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((contribution, detail)) = best {
            out.push(Feature {
                feature: "birth_date",
                contribution,
                detail,
            });
        }
    }

    if !query.countries.is_empty() {
        let listed: Vec<&str> = party
            .nationalities
            .iter()
            .chain(&party.citizenships)
            .chain(&party.countries)
            .map(|c| c.code.as_str())
            .chain(party.addresses.iter().filter_map(|a| a.country.as_deref()))
            .collect();
        if !listed.is_empty() {
            let shared: Vec<&str> = query
                .countries
                .iter()
                .copied()
                .filter(|c| listed.contains(c))
                .collect();
            let (contribution, detail) = if shared.is_empty() {
                (
                    NO_SHARED_COUNTRY,
                    say(&|| {
                        format!(
                            "countries {} not among listed {}",
                            query.countries.join(","),
                            dedup(&listed)
                        )
                    }),
                )
            } else {
                (
                    SHARED_COUNTRY,
                    say(&|| format!("shared country {}", shared.join(","))),
                )
            };
            out.push(Feature {
                feature: "country",
                contribution,
                detail,
            });
        }
    }

    if let (Some(q), Some(l)) = (query.gender, party.gender)
        && q != l
    {
        out.push(Feature {
            feature: "gender",
            contribution: OTHER_GENDER,
            detail: say(&|| format!("{q:?} against listed {l:?}")),
        });
    }

    if let Some(kind) = query.kind {
        let known = |k: EntityKind| k != EntityKind::Unknown;
        if known(kind) && known(party.kind) && kind_class(kind) != kind_class(party.kind) {
            out.push(Feature {
                feature: "kind",
                contribution: OTHER_KIND,
                detail: say(&|| {
                    format!(
                        "a {} against a listed {}",
                        kind.as_str(),
                        party.kind.as_str()
                    )
                }),
            });
        }
    }

    for (kind, value) in &query.identifiers {
        let hit = party.identifiers.iter().find(|i| {
            kind.as_ref().is_none_or(|k| *k == i.kind)
                && normalize_id(&i.value) == *value
                && value.len() >= 4
        });
        if let Some(i) = hit {
            out.push(Feature {
                feature: "identifier",
                contribution: 1.0,
                detail: say(&|| {
                    format!(
                        "{} {} is listed",
                        i.label.as_deref().unwrap_or(i.kind.as_str()),
                        i.value
                    )
                }),
            });
            break;
        }
    }
    out
}

fn dedup(codes: &[&str]) -> String {
    let mut v: Vec<&str> = codes.to_vec();
    v.sort_unstable();
    v.dedup();
    v.join(",")
}

/// What can be one another, as FollowTheMoney's schemata say what may match: a person, a
/// legal entity (a company, an organisation), a craft (a vessel, an aircraft). A company
/// is no ship: DAEHAN CORP. is not the tanker DASHAN, whatever their spelling.
fn kind_class(kind: EntityKind) -> u8 {
    match kind {
        EntityKind::Person => 0,
        EntityKind::Organization => 1,
        EntityKind::Vessel | EntityKind::Aircraft => 2,
        EntityKind::Unknown => 3,
    }
}
