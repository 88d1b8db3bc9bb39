//! `/align`: who designated the targets of a program, when, who lagged, who has not.
//!
//! The targets come from the alignment kept in the store (`sanctum_align::stored`), read
//! once per set of list versions and kept here ([`AlignCache`]); when the store's lists
//! changed since it was linked, the first page to ask links them again and stores the
//! result. The page filters the targets by program (a text the programs contain:
//! `russia` meets RUSSIA-EO14024, UK "Russia" and Canada "Russia"), and optionally by a
//! window of dates, and shows:
//!
//! - a timeline chart ([`chart`]): per jurisdiction, how many of the program's targets it
//!   had designated by each day, drawn with plotters as SVG in the page (no script), each
//!   jurisdiction with its own marker shape and its code written at its line's end, so
//!   that it reads without colour;
//! - per jurisdiction: targets designated, how often it was first, its median lag behind
//!   the first designator, and its gaps (targets of the program it has not designated);
//! - the busiest days, and the targets a page at a time with each jurisdiction's listing
//!   date and lag, each linked to its card.

use crate::pages::UserView;
use crate::{PageError, Shared};
use askama::Template;
use plotters::prelude::*;
use sanctum_align::stored::{self, Aligned, TargetSummary};
use sanctum_align::timeline::{Jurisdiction, days_from_civil};
use sanctum_server::error::ApiError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// The alignment read from the store, with what every page needs of it prepared once.
pub struct AlignCache {
    pub aligned: Aligned,
    /// Per target, its programs lower-cased and joined, for the program filter.
    programs: Vec<String>,
    /// The programs with the most targets, for the picker.
    pub top_programs: Vec<(String, usize)>,
}

/// Programs offered by the picker.
const PICKER_PROGRAMS: usize = 40;

/// Targets listed per page of the table.
const TARGETS_PER_PAGE: usize = 50;

/// Days listed in the busiest days table.
const BUSIEST_DAYS: usize = 10;

impl AlignCache {
    pub fn new(aligned: Aligned) -> AlignCache {
        let programs = aligned
            .targets
            .iter()
            .map(|t| t.row.programs.join("\u{1f}").to_lowercase())
            .collect();
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for target in &aligned.targets {
            for program in &target.row.programs {
                *counts.entry(program.as_str()).or_default() += 1;
            }
        }
        let mut top: Vec<(String, usize)> = counts
            .into_iter()
            .map(|(p, n)| (p.to_string(), n))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        top.truncate(PICKER_PROGRAMS);
        AlignCache {
            aligned,
            programs,
            top_programs: top,
        }
    }

    /// The targets under a program containing `needle` (case-insensitive).
    fn of_program<'a>(&'a self, needle: &str) -> impl Iterator<Item = &'a TargetSummary> + 'a {
        let needle = needle.to_lowercase();
        self.aligned
            .targets
            .iter()
            .zip(&self.programs)
            .filter(move |(_, programs)| programs.contains(&needle))
            .map(|(t, _)| t)
    }
}

/// The desk's kept alignment, and whether a linking runs.
#[derive(Default)]
pub struct AlignState {
    kept: Mutex<Option<Arc<AlignCache>>>,
    linking: AtomicBool,
}

/// What the page can show now.
pub enum Ready {
    Aligned(Arc<AlignCache>),
    /// The lists changed since they were linked: the linking runs in the background.
    Linking,
}

fn internal(error: impl std::fmt::Display) -> PageError {
    eprintln!("sanctum serve: alignment: {error}");
    PageError::Internal
}

fn kept_for(desk: &Shared, basis: &str) -> Option<Arc<AlignCache>> {
    desk.align
        .kept
        .lock()
        .ok()
        .and_then(|kept| kept.clone())
        .filter(|k| k.aligned.basis == basis)
}

fn keep(desk: &Shared, aligned: Aligned) -> Arc<AlignCache> {
    let cache = Arc::new(AlignCache::new(aligned));
    if let Ok(mut kept) = desk.align.kept.lock() {
        *kept = Some(cache.clone());
    }
    cache
}

/// The alignment of the store's current lists: kept here, else read from the store when it
/// follows the current lists, else [`Ready::Linking`] while [`start_linking`] links them
/// (seconds: longer than a page may take).
pub async fn current(desk: &Shared) -> Result<Ready, PageError> {
    let basis = desk
        .state
        .with_store(|store| store.list_versions_basis().map_err(ApiError::internal))
        .await
        .map_err(PageError::Api)?;
    if let Some(kept) = kept_for(desk, &basis) {
        return Ok(Ready::Aligned(kept));
    }
    let desk = desk.clone();
    tokio::task::spawn_blocking(move || {
        let store = sanctum_store::Store::open(&desk.state.config.data_dir).map_err(internal)?;
        if stored::is_current(&store).map_err(internal)?
            && let Some(aligned) = stored::read(&store).map_err(internal)?
        {
            return Ok(Ready::Aligned(keep(&desk, aligned)));
        }
        start_linking(&desk);
        Ok(Ready::Linking)
    })
    .await
    .map_err(|_| PageError::Internal)?
}

/// Threads the background linking works on: one, so that requests keep the rest.
const LINKING_THREADS: usize = 1;

/// Links the store's lists (when the kept links do not follow them) and keeps the result,
/// on a thread of its own; nothing when a linking already runs.
pub fn start_linking(desk: &Shared) {
    if desk.align.linking.swap(true, Ordering::AcqRel) {
        return;
    }
    let desk = desk.clone();
    std::thread::spawn(move || {
        // Linking every list runs for seconds (minutes in a debug build) over rayon: on the
        // global pool it would queue the requests' own parallel work (a book upload's rows)
        // behind it until they time out. It gets a pool of its own, one thread, beside them.
        let linked = rayon::ThreadPoolBuilder::new()
            .num_threads(LINKING_THREADS)
            .thread_name(|_| "sanctum-linking".to_string())
            .build()
            .map_err(|e| e.to_string())
            .and_then(|pool| {
                pool.install(|| {
                    sanctum_store::Store::open(&desk.state.config.data_dir)
                        .map_err(|e| e.to_string())
                        .and_then(|mut store| {
                            stored::current(&mut store).map_err(|e| e.to_string())
                        })
                })
            });
        match linked {
            Ok(aligned) => {
                keep(&desk, aligned);
            }
            Err(error) => eprintln!("sanctum serve: linking the lists: {error}"),
        }
        desk.align.linking.store(false, Ordering::Release);
    });
}

/// The page shown while the lists are linked: it reloads itself (no script: a refresh).
#[derive(Template)]
#[template(path = "align_wait.html")]
pub struct WaitPage {
    pub user: UserView,
}

#[derive(Deserialize, Default)]
pub struct AlignQuery {
    pub program: Option<String>,
    /// The window of listing dates, `YYYY-MM-DD` each, both optional.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Only targets designated by at least this many jurisdictions.
    pub min: Option<usize>,
    /// The first target of the table shown (paging).
    pub start: Option<usize>,
}

/// The program shown when none is asked for.
const DEFAULT_PROGRAM: &str = "russia";

fn day_of(text: &str) -> Result<i64, PageError> {
    let date: jiff::civil::Date = text.trim().parse().map_err(|_| {
        PageError::Review(sanctum_review::ReviewError::Usage(format!(
            "{text:?} is not a date (YYYY-MM-DD)"
        )))
    })?;
    Ok(days_from_civil(
        i64::from(date.year()),
        date.month() as u8,
        date.day() as u8,
    ))
}

/// `YYYY-MM-DD` of a day number (days since 1970-01-01).
fn day_text(day: i64) -> String {
    jiff::civil::date(1970, 1, 1)
        .checked_add(jiff::Span::new().days(day))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

/// Whether a listing has a date of its own: a record already in the first stored version
/// of its list has only "on or before" that version's date, which is no designation day
/// (it would pile every such record on the first version's day).
fn dated(listed: sanctum_align::timeline::Listed) -> bool {
    !listed.on_or_before
}

fn listed_day(date: sanctum_model::PartialDate) -> i64 {
    let (y, m, d) = date.earliest();
    days_from_civil(i64::from(y), m, d)
}

/// One jurisdiction's part in the program.
pub struct JurisdictionSummary {
    pub code: &'static str,
    pub marker: &'static str,
    pub designated: usize,
    pub first: usize,
    pub median_lag: String,
    pub gaps: usize,
}

pub struct DayRow {
    pub day: String,
    /// Per compared jurisdiction, the targets it designated that day ("" for none).
    pub counts: Vec<String>,
}

pub struct TargetLine {
    pub caption: String,
    /// The card of its first current record; empty when every record left its list.
    pub card: String,
    pub kind: String,
    /// Per compared jurisdiction: its listing date and lag, or "—".
    pub cells: Vec<String>,
    pub first: String,
    pub gaps: String,
}

#[derive(Template)]
#[template(path = "align.html")]
pub struct AlignPage {
    pub user: UserView,
    pub program: String,
    pub from: String,
    pub to: String,
    pub min: usize,
    pub programs: Vec<(String, usize)>,
    pub computed_at: String,
    pub basis: String,
    pub total: usize,
    /// Server-rendered SVG of numbers and jurisdiction codes only (no list text).
    pub chart: String,
    pub chart_caption: String,
    pub jurisdictions: Vec<JurisdictionSummary>,
    pub codes: Vec<&'static str>,
    pub busiest: Vec<DayRow>,
    pub targets: Vec<TargetLine>,
    pub start: usize,
    pub shown_to: usize,
    pub prev_start: Option<usize>,
    pub next_start: Option<usize>,
    pub query: String,
}

/// How each jurisdiction is drawn: a shape, filled or not, and a colour of the Okabe–Ito
/// palette (told apart by people with any colour vision); the shape alone tells them apart.
#[derive(Clone, Copy)]
struct Look {
    shape: Shape,
    filled: bool,
    colour: RGBColor,
    /// The shape in words, for the legend of the tables.
    name: &'static str,
}

#[derive(Clone, Copy)]
enum Shape {
    Circle,
    Triangle,
    Square,
    Cross,
}

fn look(j: Jurisdiction) -> Look {
    let (shape, filled, colour, name) = match j {
        Jurisdiction::US => (
            Shape::Circle,
            true,
            RGBColor(0, 114, 178),
            "● filled circle",
        ),
        Jurisdiction::UK => (
            Shape::Triangle,
            true,
            RGBColor(213, 94, 0),
            "▲ filled triangle",
        ),
        Jurisdiction::EU => (
            Shape::Square,
            true,
            RGBColor(0, 158, 115),
            "■ filled square",
        ),
        Jurisdiction::UN => (Shape::Cross, false, RGBColor(0, 0, 0), "✕ cross"),
        Jurisdiction::CA => (
            Shape::Circle,
            false,
            RGBColor(204, 121, 167),
            "○ open circle",
        ),
        Jurisdiction::CH => (
            Shape::Square,
            false,
            RGBColor(86, 180, 233),
            "□ open square",
        ),
        Jurisdiction::JP => (
            Shape::Triangle,
            false,
            RGBColor(230, 159, 0),
            "△ open triangle",
        ),
    };
    Look {
        shape,
        filled,
        colour,
        name,
    }
}

/// Where a line's code is written, from its end (pixels right and up): clear of the
/// last marker.
const LABEL_OFFSET: (i32, i32) = (8, -16);

/// Chart size in SVG units (the stylesheet scales it to the page's width).
const CHART_SIZE: (u32, u32) = (960, 420);

/// The cumulative designations of each jurisdiction by day, as SVG. `series`: per
/// jurisdiction, (day, targets designated by then) at each day it designated any.
fn chart(series: &[(Jurisdiction, Vec<(i64, u32)>)], window: (i64, i64)) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, CHART_SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let top = series
            .iter()
            .filter_map(|(_, points)| points.last().map(|p| p.1))
            .max()
            .unwrap_or(1)
            .max(1);
        // Room at the right for the codes written at the lines' ends.
        let (from, to) = (window.0, window.1.max(window.0 + 1));
        let pad = ((to - from) / 12).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(from..to + pad, 0u32..top + top / 10 + 1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_labels(8)
            .y_labels(8)
            .x_label_formatter(&|d| day_text(*d))
            .x_desc("listing date")
            .y_desc("targets designated")
            .label_style(("sans-serif", 13))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(|e| e.to_string())?;
        for (j, points) in series {
            let look = look(*j);
            let Some(&(last_day, last)) = points.last() else {
                continue;
            };
            // A step line: the count holds until the next day with designations.
            let mut steps: Vec<(i64, u32)> = vec![(from, 0)];
            let mut previous = 0;
            for &(day, count) in points {
                steps.push((day, previous));
                steps.push((day, count));
                previous = count;
            }
            steps.push((to, previous));
            chart
                .draw_series(LineSeries::new(steps, look.colour.stroke_width(2)))
                .map_err(|e| e.to_string())?;
            let style = if look.filled {
                look.colour.filled()
            } else {
                look.colour.stroke_width(2)
            };
            let at = |p: &(i64, u32)| EmptyElement::at(*p);
            match look.shape {
                Shape::Circle => chart
                    .draw_series(points.iter().map(|p| at(p) + Circle::new((0, 0), 5, style)))
                    .map(|_| ()),
                Shape::Triangle => chart
                    .draw_series(
                        points
                            .iter()
                            .map(|p| at(p) + TriangleMarker::new((0, 0), 6, style)),
                    )
                    .map(|_| ()),
                Shape::Square => chart
                    .draw_series(
                        points
                            .iter()
                            .map(|p| at(p) + Rectangle::new([(-4, -4), (4, 4)], style)),
                    )
                    .map(|_| ()),
                Shape::Cross => chart
                    .draw_series(points.iter().map(|p| at(p) + Cross::new((0, 0), 5, style)))
                    .map(|_| ()),
            }
            .map_err(|e| e.to_string())?;
            // The code at the line's end: the series reads without colour or legend.
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((to.max(last_day), last))
                        + Text::new(
                            format!("{} {}", j.as_str(), last),
                            LABEL_OFFSET,
                            ("sans-serif", 15).into_font().color(&BLACK),
                        ),
                ))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

/// The median of some lags, in days.
fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[values.len() / 2])
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Builds the page from the kept alignment.
pub fn page(
    user: UserView,
    cache: &AlignCache,
    query: &AlignQuery,
) -> Result<AlignPage, PageError> {
    let program = query
        .program
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .unwrap_or(DEFAULT_PROGRAM)
        .to_string();
    let text = |v: &Option<String>| v.as_deref().unwrap_or("").trim().to_string();
    let (from_text, to_text) = (text(&query.from), text(&query.to));
    let from = (!from_text.is_empty())
        .then(|| day_of(&from_text))
        .transpose()?;
    let to = (!to_text.is_empty())
        .then(|| day_of(&to_text))
        .transpose()?;
    let min = query.min.unwrap_or(1).max(1);
    let in_window = |day: i64| from.is_none_or(|f| day >= f) && to.is_none_or(|t| day <= t);
    let compared = &cache.aligned.compared;

    let mut targets: Vec<&TargetSummary> = cache
        .of_program(&program)
        .filter(|t| t.row.jurisdictions.len() >= min)
        .filter(|t| {
            (from.is_none() && to.is_none())
                || t.row.jurisdictions.iter().any(|j| {
                    j.first_listed
                        .is_some_and(|l| dated(l) && in_window(listed_day(l.date)))
                })
        })
        .collect();

    // In a window, the targets by their first designation in it (they are stored by
    // their first listing of all, often an "on or before" bound).
    if from.is_some() || to.is_some() {
        targets.sort_by_key(|t| {
            t.row
                .jurisdictions
                .iter()
                .filter_map(|j| j.first_listed.filter(|l| dated(*l)))
                .map(|l| listed_day(l.date))
                .filter(|day| in_window(*day))
                .min()
        });
    }

    // Per jurisdiction: designations by day (in the window), lags, firsts, gaps.
    let mut by_day: BTreeMap<Jurisdiction, BTreeMap<i64, u32>> = BTreeMap::new();
    let mut lags: BTreeMap<Jurisdiction, Vec<i64>> = BTreeMap::new();
    let mut firsts: BTreeMap<Jurisdiction, usize> = BTreeMap::new();
    let mut gaps: BTreeMap<Jurisdiction, usize> = BTreeMap::new();
    let mut designated: BTreeMap<Jurisdiction, usize> = BTreeMap::new();
    for target in &targets {
        for row in &target.row.jurisdictions {
            *designated.entry(row.jurisdiction).or_default() += 1;
            if let Some(listed) = row.first_listed.filter(|l| dated(*l)) {
                let day = listed_day(listed.date);
                if in_window(day) {
                    *by_day
                        .entry(row.jurisdiction)
                        .or_default()
                        .entry(day)
                        .or_default() += 1;
                }
            }
            if let Some(lag) = row.lag_days
                && target.row.jurisdictions.len() > 1
                && row.first_listed.is_some_and(dated)
            {
                lags.entry(row.jurisdiction).or_default().push(lag);
            }
        }
        if target.row.jurisdictions.len() > 1 {
            for j in &target.row.first {
                *firsts.entry(*j).or_default() += 1;
            }
        }
        for j in &target.row.gaps {
            *gaps.entry(*j).or_default() += 1;
        }
    }
    let days: Vec<i64> = by_day.values().flat_map(|d| d.keys().copied()).collect();
    let window = (
        from.or_else(|| days.iter().min().copied()).unwrap_or(0),
        to.or_else(|| days.iter().max().copied()).unwrap_or(1),
    );
    let series: Vec<(Jurisdiction, Vec<(i64, u32)>)> = compared
        .iter()
        .filter_map(|j| {
            let days = by_day.get(j)?;
            let mut total = 0;
            let points = days
                .iter()
                .map(|(day, n)| {
                    total += n;
                    (*day, total)
                })
                .collect();
            Some((*j, points))
        })
        .collect();
    let chart = chart(&series, window).map_err(|e| {
        eprintln!("sanctum serve: alignment chart: {e}");
        PageError::Internal
    })?;
    // Name the figure for assistive technology (the caption below says it in words).
    let chart = chart.replacen(
        "<svg ",
        "<svg role=\"img\" aria-labelledby=\"chart-caption\" ",
        1,
    );
    let chart_caption = format!(
        "Targets of programs matching “{program}” designated by each jurisdiction, \
         cumulative, {} to {}: {}. Records already in the first stored version of their \
         list (listed on or before its date) are not counted.",
        day_text(window.0),
        day_text(window.1),
        series
            .iter()
            .map(|(j, points)| format!(
                "{} ({}) {}",
                j.as_str(),
                look(*j).name,
                points.last().map(|p| p.1).unwrap_or(0)
            ))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let jurisdictions = compared
        .iter()
        .map(|j| JurisdictionSummary {
            code: j.as_str(),
            marker: look(*j).name,
            designated: designated.get(j).copied().unwrap_or(0),
            first: firsts.get(j).copied().unwrap_or(0),
            median_lag: median(lags.get(j).cloned().unwrap_or_default())
                .map(|d| format!("{d} d"))
                .unwrap_or_else(|| "—".into()),
            gaps: gaps.get(j).copied().unwrap_or(0),
        })
        .collect();

    let mut day_totals: BTreeMap<i64, Vec<u32>> = BTreeMap::new();
    for (index, j) in compared.iter().enumerate() {
        for (day, n) in by_day.get(j).into_iter().flatten() {
            day_totals
                .entry(*day)
                .or_insert_with(|| vec![0; compared.len()])[index] = *n;
        }
    }
    let mut busiest: Vec<(i64, Vec<u32>)> = day_totals.into_iter().collect();
    busiest.sort_by(|a, b| {
        b.1.iter()
            .sum::<u32>()
            .cmp(&a.1.iter().sum::<u32>())
            .then(a.0.cmp(&b.0))
    });
    busiest.truncate(BUSIEST_DAYS);
    busiest.sort_by_key(|(day, _)| *day);
    let busiest = busiest
        .into_iter()
        .map(|(day, counts)| DayRow {
            day: day_text(day),
            counts: counts
                .iter()
                .map(|n| {
                    if *n == 0 {
                        String::new()
                    } else {
                        n.to_string()
                    }
                })
                .collect(),
        })
        .collect();

    let total = targets.len();
    let start = query.start.unwrap_or(0).min(total);
    let lines = targets
        .iter()
        .skip(start)
        .take(TARGETS_PER_PAGE)
        .map(|t| TargetLine {
            caption: t.row.caption.clone(),
            card: t
                .records
                .iter()
                .find(|r| r.delisted_on.is_none())
                .map(|r| r.ftm_id.clone())
                .unwrap_or_default(),
            kind: t.row.kind.as_str().to_string(),
            cells: compared
                .iter()
                .map(
                    |j| match t.row.jurisdictions.iter().find(|r| r.jurisdiction == *j) {
                        None => "—".to_string(),
                        Some(r) => {
                            let date = r
                                .first_listed
                                .map(|l| l.to_string())
                                .unwrap_or_else(|| "listed".into());
                            let delisted = r
                                .delisted_on
                                .map(|d| format!(", delisted {d}"))
                                .unwrap_or_default();
                            // A lag from an "on or before" date measures nothing.
                            let lag = r.lag_days.filter(|_| r.first_listed.is_some_and(dated));
                            match lag {
                                Some(lag) if lag > 0 => format!("{date} (+{lag} d){delisted}"),
                                _ => format!("{date}{delisted}"),
                            }
                        }
                    },
                )
                .collect(),
            first: t
                .row
                .first
                .iter()
                .map(|j| j.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            gaps: t
                .row
                .gaps
                .iter()
                .map(|j| j.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        })
        .collect::<Vec<_>>();
    let shown_to = start + lines.len();
    let query_text = format!(
        "program={}&from={}&to={}&min={min}",
        encode(&program),
        encode(&from_text),
        encode(&to_text)
    );
    Ok(AlignPage {
        user,
        program,
        from: from_text,
        to: to_text,
        min,
        programs: cache.top_programs.clone(),
        computed_at: cache.aligned.computed_at.clone(),
        basis: cache.aligned.basis.replace(',', ", "),
        total,
        chart,
        chart_caption,
        jurisdictions,
        codes: compared.iter().map(|j| j.as_str()).collect(),
        busiest,
        targets: lines,
        start,
        shown_to,
        prev_start: (start > 0).then(|| start.saturating_sub(TARGETS_PER_PAGE)),
        next_start: (shown_to < total).then_some(shown_to),
        query: query_text,
    })
}
