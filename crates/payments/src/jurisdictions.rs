//! Comprehensively sanctioned jurisdictions: countries and regions a payment may not touch,
//! recognised by ISO code (a party's country, a BIC's or an IBAN's) and by place name in
//! addresses, towns and free text, in the spellings payments use.
//!
//! The default table follows the US and EU comprehensive programmes as of 2022 (Cuba, Iran,
//! North Korea, Syria; Crimea and Sevastopol; the so-called DNR and LNR). A bank replaces
//! it from `sanctum.toml` (`[[payments.jurisdictions]]`), since which programmes bind it
//! depends on where it operates.

use serde::Deserialize;

/// One sanctioned jurisdiction.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    /// Shown in hits: `Crimea`, `Iran`.
    pub name: String,
    /// ISO 3166-1 alpha-2 codes that mean the whole jurisdiction (empty for a region).
    #[serde(default)]
    pub countries: Vec<String>,
    /// Place names, in any case and script: the jurisdiction's own names and its main towns.
    #[serde(default)]
    pub places: Vec<String>,
}

/// The jurisdictions in force, with their place names prepared for lookup.
#[derive(Debug, Clone)]
pub struct Jurisdictions {
    list: Vec<Jurisdiction>,
    /// Each place name as normalised words, with its jurisdiction's position.
    places: Vec<(Vec<String>, usize)>,
}

impl Default for Jurisdictions {
    fn default() -> Self {
        let entry = |name: &str, countries: &[&str], places: &[&str]| Jurisdiction {
            name: name.to_string(),
            countries: countries.iter().map(|c| c.to_string()).collect(),
            places: places.iter().map(|p| p.to_string()).collect(),
        };
        Jurisdictions::new(vec![
            entry(
                "Cuba",
                &["CU"],
                &[
                    "Cuba",
                    "Kuba",
                    "Havana",
                    "Habana",
                    "La Habana",
                    "Santiago de Cuba",
                ],
            ),
            entry(
                "Iran",
                &["IR"],
                &[
                    "Iran",
                    "Tehran",
                    "Teheran",
                    "Isfahan",
                    "Esfahan",
                    "Bandar Abbas",
                    "Tabriz",
                    "Mashhad",
                ],
            ),
            entry(
                "North Korea",
                &["KP"],
                &[
                    "North Korea",
                    "DPRK",
                    "D.P.R.K.",
                    "Pyongyang",
                    "Nampo",
                    "Chongjin",
                ],
            ),
            entry(
                "Syria",
                &["SY"],
                &["Syria", "Damascus", "Aleppo", "Latakia", "Homs", "Tartus"],
            ),
            entry(
                "Crimea",
                &[],
                &[
                    "Crimea",
                    "Crimean",
                    "Krym",
                    "Krim",
                    "Krym'",
                    "Crimee",
                    "Sevastopol",
                    "Sebastopol",
                    "Sewastopol",
                    "Simferopol",
                    "Yalta",
                    "Jalta",
                    "Kerch",
                    "Kertch",
                    "Feodosia",
                    "Feodosiya",
                    "Yevpatoria",
                    "Yevpatoriya",
                    "Evpatoria",
                    "Dzhankoi",
                    "Dzhankoy",
                    "Крым",
                    "Севастополь",
                    "Симферополь",
                    "Ялта",
                    "Керчь",
                    "Феодосия",
                    "Евпатория",
                ],
            ),
            entry(
                "So-called Donetsk People's Republic",
                &[],
                &[
                    "DNR",
                    "Donetsk",
                    "Donezk",
                    "Donetske",
                    "Makiivka",
                    "Makeevka",
                    "Horlivka",
                    "Gorlovka",
                    "Донецк",
                    "Донецьк",
                    "ДНР",
                ],
            ),
            entry(
                "So-called Luhansk People's Republic",
                &[],
                &[
                    "LNR",
                    "Luhansk",
                    "Lugansk",
                    "Alchevsk",
                    "Луганск",
                    "Луганськ",
                    "ЛНР",
                ],
            ),
        ])
    }
}

impl Jurisdictions {
    pub fn new(list: Vec<Jurisdiction>) -> Jurisdictions {
        // Spellings that romanise alike (Sevastopol, Севастополь) are one entry.
        let mut places: Vec<(Vec<String>, usize)> = list
            .iter()
            .enumerate()
            .flat_map(|(position, jurisdiction)| {
                jurisdiction
                    .places
                    .iter()
                    .map(move |place| (words(place), position))
            })
            .filter(|(words, _)| !words.is_empty())
            .collect();
        places.sort();
        places.dedup();
        Jurisdictions { list, places }
    }

    /// The jurisdiction an ISO country code stands for.
    pub fn by_country(&self, code: &str) -> Option<&Jurisdiction> {
        let code = code.trim();
        self.list.iter().find(|jurisdiction| {
            jurisdiction
                .countries
                .iter()
                .any(|country| country.eq_ignore_ascii_case(code))
        })
    }

    /// Every place of a jurisdiction named in `words` (normalised, as [`words`] gives them):
    /// the jurisdiction and the range of words that named it.
    pub fn places_in(&self, text: &[String]) -> Vec<(&Jurisdiction, std::ops::Range<usize>)> {
        let mut found = Vec::new();
        for start in 0..text.len() {
            for (place, position) in &self.places {
                let end = start + place.len();
                if end <= text.len() && text[start..end] == place[..] {
                    found.push((&self.list[*position], start..end));
                }
            }
        }
        found
    }
}

/// A text's words as place names are compared: normalised (case, diacritics, look-alike
/// letters) and romanised by the same analysis as names, so `Севастополь` meets
/// `Sevastopol`.
pub fn words(text: &str) -> Vec<String> {
    sanctum_names::tokens(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_found_in_any_case_and_script() {
        let table = Jurisdictions::default();
        for text in [
            "UL. LENINA 5, SEVASTOPOL",
            "Севастополь",
            "sevastopol 299011",
        ] {
            let found = table.places_in(&words(text));
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].0.name, "Crimea");
        }
        let found = table.places_in(&words("PYONGYANG, NORTH KOREA"));
        assert_eq!(found.len(), 2);
        assert!(
            table
                .places_in(&words("Rue de la Loi 16, Brussels"))
                .is_empty()
        );
        assert_eq!(table.by_country("ir").unwrap().name, "Iran");
        assert!(table.by_country("RU").is_none());
    }
}
