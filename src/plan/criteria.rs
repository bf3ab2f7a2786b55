//! What the checks are evaluated against: phase, reseller, target organization and
//! date, attestations, who leaves and how, and the checks selected.

use std::collections::{BTreeMap, BTreeSet};

use crate::attestations::{AccountAttestations, Attestations, Leaver, Leavers, Move, MoveKind};
use crate::checks::{CHECKS, Check, Context, Phase, Under};
use crate::cli::{CheckSelection, CriteriaArgs};
use crate::facts::FactKind;
use crate::input::{AccountId, InputError, parse_date};
use crate::reseller::Reseller;

/// What the checks are evaluated against.
#[derive(Debug, Clone)]
pub struct Criteria {
    pub phase: Phase,
    pub reseller: Reseller,
    pub new_org: Option<String>,
    pub target_date: Option<time::Date>,
    pub today: time::Date,
    pub attestations: Attestations,
    /// `--leaver`: who leaves in every account without a `leaver` attestation.
    pub leaver: Option<Leaver>,
    /// `--move`: how every account without a `move` attestation leaves; `None`: the
    /// default (direct with `--new-org`, else standalone).
    pub move_kind: Option<MoveKind>,
    pub checks: Vec<&'static dyn Check>,
    /// `--status` / `--min-severity`: the findings the report shows (`None`: all).
    pub shown: Option<crate::report::Shown>,
}

impl Criteria {
    /// The criteria of `checks` in `phase` as of `today`, with everything else as the
    /// command line leaves it by default: the built-in reseller (`ctl`), no target
    /// organization or date, no attestations, nobody named to leave, the default move.
    pub fn new(phase: Phase, today: time::Date, checks: Vec<&'static dyn Check>) -> Criteria {
        Criteria {
            phase,
            reseller: Reseller::ctl(),
            new_org: None,
            target_date: None,
            today,
            attestations: Attestations::default(),
            leaver: None,
            move_kind: None,
            checks,
            shown: None,
        }
    }

    /// The facts the selected checks need in an account that attests no `move`: the
    /// collector fetches exactly these ([`Criteria::needs_by_account`] for the others).
    pub fn needs(&self) -> BTreeSet<FactKind> {
        needs_of(&self.checks, Some(self.under(&self.attestations.defaults)))
    }

    /// The accounts whose attested move makes them need other facts than
    /// [`Criteria::needs`] (a direct move reads no payment method), with theirs.
    pub fn needs_by_account(&self) -> BTreeMap<String, BTreeSet<FactKind>> {
        let every = self.needs();
        self.attestations
            .accounts
            .iter()
            .map(|(id, attested)| {
                (
                    id.clone(),
                    needs_of(&self.checks, Some(self.under(attested))),
                )
            })
            .filter(|(_, needs)| *needs != every)
            .collect()
    }

    /// The terms that decide what an account with these attestations is read for.
    fn under(&self, attestations: &AccountAttestations) -> Under<'_> {
        Under {
            phase: self.phase,
            new_org: self.new_org.as_deref(),
            moving: self.moving(attestations).kind,
        }
    }

    /// Who leaves in each account: the attestations' `leaver`, else `--leaver`.
    pub fn leavers(&self) -> Leavers {
        Leavers::of(self.leaver.clone(), &self.attestations)
    }

    pub(crate) fn context<'a>(
        &'a self,
        account_id: &str,
        audited: &'a BTreeSet<String>,
    ) -> Context<'a> {
        let attestations = self.attestations.for_account(account_id);
        Context {
            phase: self.phase,
            reseller: &self.reseller,
            new_org: self.new_org.as_deref(),
            target_date: self.target_date,
            today: self.today,
            leaver: attestations.leaver.as_ref().or(self.leaver.as_ref()),
            moving: self.moving(attestations),
            trust: Default::default(),
            attestations,
            audited,
        }
    }

    /// How an account with these attestations leaves, and why.
    fn moving(&self, attestations: &AccountAttestations) -> Move {
        let (kind, why) = match (attestations.r#move, self.move_kind, &self.new_org) {
            (Some(kind), _, _) => (kind, format!("attested (move = \"{}\")", kind.as_str())),
            (None, Some(kind), _) => (kind, format!("--move {}", kind.as_str())),
            (None, None, Some(_)) => (MoveKind::Direct, "default with --new-org".to_string()),
            (None, None, None) => (
                MoveKind::Standalone,
                "default without --new-org".to_string(),
            ),
        };
        Move { kind, why }
    }
}

/// `--reseller` loaded, with the `--reseller-account` IDs added.
pub(crate) fn reseller_of(given: &str, accounts: &[String]) -> Result<Reseller, InputError> {
    let mut reseller = Reseller::load(given)?;
    for value in accounts.iter().flat_map(|v| v.split(',')) {
        let id = AccountId::parse(value, "--reseller-account")?.to_string();
        reseller.accounts.insert(id.clone());
        reseller.accounts_given.insert(id);
    }
    Ok(reseller)
}

/// The facts `checks` read in an account under these terms (an audit), or under any
/// (`None`: a snapshot, audited later under criteria not known yet).
pub fn needs_of(checks: &[&'static dyn Check], under: Option<Under<'_>>) -> BTreeSet<FactKind> {
    checks
        .iter()
        .flat_map(|c| match under {
            Some(under) => c.needs_under(under),
            None => c.needs().to_vec(),
        })
        .collect()
}

/// The checks that `--select` and `--skip` leave, in catalog order.
pub fn select_checks(selection: &CheckSelection) -> Result<Vec<&'static dyn Check>, InputError> {
    let parse = |values: &[String], flag: &str| -> Result<BTreeSet<&'static str>, InputError> {
        values
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|id| Ok(super::find_check(id, Some(flag))?.id()))
            .collect()
    };
    let select = parse(&selection.select, "--select")?;
    let skip = parse(&selection.skip, "--skip")?;
    let checks: Vec<_> = CHECKS
        .iter()
        .copied()
        .filter(|c| select.is_empty() || select.contains(c.id()))
        .filter(|c| !skip.contains(c.id()))
        .collect();
    if checks.is_empty() {
        return Err(InputError::new("--select/--skip leave no check to run"));
    }
    Ok(checks)
}

impl Criteria {
    pub(crate) fn from_args(
        args: &CriteriaArgs,
        selection: &CheckSelection,
    ) -> Result<Criteria, InputError> {
        let reseller = reseller_of(&args.reseller, &args.reseller_account)?;
        if let Some(org) = &args.new_org {
            let body = org.strip_prefix("o-").unwrap_or("");
            let valid = (10..=32).contains(&body.len())
                && body
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
            if !valid {
                return Err(InputError::new(format_args!(
                    "--new-org: invalid organization ID {org:?}: expected o- followed by 10 to 32 lower-case letters or digits, e.g. o-a1b2c3d4e5"
                )));
            }
        }
        let today = match &args.today {
            Some(value) => parse_date(value, "--today")?,
            None => time::OffsetDateTime::now_utc().date(),
        };
        let attestations = match &args.attestations {
            Some(path) => Attestations::load(path)?,
            None => Attestations::default(),
        };
        // A direct transfer accepts an invitation from the organization it moves into:
        // without one named there is nothing to accept.
        if args.new_org.is_none() {
            if args.move_kind == Some(MoveKind::Direct) {
                return Err(InputError::new(
                    "--move direct: a direct move accepts the invitation of the organization the accounts move into: give it with --new-org o-xxxxxxxxxx, or use --move standalone",
                ));
            }
            if let Some((id, _)) = attestations
                .accounts
                .iter()
                .find(|(_, a)| a.r#move == Some(MoveKind::Direct))
            {
                return Err(InputError::new(format_args!(
                    "attestations file: [accounts.\"{id}\"] move = \"direct\" needs the organization the account moves into: give it with --new-org o-xxxxxxxxxx, or attest move = \"standalone\""
                )));
            }
        }
        Ok(Criteria {
            phase: args.phase,
            reseller,
            new_org: args.new_org.clone(),
            target_date: args
                .target_date
                .as_deref()
                .map(|d| parse_date(d, "--target-date"))
                .transpose()?,
            today,
            attestations,
            move_kind: args.move_kind,
            leaver: args
                .leaver
                .as_deref()
                .map(|l| Leaver::parse_relative(l, "--leaver"))
                .transpose()?,
            checks: select_checks(selection)?,
            shown: None,
        })
    }
}

impl std::fmt::Debug for dyn Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::CHECKS;

    fn moving_to(new_org: Option<&str>) -> Criteria {
        Criteria {
            new_org: new_org.map(str::to_string),
            ..Criteria::new(
                Phase::Pre,
                time::macros::date!(2026 - 12 - 07),
                CHECKS.to_vec(),
            )
        }
    }

    /// A direct move needs no payment method of the account's own, so none is read; an
    /// account that attests a standalone move is read for it, and only that account.
    #[test]
    fn a_direct_move_reads_no_payment_method_and_a_standalone_one_does() {
        let mut direct = moving_to(Some("o-acmenew0001"));
        assert!(!direct.needs().contains(&FactKind::PaymentInstruments));
        assert!(direct.needs().contains(&FactKind::Roles));
        assert!(direct.needs_by_account().is_empty());

        let standalone = AccountAttestations {
            r#move: Some(MoveKind::Standalone),
            ..AccountAttestations::default()
        };
        let attested_direct = AccountAttestations {
            r#move: Some(MoveKind::Direct),
            ..AccountAttestations::default()
        };
        direct
            .attestations
            .accounts
            .insert("111111111111".into(), standalone.clone());
        direct
            .attestations
            .accounts
            .insert("222222222222".into(), attested_direct);
        let by_account = direct.needs_by_account();
        assert_eq!(by_account.keys().collect::<Vec<_>>(), ["111111111111"]);
        assert!(by_account["111111111111"].contains(&FactKind::PaymentInstruments));
        assert_eq!(
            by_account["111111111111"].len(),
            direct.needs().len() + 1,
            "only the payment method is added"
        );

        // Without --new-org every account leaves standalone and is read for it.
        let mut alone = moving_to(None);
        assert!(alone.needs().contains(&FactKind::PaymentInstruments));
        alone.move_kind = Some(MoveKind::Standalone);
        alone
            .attestations
            .accounts
            .insert("111111111111".into(), standalone);
        assert!(alone.needs_by_account().is_empty());
        // Collected for a snapshot, the payment method is read whatever the move.
        assert!(needs_of(CHECKS, None).contains(&FactKind::PaymentInstruments));
    }
}
