//! Reading the files the user names (`--client-key`, `--ca-file`, `--input`, `--policy`,
//! `--baseline`, `diff`'s reports): regular files only, each kind with its size cap, so a FIFO
//! never hangs a run and `/dev/zero` never fills the memory.

use std::io::Read;
use std::path::Path;

use thiserror::Error;

/// The most bytes of a key, certificate or CA file read: far more than any real one.
pub const MAX_PEM_BYTES: u64 = 4 * 1024 * 1024;
/// The most bytes of a policy file read.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;
/// The most bytes of a target list read (a million targets of 60 characters fit).
pub const MAX_TARGET_LIST_BYTES: u64 = 64 * 1024 * 1024;
/// The most bytes of a JSON report read (`--baseline`, `tlscheck diff`).
pub const MAX_REPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Why a file was not read. The caller names the flag and the path.
#[derive(Debug, Error)]
pub enum FileError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("it is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("it is larger than the {limit}-byte limit for this file")]
    TooLarge { limit: u64 },
}

/// The contents of the regular file at `path`, at most `limit` bytes. A FIFO, socket, device or
/// directory is refused before it is opened (opening a FIFO would wait for a writer).
pub fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let kind = std::fs::metadata(path)?.file_type();
    if !kind.is_file() {
        return Err(FileError::NotRegular(file_kind(&kind)));
    }
    let file = std::fs::File::open(path)?;
    read_all_capped(file, limit)
}

/// [`read_capped`] as UTF-8 text.
pub fn read_text_capped(path: &Path, limit: u64) -> Result<String, FileError> {
    let bytes = read_capped(path, limit)?;
    String::from_utf8(bytes).map_err(|_| {
        FileError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

/// Everything `reader` gives, as long as it is at most `limit` bytes (standard input, say).
pub fn read_all_capped(reader: impl Read, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { limit });
    }
    Ok(bytes)
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_and_directories_are_refused_before_reading() {
        let error = read_capped(Path::new("/dev/zero"), 10).unwrap_err();
        assert_eq!(error.to_string(), "it is a device, not a regular file");
        let error = read_capped(Path::new("/"), 10).unwrap_err();
        assert_eq!(error.to_string(), "it is a directory, not a regular file");
    }

    #[test]
    fn a_file_over_its_cap_is_refused_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [b'x'; 11]).unwrap();
        assert!(matches!(
            read_capped(&path, 10),
            Err(FileError::TooLarge { limit: 10 })
        ));
        assert_eq!(read_capped(&path, 11).unwrap().len(), 11);
        assert!(read_all_capped(std::io::repeat(0), 1000).is_err());
    }
}
