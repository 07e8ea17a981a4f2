//! Following an inbox's stream without missing or repeating a request. Requests are handled one
//! at a time, in the stream's order; "handled" means sent to the local URL, whatever it
//! answered. Every connection asks for what comes after the last request handled
//! (`Last-Event-ID`), so a request the stream delivered but that was not handled before the
//! connection dropped comes again, and one that was handled never does. A dropped connection
//! (hookd restarting, a network error, a silence longer than three keep-alives) is opened again
//! after a backoff; a refusal (a revoked token, a deleted inbox) ends the command.

use super::http::{HttpClient, error_text};
use super::relay::{Local, StoredRequest};
use super::report::{Tally, request_line, say};
use super::server::{CallError, Hookd};
use super::sse::SseReader;
use http_body_util::BodyExt;
use hyper::Response;
use hyper::body::Incoming;
use std::time::Duration;

/// Longer than this without a byte (hookd sends a keep-alive comment every 15 s) and the
/// connection is taken for dead.
const SILENCE: Duration = Duration::from_secs(45);

/// The wait before the next connection after `failures` failed ones in a row: 500 ms, doubling,
/// at most 15 s.
pub fn backoff(failures: u32) -> Duration {
    Duration::from_millis(500)
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(Duration::from_secs(15))
}

/// What requests come from and go to.
pub struct Relay<'a> {
    pub hookd: &'a Hookd,
    pub client: &'a HttpClient,
    pub local: &'a Local,
    pub inbox: &'a str,
}

impl Relay<'_> {
    /// Follows the stream from just after `start` until hookd refuses it; `tally` counts every
    /// request handled and names the last, which is where the next connection resumes.
    pub async fn follow(&self, start: &str, tally: &mut Tally) -> anyhow::Error {
        let mut failures = 0;
        let mut connected_before = false;
        loop {
            let after = tally.last.clone().unwrap_or_else(|| start.to_owned());
            let reason = match self.hookd.open_stream(self.inbox, &after).await {
                Ok(stream) => {
                    if connected_before {
                        say(&format!("reconnected; resuming after {after}"));
                    }
                    connected_before = true;
                    match self.read(stream, tally, &mut failures).await {
                        Ok(reason) => format!("lost the stream ({reason})"),
                        Err(refused) => return refused,
                    }
                }
                Err(CallError::Refused(text)) => return anyhow::anyhow!(text),
                Err(CallError::Transient(text)) => format!("cannot reach the stream ({text})"),
            };
            let wait = backoff(failures);
            failures += 1;
            say(&format!(
                "{reason}; trying again in {}",
                humantime::format_duration(wait)
            ));
            tokio::time::sleep(wait).await;
        }
    }

    /// Handles the requests of one connection; returns why it ended. Any bytes from hookd
    /// (a keep-alive too) mean the connection works, and reset `failures`.
    async fn read(
        &self,
        stream: Response<Incoming>,
        tally: &mut Tally,
        failures: &mut u32,
    ) -> Result<String, anyhow::Error> {
        let mut body = stream.into_body();
        let mut reader = SseReader::new();
        loop {
            let frame = match tokio::time::timeout(SILENCE, body.frame()).await {
                Err(_) => {
                    return Ok(format!(
                        "nothing came for {}",
                        humantime::format_duration(SILENCE)
                    ));
                }
                Ok(None) => return Ok("hookd ended it".into()),
                Ok(Some(Err(error))) => return Ok(error_text(&error)),
                Ok(Some(Ok(frame))) => frame,
            };
            let Ok(bytes) = frame.into_data() else {
                continue;
            };
            *failures = 0;
            let events = match reader.push(&bytes) {
                Ok(events) => events,
                Err(too_long) => return Ok(too_long.to_string()),
            };
            for event in events.into_iter().filter(|e| e.event == "request") {
                self.handle(&event.data, event.id, tally).await;
            }
        }
    }

    /// Sends one request of the stream to the local URL and prints its line.
    async fn handle(&self, data: &str, id: Option<String>, tally: &mut Tally) {
        match serde_json::from_str::<StoredRequest>(data) {
            Ok(request) => {
                let outcome = self.local.send(self.client, &request).await;
                say(&request_line(&request, &outcome));
                if outcome.succeeded() {
                    tally.succeeded += 1;
                } else {
                    tally.failed += 1;
                }
                tally.last = Some(request.id);
            }
            Err(error) => {
                let id = id.unwrap_or_default();
                say(&format!(
                    "{id}  skipped: hookd sent it in a form not understood ({error})"
                ));
                tally.failed += 1;
                if !id.is_empty() {
                    tally.last = Some(id);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first reconnection is quick; later ones back off to a ceiling.
    #[test]
    fn reconnections_back_off() {
        let waits: Vec<u64> = (0..8).map(|n| backoff(n).as_millis() as u64).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
        assert_eq!(backoff(u32::MAX), Duration::from_secs(15));
    }
}
