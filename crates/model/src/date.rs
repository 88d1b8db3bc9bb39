//! Dates as lists publish them: often partial ("1952", "Oct 1952"), sometimes approximate
//! ("circa 1970") or a range ("1955 to 1958").
//!
//! Hand-written rather than taken from a date crate because date crates model complete
//! calendar dates; a birth year with unknown month and day is the normal case here.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar date whose month and day may be unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

/// A date as published: exact (to its precision), approximate, or a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateSpec {
    Exact(PartialDate),
    Circa(PartialDate),
    Range(PartialDate, PartialDate),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {text:?}: {reason}")]
pub struct DateError {
    pub text: String,
    pub reason: &'static str,
}

fn err(text: &str, reason: &'static str) -> DateError {
    DateError {
        text: text.to_string(),
        reason,
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        _ => 28,
    }
}

impl PartialDate {
    pub fn year(year: u16) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }

    /// Builds a date, checking that month and day exist; a day needs a month.
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Result<Self, &'static str> {
        if !(1000..=2999).contains(&year) {
            return Err("year out of range");
        }
        if month.is_some_and(|m| !(1..=12).contains(&m)) {
            return Err("month out of range");
        }
        match (month, day) {
            (None, Some(_)) => Err("day without a month"),
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => Err("day out of range"),
            _ => Ok(PartialDate { year, month, day }),
        }
    }

    /// The first day this date may denote, as (y, m, d).
    pub fn earliest(&self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date may denote, as (y, m, d).
    pub fn latest(&self) -> (u16, u8, u8) {
        let m = self.month.unwrap_or(12);
        (
            self.year,
            m,
            self.day.unwrap_or_else(|| days_in_month(self.year, m)),
        )
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = DateError;
    /// ISO 8601 at year, month or day precision: `1952`, `1952-10`, `1952-10-07`.
    /// A time part (`T00:00:00`) is ignored.
    fn from_str(s: &str) -> Result<Self, DateError> {
        let t = s.trim();
        let t = t.split(['T', ' ']).next().unwrap_or(t);
        let mut it = t.split('-');
        let num = |p: Option<&str>, len: usize| -> Result<Option<u32>, DateError> {
            match p {
                None => Ok(None),
                Some(p) if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) => {
                    Ok(Some(p.parse().map_err(|_| err(s, "not a number"))?))
                }
                Some(_) => Err(err(s, "not an ISO date")),
            }
        };
        let y = num(it.next(), 4)?.ok_or_else(|| err(s, "empty"))?;
        let m = num(it.next(), 2)?;
        let d = num(it.next(), 2)?;
        if it.next().is_some() {
            return Err(err(s, "not an ISO date"));
        }
        PartialDate::new(y as u16, m.map(|m| m as u8), d.map(|d| d as u8)).map_err(|r| err(s, r))
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl DateSpec {
    /// The earliest and latest dates this value admits.
    pub fn bounds(&self) -> (PartialDate, PartialDate) {
        match *self {
            DateSpec::Exact(d) | DateSpec::Circa(d) => (d, d),
            DateSpec::Range(a, b) => (a, b),
        }
    }
}

/// `1952-10-07`, `~1970` for circa, `1955/1958` for a range (ISO 8601 interval).
impl fmt::Display for DateSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateSpec::Exact(d) => write!(f, "{d}"),
            DateSpec::Circa(d) => write!(f, "~{d}"),
            DateSpec::Range(a, b) => write!(f, "{a}/{b}"),
        }
    }
}

impl FromStr for DateSpec {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        let t = s.trim();
        if let Some(rest) = t.strip_prefix('~') {
            return Ok(DateSpec::Circa(rest.parse()?));
        }
        if let Some((a, b)) = t.split_once('/') {
            return Ok(DateSpec::Range(a.parse()?, b.parse()?));
        }
        Ok(DateSpec::Exact(t.parse()?))
    }
}

impl Serialize for DateSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DateSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_number(word: &str) -> Option<u8> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w.len() < 3 {
        return None;
    }
    let pos = MONTHS.iter().position(|m| w.starts_with(m))?;
    // "sept" and full names are fine; reject words that merely start like a month ("marine").
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    if w.len() == 3 || (w == "sept") || full[pos].starts_with(w.as_str()) {
        Some(pos as u8 + 1)
    } else {
        None
    }
}

/// Parses one date in the textual forms lists use: `07 Oct 1952`, `Oct 1952`, `1952`,
/// `1952-10-07`, `7/10/1952` (day first, `00` for unknown parts as the UK writes them),
/// `1952年10月7日`.
pub fn parse_single_date(text: &str) -> Result<PartialDate, DateError> {
    let t = text.trim().trim_end_matches('.');
    if t.is_empty() {
        return Err(err(text, "empty"));
    }
    if t.contains('年') {
        return parse_japanese(text, t);
    }
    if t.len() >= 4
        && t.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && (t.len() == 4 || t.as_bytes()[4] == b'-')
    {
        return t.parse();
    }
    if t.contains('/') {
        return parse_dmy(text, t);
    }
    let words: Vec<&str> = t.split([' ', ',']).filter(|w| !w.is_empty()).collect();
    let make = |y: &str, m: Option<u8>, d: Option<&str>| -> Result<PartialDate, DateError> {
        let year: u16 = y.parse().map_err(|_| err(text, "year is not a number"))?;
        let day = match d {
            Some(d) => Some(
                d.parse::<u8>()
                    .map_err(|_| err(text, "day is not a number"))?,
            ),
            None => None,
        };
        PartialDate::new(year, m, day).map_err(|r| err(text, r))
    };
    match words.as_slice() {
        [d, m, y] if d.bytes().all(|b| b.is_ascii_digit()) => {
            let m = month_number(m).ok_or_else(|| err(text, "unknown month"))?;
            make(y, Some(m), Some(d))
        }
        // "October 7 1952"
        [m, d, y] if d.bytes().all(|b| b.is_ascii_digit()) && month_number(m).is_some() => {
            make(y, month_number(m), Some(d))
        }
        [m, y] => {
            let m = month_number(m).ok_or_else(|| err(text, "unknown month"))?;
            make(y, Some(m), None)
        }
        _ => Err(err(text, "unrecognised date")),
    }
}

fn parse_dmy(text: &str, t: &str) -> Result<PartialDate, DateError> {
    let parts: Vec<&str> = t.split('/').map(str::trim).collect();
    let [d, m, y] = parts.as_slice() else {
        return Err(err(text, "expected dd/mm/yyyy"));
    };
    let n = |p: &str| p.parse::<u16>().map_err(|_| err(text, "not a number"));
    let (d, m, y) = (n(d)?, n(m)?, n(y)?);
    if y == 0 {
        return Err(err(text, "unknown year"));
    }
    let month = (m != 0).then_some(m as u8);
    let day = (d != 0 && month.is_some()).then_some(d as u8);
    PartialDate::new(y, month, day).map_err(|r| err(text, r))
}

/// `mm/dd/yyyy`, as US publishers write dates.
pub fn parse_mdy(text: &str) -> Result<PartialDate, DateError> {
    let parts: Vec<&str> = text.trim().split('/').collect();
    let [m, d, y] = parts.as_slice() else {
        return Err(err(text, "expected mm/dd/yyyy"));
    };
    parse_dmy(text, &format!("{d}/{m}/{y}"))
}

fn parse_japanese(text: &str, t: &str) -> Result<PartialDate, DateError> {
    let (y, rest) = t
        .split_once('年')
        .ok_or_else(|| err(text, "unrecognised date"))?;
    let year: u16 = y
        .trim()
        .parse()
        .map_err(|_| err(text, "year is not a number"))?;
    let (month, rest) = match rest.split_once('月') {
        Some((m, r)) => (
            Some(
                m.trim()
                    .parse::<u8>()
                    .map_err(|_| err(text, "month is not a number"))?,
            ),
            r,
        ),
        None => (None, rest),
    };
    let day = match rest.split_once('日') {
        Some((d, _)) => Some(
            d.trim()
                .parse::<u8>()
                .map_err(|_| err(text, "day is not a number"))?,
        ),
        None => None,
    };
    PartialDate::new(year, month, day).map_err(|r| err(text, r))
}

/// Parses a date value with its qualifiers: `circa 1970`, `c. 1970`, `approximately 1970`,
/// `1955 to 1958`, `1955 - 1958`, `between 1955 and 1958`, or any single date form.
pub fn parse_date_text(text: &str) -> Result<DateSpec, DateError> {
    let t = text.trim().trim_end_matches('.');
    let lower = t.to_ascii_lowercase();
    for prefix in [
        "circa ",
        "c. ",
        "ca. ",
        "approximately ",
        "approx. ",
        "about ",
    ] {
        if lower.starts_with(prefix) {
            // "circa 1979-1982": an approximate range is still a range.
            return match parse_date_text(&t[prefix.len()..])? {
                DateSpec::Exact(d) | DateSpec::Circa(d) => Ok(DateSpec::Circa(d)),
                range => Ok(range),
            };
        }
    }
    let lower_body = lower.strip_prefix("between ").unwrap_or(&lower);
    let offset = t.len() - lower_body.len();
    for sep in [" to ", " and ", " - ", "-", " – "] {
        if let Some(i) = lower_body.find(sep) {
            let (a, b) = (&t[offset..offset + i], &t[offset + i + sep.len()..]);
            // "1952-10-07" contains '-' but is one ISO date: only split when both sides parse.
            if let (Ok(a), Ok(b)) = (parse_single_date(a), parse_single_date(b)) {
                return Ok(DateSpec::Range(a, b));
            }
        }
    }
    Ok(DateSpec::Exact(parse_single_date(t)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> String {
        parse_date_text(s)
            .map(|d| d.to_string())
            .unwrap_or_else(|e| format!("ERR {}", e.reason))
    }

    #[test]
    fn textual_forms() {
        assert_eq!(d("07 Oct 1952"), "1952-10-07");
        assert_eq!(d("7 October 1952"), "1952-10-07");
        assert_eq!(d("Oct 1952"), "1952-10");
        assert_eq!(d("1952"), "1952");
        assert_eq!(d("circa 1970"), "~1970");
        assert_eq!(d("circa 01 Jan 1970"), "~1970-01-01");
        assert_eq!(d("circa 1979-1982"), "1979/1982");
        assert_eq!(d("1955 to 1958"), "1955/1958");
        assert_eq!(d("Jan 1955 to Dec 1958"), "1955-01/1958-12");
        assert_eq!(d("1955 - 1958"), "1955/1958");
        assert_eq!(d("between 1955 and 1958"), "1955/1958");
        assert_eq!(d("1952-10-07"), "1952-10-07");
        assert_eq!(d("1952-10-07T00:00:00"), "1952-10-07");
        assert_eq!(d("00/00/1954"), "1954");
        assert_eq!(d("00/10/1954"), "1954-10");
        assert_eq!(d("07/10/1952"), "1952-10-07");
        assert_eq!(d("1952年10月7日"), "1952-10-07");
        assert_eq!(parse_mdy("05/06/2024").unwrap().to_string(), "2024-05-06");
    }

    #[test]
    fn invalid_dates_are_errors() {
        assert_eq!(d("31 Feb 1952"), "ERR day out of range");
        assert_eq!(d("12 Foo 1952"), "ERR unknown month");
        assert_eq!(d(""), "ERR empty");
        assert_eq!(d("1952-13"), "ERR month out of range");
        assert_eq!(d("00/00/0000"), "ERR unknown year");
        assert!(parse_date_text("29 Feb 1952").is_ok());
        assert!(parse_date_text("29 Feb 1953").is_err());
    }

    #[test]
    fn serde_round_trip() {
        for s in ["1952", "1952-10", "1952-10-07", "~1970", "1955/1958"] {
            let spec: DateSpec = s.parse().unwrap();
            let json = serde_json::to_string(&spec).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<DateSpec>(&json).unwrap(), spec);
        }
    }
}
