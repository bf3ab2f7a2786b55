//! Notes: inputs that look stale or mistyped. None of them changes a verdict (what
//! matches nothing cannot), but each is said, on stderr and in the report's `notes`,
//! rather than passed over in silence:
//!
//! - a target date in the past, before the cut-over;
//! - attestations for an account that is not audited;
//! - a `keep` waiver that matches nothing the audit found in its account;
//! - an attestation dated after today.

use std::collections::BTreeSet;

use crate::attestations::Attested;
use crate::checks::{Phase, Status};
use crate::facts::FactKind;
use crate::plan::Criteria;

/// Whether a `keep` waiver can match a name this fact lists.
fn lists_waivable_names(kind: &FactKind) -> bool {
    use FactKind::*;
    matches!(
        kind,
        Policies | Roles | Users | Groups | SamlProviders | OidcProviders
    )
}

/// What the notes need of each account, taken from every check before `--status` keeps
/// only some: whether a check could not be read, and the waivers that matched.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub error: bool,
    /// Lower case.
    pub waived: BTreeSet<String>,
}

impl Seen {
    pub(crate) fn of(account: &super::AccountReport) -> Seen {
        Seen {
            error: account.checks.iter().any(|c| c.status == Status::Error),
            waived: account
                .checks
                .iter()
                .flat_map(|c| &c.waived)
                .map(|w| w.name.to_lowercase())
                .collect(),
        }
    }
}

/// A snapshot older than this many days is said to be: invitations expire in 15.
const STALE_AFTER_DAYS: i64 = 7;

pub(crate) fn notes(
    criteria: &Criteria,
    accounts: &super::Accounts,
    seen: &std::collections::BTreeMap<String, Seen>,
    collected_at: Option<&str>,
) -> Vec<String> {
    let mut notes = Vec::new();
    let collected = collected_at.and_then(|at| {
        time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).ok()
    });
    if let Some(collected) = collected {
        let age = (criteria.today - collected.date()).whole_days();
        if age > STALE_AFTER_DAYS {
            notes.push(format!(
                "the snapshot was collected on {}, {age} days before today ({}): invitations, payment methods and IAM may have changed since; collect it again before relying on this report",
                collected.date(),
                criteria.today
            ));
        }
    }
    if let Some(date) = criteria.target_date
        && criteria.phase == Phase::Pre
        && date < criteria.today
    {
        notes.push(format!(
            "--target-date {date} is in the past (today is {}): give the planned cut-over date",
            criteria.today
        ));
    }
    let audited: BTreeSet<&str> = accounts.ids().collect();
    let names_read = criteria.needs().iter().any(lists_waivable_names);
    for (id, attested) in &criteria.attestations.accounts {
        if !audited.contains(id.as_str()) {
            notes.push(format!(
                "attestations for account {id} match no audited account: they are ignored"
            ));
            continue;
        }
        for (what, attestation) in [
            ("payment_method", &attested.payment_method),
            ("root_credentials", &attested.root_credentials),
        ] {
            if let Some(Attested { on, .. }) = attestation
                && *on > criteria.today
            {
                notes.push(format!(
                    "the {what} attestation for account {id} is dated {on}, after today ({}): check its date",
                    criteria.today
                ));
            }
        }
        let Some(account) = seen.get(id) else {
            continue;
        };
        // Only what the audit saw in full can show that a waiver matches nothing.
        if !names_read || account.error {
            continue;
        }
        for waiver in &attested.keep {
            let used = account.waived.contains(&waiver.name.to_lowercase());
            // A waiver of [defaults] is for whichever accounts have the resource.
            let by_default = criteria
                .attestations
                .defaults
                .waiver_for(&waiver.name)
                .is_some();
            if !used && !by_default {
                notes.push(format!(
                    "the keep waiver {:?} for account {id} matches nothing the audit found there (a reseller-marked policy, role, user, group or identity provider of that name): it changes nothing",
                    waiver.name
                ));
            }
        }
    }
    notes
}
