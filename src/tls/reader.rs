//! Bounds-checked reading of TLS wire structures: every read names what it reads and fails with a
//! typed [`DecodeError`] instead of panicking when the bytes run out.

use thiserror::Error;

/// Why bytes could not be decoded. `what` names the field being read, so a message says where a
/// malformed reply went wrong.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("truncated {what}: needed {needed} bytes, {available} left")]
    Truncated {
        what: &'static str,
        needed: usize,
        available: usize,
    },
    #[error("{count} unexpected bytes after {what}")]
    TrailingBytes { what: &'static str, count: usize },
    #[error("invalid {what}: {value:#x}")]
    InvalidValue { what: &'static str, value: u64 },
}

/// A cursor over untrusted bytes. Reads either return a value or a [`DecodeError`]; none panics.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    remaining: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { remaining: bytes }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.remaining.len()
    }

    pub fn is_empty(&self) -> bool {
        self.remaining.is_empty()
    }

    /// Takes the next `count` bytes.
    pub fn take(&mut self, count: usize, what: &'static str) -> Result<&'a [u8], DecodeError> {
        match self.remaining.split_at_checked(count) {
            Some((taken, rest)) => {
                self.remaining = rest;
                Ok(taken)
            }
            None => Err(DecodeError::Truncated {
                what,
                needed: count,
                available: self.remaining.len(),
            }),
        }
    }

    /// Takes everything that is left.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.remaining)
    }

    pub fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let mut array = [0u8; N];
        array.copy_from_slice(self.take(N, what)?);
        Ok(array)
    }

    pub fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.array(what)?))
    }

    pub fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.array(what)?))
    }

    pub fn u24(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        let [high, middle, low] = self.array(what)?;
        Ok(u32::from_be_bytes([0, high, middle, low]))
    }

    /// A vector with a one-byte length prefix.
    pub fn vec_u8(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let length = self.u8(what)?;
        self.take(usize::from(length), what)
    }

    /// A vector with a two-byte length prefix.
    pub fn vec_u16(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let length = self.u16(what)?;
        self.take(usize::from(length), what)
    }

    /// A vector with a three-byte length prefix.
    pub fn vec_u24(&mut self, what: &'static str) -> Result<&'a [u8], DecodeError> {
        let length = self.u24(what)?;
        // A u24 always fits in usize on the platforms we build for (at least 32 bits).
        let length = usize::try_from(length).map_err(|_| DecodeError::InvalidValue {
            what,
            value: u64::from(length),
        })?;
        self.take(length, what)
    }

    /// A list of big-endian u16 values with a two-byte length prefix (cipher suites, groups,
    /// signature schemes).
    pub fn u16_list(&mut self, what: &'static str) -> Result<Vec<u16>, DecodeError> {
        let mut list = Reader::new(self.vec_u16(what)?);
        let mut values = Vec::with_capacity(list.remaining() / 2);
        while !list.is_empty() {
            values.push(list.u16(what)?);
        }
        Ok(values)
    }

    /// Fails if anything is left: a structure must use exactly the bytes its length said.
    pub fn expect_end(&self, what: &'static str) -> Result<(), DecodeError> {
        if self.remaining.is_empty() {
            Ok(())
        } else {
            Err(DecodeError::TrailingBytes {
                what,
                count: self.remaining.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_integers_big_endian() {
        let mut reader = Reader::new(&[1, 2, 3, 4, 5, 6]);
        assert_eq!(reader.u8("a"), Ok(1));
        assert_eq!(reader.u16("b"), Ok(0x0203));
        assert_eq!(reader.u24("c"), Ok(0x040506));
        assert!(reader.is_empty());
    }

    #[test]
    fn rejects_length_prefix_longer_than_the_data() {
        let mut reader = Reader::new(&[0, 5, 1, 2]);
        assert_eq!(
            reader.vec_u16("session id"),
            Err(DecodeError::Truncated {
                what: "session id",
                needed: 5,
                available: 2
            })
        );
    }

    #[test]
    fn rejects_odd_length_u16_list() {
        let mut reader = Reader::new(&[0, 3, 0, 1, 2]);
        assert!(matches!(
            reader.u16_list("groups"),
            Err(DecodeError::Truncated { what: "groups", .. })
        ));
    }

    #[test]
    fn reports_trailing_bytes() {
        let mut reader = Reader::new(&[1, 2, 3]);
        reader.u8("x").unwrap();
        assert_eq!(
            reader.expect_end("alert"),
            Err(DecodeError::TrailingBytes {
                what: "alert",
                count: 2
            })
        );
    }
}
