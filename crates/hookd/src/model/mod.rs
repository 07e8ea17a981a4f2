//! Domain types, parsed once at the edge and trusted everywhere after: ids, event names and
//! patterns, webhook URLs, secrets and signature options, schedules, filters, and the records the store keeps.
//!
//! Nothing here knows about HTTP frameworks or databases.

mod audit;
mod breaker;
mod claim;
mod delivery;
mod event;
mod event_name;
mod event_type;
mod field_error;
pub mod filter;
mod headers;
mod id;
mod inbox;
mod json_data;
mod ordering;
mod schedule;
mod secret;
mod signature;
mod tenant;
mod time;
mod token;
mod trace;
mod webhook;
mod webhook_url;

pub use audit::*;
pub use breaker::*;
pub use claim::*;
pub use delivery::*;
pub use event::*;
pub use event_name::*;
pub use event_type::*;
pub use field_error::*;
pub use filter::{Filter, FilterError, MAX_FILTER_BYTES};
pub use headers::*;
pub use id::*;
pub use inbox::*;
pub use json_data::*;
pub use ordering::{
    EventPath, JSON_PREFIX as ORDERING_JSON_PREFIX, MAX_ORDER_KEY_BYTES, OrderKey, Ordering,
};
pub use schedule::*;
pub use secret::*;
pub use signature::*;
pub use tenant::*;
pub use time::*;
pub use token::*;
pub use trace::*;
pub use webhook::*;
pub use webhook_url::*;

#[cfg(test)]
mod proptests;
