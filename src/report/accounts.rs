//! The accounts of a report, each kept packed until it is rendered.
//!
//! A run over thousands of accounts holds every account's findings until the report is
//! written. As values they cost about 30 KB an account (most of it the items and ARNs of
//! `iam-federation`); packed — the account's JSON, LZ4-compressed — a few KB. Renderers
//! read the accounts back one at a time ([`Accounts::iter`]), so at most one is unpacked
//! at once. Packing is JSON, the report's own format: what is read back is what a report
//! file would say.

use std::fmt;

use schemars::JsonSchema;
use serde::de::Deserializer;
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::AccountReport;
use crate::attestations::Move;
use crate::checks::Status;

/// The accounts of a report, sorted by account ID when the report was built.
#[derive(Clone, Default)]
pub struct Accounts {
    packed: Vec<Packed>,
}

/// One account: what the report's totals need in the open, the rest packed.
#[derive(Clone)]
struct Packed {
    account_id: Box<str>,
    ready: bool,
    /// Each check's status, in the account's order of checks.
    statuses: Box<[Status]>,
    /// A hash of its check ids in order: accounts with equal keys list the same checks in
    /// the same order, so [`Accounts::statuses`] line up by position.
    checks_key: u64,
    /// How it moves, in the open: the table says a move all accounts share once, above.
    moving: Option<Move>,
    /// Its JSON, LZ4-compressed (the uncompressed size first).
    bytes: Box<[u8]>,
}

impl Packed {
    fn new(account: &AccountReport) -> Packed {
        let json = serde_json::to_vec(account).expect("an account always serializes");
        Packed {
            account_id: account.account_id.as_str().into(),
            ready: account.ready,
            statuses: account.checks.iter().map(|c| c.status).collect(),
            checks_key: {
                let mut hasher = std::hash::DefaultHasher::new();
                for check in &account.checks {
                    std::hash::Hash::hash(&*check.id, &mut hasher);
                }
                std::hash::Hasher::finish(&hasher)
            },
            moving: account.moving.clone(),
            bytes: lz4_flex::compress_prepend_size(&json).into_boxed_slice(),
        }
    }

    fn json(&self) -> Vec<u8> {
        lz4_flex::decompress_size_prepended(&self.bytes)
            .expect("an account packed by this process decompresses")
    }

    fn unpack(&self) -> AccountReport {
        serde_json::from_slice(&self.json()).expect("an account packed by this process reads back")
    }
}

impl Accounts {
    pub(crate) fn len(&self) -> usize {
        self.packed.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.packed.is_empty()
    }

    /// Each account, unpacked as it is reached.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.packed.iter())
    }

    /// The accounts whose readiness `keep` accepts, unpacking only those.
    pub(crate) fn iter_by_readiness<'a>(
        &'a self,
        keep: impl Fn(bool) -> bool + 'a,
    ) -> impl Iterator<Item = AccountReport> + 'a {
        self.packed
            .iter()
            .filter(move |p| keep(p.ready))
            .map(Packed::unpack)
    }

    /// The account IDs, without unpacking.
    pub(crate) fn ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.packed.iter().map(|p| &*p.account_id)
    }

    /// One account by ID.
    pub fn get(&self, account_id: &str) -> Option<AccountReport> {
        self.packed
            .iter()
            .find(|p| &*p.account_id == account_id)
            .map(Packed::unpack)
    }

    /// Whether every account is ready (and there is at least one).
    pub(crate) fn all_ready(&self) -> bool {
        !self.packed.is_empty() && self.packed.iter().all(|p| p.ready)
    }

    /// How many accounts are ready.
    pub(crate) fn ready_count(&self) -> usize {
        self.packed.iter().filter(|p| p.ready).count()
    }

    /// Whether every account lists the same checks in the same order (as every report
    /// orgexit makes does), so that [`Accounts::statuses`] line up by position.
    pub(crate) fn same_checks(&self) -> bool {
        self.packed
            .windows(2)
            .all(|pair| pair[0].checks_key == pair[1].checks_key)
    }

    /// Each account's readiness and its checks' statuses (in its order of checks), without
    /// unpacking.
    pub(crate) fn statuses(&self) -> impl ExactSizeIterator<Item = (bool, &[Status])> + Clone + '_ {
        self.packed.iter().map(|p| (p.ready, &*p.statuses))
    }

    /// Each account's ID with its checks' statuses, in order, without unpacking any.
    pub(crate) fn ids_with_statuses(&self) -> impl Iterator<Item = (&str, &[Status])> + '_ {
        self.packed.iter().map(|p| (&*p.account_id, &*p.statuses))
    }

    /// The move of each account, in order, without unpacking any.
    pub(crate) fn moves(&self) -> impl Iterator<Item = Option<&Move>> + '_ {
        self.packed.iter().map(|p| p.moving.as_ref())
    }

    /// Adds one account (packing it).
    pub(crate) fn push(&mut self, account: &AccountReport) {
        self.packed.push(Packed::new(account));
    }

    /// Sorted by account ID, each ID once (the first pushed wins).
    pub(crate) fn sort_unique(&mut self) {
        self.packed.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        self.packed.dedup_by(|a, b| a.account_id == b.account_id);
    }

    /// Changes one account in place (e.g. to name it).
    pub(crate) fn update(&mut self, at: usize, change: impl FnOnce(&mut AccountReport)) {
        if let Some(packed) = self.packed.get_mut(at) {
            let mut account = packed.unpack();
            change(&mut account);
            *packed = Packed::new(&account);
        }
    }
}

impl<'a> IntoIterator for &'a Accounts {
    type Item = AccountReport;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The accounts of a report, each unpacked as it is reached.
#[derive(Clone)]
pub struct Iter<'a>(std::slice::Iter<'a, Packed>);

impl Iterator for Iter<'_> {
    type Item = AccountReport;

    fn next(&mut self) -> Option<AccountReport> {
        self.0.next().map(Packed::unpack)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl From<Vec<AccountReport>> for Accounts {
    fn from(accounts: Vec<AccountReport>) -> Self {
        accounts.iter().collect()
    }
}

impl<'a> FromIterator<&'a AccountReport> for Accounts {
    fn from_iter<I: IntoIterator<Item = &'a AccountReport>>(accounts: I) -> Self {
        Accounts {
            packed: accounts.into_iter().map(Packed::new).collect(),
        }
    }
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Written as an array of accounts, each account's JSON passed through to the serializer
/// as it is read (never rebuilt as an [`AccountReport`]).
impl Serialize for Accounts {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for packed in &self.packed {
            let json = packed.json();
            let mut account = serde_json::Deserializer::from_slice(&json);
            seq.serialize_element(&serde_transcode::Transcoder::new(&mut account))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Accounts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<AccountReport>::deserialize(deserializer).map(Accounts::from)
    }
}

/// Described as what it is written as: an array of accounts.
impl JsonSchema for Accounts {
    fn inline_schema() -> bool {
        Vec::<AccountReport>::inline_schema()
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        Vec::<AccountReport>::schema_name()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Vec::<AccountReport>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Item, Severity};
    use crate::report::CheckResult;

    fn account(id: &str, status: Status) -> AccountReport {
        AccountReport {
            account_id: id.into(),
            name: Some("prod".into()),
            ready: status == Status::Pass,
            error: None,
            organization: None,
            moving: None,
            checks: vec![CheckResult {
                id: "iam-federation".into(),
                title: "Federation".into(),
                severity: Severity::High,
                status,
                summary: "1 role lets the reseller in: CTL-x (999988887777)".into(),
                resources: vec!["arn:aws:iam::111122223333:role/CTL-x".into()],
                remediation: "remove it".into(),
                waived: vec![],
                items: vec![Item::new("reseller-trust", "CTL-x").with_principal("999988887777")],
            }],
        }
    }

    #[test]
    fn what_is_packed_reads_back_the_same() {
        let accounts = vec![
            account("222233334444", Status::Fail),
            account("111122223333", Status::Pass),
        ];
        let mut packed = Accounts::from(accounts.clone());
        assert_eq!(packed.iter().collect::<Vec<_>>(), accounts);
        packed.sort_unique();
        assert_eq!(
            packed.ids().collect::<Vec<_>>(),
            ["111122223333", "222233334444"]
        );
        let statuses: Vec<&[Status]> = packed.statuses().map(|(_, s)| s).collect();
        assert_eq!(statuses, [&[Status::Pass][..], &[Status::Fail][..]]);
        assert_eq!(packed.ready_count(), 1);
        assert!(!packed.all_ready());
        assert_eq!(packed.get("222233334444"), Some(accounts[0].clone()));
        assert!(packed.same_checks());
        assert_eq!(
            packed.statuses().collect::<Vec<_>>(),
            [(true, &[Status::Pass][..]), (false, &[Status::Fail][..])]
        );
        let not_ready: Vec<AccountReport> = packed.iter_by_readiness(|ready| !ready).collect();
        assert_eq!(not_ready, [accounts[0].clone()]);
        packed.update(0, |a| a.name = None);
        assert_eq!(packed.get("111122223333").unwrap().name, None);
        packed.update(0, |a| a.checks[0].id = "root-mfa".into());
        assert!(!packed.same_checks(), "another check in the first account");
    }

    #[test]
    fn accounts_are_written_as_the_accounts_themselves_would_be() {
        let accounts = vec![
            account("111122223333", Status::Pass),
            account("222233334444", Status::Fail),
        ];
        let packed = Accounts::from(accounts.clone());
        assert_eq!(
            serde_json::to_string_pretty(&packed).unwrap(),
            serde_json::to_string_pretty(&accounts).unwrap()
        );
    }

    #[test]
    fn the_first_of_two_with_one_id_stays() {
        let mut packed = Accounts::default();
        packed.push(&account("111122223333", Status::Fail));
        packed.push(&account("111122223333", Status::Pass));
        packed.sort_unique();
        assert_eq!(packed.len(), 1);
        assert_eq!(packed.iter().next().unwrap().checks[0].status, Status::Fail);
    }

    #[test]
    fn an_account_packs_into_a_fraction_of_its_json() {
        let mut many = account("111122223333", Status::Fail);
        let check = &mut many.checks[0];
        for i in 0..100 {
            check.items.push(
                Item::new("outside-trust", format!("team-{i}-admin"))
                    .with_principal("444455556666"),
            );
            check
                .resources
                .push(format!("arn:aws:iam::111122223333:role/team-{i}-admin"));
        }
        let json = serde_json::to_vec(&many).unwrap().len();
        let packed = Packed::new(&many).bytes.len();
        assert!(packed * 3 < json, "{packed} bytes packed of {json}");
    }
}
