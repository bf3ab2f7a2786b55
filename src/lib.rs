//! orgexit: a read-only auditor for AWS accounts leaving a reseller's AWS Organization.
//!
//! Data flows one way: account list ([`plan`]) → facts ([`aws`] or a [`snapshot`]) →
//! checks ([`checks`]) → report ([`report`]). `main.rs` only parses the command line and
//! hands it to [`commands::run`].

pub mod attestations;
pub mod audit_role;
pub mod aws;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod engine;
pub mod exit;
pub mod facts;
pub mod input;
pub mod plan;
pub mod report;
pub mod reseller;
pub(crate) mod runbook;
pub mod snapshot;
