//! Realistic clean payment traffic, for measuring false holds and speed: MT103 messages in
//! an RJE file, between the matching deck's customers (persons and companies of many
//! locales and scripts, none bearing a listed name), with BICs and IBANs of the right shape
//! and remittance texts as companies write them. The same parties and seed give the same
//! file.

use sanctum_eval::deck::{self, DeckOptions, Group};
use sanctum_model::Entity;
use std::io::Write;

#[derive(Debug, Clone)]
pub struct TrafficOptions {
    pub seed: u64,
    pub messages: usize,
}

/// Countries of the generated banks and customers: none under comprehensive sanctions.
const COUNTRIES: [&str; 16] = [
    "DE", "FR", "GB", "US", "IT", "ES", "NL", "BE", "CH", "AT", "JP", "SG", "HK", "AE", "PL", "SE",
];

const TOWNS: [&str; 16] = [
    "HAMBURG",
    "LYON",
    "MANCHESTER",
    "CHICAGO",
    "MILANO",
    "VALENCIA",
    "ROTTERDAM",
    "GENT",
    "BASEL",
    "GRAZ",
    "OSAKA",
    "SINGAPORE",
    "KOWLOON",
    "DUBAI",
    "KRAKOW",
    "GOTEBORG",
];

const GOODS: [&str; 14] = [
    "MACHINE PARTS",
    "OFFICE SUPPLIES",
    "STEEL PIPES",
    "SOFTWARE LICENCE",
    "FRESH FRUIT",
    "TEXTILES",
    "FREIGHT CHARGES",
    "SPARE PARTS",
    "COFFEE BEANS",
    "MEDICAL DEVICES",
    "ELECTRONIC COMPONENTS",
    "CONSULTING SERVICES",
    "PACKAGING MATERIAL",
    "INSURANCE PREMIUM",
];

const MONTHS: [&str; 12] = [
    "JANUARY",
    "FEBRUARY",
    "MARCH",
    "APRIL",
    "MAY",
    "JUNE",
    "JULY",
    "AUGUST",
    "SEPTEMBER",
    "OCTOBER",
    "NOVEMBER",
    "DECEMBER",
];

/// SplitMix64: small, deterministic, no dependency.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn letters(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| (b'A' + self.below(26) as u8) as char)
            .collect()
    }
    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| (b'0' + self.below(10) as u8) as char)
            .collect()
    }
}

/// A German IBAN (bank code and account number at random) with its check digits.
fn german_iban(mix: &mut Mix) -> String {
    let bban = mix.digits(18);
    // ISO 13616: the BBAN, then the country's letters as numbers (D=13, E=14) and 00.
    let rearranged = format!("{bban}131400");
    let remainder = rearranged
        .bytes()
        .fold(0u64, |acc, digit| (acc * 10 + u64::from(digit - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - remainder)
}

fn bic(mix: &mut Mix, country: &str) -> String {
    format!("{}{country}{}XXX", mix.letters(4), mix.letters(2))
}

/// Lines of at most 35 characters, cut where a word ends when one does.
fn lines_of_35(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > 35 {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    // A word longer than a line is cut, as payment systems do.
    lines
        .into_iter()
        .flat_map(|line| {
            let chars: Vec<char> = line.chars().collect();
            chars
                .chunks(35)
                .map(|chunk| chunk.iter().collect::<String>())
                .collect::<Vec<_>>()
        })
        .collect()
}

fn remittance(mix: &mut Mix) -> String {
    let year = 2020 + mix.below(6);
    match mix.below(6) {
        0 => format!("/INV/{} {}", mix.digits(6), mix.pick(&GOODS)),
        1 => format!(
            "INVOICE {}-{} DATED {year}-{:02}-{:02}",
            year,
            mix.digits(4),
            1 + mix.below(12),
            1 + mix.below(28)
        ),
        2 => format!("SALARY {} {year}", mix.pick(&MONTHS)),
        3 => format!(
            "RENT {} {year} APARTMENT {}",
            mix.pick(&MONTHS),
            1 + mix.below(40)
        ),
        4 => format!(
            "ORDER {} {} DELIVERY {}",
            mix.digits(5),
            mix.pick(&GOODS),
            mix.pick(&TOWNS)
        ),
        _ => format!(
            "/RFB/{} {} Q{} {year}",
            mix.digits(8),
            mix.pick(&GOODS),
            1 + mix.below(4)
        ),
    }
}

/// Writes `options.messages` MT103 messages as an RJE file (`$` between messages); returns
/// how many were written.
pub fn write_mt103_traffic(
    parties: &[Entity],
    options: &TrafficOptions,
    mut out: impl Write,
) -> std::io::Result<usize> {
    let customers: Vec<String> = deck::generate(
        parties,
        &DeckOptions {
            seed: options.seed,
            per_class: 1,
            customers: (options.messages * 2).max(2),
            lookalikes: 0,
        },
    )
    .into_iter()
    .filter(|case| case.group == Group::Customer)
    .filter_map(|case| case.query.names.into_iter().next())
    // FIN's character set is Latin: names in other scripts travel romanised.
    .map(|name| {
        if name.is_ascii() {
            name
        } else {
            sanctum_names::to_latin(&sanctum_names::normalize(&name)).to_uppercase()
        }
    })
    .collect();
    if customers.is_empty() {
        return Ok(0);
    }
    let mut mix = Mix(options.seed ^ 0x007a_111c);
    for index in 0..options.messages {
        let from = mix.pick(&COUNTRIES);
        let to = mix.pick(&COUNTRIES);
        let sender = bic(&mut mix, from);
        let receiver = bic(&mut mix, to);
        let originator = &customers[mix.below(customers.len())];
        let beneficiary = &customers[mix.below(customers.len())];
        let mut fields = vec![
            format!(":20:TRF{}", mix.digits(10)),
            ":23B:CRED".to_string(),
            format!(
                ":32A:22{:02}{:02}EUR{},{:02}",
                1 + mix.below(12),
                1 + mix.below(28),
                1 + mix.below(90_000),
                mix.below(100)
            ),
        ];
        if mix.below(2) == 0 {
            fields.push(format!(":50K:/{}", german_iban(&mut mix)));
            fields.extend(lines_of_35(originator).into_iter().take(2));
            fields.push(format!(
                "{} {}",
                mix.digits(2),
                mix.pick(&["MAIN STREET", "HAUPTSTRASSE", "RUE DU PORT", "VIA ROMA"])
            ));
            fields.push(format!("{from}/{}", mix.pick(&TOWNS)));
        } else {
            fields.push(format!(":50F:/{}", german_iban(&mut mix)));
            for line in lines_of_35(originator).into_iter().take(2) {
                fields.push(format!("1/{}", line.chars().take(33).collect::<String>()));
            }
            fields.push(format!(
                "2/{} {}",
                mix.digits(2),
                mix.pick(&["MAIN STREET", "HAUPTSTRASSE", "RUE DU PORT"])
            ));
            fields.push(format!("3/{from}/{}", mix.pick(&TOWNS)));
        }
        fields.push(format!(":52A:{sender}"));
        fields.push(format!(":57A:{receiver}"));
        fields.push(format!(":59:/{}", german_iban(&mut mix)));
        fields.extend(lines_of_35(beneficiary).into_iter().take(2));
        fields.push(format!("{to}/{}", mix.pick(&TOWNS)));
        fields.push(format!(
            ":70:{}",
            lines_of_35(&remittance(&mut mix)).join("\r\n")
        ));
        fields.push(":71A:SHA".to_string());
        if index > 0 {
            out.write_all(b"$")?;
        }
        let lt = |bic: &str| format!("{}A{}", &bic[..8], &bic[8..]);
        write!(
            out,
            "{{1:F01{}0000000000}}{{2:I103{}N}}{{4:\r\n{}\r\n-}}",
            lt(&sender),
            lt(&receiver),
            fields.join("\r\n")
        )?;
    }
    Ok(options.messages)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ibans_pass_the_checksum() {
        let mut mix = Mix(7);
        for _ in 0..100 {
            let iban = german_iban(&mut mix);
            assert!(crate::ident::iban(&iban).is_some(), "{iban}");
        }
    }

    #[test]
    fn lines_stay_within_35_characters() {
        let lines =
            lines_of_35("OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU NEFTEGAZOVAYA KOMPANIYA");
        assert!(
            lines.iter().all(|line| line.chars().count() <= 35),
            "{lines:?}"
        );
        assert_eq!(lines.join(" ").split_whitespace().count(), 6);
    }
}
