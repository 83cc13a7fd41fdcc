//! The one writer: every byte of a report goes to standard output through [`Writer`], flushed
//! after each record so a long run shows (and keeps) each result as it finishes. A reader that
//! goes away (`tlscheck ... | head`) is not an error: writing stops quietly.

use std::io::{self, Write};

pub struct Writer<W: Write> {
    out: W,
    closed: bool,
}

impl Writer<io::Stdout> {
    pub fn stdout() -> Writer<io::Stdout> {
        Writer::new(io::stdout())
    }
}

impl<W: Write> Writer<W> {
    pub fn new(out: W) -> Writer<W> {
        Writer { out, closed: false }
    }

    /// Write and flush `bytes`; a closed pipe ends the writing, any other error is returned.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.closed || bytes.is_empty() {
            return Ok(());
        }
        match self.out.write_all(bytes).and_then(|()| self.out.flush()) {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    /// The reader went away.
    pub fn closed(&self) -> bool {
        self.closed
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_stops_writing_without_an_error() {
        let mut writer = Writer::new(Broken);
        assert!(writer.write(b"report").is_ok());
        assert!(writer.closed());
        assert!(writer.write(b"more").is_ok());
    }

    #[test]
    fn bytes_arrive_in_order() {
        let mut writer = Writer::new(Vec::new());
        writer.write(b"one ").unwrap();
        writer.write(b"two").unwrap();
        assert_eq!(writer.into_inner(), b"one two");
    }
}
