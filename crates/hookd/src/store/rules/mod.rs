//! Business rules both backends keep, written once: pure functions and types over the model,
//! tested without a database. A backend reads the rows a rule needs, asks the rule, and writes
//! what it says; the SQL differs, the rule does not.
//!
//! - `circuit`: the circuit breaker: when a webhook's circuit opens, closes, or disables it;
//! - `health`: the streak and the circuit of one webhook together (which disables it);
//! - `outcome`: what an attempt's outcome makes of its delivery (status, next attempt);
//! - `streak`: the failure streak, and when it (or a 410) disables a webhook;
//! - `requeue`: what a manual retry does to a delivery, by the state it is in;
//! - `job`: the job of a claimed delivery's next attempt;
//! - `tally`: per-minute attempt statistics;
//! - `ordering`: ordered deliveries' places in their key's line, and the locks over a key.

pub mod circuit;
pub mod health;
pub mod job;
pub mod ordering;
pub mod outcome;
pub mod requeue;
pub mod streak;
pub mod tally;
