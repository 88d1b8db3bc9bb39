//! The detect target: a file of the update directory, from its name and bytes to parties, as
//! `sanctum update` reads it: format detection, then a gzip stream or a zip's data member
//! inflated under the limits, then the format's parser.
//!
//! The first byte picks the file name (detection looks at names as well as content); the
//! rest is the file.

use sanctum_limits::Limits;
use sanctum_sources::detect::{self, Publication};
use sanctum_sources::{ParseError, ParseOptions, Parsed};

/// File names as publishers ship them: plain, gzip and zip, with and without a telling name.
pub const FILE_NAMES: [&str; 12] = [
    "sdn.csv",
    "sdn_enhanced.zip",
    "sdn_advanced.xml",
    "consolidated.xml",
    "ConList.xlsx",
    "list.xml.gz",
    "list.zip",
    "csl.json",
    "meti.pdf",
    "sema.xml",
    "list.csv.gz",
    "publication.bin",
];

/// Detects and reads the file the bytes describe, strictly and then leniently.
pub fn run(data: &[u8], limits: &Limits) {
    for lenient in [false, true] {
        let opts = ParseOptions {
            lenient,
            limits: limits.clone(),
        };
        // Err is an answer like any other: only a panic is a finding.
        let _ = read(data, &opts);
    }
}

/// The publication the bytes describe, read as `sanctum update` reads it; `None` when no
/// format is detected (or the scratch file cannot be written).
pub fn read(data: &[u8], opts: &ParseOptions) -> Option<Result<Parsed, ParseError>> {
    let (&pick, file) = data.split_first()?;
    let name = FILE_NAMES[usize::from(pick) % FILE_NAMES.len()];
    let path = crate::scratch::write(name, file)?;
    let detected = match detect::detect_with(&path, &opts.limits) {
        Ok(Some(detected)) => detected,
        Ok(None) => return None,
        Err(e) => return Some(Err(e)),
    };
    let publication = Publication {
        source: detected.source.unwrap_or("fuzz").to_string(),
        format: detected.format,
        main: path,
        companions: Vec::new(),
        date: None,
    };
    Some(detect::read(&publication, opts))
}
