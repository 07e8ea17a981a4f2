//! What `hookd forward` prints: one line per request (the time, the request id, its method,
//! the local answer or the error, how long it took), lines about the stream, and the final
//! line, each starting with the time. Lines are made by pure functions, printed by `say`.

use super::relay::{Outcome, StoredRequest};
use crate::model::Timestamp;
use std::time::Duration;

/// Prints a line beginning with the time now.
pub fn say(text: &str) {
    println!("{}  {text}", Timestamp::now());
}

/// A request's line, without the time: `req_...  POST  200 OK  12ms`, and what hookd made of
/// it when that was not a new, verified request.
pub fn request_line(request: &StoredRequest, outcome: &Outcome) -> String {
    let answer = match &outcome.answer {
        Ok(status) => status.to_string(),
        Err(error) => format!("failed: {error}"),
    };
    let mut line = format!(
        "{}  {}  {answer}  {}",
        request.id,
        request.method,
        duration_text(outcome.took)
    );
    if let Some(original) = &request.duplicate_of {
        line.push_str(&format!("  (duplicate of {original})"));
    }
    if !request.verified {
        let why = request.verify_error.as_deref().unwrap_or("not verified");
        line.push_str(&format!("  (unverified: {why})"));
    }
    line
}

/// `850µs`, `12ms`, `1.25s`.
pub fn duration_text(took: Duration) -> String {
    if took < Duration::from_millis(1) {
        format!("{}µs", took.as_micros())
    } else if took < Duration::from_secs(1) {
        format!("{}ms", took.as_millis())
    } else {
        format!("{:.2}s", took.as_secs_f64())
    }
}

/// What was forwarded so far, for the final line.
#[derive(Debug, Default)]
pub struct Tally {
    /// Requests the local URL answered with a 2xx.
    pub succeeded: u64,
    /// Requests answered otherwise, or not at all.
    pub failed: u64,
    /// The last request handled (sent, whatever the answer): the stream resumes after it.
    pub last: Option<String>,
}

impl Tally {
    /// The final line, without the time.
    pub fn final_line(&self) -> String {
        let mut line = format!(
            "stopped: {} request{} forwarded, {} failed",
            self.succeeded + self.failed,
            if self.succeeded + self.failed == 1 {
                ""
            } else {
                "s"
            },
            self.failed
        );
        if let Some(last) = &self.last {
            line.push_str(&format!(
                "; the last was {last} (`--after {last}` starts after it)"
            ));
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::StatusCode;

    fn request(verified: bool, duplicate_of: Option<&str>) -> StoredRequest {
        StoredRequest {
            id: "req_1".into(),
            method: "POST".into(),
            query: String::new(),
            headers: Vec::new(),
            body: Some(String::new()),
            body_base64: None,
            verified,
            verify_error: (!verified).then(|| "no signature matched".to_owned()),
            duplicate_of: duplicate_of.map(Into::into),
        }
    }

    /// A line names the request, the local answer or its error, and the time it took; a
    /// duplicate or unverified request says so (it is forwarded all the same).
    #[test]
    fn request_lines_say_what_happened() {
        let ok = Outcome {
            answer: Ok(StatusCode::OK),
            took: Duration::from_millis(12),
        };
        assert_eq!(
            request_line(&request(true, None), &ok),
            "req_1  POST  200 OK  12ms"
        );
        let refused = Outcome {
            answer: Err("Connection refused (os error 111)".into()),
            took: Duration::from_micros(300),
        };
        assert_eq!(
            request_line(&request(false, Some("req_0")), &refused),
            "req_1  POST  failed: Connection refused (os error 111)  300µs  (duplicate of req_0)  \
             (unverified: no signature matched)"
        );
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration_text(Duration::from_millis(1250)), "1.25s");
        assert_eq!(duration_text(Duration::from_millis(7)), "7ms");
    }

    /// The final line counts what was forwarded and says how to carry on from there.
    #[test]
    fn the_final_line_names_the_last_request() {
        assert_eq!(
            Tally::default().final_line(),
            "stopped: 0 requests forwarded, 0 failed"
        );
        let tally = Tally {
            succeeded: 1,
            failed: 0,
            last: Some("req_9".into()),
        };
        assert_eq!(
            tally.final_line(),
            "stopped: 1 request forwarded, 0 failed; the last was req_9 (`--after req_9` starts \
             after it)"
        );
    }
}
