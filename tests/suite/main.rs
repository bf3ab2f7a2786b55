//! The integration tests: one test crate, as cargo and ripgrep have it, so the whole SDK
//! is linked once rather than once per file. Each module is what was a test binary of its
//! own; `common` is what they share.

mod common;

mod attest;
mod aws_wire;
mod base_credentials;
mod cli;
mod connect;
mod diff;
mod fault_matrix;
mod formats;
mod hostile_input;
mod man_pages;
mod moto_e2e;
mod notes;
mod payments_wire;
mod policy_formats;
mod published_shapes;
mod read_only;
mod readme_ci;
mod resilience;
mod retry_quota;
mod runbook;
mod schema;
mod terminal;
mod ticket;
