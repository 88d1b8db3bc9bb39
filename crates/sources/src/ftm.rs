//! FollowTheMoney JSON lines (the OpenSanctions `entities.ftm.json` format) as a publication.
//!
//! A thin wrapper over [`sanctum_model::ftm::read_ftm`]: see there for the mapping, what a
//! round trip loses, and how ids give back source and source id. Entities that are no party
//! and belong to none (`Position`, orphan sub-entities…) are not errors; they are counted by
//! [`read_ftm`](sanctum_model::ftm::read_ftm) and left out here. FtM carries no publication
//! date, so [`Parsed::published`] is `None`.

use crate::{Input, ParseError, ParseOptions, Parsed, RowError};
use sanctum_model::ftm::{FtmError, read_ftm};

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
/// publication they all belong to `source`, and each keeps its FtM id as its publisher id
/// (`us_ofac_sdn-35096`), so nothing collides and the id still says where it came from.
pub fn parse(source: &str, input: Input<'_>, opts: &ParseOptions) -> Result<Parsed, ParseError> {
    let file = input.name;
    let mut read = read_ftm(input.reader, source, opts.lenient)
        .map_err(|e| ParseError::Row(row_error(&file, e)))?;
    for entity in &mut read.entities {
        if entity.source != source {
            entity.source_id = format!("{}-{}", entity.source, entity.source_id);
            entity.source = source.to_string();
        }
    }
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
