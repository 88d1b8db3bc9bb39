//! Compressed publications read in bounded memory: a gzip stream, or one member of a zip
//! archive, streamed through [`InflateGuard`] with the size and ratio caps of [`Limits`].
//!
//! A zip member's declared sizes are checked before a byte is inflated, and not trusted
//! after: the guard counts what the inflater actually yields, and the member's CRC-32 and
//! size are checked when it ends. Nothing is allocated from a declared size.

use crate::{Input, ParseError};
use sanctum_limits::{
    Compressed, CountingRead, InflateGuard, LimitExceeded, Limits, RATIO_CHECK_AFTER_BYTES,
};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Read buffer of the streams handed to parsers.
const BUFFER: usize = 1 << 16;

/// A gzip stream of `name`, inflated under the caps of `limits`. A stream cut short ends in
/// an error (its trailer, CRC-32 and length, is missing), not in silence.
pub(crate) fn gunzip<'a, R: Read + 'a>(inner: R, name: &str, limits: &Limits) -> impl Read + 'a {
    let (counted, count) = CountingRead::new(inner);
    InflateGuard::new(
        flate2::read::MultiGzDecoder::new(counted),
        name,
        Compressed::Counted(count),
        limits,
    )
}

/// Opens a `.gz` publication as an [`Input`].
pub(crate) fn open_gzip_input(path: &Path, limits: &Limits) -> Result<Input<'static>, ParseError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| ParseError::io(&name, e))?;
    let stream = gunzip(
        BufReader::with_capacity(BUFFER, file),
        "its gzip stream",
        limits,
    );
    Ok(Input::new(name, BufReader::with_capacity(BUFFER, stream)))
}

/// Refuses a zip member whose declared size or compression ratio is over the limits,
/// before anything is inflated.
pub(crate) fn check_declared(
    member: &str,
    declared: u64,
    compressed: u64,
    limits: &Limits,
) -> Result<(), LimitExceeded> {
    if declared > limits.max_decompressed_bytes {
        return Err(LimitExceeded::new(
            format!("the declared size of {member}"),
            "max_decompressed_bytes",
            limits.max_decompressed_bytes,
        )
        .found(declared));
    }
    let ratio = declared / compressed.max(1);
    if declared > RATIO_CHECK_AFTER_BYTES && ratio > limits.max_compression_ratio {
        return Err(LimitExceeded::new(
            format!("the declared compression ratio of {member}"),
            "max_compression_ratio",
            limits.max_compression_ratio,
        )
        .found(format!("{ratio}:1")));
    }
    Ok(())
}

/// The data member of a zip: its only XML, CSV or JSON file.
pub(crate) fn data_member<R: Read + Seek>(
    archive: &zip::ZipArchive<R>,
    name: &str,
) -> Result<usize, ParseError> {
    let members: Vec<usize> = (0..archive.len())
        .filter(|&i| {
            archive.name_for_index(i).is_some_and(|n| {
                n.is_ok_and(|n| {
                    let n = n.to_ascii_lowercase();
                    n.ends_with(".xml") || n.ends_with(".csv") || n.ends_with(".json")
                })
            })
        })
        .collect();
    match members.as_slice() {
        [one] => Ok(*one),
        [] => Err(ParseError::format(
            name,
            "zip archive holds no XML, CSV or JSON file",
        )),
        _ => Err(ParseError::format(
            name,
            "zip archive holds several data files; unzip it and name one",
        )),
    }
}

/// Opens a zip archive, reporting an unreadable one as a bad publication.
pub(crate) fn open_zip(path: &Path) -> Result<(zip::ZipArchive<File>, String), ParseError> {
    let name = path.display().to_string();
    let file = File::open(path).map_err(|e| ParseError::io(&name, e))?;
    let archive = zip::ZipArchive::new(file)
        .map_err(|e| ParseError::format(&name, format!("not a readable zip archive: {e}")))?;
    Ok((archive, name))
}

/// Opens the data member of a zip publication as a guarded stream.
///
/// The zip crate's member reader borrows its archive, which an [`Input`] handed to a parser
/// cannot; so the member's data is read from its own file handle: seek to the data, take the
/// compressed bytes, inflate them (stored and deflated members, what zip tools write), and
/// check CRC-32 and size at the end.
pub(crate) fn open_zip_input(path: &Path, limits: &Limits) -> Result<Input<'static>, ParseError> {
    let (mut archive, name) = open_zip(path)?;
    let index = data_member(&archive, &name)?;
    let damaged = |e: zip::result::ZipError| ParseError::format(&name, e.to_string());
    let (member, member_name, start, compressed, declared, method, crc, encrypted) = {
        let entry = archive.by_index_raw(index).map_err(damaged)?;
        let member = entry.name().map_err(damaged)?.into_owned();
        let member_name = format!("{name}!{member}");
        let start = entry.data_start().ok_or_else(|| {
            ParseError::format(
                &member_name,
                "the archive does not locate the member's data",
            )
        })?;
        (
            member,
            member_name,
            start,
            entry.compressed_size(),
            entry.size(),
            entry.compression(),
            entry.crc32(),
            entry.encrypted(),
        )
    };
    if encrypted {
        return Err(ParseError::format(&member_name, "the member is encrypted"));
    }
    check_declared(&member, declared, compressed, limits)
        .map_err(|e| ParseError::format(&member_name, e.to_string()))?;
    let mut file = archive.into_inner();
    file.seek(SeekFrom::Start(start))
        .map_err(|e| ParseError::io(&member_name, e))?;
    let raw = BufReader::with_capacity(BUFFER, file).take(compressed);
    let inflated: Box<dyn Read> = match method {
        zip::CompressionMethod::Stored => Box::new(raw),
        zip::CompressionMethod::Deflated => Box::new(flate2::read::DeflateDecoder::new(raw)),
        other => {
            return Err(ParseError::format(
                &member_name,
                format!("unsupported compression method {other:?} (stored and deflated are read)"),
            ));
        }
    };
    let guarded = InflateGuard::new(inflated, &member, Compressed::Size(compressed), limits);
    let checked = Checked {
        inner: guarded,
        crc: flate2::Crc::new(),
        produced: 0,
        expected_crc: crc,
        expected_size: declared,
    };
    Ok(Input::new(
        member_name,
        BufReader::with_capacity(BUFFER, checked),
    ))
}

/// Checks a zip member's CRC-32 and size as it is read: more bytes than declared is an error
/// at once, a wrong checksum or a short member at its end.
struct Checked<R> {
    inner: R,
    crc: flate2::Crc,
    produced: u64,
    expected_crc: u32,
    expected_size: u64,
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let damaged = |what: String| io::Error::new(io::ErrorKind::InvalidData, what);
        let got = buf.get(..n).unwrap_or_default();
        self.crc.update(got);
        self.produced += n as u64;
        if self.produced > self.expected_size {
            return Err(damaged(format!(
                "the member inflates past its declared size of {} bytes",
                self.expected_size
            )));
        }
        if n == 0 && !buf.is_empty() {
            if self.produced != self.expected_size {
                return Err(damaged(format!(
                    "the member is cut short: {} of its {} bytes",
                    self.produced, self.expected_size
                )));
            }
            if self.crc.sum() != self.expected_crc {
                return Err(damaged(
                    "the member is damaged: its CRC-32 does not match".to_string(),
                ));
            }
        }
        Ok(n)
    }
}
