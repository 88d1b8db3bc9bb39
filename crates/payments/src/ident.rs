//! Identifiers a payment carries: BICs and IBANs.

// The iban_validate crate's library is named `iban`.
use iban::IbanLike;
use std::str::FromStr;

/// Whether `text` has the shape of a BIC (ISO 9362): 4 letters for the institution, 2 for
/// its country, 2 letters or digits for its location, and optionally 3 for the branch.
pub fn is_bic(text: &str) -> bool {
    let bytes = text.as_bytes();
    (bytes.len() == 8 || bytes.len() == 11)
        && bytes[..6].iter().all(u8::is_ascii_uppercase)
        && bytes[6..]
            .iter()
            .all(|byte| byte.is_ascii_uppercase() || byte.is_ascii_digit())
}

/// The BIC's country code (its 5th and 6th letters).
pub fn bic_country(bic: &str) -> Option<&str> {
    is_bic(bic).then(|| &bic[4..6])
}

/// The BIC of an 8-character institution code with branch, or with `XXX` (the head
/// office) when it has none: the form lists write BICs in varies, so comparisons use
/// the 8-character institution part ([`bic_institution`]).
pub fn bic_institution(bic: &str) -> Option<&str> {
    is_bic(bic).then(|| &bic[..8])
}

/// The BIC inside a 12-character FIN logical terminal address (BIC8, one terminal letter,
/// the 3-character branch), as MT headers write it: `BANKDEFFAXXX` → `BANKDEFFXXX`.
pub fn bic_from_lt_address(address: &str) -> Option<String> {
    if address.len() != 12 || !address.is_ascii() {
        return None;
    }
    let bic = format!("{}{}", &address[..8], &address[9..]);
    is_bic(&bic).then_some(bic)
}

/// A valid IBAN (checksum mod 97 and the country's BBAN format, per SWIFT's IBAN registry),
/// in its electronic form, with its country; `None` when `text` is not one.
pub fn iban(text: &str) -> Option<(String, String)> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let parsed = iban::Iban::from_str(&compact).ok()?;
    Some((
        parsed.electronic_str().to_string(),
        parsed.country_code().to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bics_by_shape() {
        assert!(is_bic("SABRRUMM"));
        assert!(is_bic("SABRRUMM012"));
        assert!(is_bic("BKTRUS33XXX"));
        assert!(!is_bic("SABRRUM"));
        assert!(!is_bic("sabrrumm"));
        assert!(!is_bic("SABR1UMM"));
        assert!(!is_bic("SANCTIONS"));
        assert_eq!(bic_country("IRMMIRTH"), Some("IR"));
        assert_eq!(bic_institution("SABRRUMM012"), Some("SABRRUMM"));
    }

    #[test]
    fn lt_addresses_give_bics() {
        assert_eq!(
            bic_from_lt_address("BANKDEFFAXXX").as_deref(),
            Some("BANKDEFFXXX")
        );
        assert_eq!(bic_from_lt_address("BANKDEFF"), None);
    }

    #[test]
    fn ibans_are_checked() {
        // The IBAN registry's own example for Germany, and the same with a digit changed.
        assert_eq!(
            iban("DE89 3704 0044 0532 0130 00"),
            Some(("DE89370400440532013000".into(), "DE".into()))
        );
        assert_eq!(iban("DE89 3704 0044 0532 0130 01"), None);
        assert_eq!(iban("not an iban"), None);
        // A Russian account number is no IBAN: Russia does not use them.
        assert_eq!(iban("40702810900000012345"), None);
    }
}
