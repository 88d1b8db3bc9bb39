//! Which format and source a file is, how the files of a directory group into publications,
//! and reading a publication through the right parser.
//!
//! A file is recognised by its name first (the publishers' own names: `sdn.csv`,
//! `cons_prim.csv`, `consolidated.csv`, `SDN_ENHANCED.ZIP`, …, with or without a date suffix)
//! and then by its first bytes (the XML root element, the CSL header), looking through gzip
//! and zip wrappers; a PDF (`%PDF-`) by the text of its first page.

use crate::archive;
use crate::ofac_common::{LIST_CONSOLIDATED, LIST_SDN};
use crate::{Input, Limits, ParseError, ParseOptions, Parsed};
use sanctum_model::PartialDate;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OFAC's CSV set: sdn.csv or cons_prim.csv, with add, alt and comments companions.
    OfacCsv,
    OfacLegacyXml,
    OfacAdvancedXml,
    OfacEnhancedXml,
    UsCslCsv,
    UsCslJson,
    /// FollowTheMoney JSON lines.
    Ftm,
    UkOfsiCsv,
    UkOfsiXlsx,
    UkOfsiXml,
    UkFcdoCsv,
    UkFcdoXml,
    EuFsfXml,
    EuFsfCsv,
    UnScXml,
    CaSemaXml,
    ChSecoXml,
    JpMofXlsx,
    /// Text extracted from METI's PDF end-user list.
    JpMetiText,
    /// METI's end-user list as published: a PDF.
    JpMetiPdf,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OfacCsv => "ofac-csv",
            Format::OfacLegacyXml => "ofac-legacy-xml",
            Format::OfacAdvancedXml => "ofac-advanced-xml",
            Format::OfacEnhancedXml => "ofac-enhanced-xml",
            Format::UsCslCsv => "us-csl-csv",
            Format::UsCslJson => "us-csl-json",
            Format::Ftm => "ftm",
            Format::UkOfsiCsv => "uk-ofsi-csv",
            Format::UkOfsiXlsx => "uk-ofsi-xlsx",
            Format::UkOfsiXml => "uk-ofsi-xml",
            Format::UkFcdoCsv => "uk-fcdo-csv",
            Format::UkFcdoXml => "uk-fcdo-xml",
            Format::EuFsfXml => "eu-fsf-xml",
            Format::EuFsfCsv => "eu-fsf-csv",
            Format::UnScXml => "un-sc-xml",
            Format::CaSemaXml => "ca-sema-xml",
            Format::ChSecoXml => "ch-seco-xml",
            Format::JpMofXlsx => "jp-mof-xlsx",
            Format::JpMetiText => "jp-meti-text",
            Format::JpMetiPdf => "jp-meti-pdf",
        }
    }
}

/// The part a file plays in a publication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Main,
    OfacAdd,
    OfacAlt,
    OfacComments,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Main => "main",
            Role::OfacAdd => "add",
            Role::OfacAlt => "alt",
            Role::OfacComments => "comments",
        }
    }
}

/// What a single file is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detected {
    pub format: Format,
    pub role: Role,
    /// The source the file belongs to, where name or content tell.
    pub source: Option<&'static str>,
    /// Whether only the file name chose between the OFAC SDN and consolidated lists (their
    /// formats are the same): naming the other one of the two is then no contradiction.
    pub ofac_list_by_name: bool,
}

/// One publication: a main file and, for OFAC CSV sets, its companions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publication {
    pub source: String,
    pub format: Format,
    pub main: PathBuf,
    pub companions: Vec<(Role, PathBuf)>,
    /// The date used to order publications: from the content, else the file name, else
    /// the modification time.
    pub date: Option<PartialDate>,
}

impl Publication {
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.main.as_path()).chain(self.companions.iter().map(|(_, p)| p.as_path()))
    }

    /// SHA-256 over the publication's files, in role order: identical bytes, identical hash.
    pub fn sha256(&self) -> Result<String, ParseError> {
        let mut hasher = Sha256::new();
        for path in self.files() {
            let name = path.display().to_string();
            let mut file = File::open(path).map_err(|e| ParseError::io(&name, e))?;
            std::io::copy(&mut file, &mut hasher).map_err(|e| ParseError::io(&name, e))?;
        }
        Ok(hex::encode(hasher.finalize()))
    }
}

fn file_name_lower(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads the first bytes of a file, through gzip, or of the first XML/CSV member of a zip.
fn head(path: &Path, limit: usize) -> Result<Vec<u8>, ParseError> {
    let mut buf = Vec::new();
    let lower = file_name_lower(path);
    // At most `limit` bytes are read or inflated, whatever a compressed file declares.
    if lower.ends_with(".zip") {
        let (mut archive, name) = archive::open_zip(path)?;
        let index = archive::data_member(&archive, &name)?;
        let member = archive
            .by_index(index)
            .map_err(|e| ParseError::format(&name, format!("unreadable zip member: {e}")))?;
        let _ = member.take(limit as u64).read_to_end(&mut buf);
        return Ok(buf);
    }
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| ParseError::io(&name, e))?;
    if lower.ends_with(".gz") {
        let _ = flate2::read::GzDecoder::new(file)
            .take(limit as u64)
            .read_to_end(&mut buf);
    } else {
        file.take(limit as u64)
            .read_to_end(&mut buf)
            .map_err(|e| ParseError::io(&name, e))?;
    }
    Ok(buf)
}

fn root_element(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let mut rest: &str = &text;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('?') || rest.starts_with('!') {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..end];
        return Some(name.rsplit(':').next().unwrap_or(name).to_string());
    }
    None
}

type Sniff = fn(&[u8], &str) -> bool;

/// The formats recognised by their own first bytes (and, for workbooks, file name).
static SNIFFERS: &[(Format, &str, Sniff)] = &[
    (Format::UkOfsiCsv, "uk_ofsi", crate::uk_ofsi::sniff_csv),
    (Format::UkOfsiXlsx, "uk_ofsi", crate::uk_ofsi::sniff_xlsx),
    (Format::UkOfsiXml, "uk_ofsi", crate::uk_ofsi::sniff_xml),
    (Format::UkFcdoCsv, "uk_fcdo", crate::uk_fcdo::sniff_csv),
    (Format::UkFcdoXml, "uk_fcdo", crate::uk_fcdo::sniff_xml),
    (Format::EuFsfXml, "eu_fsf", crate::eu_fsf::sniff_xml),
    (Format::EuFsfCsv, "eu_fsf", crate::eu_fsf::sniff_csv),
    (Format::UnScXml, "un_sc", crate::un_sc::sniff),
    (Format::CaSemaXml, "ca_sema", crate::ca_sema::sniff),
    (Format::ChSecoXml, "ch_seco", crate::ch_seco::sniff),
    (Format::JpMofXlsx, "jp_mof", crate::jp_mof::sniff),
    (Format::JpMetiText, "jp_meti", crate::jp_meti::sniff),
];

/// Which OFAC source an enhanced XML export holds: its `filters` name the lists (and, for a
/// custom export, programs). `None` for an export that is no whole list.
fn enhanced_source(head: &str) -> Option<&'static str> {
    let filters = head.split("<filters>").nth(1)?.split("</filters>").next()?;
    if filters.contains("<sanctionsPrograms>") {
        return None;
    }
    let lists: Vec<&str> = filters
        .split("<sanctionsList ")
        .skip(1)
        .filter_map(|l| l.split('>').nth(1)?.split('<').next())
        .collect();
    match lists.as_slice() {
        ["SDN List"] => Some("us_ofac_sdn"),
        ["Consolidated List"] => Some("us_ofac_cons"),
        _ => None,
    }
}

/// Recognises one file. `Ok(None)` for files that are no list publication sanctum reads.
/// Reading a PDF's text to recognise it keeps to the default limits; see [`detect_with`].
pub fn detect(path: &Path) -> Result<Option<Detected>, ParseError> {
    detect_with(path, &Limits::default())
}

/// Recognises one file, within `limits` (a PDF is recognised by the text of its first page).
pub fn detect_with(path: &Path, limits: &Limits) -> Result<Option<Detected>, ParseError> {
    let lower = file_name_lower(path);
    // Schemas, documentation and checksums sit beside publications in mirrors.
    if [".xsd", ".md", ".sha256", ".txt.sig"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Ok(None);
    }
    let base = lower.trim_end_matches(".gz").trim_end_matches(".zip");
    let d = |format, role, source| {
        Ok(Some(Detected {
            format,
            role,
            source,
            ofac_list_by_name: false,
        }))
    };
    let by_name = |format, role, source| {
        Ok(Some(Detected {
            format,
            role,
            source,
            ofac_list_by_name: true,
        }))
    };
    if base.ends_with(".csv") {
        if base.starts_with("sdn_comments") {
            return by_name(Format::OfacCsv, Role::OfacComments, Some("us_ofac_sdn"));
        }
        for (prefix, role) in [("add", Role::OfacAdd), ("alt", Role::OfacAlt)] {
            if base.starts_with(prefix) {
                return by_name(Format::OfacCsv, role, Some("us_ofac_sdn"));
            }
        }
        for (prefix, role) in [
            ("cons_prim", Role::Main),
            ("cons_add", Role::OfacAdd),
            ("cons_alt", Role::OfacAlt),
            ("cons_comments", Role::OfacComments),
        ] {
            if base.starts_with(prefix) {
                return by_name(Format::OfacCsv, role, Some("us_ofac_cons"));
            }
        }
        if base.starts_with("sdn") {
            return by_name(Format::OfacCsv, Role::Main, Some("us_ofac_sdn"));
        }
    }
    let head = head(path, 4096)?;
    let text = String::from_utf8_lossy(&head);
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("_id,") || text.starts_with("\"_id\",") {
        return d(Format::UsCslCsv, Role::Main, Some("us_csl"));
    }
    if crate::pdf::is_pdf(&head) {
        if crate::jp_meti::sniff_pdf(path, limits)? {
            return d(Format::JpMetiPdf, Role::Main, Some("jp_meti"));
        }
        return Ok(None);
    }
    if let Some((format, source, _)) = SNIFFERS.iter().find(|(_, _, sniff)| sniff(&head, &lower)) {
        return d(*format, Role::Main, Some(source));
    }
    if text.starts_with('<') {
        let consolidated = lower.contains("cons");
        let ofac_source = if consolidated {
            "us_ofac_cons"
        } else {
            "us_ofac_sdn"
        };
        return match root_element(text.as_bytes()).as_deref() {
            Some("sdnList") => by_name(Format::OfacLegacyXml, Role::Main, Some(ofac_source)),
            Some("Sanctions") => by_name(Format::OfacAdvancedXml, Role::Main, Some(ofac_source)),
            Some("sanctionsData") if text.contains("<filters>") => {
                d(Format::OfacEnhancedXml, Role::Main, enhanced_source(text))
            }
            Some("sanctionsData") => {
                by_name(Format::OfacEnhancedXml, Role::Main, Some(ofac_source))
            }
            _ => Ok(None),
        };
    }
    if text.starts_with('{') {
        if text.contains("\"results\"") {
            return d(Format::UsCslJson, Role::Main, Some("us_csl"));
        }
        if text.contains("\"schema\"") {
            return d(Format::Ftm, Role::Main, None);
        }
    }
    Ok(None)
}

/// A date written in a file name: `2022-02-23T0152`, `2022-05`, `20220505`.
pub fn date_in_name(path: &Path) -> Option<PartialDate> {
    let name = path.file_name()?.to_string_lossy().to_string();
    let bytes = name.as_bytes();
    let digits = |i: usize, n: usize| {
        bytes
            .get(i..i + n)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    for i in 0..bytes.len() {
        if i > 0 && bytes[i - 1].is_ascii_digit() {
            continue;
        }
        if !digits(i, 4) {
            continue;
        }
        let year: u16 = name[i..i + 4].parse().ok()?;
        if !(1990..=2100).contains(&year) {
            continue;
        }
        let (month, day) = if bytes.get(i + 4) == Some(&b'-') && digits(i + 5, 2) {
            let m = name[i + 5..i + 7].parse().ok();
            let d = (bytes.get(i + 7) == Some(&b'-') && digits(i + 8, 2))
                .then(|| name[i + 8..i + 10].parse().ok())
                .flatten();
            (m, d)
        } else if digits(i + 4, 4) && !digits(i + 8, 1) {
            (
                name[i + 4..i + 6].parse().ok(),
                name[i + 6..i + 8].parse().ok(),
            )
        } else if digits(i + 4, 1) {
            continue;
        } else {
            (None, None)
        };
        if let Ok(date) = PartialDate::new(year, month, day) {
            return Some(date);
        }
    }
    None
}

/// The publication date stated near the top of the file, for formats that state one.
pub fn date_in_content(path: &Path) -> Option<PartialDate> {
    let head = head(path, 16384).ok()?;
    let text = String::from_utf8_lossy(&head);
    let between = |open: &str, close: &str| -> Option<String> {
        let start = text.find(open)? + open.len();
        let end = text[start..].find(close)? + start;
        Some(text[start..end].trim().to_string())
    };
    if let Some(d) = between("<Publish_Date>", "</Publish_Date>") {
        return sanctum_model::date::parse_mdy(&d).ok();
    }
    if let Some(block) = between("<DateOfIssue>", "</DateOfIssue>") {
        let part = |tag: &str| -> Option<u16> {
            let s = block.find(&format!("<{tag}>"))? + tag.len() + 2;
            let e = block[s..].find('<')? + s;
            block[s..e].trim().parse().ok()
        };
        return PartialDate::new(
            part("Year")?,
            part("Month").map(|m| m as u8),
            part("Day").map(|d| d as u8),
        )
        .ok();
    }
    if let Some(d) = between("<dataAsOf>", "</dataAsOf>") {
        return d.parse().ok();
    }
    None
}

fn modified_date(path: &Path) -> Option<PartialDate> {
    let modified = std::fs::metadata(path).ok()?.modified().ok()?;
    let secs = modified
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    PartialDate::new(y as u16, Some(m), Some(d)).ok()
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's algorithm.
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Companions are matched to their main file by source and the date in the file name.
type CompanionKey = (String, Option<PartialDate>);

/// The publications found in a path, ordered for ingestion.
#[derive(Debug, Default)]
pub struct Plan {
    pub publications: Vec<Publication>,
    /// Files left out, and why (a companion with no main file, a partial export).
    pub notes: Vec<String>,
    /// Files that could not even be read to tell what they are (a damaged archive): each is
    /// a rejected publication.
    pub unreadable: Vec<ParseError>,
}

/// [`plan_all`] within the default limits, with the first unreadable file as the error.
pub fn plan(
    path: &Path,
    source: Option<&str>,
) -> Result<(Vec<Publication>, Vec<String>), ParseError> {
    let plan = plan_all(path, source, &Limits::default())?;
    match plan.unreadable.into_iter().next() {
        Some(err) => Err(err),
        None => Ok((plan.publications, plan.notes)),
    }
}

/// The OFAC list sources, which share every OFAC format.
const OFAC_LISTS: [&str; 2] = ["us_ofac_sdn", "us_ofac_cons"];

/// Groups the files of a directory (not recursive) or a single file into publications,
/// ordered by date (content, else file name, else modification time), then name.
///
/// OFAC companions (add, alt, comments) join the main file of the same date; companions with
/// no main file of their date are reported in [`Plan::notes`] and not ingested. `source`
/// restricts the plan to one source and names the source of files that do not tell (FtM).
/// A single file whose name or content says it belongs to another source is an error rather
/// than stored under the wrong name; only between the two OFAC lists, which share their
/// formats, does `source` decide when the file name alone told them apart.
pub fn plan_all(path: &Path, source: Option<&str>, limits: &Limits) -> Result<Plan, ParseError> {
    let mut files: Vec<PathBuf> = if path.is_dir() {
        let name = path.display().to_string();
        let mut v: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| ParseError::io(&name, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        v.sort();
        v
    } else if path.is_file() {
        vec![path.to_path_buf()]
    } else {
        return Err(ParseError::format(
            &path.display().to_string(),
            "no such file or directory",
        ));
    };
    files.retain(|p| !file_name_lower(p).starts_with('.'));

    let mut mains = Vec::new();
    let mut companions: BTreeMap<CompanionKey, Vec<(Role, PathBuf)>> = BTreeMap::new();
    let mut notes = Vec::new();
    let mut unreadable = Vec::new();
    for file in files {
        let det = match detect_with(&file, limits) {
            Ok(det) => det,
            Err(err) => {
                unreadable.push(err);
                continue;
            }
        };
        let Some(det) = det else {
            if !path.is_dir() {
                return Err(ParseError::format(
                    &file.display().to_string(),
                    "not a list format sanctum reads",
                ));
            }
            continue;
        };
        let file_source = match (det.source, source) {
            (Some(s), Some(want)) if det.format != Format::Ftm && s != want => {
                if path.is_dir() {
                    continue;
                }
                let ofac_pair = OFAC_LISTS.contains(&s) && OFAC_LISTS.contains(&want);
                if !(det.ofac_list_by_name && ofac_pair) {
                    return Err(ParseError::format(
                        &file.display().to_string(),
                        format!(
                            "this is a publication of {s} ({} format), not of {want}; name \
                             {s}, or leave SOURCE out to take the source detected",
                            det.format.as_str()
                        ),
                    ));
                }
                want.to_string()
            }
            (None, _) if det.format != Format::Ftm && path.is_dir() => {
                notes.push(format!(
                    "{}: a partial export (e.g. one program), not a whole list; not ingested",
                    file.display()
                ));
                continue;
            }
            (_, Some(want)) => want.to_string(),
            (Some(s), None) => s.to_string(),
            (None, None) if det.format == Format::Ftm => "ftm".to_string(),
            (None, None) => {
                return Err(ParseError::format(
                    &file.display().to_string(),
                    "a partial export, not a whole list: name the source to ingest it into",
                ));
            }
        };
        let date = date_in_content(&file)
            .or_else(|| date_in_name(&file))
            .or_else(|| modified_date(&file));
        if det.role == Role::Main {
            mains.push(Publication {
                source: file_source,
                format: det.format,
                main: file,
                companions: Vec::new(),
                date,
            });
        } else {
            companions
                .entry((file_source, date_in_name(&file)))
                .or_default()
                .push((det.role, file));
        }
    }
    for publication in &mut mains {
        if publication.format != Format::OfacCsv {
            continue;
        }
        let key = (publication.source.clone(), date_in_name(&publication.main));
        if let Some(mut found) = companions.remove(&key) {
            found.sort();
            publication.companions = found;
        }
    }
    for ((src, _), files) in companions {
        for (role, file) in files {
            notes.push(format!(
                "{}: {} companion of {src} with no main file of the same date; not ingested",
                file.display(),
                role.as_str()
            ));
        }
    }
    mains.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.main.cmp(&b.main)));
    Ok(Plan {
        publications: mains,
        notes,
        unreadable,
    })
}

/// Opens one file of a publication: plain, gzip or the data member of a zip, the compressed
/// ones inflating under the limits.
fn open_input(path: &Path, limits: &Limits) -> Result<Input<'static>, ParseError> {
    let lower = file_name_lower(path);
    if lower.ends_with(".gz") {
        return archive::open_gzip_input(path, limits);
    }
    if lower.ends_with(".zip") {
        return archive::open_zip_input(path, limits);
    }
    Input::open(path)
}

/// Reads a publication through its format's parser.
pub fn read(publication: &Publication, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let source = publication.source.as_str();
    let consolidated = source == "us_ofac_cons";
    let list = if consolidated {
        LIST_CONSOLIDATED
    } else {
        LIST_SDN
    };
    let main = open_input(&publication.main, &opts.limits)?;
    let parsed = match publication.format {
        Format::OfacCsv => {
            let companion = |role: Role| -> Result<Option<Input<'static>>, ParseError> {
                publication
                    .companions
                    .iter()
                    .find(|(r, _)| *r == role)
                    .map(|(_, p)| open_input(p, &opts.limits))
                    .transpose()
            };
            let set = crate::ofac_csv::CsvSet {
                main,
                add: companion(Role::OfacAdd)?,
                alt: companion(Role::OfacAlt)?,
                comments: companion(Role::OfacComments)?,
            };
            let which = if consolidated {
                crate::ofac_csv::OfacList::Consolidated
            } else {
                crate::ofac_csv::OfacList::Sdn
            };
            crate::ofac_csv::parse(source, which, set, opts)?
        }
        Format::OfacLegacyXml => crate::ofac_legacy_xml::parse(source, list, main, opts)?,
        Format::OfacAdvancedXml => crate::ofac_advanced_xml::parse(source, list, main, opts)?,
        Format::OfacEnhancedXml => crate::ofac_enhanced_xml::parse(source, list, main, opts)?,
        Format::UsCslCsv => crate::us_csl::parse_csv(source, main, opts)?,
        Format::UsCslJson => crate::us_csl::parse_json(source, main, opts)?,
        Format::Ftm => crate::ftm::parse(source, main, opts)?,
        Format::UkOfsiCsv => crate::uk_ofsi::parse_csv(source, main, opts)?,
        Format::UkOfsiXlsx => crate::uk_ofsi::parse_xlsx(source, main, opts)?,
        Format::UkOfsiXml => crate::uk_ofsi::parse_xml(source, main, opts)?,
        Format::UkFcdoCsv => crate::uk_fcdo::parse_csv(source, main, opts)?,
        Format::UkFcdoXml => crate::uk_fcdo::parse_xml(source, main, opts)?,
        Format::EuFsfXml => crate::eu_fsf::parse_xml(source, main, opts)?,
        Format::EuFsfCsv => crate::eu_fsf::parse_csv(source, main, opts)?,
        Format::UnScXml => crate::un_sc::parse(source, main, opts)?,
        Format::CaSemaXml => crate::ca_sema::parse(source, main, opts)?,
        Format::ChSecoXml => crate::ch_seco::parse(source, main, opts)?,
        Format::JpMofXlsx => crate::jp_mof::parse(source, main, opts)?,
        Format::JpMetiText => crate::jp_meti::parse(source, main, opts)?,
        Format::JpMetiPdf => crate::jp_meti::parse_pdf(source, main, opts)?,
    };
    if parsed.entities.is_empty() {
        return Err(ParseError::format(
            &publication.main.display().to_string(),
            "empty publication: no parties",
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_file_names() {
        let d = |n: &str| date_in_name(Path::new(n)).map(|d| d.to_string());
        assert_eq!(d("sdn_2022-02-23T0152.csv").as_deref(), Some("2022-02-23"));
        assert_eq!(d("add_2025-01.csv").as_deref(), Some("2025-01"));
        assert_eq!(
            d("combined_sanction_lists_20220505_main.csv.gz").as_deref(),
            Some("2022-05-05")
        );
        assert_eq!(d("sdn.csv"), None);
        assert_eq!(d("list_12345678901.csv"), None);
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_047), (2022, 2, 24));
    }
}
