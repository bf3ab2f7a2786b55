//! The AWS side: credentials and clients per account ([`config`]), the read-only guard
//! every client carries ([`guard`]) and the collectors that turn answers into facts
//! ([`collect`]). [`payments`] stands in for the AWS Payments SDK crate until it is published.
//! Nothing outside this module sees an SDK type. `replay` is an in-process AWS that
//! tests and benchmarks give the real SDK clients instead of the network; it is built
//! only with the `replay` feature, which the tests and the benchmark turn on (Cargo.toml)
//! and a release build never has.

pub(crate) mod collect;
pub mod config;
pub mod error;
pub mod guard;
pub mod payments;
#[cfg(feature = "replay")]
pub mod replay;

pub use collect::{collect_account, collect_cleanup};
pub use config::{AccountClients, Connection};
