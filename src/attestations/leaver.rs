//! The leaver: the IAM principal that will call `organizations:LeaveOrganization` in an
//! account (`--leaver role/NAME` for every account, `leaver = "..."` per account in the
//! attestations). `leave-permission` simulates that call for it.

use std::collections::BTreeMap;

use crate::input::InputError;

/// The expected spellings, for messages.
pub const LEAVER_FORMS: &str =
    "role/NAME or user/NAME (a path may precede NAME: role/ops/Admin), e.g. role/Admin";

/// A role or user, named in the account's own terms or by its full ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaver {
    /// `role/NAME` or `user/NAME` (with an optional path): in whichever account is audited.
    Named(String),
    /// A full IAM role or user ARN (attestations only: it names one account).
    Arn(String),
}

impl Leaver {
    /// `--leaver`: `role/NAME` or `user/NAME`.
    pub(crate) fn parse_relative(value: &str, origin: &str) -> Result<Leaver, InputError> {
        let value = value.trim();
        if value.starts_with("arn:") {
            return Err(InputError::new(format_args!(
                "{origin}: {value:?} is an ARN, which names one account; --leaver applies to every account: give {LEAVER_FORMS} (a full ARN belongs in the attestations' `leaver` of its account)"
            )));
        }
        if !valid_resource(value) {
            return Err(InputError::new(format_args!(
                "{origin}: invalid leaver {value:?}: expected {LEAVER_FORMS}"
            )));
        }
        Ok(Leaver::Named(value.to_string()))
    }

    /// The attestations' `leaver`: `role/NAME`, `user/NAME`, or the full ARN of a role or
    /// user in `account`.
    pub(crate) fn parse_for(
        value: &str,
        account: &str,
        origin: &str,
    ) -> Result<Leaver, InputError> {
        let value = value.trim();
        let Some(rest) = value.strip_prefix("arn:") else {
            return Leaver::parse_relative(value, origin);
        };
        let bad = || {
            InputError::new(format_args!(
                "{origin}: invalid leaver {value:?}: expected {LEAVER_FORMS}, or an ARN like arn:aws:iam::{account}:role/NAME"
            ))
        };
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [partition, "iam", "", arn_account, resource] = parts.as_slice() else {
            return Err(bad());
        };
        if crate::input::parse_partition(partition, origin).is_err() || !valid_resource(resource) {
            return Err(bad());
        }
        if *arn_account != account {
            return Err(InputError::new(format_args!(
                "{origin}: the leaver {value:?} is in account {arn_account}, not {account}: a leaver must be a principal of the account that leaves"
            )));
        }
        Ok(Leaver::Arn(value.to_string()))
    }

    /// The principal's ARN in `account` of `partition`.
    pub(crate) fn arn(&self, partition: &str, account: &str) -> String {
        match self {
            Leaver::Named(resource) => format!("arn:{partition}:iam::{account}:{resource}"),
            Leaver::Arn(arn) => arn.clone(),
        }
    }

    /// Whether `arn` (of any partition) is this leaver in `account`.
    pub(crate) fn is(&self, arn: &str, account: &str) -> bool {
        match self {
            Leaver::Named(_) => {
                let partition = arn.split(':').nth(1).unwrap_or_default();
                arn == self.arn(partition, account)
            }
            Leaver::Arn(own) => own == arn,
        }
    }

    /// As the user wrote it.
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Leaver::Named(s) | Leaver::Arn(s) => s,
        }
    }
}

/// `role/[path/]NAME` or `user/[path/]NAME`, with IAM's name characters.
fn valid_resource(value: &str) -> bool {
    let Some((kind, rest)) = value.split_once('/') else {
        return false;
    };
    (kind == "role" || kind == "user")
        && !rest.is_empty()
        && rest.len() <= 512
        && rest.split('/').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        })
}

/// Who leaves, per account: an attestation's `leaver` wins over `--leaver`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leavers {
    /// `--leaver`, for every account.
    pub every: Option<Leaver>,
    /// The attestations' `leaver`, by account ID.
    pub by_account: BTreeMap<String, Leaver>,
}

impl Leavers {
    /// `--leaver` for every account, overridden by the attestations' `leaver`s.
    pub(crate) fn of(every: Option<Leaver>, attestations: &super::Attestations) -> Leavers {
        Leavers {
            // `[defaults]`' leaver is an attestation: it wins over --leaver.
            every: attestations.defaults.leaver.clone().or(every),
            by_account: attestations
                .accounts
                .iter()
                .filter_map(|(id, a)| Some((id.clone(), a.leaver.clone()?)))
                .collect(),
        }
    }

    pub(crate) fn for_account(&self, account: &str) -> Option<&Leaver> {
        self.by_account.get(account).or(self.every.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";

    #[test]
    fn relative_names_become_the_accounts_arns() {
        let role = Leaver::parse_relative("role/Admin", "--leaver").unwrap();
        assert_eq!(
            role.arn("aws", ACCOUNT),
            "arn:aws:iam::111122223333:role/Admin"
        );
        assert!(role.is("arn:aws-cn:iam::111122223333:role/Admin", ACCOUNT));
        assert!(!role.is("arn:aws:iam::111122223333:role/Other", ACCOUNT));
        assert!(!role.is("arn:aws:iam::999999999999:role/Admin", ACCOUNT));
        let user = Leaver::parse_relative("user/ops/alice", "--leaver").unwrap();
        assert_eq!(
            user.arn("aws-us-gov", ACCOUNT),
            "arn:aws-us-gov:iam::111122223333:user/ops/alice"
        );
    }

    #[test]
    fn bad_leavers_name_the_value_and_the_expected_form() {
        for bad in [
            "Admin",
            "group/Admins",
            "role/",
            "role//x",
            "role/a b",
            "",
            "arn:aws:iam::111122223333:role/Admin",
        ] {
            let err = Leaver::parse_relative(bad, "--leaver").unwrap_err();
            assert!(
                err.0.contains("--leaver") && err.0.contains(&format!("{bad:?}")),
                "{err}"
            );
            assert!(err.0.contains("role/NAME or user/NAME"), "{err}");
        }
    }

    #[test]
    fn attestations_may_give_a_full_arn_of_their_own_account() {
        let arn = "arn:aws:iam::111122223333:role/Admin";
        let leaver = Leaver::parse_for(arn, ACCOUNT, "att").unwrap();
        assert_eq!(leaver, Leaver::Arn(arn.into()));
        assert_eq!(leaver.arn("aws-cn", ACCOUNT), arn);
        assert!(leaver.is(arn, ACCOUNT));
        let other =
            Leaver::parse_for("arn:aws:iam::999999999999:role/Admin", ACCOUNT, "att").unwrap_err();
        assert!(other.0.contains("999999999999"), "{other}");
        for bad in [
            "arn:aws:sts::111122223333:assumed-role/Admin/x",
            "arn:aws:iam::111122223333:group/Admins",
            "arn:nope:iam::111122223333:role/Admin",
        ] {
            let err = Leaver::parse_for(bad, ACCOUNT, "att").unwrap_err();
            assert!(err.0.contains(bad), "{err}");
        }
    }

    #[test]
    fn an_attestation_overrides_the_leaver_for_every_account() {
        let leavers = Leavers {
            every: Some(Leaver::Named("role/Admin".into())),
            by_account: [(ACCOUNT.to_string(), Leaver::Named("user/alice".into()))].into(),
        };
        assert_eq!(leavers.for_account(ACCOUNT).unwrap().as_str(), "user/alice");
        assert_eq!(
            leavers.for_account("222233334444").unwrap().as_str(),
            "role/Admin"
        );
        assert_eq!(Leavers::default().for_account(ACCOUNT), None);
    }
}
