//! A Server-Sent Events reader, as the HTML standard's "event stream interpretation" describes
//! it: bytes go in as they arrive (a chunk may end anywhere, even inside a line or a UTF-8
//! character), whole events come out. Lines end with LF, CRLF or CR; a line starting with `:`
//! is a comment (hookd's keep-alives); `data:` lines of one event are joined with newlines; a
//! blank line ends the event. An `id:` is remembered across events, as a browser does, but
//! `hookd forward` resumes from the last request it *handled*, not the last id it read.

/// One event, dispatched by a blank line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field; `message` when the event had none.
    pub event: String,
    /// The `data:` lines, joined with `\n`.
    pub data: String,
    /// The last `id:` seen so far in the stream (it carries over to later events).
    pub id: Option<String>,
}

/// Reads an event stream chunk by chunk.
#[derive(Debug, Default)]
pub struct SseReader {
    /// Bytes of a line not ended yet.
    line: Vec<u8>,
    /// The previous chunk ended with CR: an LF starting this one belongs to that line end.
    after_cr: bool,
    /// The stream's first bytes are still to come (a leading byte order mark is dropped).
    started: bool,
    event: String,
    data: String,
    /// Whether a `data:` field was seen since the last dispatch.
    has_data: bool,
    last_id: Option<String>,
}

/// A line longer than this ends the stream as malformed, so a broken server can't make the
/// reader hold unbounded memory (hookd's bodies are at most 10 MiB, as JSON a little more).
const MAX_LINE: usize = 64 * 1024 * 1024;

/// The stream sent a line longer than any hookd sends.
#[derive(Debug, thiserror::Error)]
#[error("the event stream sent a line longer than {MAX_LINE} bytes")]
pub struct LineTooLong;

impl SseReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next bytes of the stream; returns the events they complete, in order.
    pub fn push(&mut self, mut chunk: &[u8]) -> Result<Vec<SseEvent>, LineTooLong> {
        if chunk.is_empty() {
            return Ok(Vec::new());
        }
        if !self.started {
            self.line.extend_from_slice(chunk);
            if self.line.len() < 3 && b"\xEF\xBB\xBF".starts_with(&self.line) {
                return Ok(Vec::new());
            }
            self.started = true;
            let buffered = std::mem::take(&mut self.line);
            let rest = buffered.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buffered);
            return self.push(rest);
        }
        let mut events = Vec::new();
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while let Some(end) = chunk.iter().position(|b| *b == b'\n' || *b == b'\r') {
            self.line.extend_from_slice(&chunk[..end]);
            let line = std::mem::take(&mut self.line);
            if let Some(event) = self.take_line(&line) {
                events.push(event);
            }
            let crlf = chunk[end] == b'\r' && chunk.get(end + 1) == Some(&b'\n');
            if chunk[end] == b'\r' && end + 1 == chunk.len() {
                self.after_cr = true;
            }
            chunk = &chunk[end + if crlf { 2 } else { 1 }..];
        }
        self.line.extend_from_slice(chunk);
        if self.line.len() > MAX_LINE {
            return Err(LineTooLong);
        }
        Ok(events)
    }

    /// Interprets one line; a blank line dispatches the event gathered so far.
    fn take_line(&mut self, line: &[u8]) -> Option<SseEvent> {
        if line.is_empty() {
            return self.dispatch();
        }
        if line[0] == b':' {
            return None;
        }
        let line = String::from_utf8_lossy(line);
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" if !value.contains('\0') => self.last_id = Some(value.to_owned()),
            // `retry:` and unknown fields are ignored: the reconnection delay is ours to pick.
            _ => {}
        }
        None
    }

    fn dispatch(&mut self) -> Option<SseEvent> {
        let event = std::mem::take(&mut self.event);
        let data = std::mem::take(&mut self.data);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(SseEvent {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(chunks: &[&[u8]]) -> Vec<SseEvent> {
        let mut reader = SseReader::new();
        chunks
            .iter()
            .flat_map(|chunk| reader.push(chunk).unwrap())
            .collect()
    }

    fn event(event: &str, data: &str, id: Option<&str>) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
            id: id.map(Into::into),
        }
    }

    /// hookd's own framing: a keep-alive comment, then `event`, `id` and `data` ended by a
    /// blank line.
    #[test]
    fn reads_events_and_skips_comments() {
        let stream = b":\n\nevent: request\nid: req_1\ndata: {\"a\":1}\n\n: keep-alive\n\n";
        assert_eq!(
            read_all(&[stream]),
            vec![event("request", "{\"a\":1}", Some("req_1"))]
        );
    }

    /// Several `data:` lines are one value joined with newlines; only one space after the
    /// colon is dropped; a field without a colon has an empty value.
    #[test]
    fn data_lines_join_and_values_keep_their_spaces() {
        let stream = b"data: one\ndata:  two\ndata\ndata:three\n\n";
        assert_eq!(
            read_all(&[stream]),
            vec![event("message", "one\n two\n\nthree", None)]
        );
    }

    /// The same stream cut at every byte, with CRLF, CR and LF line ends, reads the same: a
    /// chunk may end inside a line, inside a CRLF, or inside a UTF-8 character.
    #[test]
    fn any_split_and_any_line_end_read_the_same() {
        for newline in ["\n", "\r\n", "\r"] {
            let text = ["event: request", "id: req_é", "data: {\"b\":\"ü\"}", "", ""].join(newline);
            let bytes = text.as_bytes();
            let expected = vec![event("request", "{\"b\":\"ü\"}", Some("req_é"))];
            for cut in 0..=bytes.len() {
                assert_eq!(
                    read_all(&[&bytes[..cut], &bytes[cut..]]),
                    expected,
                    "{newline:?} cut at {cut}"
                );
            }
        }
    }

    /// A blank line with no data dispatches nothing and forgets the event name; an `id:`
    /// carries over to later events; a leading byte order mark is not part of the first field.
    #[test]
    fn ids_carry_over_and_empty_events_are_dropped() {
        let stream = "\u{FEFF}event: request\nid: req_1\n\ndata: x\n\nid\ndata: y\n\n";
        assert_eq!(
            read_all(&[stream.as_bytes()]),
            vec![
                event("message", "x", Some("req_1")),
                event("message", "y", Some(""))
            ]
        );
    }

    /// An event not ended by a blank line is not dispatched: a stream cut in the middle of an
    /// event loses nothing it then claims to have read.
    #[test]
    fn an_unfinished_event_is_not_dispatched() {
        assert!(read_all(&[b"event: request\nid: req_1\ndata: {\"a\":"]).is_empty());
    }
}
