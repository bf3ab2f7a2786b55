//! The read-only guard: the one place every AWS operation passes through.
//!
//! Every client orgexit builds carries [`ReadOnlyGuard`] as an interceptor. Before an
//! operation is serialized, signed or sent, the guard looks its (service, operation) up
//! in [`ALLOWED`]; anything else is refused with an error, so a write can never leave the
//! process, whatever code asks for it. `orgexit policy` is generated from the same list.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

pub(crate) use crate::facts::Operation;
use crate::facts::{FACT_OPERATIONS, FactKind};

/// The calls that reach the account itself, run with the base credentials, not the
/// audit role's. The reads of the facts are declared with the facts
/// ([`crate::facts::FACT_OPERATIONS`]).
const REACH: &[Operation] = &[
    Operation {
        service: "STS",
        name: "AssumeRole",
        action: "sts:AssumeRole",
        fact: None,
    },
    Operation {
        service: "STS",
        name: "GetCallerIdentity",
        action: "sts:GetCallerIdentity",
        fact: None,
    },
];

/// The allow-list: every operation orgexit may send (the facts' reads, then [`REACH`]).
/// Nothing else leaves the process.
pub const ALLOWED: &[Operation] = &ALLOWED_ARRAY;
const ALLOWED_ARRAY: [Operation; FACT_OPERATIONS.len() + REACH.len()] = {
    let mut all = [REACH[0]; FACT_OPERATIONS.len() + REACH.len()];
    let mut i = 0;
    while i < FACT_OPERATIONS.len() {
        all[i] = FACT_OPERATIONS[i];
        i += 1;
    }
    let mut j = 0;
    while j < REACH.len() {
        all[FACT_OPERATIONS.len() + j] = REACH[j];
        j += 1;
    }
    all
};

/// The allowed operation with this SDK service and operation name.
pub fn allowed(service: &str, name: &str) -> Option<&'static Operation> {
    ALLOWED
        .iter()
        .find(|o| o.service == service && o.name == name)
}

/// The operations that gather a fact.
pub(crate) fn operations_for(kind: FactKind) -> impl Iterator<Item = &'static Operation> {
    ALLOWED.iter().filter(move |o| o.fact == Some(kind))
}

/// A record of what was sent: (service, operation) → attempts transmitted.
#[derive(Debug, Default)]
pub struct CallLog {
    sent: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

impl CallLog {
    pub(crate) fn snapshot(&self) -> BTreeMap<(&'static str, &'static str), u64> {
        self.sent.lock().map(|m| m.clone()).unwrap_or_default()
    }

    pub fn total(&self) -> u64 {
        self.snapshot().values().sum()
    }
}

/// Refuses every operation not on [`ALLOWED`], and counts the attempts it lets through.
#[derive(Debug, Clone, Default)]
pub struct ReadOnlyGuard {
    log: Arc<CallLog>,
}

/// The error an operation gets when the guard refuses it.
#[derive(Debug, thiserror::Error)]
#[error(
    "orgexit's read-only guard refused {service}:{operation}: it is not an allow-listed read operation"
)]
pub(crate) struct Refused {
    pub service: String,
    pub operation: String,
}

impl ReadOnlyGuard {
    pub fn new() -> Self {
        ReadOnlyGuard::default()
    }

    pub fn log(&self) -> &Arc<CallLog> {
        &self.log
    }

    fn metadata(cfg: &ConfigBag) -> (String, String) {
        cfg.load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_else(|| ("unknown".into(), "unknown".into()))
    }
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "orgexit::ReadOnlyGuard"
    }

    // Not `read_before_execution`: client interceptors run that hook before the
    // operation's configuration (and so its name) is in the bag. Serialization comes
    // after all configuration and before signing and sending.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<Metadata>()
            .and_then(|m| allowed(m.service(), m.name()))
            .is_some()
        {
            return Ok(());
        }
        let (service, operation) = Self::metadata(cfg);
        tracing::error!(%service, %operation, "read-only guard refused an operation");
        Err(Box::new(Refused { service, operation }))
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // Checked again right before the bytes leave: nothing reaches the wire unlisted.
        let Some(op) = cfg
            .load::<Metadata>()
            .and_then(|m| allowed(m.service(), m.name()))
        else {
            let (service, operation) = Self::metadata(cfg);
            return Err(Box::new(Refused { service, operation }));
        };
        if let Ok(mut sent) = self.log.sent.lock() {
            *sent.entry((op.service, op.name)).or_default() += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_has_its_operations_and_all_are_reads() {
        for kind in FactKind::ALL {
            let expected = match kind {
                // The SAML providers' issuers come from a second read, one per provider.
                FactKind::SamlProviders => 2,
                // The buckets, where ListBuckets does not say it their region, then
                // each bucket's policy; the keys, the aliases that tell AWS-managed
                // keys apart, then each customer-managed key's policy.
                FactKind::BucketPolicies | FactKind::KeyPolicies => 3,
                // The runbook's: what each kind of IAM resource holds (roles 3, policies
                // 2, users 9, groups 3).
                FactKind::Cleanup => 17,
                _ => 1,
            };
            assert_eq!(operations_for(kind).count(), expected, "{kind:?}");
        }
        for op in ALLOWED {
            let read = ["List", "Get", "Describe"]
                .iter()
                .any(|p| op.name.starts_with(p))
                || op.name == "AssumeRole"
                // Evaluates policies for a principal; changes nothing, calls nothing.
                || op.name == "SimulatePrincipalPolicy";
            assert!(read, "{} is not a read", op.name);
            let (_, action) = op.action.split_once(':').unwrap();
            assert!(
                action == op.name || op.action == "s3:ListAllMyBuckets",
                "{op:?}"
            );
        }
    }
}
