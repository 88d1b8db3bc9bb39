//! Which values FtM's property types keep, so that the writer puts each value where FtM
//! keeps it (followthemoney 4.11: `followthemoney/types/*.py`, rigour, python-stdnum).
//!
//! Each check is FtM's rule or stricter, never looser: a value a check refuses still goes
//! into the file, in a property that keeps any text (see the writer); a value it wrongly
//! accepted would be dropped by FtM tools. `scripts/contract-ftm.sh` runs FtM itself over
//! the export of every shared list to hold the two together.

use crate::country;
use phonenumber::metadata::DATABASE;
use regex::Regex;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// Four-letter and special territory codes FtM knows besides ISO 3166-1 alpha-2
/// (`rigour.territories`): historic states, the EU, "unknown".
const FTM_EXTRA_COUNTRIES: [&str; 8] = ["SUHH", "YUCS", "CSHH", "CSXX", "DDDE", "ANHH", "EU", "ZZ"];

/// A country code FtM's `country` type keeps (sanctum's code table: ISO 3166-1 alpha-2,
/// Kosovo and the historic codes, all known to FtM; plus [`FTM_EXTRA_COUNTRIES`]).
pub(crate) fn country_ok(code: &str) -> bool {
    let upper = code.trim().to_ascii_uppercase();
    (upper.len() == 2 && country::name(&upper).is_some())
        || FTM_EXTRA_COUNTRIES.contains(&upper.as_str())
}

/// Whether `pattern` matches the whole of `text`, as libphonenumber matches its patterns.
/// The anchored regexes are compiled once per pattern (a few hundred at most: the metadata's
/// number types) and kept for the process.
fn full_match(pattern: &str, text: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| {
            let compact: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
            Regex::new(&format!("^(?:{compact})$")).ok()
        })
        .as_ref()
        .is_some_and(|re| re.is_match(text))
}

/// A phone number FtM's `phone` type keeps: libphonenumber parses it without a default
/// region (so it starts with `+`) and calls it valid. Anything but digits, spaces and
/// `+()-./` (an extension, a "(Fax)" note) is refused before parsing, as parsers differ there.
///
/// The `phonenumber` crate (0.3.10) anchors its number patterns at the start only, so it
/// calls `+850 2 18111 8208` valid on the 8 digits of a Pyongyang number; libphonenumber
/// matches whole numbers: so does the check here, over the crate's metadata.
pub(crate) fn phone_ok(text: &str) -> bool {
    let t = text.trim();
    if !t.starts_with('+')
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || " +()-./".contains(c))
    {
        return false;
    }
    let Ok(number) = phonenumber::parse(None, t) else {
        return false;
    };
    if !phonenumber::is_valid(&number) {
        return false;
    }
    let Some(meta) = number.metadata(&DATABASE) else {
        return false;
    };
    let national = number.national().to_string();
    let len = national.len();
    let matches = |d: &phonenumber::metadata::Descriptor| {
        (d.possible_length().is_empty()
            || d.possible_length().iter().any(|l| usize::from(*l) == len))
            && full_match(d.national_number().as_str(), &national)
    };
    let d = meta.descriptors();
    matches(d.general())
        && [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ]
        .into_iter()
        .flatten()
        .any(matches)
}

/// A DNS host name of at least two labels whose last is no number and has two characters or
/// more: what FtM's e-mail and URL types ask of a domain, for ASCII names (others are refused).
fn host_ok(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    let Some(tld) = labels.last() else {
        return false;
    };
    labels.len() >= 2
        && tld.len() >= 2
        && !tld.bytes().all(|b| b.is_ascii_digit())
        && labels.iter().all(|l| {
            (1..=63).contains(&l.len())
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// An e-mail address FtM's `email` type keeps: `local@domain`, a local part of 1 to 64
/// characters without spaces or `<>()[],;:?@"`, a domain as [`host_ok`].
pub(crate) fn email_ok(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix("mailto:").unwrap_or(t);
    let Some((local, domain)) = t.rsplit_once('@') else {
        return false;
    };
    (1..=64).contains(&local.chars().count())
        && !local
            .chars()
            .any(|c| c.is_whitespace() || "<>()[],;:?@\"".contains(c))
        && host_ok(domain)
}

/// A URL FtM's `url` type keeps: an `http`, `https` or `ftp` URL, or a bare host name with
/// a path (`www.example.com/x`), with no spaces, no user part and a host as [`host_ok`].
pub(crate) fn url_ok(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || t.chars().any(char::is_whitespace) {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    let rest = ["http://", "https://", "ftp://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme).map(|_| &t[scheme.len()..]))
        .unwrap_or(t);
    if rest.contains("://") {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return false;
    }
    let host = match authority.rsplit_once(':') {
        Some((host, port)) => {
            if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) || port.len() > 5 {
                return false;
            }
            host
        }
        None => authority,
    };
    host_ok(host)
}

/// ISO 7064 mod 97-10 over letters-as-numbers, as LEIs and IBANs use.
fn mod97_is_one(text: &str) -> bool {
    let mut rem: u32 = 0;
    for c in text.chars() {
        let v = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// python-stdnum's `compact`: without spaces and hyphens, upper case.
fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| *c != ' ' && *c != '-')
        .collect::<String>()
        .trim()
        .to_uppercase()
}

/// An LEI FtM's `leiCode` keeps (stdnum `lei`: letters and digits, mod 97-10 check).
pub(crate) fn lei_ok(text: &str) -> bool {
    let c = compact(text);
    !c.is_empty() && c.bytes().all(|b| b.is_ascii_alphanumeric()) && mod97_is_one(&c)
}

/// A BIC FtM's `swiftBic` keeps (stdnum `bic`, of the 8-character form FtM stores):
/// four letters, a country, two letters or digits, and an optional three-character branch.
pub(crate) fn bic_ok(text: &str) -> bool {
    let c = compact(text);
    let b = c.as_bytes();
    if !(b.len() == 8 || b.len() == 11) || !b.iter().all(|x| x.is_ascii_alphanumeric()) {
        return false;
    }
    let country = &c[4..6];
    b[..6].iter().all(|x| x.is_ascii_uppercase())
        && country::name(country).is_some()
        && !["SU", "YU", "CS", "DD", "AN"].contains(&country)
}

/// An IMO number FtM's `imoNumber` keeps (rigour `imo`): a run of five to seven digits,
/// zero-padded to seven, not all zero, whose check digit holds for ships or companies.
pub(crate) fn imo_ok(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| (5..=7).contains(&run.len()))
        .any(|run| {
            let mut d = [0u32; 7];
            let pad = 7 - run.len();
            for (i, c) in run.chars().enumerate() {
                d[pad + i] = c.to_digit(10).unwrap_or(0);
            }
            if d.iter().all(|x| *x == 0) {
                return false;
            }
            let ship = d[..6]
                .iter()
                .enumerate()
                .map(|(i, x)| x * (7 - i as u32))
                .sum::<u32>()
                % 10
                == d[6];
            let weights = [8, 6, 4, 2, 9, 7];
            let sum: u32 = d[..6].iter().zip(weights).map(|(x, w)| x * w).sum();
            let company = (11 - sum % 11) % 10 == d[6];
            ship || company
        })
}

/// Whether FtM keeps `value` as the party property `key`. Properties without a format or
/// check of their own (names, free text, identifiers without a format) keep every value.
pub(crate) fn party_value_ok(key: &str, value: &str) -> bool {
    match key {
        "phone" => phone_ok(value),
        "email" => email_ok(value),
        "website" => url_ok(value),
        "leiCode" => lei_ok(value),
        "swiftBic" => bic_ok(value),
        "imoNumber" => imo_ok(value),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries() {
        for ok in ["ru", "RU", "xk", "su", "suhh", "eu", "zz"] {
            assert!(country_ok(ok), "{ok}");
        }
        for bad in [
            "None Identified",
            "115088",
            "Moscow",
            "qq",
            "St. Kitts & Nevis",
        ] {
            assert!(!country_ok(bad), "{bad}");
        }
    }

    #[test]
    fn phones_as_listed() {
        assert!(phone_ok("+98 21 77240488"));
        assert!(phone_ok("+7 (495) 123-45-67"));
        assert!(phone_ok("+850 2 381 2222"));
        for bad in [
            "'+98 21 77240540 50 Extension 2906",
            "+98 21 88214641 2",
            "22292910 (Fax)",
            "505663783",
            "+850-2-18111-8208",
            "+0",
        ] {
            assert!(!phone_ok(bad), "{bad}");
        }
    }

    #[test]
    fn emails_and_urls_as_listed() {
        assert!(email_ok("info@example.com") && email_ok("DIR@GosNIIOKhT.rmt.ru"));
        for bad in [
            "info@etemad",
            "mobin.com",
            "www.farhang",
            "a b@c.com",
            "x@1.23",
        ] {
            assert!(!email_ok(bad), "{bad}");
        }
        for ok in [
            "http://www.ieicorp.ir",
            "www.esnico.com",
            "https://x.yz/a?b=c",
            "HTTP://A.COM:80/",
        ] {
            assert!(url_ok(ok), "{ok}");
        }
        for bad in [
            "info@surena",
            "Social",
            "Media:",
            "http://x",
            "www.a.b c",
            "mailto:a@b.com",
        ] {
            assert!(!url_ok(bad), "{bad}");
        }
    }

    #[test]
    fn identifier_formats() {
        assert!(lei_ok("5493001KJTIIGC8Y1R12"));
        assert!(!lei_ok("851683897") && !lei_ok("5493001KJTIIGC8Y1R13"));
        assert!(bic_ok("SOMRRUM1KST") && bic_ok("DEUTDEFF"));
        assert!(!bic_ok("SOMRRUM") && !bic_ok("1234RUM1") && !bic_ok("ABCDQQ11"));
        assert!(imo_ok("IMO 9116412") && imo_ok("7612448"));
        assert!(!imo_ok("IMO 15411") && !imo_ok("RS 150443") && !imo_ok("0000000"));
    }
}
