//! The bodies of sanctum's fuzz targets, in one place for two callers.
//!
//! Brief overview: a [`Target`] names one reader of untrusted input: each list format of
//! `sanctum-sources`, format detection with gzip and zip inflation, the bounded XLSX
//! reader, the customer-file readers of `sanctum-screen`, query preparation in
//! `sanctum-matcher`, and the payment message readers of `sanctum-payments`. [`run`] hands it a byte string as that input (the readers that take
//! a path get it in a scratch file) and lets it parse in strict and in lenient mode under
//! [`fuzz_limits`]; errors are the expected answer to most inputs and are dropped. What
//! `run` must never do is panic, hang or take unbounded memory.
//!
//! The two callers: the cargo-fuzz project in `fuzz/` (its own workspace, one binary per
//! target, each a one-line call of [`run`]), which searches for inputs that break that
//! promise; and this crate's replay test (`tests/replay.rs`), which runs every seed in
//! `fuzz/seeds/<target>/` and every crash ever found, kept in `fuzz/regressions/<target>/`,
//! through [`run`] on each `cargo test`, on the stable toolchain.

mod detect;
mod query;
mod scratch;

pub use detect::read as detect_and_read;
pub use query::decode as decode_query;

use sanctum_limits::Limits;
use sanctum_sources::ParseOptions;
use std::io::Cursor;

/// The source key handed to the list parsers: the records' `source` field only.
const SOURCE: &str = "fuzz";

/// One fuzzed reader. The name ([`Target::name`]) is the cargo-fuzz target's name and the
/// folder of its seeds and regressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// OFAC's `sdn.csv`, without its companion files.
    OfacCsv,
    OfacLegacyXml,
    OfacAdvancedXml,
    OfacEnhancedXml,
    UsCslCsv,
    UsCslJson,
    UkOfsiCsv,
    UkOfsiXlsx,
    UkOfsiXml,
    UkFcdoCsv,
    UkFcdoXml,
    UnSc,
    EuFsfXml,
    EuFsfCsv,
    CaSema,
    ChSeco,
    JpMof,
    /// METI's list as extracted text.
    JpMetiText,
    /// METI's list as the PDF it is published as: the PDF text reader and the list parser.
    JpMetiPdf,
    /// FollowTheMoney JSON lines.
    Ftm,
    /// The bounded XLSX reader: every sheet, every row.
    Xlsx,
    /// A customer CSV file, each row's query prepared as screening prepares it.
    CustomerCsv,
    CustomerJsonl,
    CustomerXlsx,
    /// A query (names, dates, countries, ids, kind, gender) prepared within the limits and
    /// scored against a party made of its own names.
    Query,
    /// A file of the update directory: format detection, gzip and zip inflation under the
    /// limits, then the detected format's parser.
    Detect,
    /// A SWIFT MT message or RJE file (sanctum-payments).
    PaymentMt,
    /// An ISO 20022 message (sanctum-payments).
    PaymentMx,
}

impl Target {
    /// Every target.
    pub const ALL: [Target; 28] = [
        Target::OfacCsv,
        Target::OfacLegacyXml,
        Target::OfacAdvancedXml,
        Target::OfacEnhancedXml,
        Target::UsCslCsv,
        Target::UsCslJson,
        Target::UkOfsiCsv,
        Target::UkOfsiXlsx,
        Target::UkOfsiXml,
        Target::UkFcdoCsv,
        Target::UkFcdoXml,
        Target::UnSc,
        Target::EuFsfXml,
        Target::EuFsfCsv,
        Target::CaSema,
        Target::ChSeco,
        Target::JpMof,
        Target::JpMetiText,
        Target::JpMetiPdf,
        Target::Ftm,
        Target::Xlsx,
        Target::CustomerCsv,
        Target::CustomerJsonl,
        Target::CustomerXlsx,
        Target::Query,
        Target::Detect,
        Target::PaymentMt,
        Target::PaymentMx,
    ];

    /// The cargo-fuzz target's name, and the folder name of its seeds and regressions.
    pub fn name(self) -> &'static str {
        match self {
            Target::OfacCsv => "ofac_csv",
            Target::OfacLegacyXml => "ofac_legacy_xml",
            Target::OfacAdvancedXml => "ofac_advanced_xml",
            Target::OfacEnhancedXml => "ofac_enhanced_xml",
            Target::UsCslCsv => "us_csl_csv",
            Target::UsCslJson => "us_csl_json",
            Target::UkOfsiCsv => "uk_ofsi_csv",
            Target::UkOfsiXlsx => "uk_ofsi_xlsx",
            Target::UkOfsiXml => "uk_ofsi_xml",
            Target::UkFcdoCsv => "uk_fcdo_csv",
            Target::UkFcdoXml => "uk_fcdo_xml",
            Target::UnSc => "un_sc",
            Target::EuFsfXml => "eu_fsf_xml",
            Target::EuFsfCsv => "eu_fsf_csv",
            Target::CaSema => "ca_sema",
            Target::ChSeco => "ch_seco",
            Target::JpMof => "jp_mof",
            Target::JpMetiText => "jp_meti_text",
            Target::JpMetiPdf => "jp_meti_pdf",
            Target::Ftm => "ftm",
            Target::Xlsx => "xlsx",
            Target::CustomerCsv => "customer_csv",
            Target::CustomerJsonl => "customer_jsonl",
            Target::CustomerXlsx => "customer_xlsx",
            Target::Query => "query",
            Target::Detect => "detect",
            Target::PaymentMt => "payment_mt",
            Target::PaymentMx => "payment_mx",
        }
    }

    /// The target of a name, as [`Target::name`] gives it.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// Limits well under the defaults, so that a fuzzed input reaches every limit check within a
/// few kilobytes and an execution stays short. Each still admits the seeds whole.
pub fn fuzz_limits() -> Limits {
    Limits {
        max_xml_depth: 32,
        max_decompressed_bytes: 4 << 20,
        max_sheet_rows: 2_000,
        max_sheet_columns: 64,
        max_record_bytes: 64 << 10,
        max_record_lines: 50,
        max_pdf_bytes: 1 << 20,
        max_pdf_stream_bytes: 256 << 10,
        max_name_chars: 300,
        max_name_tokens: 16,
        max_names_per_query: 20,
        max_query_values: 20,
        max_message_bytes: 64 << 10,
        ..Limits::default()
    }
}

/// Feeds `data` to `target` as its input, strictly and then leniently. Every error the
/// reader returns is a valid outcome; a panic, a hang or runaway memory is the bug a fuzzer
/// looks for.
pub fn run(target: Target, data: &[u8]) {
    let limits = fuzz_limits();
    match target {
        Target::CustomerCsv => customer::read(data, sanctum_screen::input::InputFormat::Csv),
        Target::CustomerJsonl => customer::read(data, sanctum_screen::input::InputFormat::Jsonl),
        Target::CustomerXlsx => customer::read(data, sanctum_screen::input::InputFormat::Xlsx),
        Target::Query => query::run(data, &limits),
        Target::Detect => detect::run(data, &limits),
        Target::Xlsx => read_workbook(data, &limits),
        Target::PaymentMt => {
            let _ = sanctum_payments::mt::read(data, &limits);
        }
        Target::PaymentMx => {
            let _ = sanctum_payments::mx::read(data, &limits);
        }
        list => {
            for lenient in [false, true] {
                let opts = ParseOptions {
                    lenient,
                    limits: limits.clone(),
                };
                // Err is an answer like any other: only a panic is a finding.
                let _ = parse_list(list, data, &opts);
            }
        }
    }
}

/// Parses `data` as one list publication in `target`'s format; a target that is no list
/// format (the XLSX and customer readers, the query) is a format error.
pub fn parse_list(
    target: Target,
    data: &[u8],
    opts: &ParseOptions,
) -> Result<sanctum_sources::Parsed, sanctum_sources::ParseError> {
    use sanctum_sources::ofac_common::LIST_SDN;
    use sanctum_sources::*;
    let input = Input::new(format!("{}.input", target.name()), Cursor::new(data));
    match target {
        Target::OfacCsv => ofac_csv::parse(
            SOURCE,
            ofac_csv::OfacList::Sdn,
            ofac_csv::CsvSet {
                main: input,
                add: None,
                alt: None,
                comments: None,
            },
            opts,
        ),
        Target::OfacLegacyXml => ofac_legacy_xml::parse(SOURCE, LIST_SDN, input, opts),
        Target::OfacAdvancedXml => ofac_advanced_xml::parse(SOURCE, LIST_SDN, input, opts),
        Target::OfacEnhancedXml => ofac_enhanced_xml::parse(SOURCE, LIST_SDN, input, opts),
        Target::UsCslCsv => us_csl::parse_csv(SOURCE, input, opts),
        Target::UsCslJson => us_csl::parse_json(SOURCE, input, opts),
        Target::UkOfsiCsv => uk_ofsi::parse_csv(SOURCE, input, opts),
        Target::UkOfsiXlsx => uk_ofsi::parse_xlsx(SOURCE, input, opts),
        Target::UkOfsiXml => uk_ofsi::parse_xml(SOURCE, input, opts),
        Target::UkFcdoCsv => uk_fcdo::parse_csv(SOURCE, input, opts),
        Target::UkFcdoXml => uk_fcdo::parse_xml(SOURCE, input, opts),
        Target::UnSc => un_sc::parse(SOURCE, input, opts),
        Target::EuFsfXml => eu_fsf::parse_xml(SOURCE, input, opts),
        Target::EuFsfCsv => eu_fsf::parse_csv(SOURCE, input, opts),
        Target::CaSema => ca_sema::parse(SOURCE, input, opts),
        Target::ChSeco => ch_seco::parse(SOURCE, input, opts),
        Target::JpMof => jp_mof::parse(SOURCE, input, opts),
        Target::JpMetiText => jp_meti::parse(SOURCE, input, opts),
        Target::JpMetiPdf => jp_meti::parse_pdf(SOURCE, input, opts),
        Target::Ftm => ftm::parse(SOURCE, input, opts),
        Target::Xlsx
        | Target::CustomerCsv
        | Target::CustomerJsonl
        | Target::CustomerXlsx
        | Target::Query
        | Target::Detect
        | Target::PaymentMt
        | Target::PaymentMx => Err(ParseError::format(
            target.name(),
            "not a list format: run() reads it otherwise",
        )),
    }
}

/// Opens `data` as a workbook and walks every row of every sheet.
fn read_workbook(data: &[u8], limits: &Limits) {
    use sanctum_sources::xlsx::{Workbook, XlsxError};
    let Ok(mut workbook) = Workbook::open(Cursor::new(data), limits) else {
        return;
    };
    for sheet in workbook.sheet_names() {
        // A sheet that fails its checks does not stop the others being read.
        let _ = workbook.for_each_row(&sheet, |_row| Ok::<(), XlsxError>(()));
    }
}

/// The customer-file readers, which take a path: each input goes to a scratch file.
mod customer {
    use sanctum_screen::input::{ColumnMap, InputFormat, InputReader};

    /// Reads every row of `data` as a customer file, preparing each row's query as
    /// screening does.
    pub fn read(data: &[u8], format: InputFormat) {
        let limits = crate::fuzz_limits();
        let name = match format {
            InputFormat::Csv => "customers.csv",
            InputFormat::Jsonl => "customers.jsonl",
            InputFormat::Xlsx => "customers.xlsx",
        };
        let Some(path) = crate::scratch::write(name, data) else {
            return;
        };
        let Ok(map) = ColumnMap::new(&[]) else {
            return;
        };
        let Ok(mut reader) = InputReader::open(&path, Some(format), &map, &limits) else {
            return;
        };
        let mut seen = 0u64;
        while let Ok(Some(row)) = reader.next_row() {
            seen += 1;
            if let Ok(row) = row {
                let _ = row.query.prepare_within(&limits);
            }
            // The readers promise progress: a row per call, never the same one again.
            assert!(
                seen <= reader.lines_read().max(1) + 1,
                "more rows than physical lines: {seen} rows after {} lines",
                reader.lines_read()
            );
        }
    }
}
