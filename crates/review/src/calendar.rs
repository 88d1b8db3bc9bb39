//! US federal business days: OFAC's reports are due within 10 business days
//! (31 CFR 501.603, 501.604), and a federal holiday is not a business day.
//!
//! The holidays of 5 U.S.C. 6103(a), with its observed-day rule: a holiday on a Saturday is
//! observed on the Friday before, one on a Sunday on the Monday after (so New Year's Day
//! 2022, a Saturday, was observed on Friday 31 December 2021). Juneteenth counts from 2021.
//! Inauguration Day is a holiday only around Washington, D.C., and is left out.

use jiff::civil::{Date, Weekday};

fn date(year: i16, month: i8, day: i8) -> Option<Date> {
    Date::new(year, month, day).ok()
}

/// The `nth` (1-based) `weekday` of a month.
fn nth_weekday(year: i16, month: i8, weekday: Weekday, nth: i8) -> Option<Date> {
    date(year, month, 1)?
        .nth_weekday_of_month(nth, weekday)
        .ok()
}

/// The last `weekday` of a month.
fn last_weekday(year: i16, month: i8, weekday: Weekday) -> Option<Date> {
    date(year, month, 1)?.nth_weekday_of_month(-1, weekday).ok()
}

/// The day a fixed-date holiday is observed on.
fn observed(day: Date) -> Date {
    match day.weekday() {
        Weekday::Saturday => day.yesterday().unwrap_or(day),
        Weekday::Sunday => day.tomorrow().unwrap_or(day),
        _ => day,
    }
}

/// The federal holidays of `year` as observed (New Year's Day of `year + 1` observed on
/// 31 December of `year` is included).
pub fn federal_holidays(year: i16) -> Vec<Date> {
    let mut days: Vec<Date> = Vec::with_capacity(12);
    let fixed = |month, day| date(year, month, day).map(observed);
    days.extend(fixed(1, 1));
    days.extend(nth_weekday(year, 1, Weekday::Monday, 3)); // Birthday of Martin Luther King, Jr.
    days.extend(nth_weekday(year, 2, Weekday::Monday, 3)); // Washington's Birthday
    days.extend(last_weekday(year, 5, Weekday::Monday)); // Memorial Day
    if year >= 2021 {
        days.extend(fixed(6, 19)); // Juneteenth National Independence Day
    }
    days.extend(fixed(7, 4));
    days.extend(nth_weekday(year, 9, Weekday::Monday, 1)); // Labor Day
    days.extend(nth_weekday(year, 10, Weekday::Monday, 2)); // Columbus Day
    days.extend(fixed(11, 11)); // Veterans Day
    days.extend(nth_weekday(year, 11, Weekday::Thursday, 4)); // Thanksgiving Day
    days.extend(fixed(12, 25));
    if let Some(next_new_year) = date(year + 1, 1, 1).map(observed)
        && next_new_year.year() == year
    {
        days.push(next_new_year);
    }
    days.retain(|d| d.year() == year);
    days.sort();
    days
}

pub fn is_business_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
        && !federal_holidays(day.year()).contains(&day)
}

/// The `n`th business day after `start` (`start` itself not counted).
pub fn add_business_days(start: Date, n: u32) -> Date {
    let mut day = start;
    let mut counted = 0;
    while counted < n {
        match day.tomorrow() {
            Ok(next) => day = next,
            Err(_) => return day,
        }
        if is_business_day(day) {
            counted += 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        text.parse().unwrap()
    }

    #[test]
    fn the_2024_holidays_are_the_opm_list() {
        let got: Vec<String> = federal_holidays(2024)
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "2024-01-01",
                "2024-01-15",
                "2024-02-19",
                "2024-05-27",
                "2024-06-19",
                "2024-07-04",
                "2024-09-02",
                "2024-10-14",
                "2024-11-11",
                "2024-11-28",
                "2024-12-25"
            ]
        );
    }

    #[test]
    fn weekend_holidays_move_to_the_nearest_weekday() {
        // New Year's Day 2022 was a Saturday: observed Friday 31 December 2021.
        assert!(federal_holidays(2021).contains(&d("2021-12-31")));
        assert!(!federal_holidays(2022).contains(&d("2022-01-01")));
        // Independence Day 2026 is a Saturday; Christmas 2022 was a Sunday.
        assert!(federal_holidays(2026).contains(&d("2026-07-03")));
        assert!(federal_holidays(2022).contains(&d("2022-12-26")));
        // No Juneteenth before 2021.
        assert!(!federal_holidays(2020).contains(&d("2020-06-19")));
    }

    #[test]
    fn ten_business_days_skip_weekends_and_holidays() {
        // From Thursday 17 February 2022: Presidents' Day (21 February) is skipped.
        assert_eq!(add_business_days(d("2022-02-17"), 10), d("2022-03-04"));
        assert_eq!(add_business_days(d("2022-02-25"), 10), d("2022-03-11"));
        // Across Christmas and the New Year observed on 31 December 2021.
        assert_eq!(add_business_days(d("2021-12-22"), 3), d("2021-12-28"));
        assert_eq!(add_business_days(d("2021-12-29"), 2), d("2022-01-03"));
    }
}
