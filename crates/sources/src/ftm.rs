//! FollowTheMoney JSON lines (the OpenSanctions `entities.ftm.json` format) as a publication.
//!
//! A thin wrapper over [`sanctum_model::ftm::read_ftm_with`] in import mode: see
//! [`sanctum_model::ftm`] for the mapping, what a round trip loses, and the publisher ids
//! parties get. Entities that are no party and belong to none (`Position`, orphan
//! sub-entities…) are not errors; they are counted by the reader and left out here. FtM
//! carries no publication date, so [`Parsed::published`] is `None`.

use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::ftm::{FtmError, ReadOptions, read_ftm_with};

fn row_error(file: &str, e: FtmError) -> RowError {
    RowError {
        file: file.to_string(),
        line: e.line,
        reason: e.reason,
    }
}

/// Reads an FtM JSON lines file as one publication of `source`.
///
/// A file can hold parties of several datasets (a sanctum export holds every source); as one
/// publication they all belong to `source`. A party of a sanctum export keeps its dataset
/// and publisher id as its publisher id (`us_ofac_sdn:35096`), any other party its FtM id, so
/// nothing collides, the id still says where it came from, and `sanctum export` writes the
/// party again as it was read.
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let file = input.name;
    let read = read_ftm_with(
        input.reader,
        ReadOptions {
            source,
            lenient: opts.lenient,
            import: true,
        },
    )
    .map_err(|e| ParseError::Row(row_error(&file, e)))?;
    Ok(Parsed {
        entities: read.entities,
        published: None,
        skipped: read
            .errors
            .into_iter()
            .map(|e| row_error(&file, e))
            .collect(),
        warnings: Vec::new(),
    })
}
