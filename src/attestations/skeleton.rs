//! `orgexit attest --init`: a commented attestations file for a list of accounts. Every
//! account gets its table and every field a commented-out line, so an unedited skeleton
//! parses and attests nothing; a line uncommented but not filled in (`by = ""`,
//! `on = "YYYY-MM-DD"`) is refused, never read as an attestation.
//!
//! [`FIELDS`] is checked against what the parser accepts (`attestations.rs`'s tests):
//! a field added there without its line here fails the build's tests.

use crate::input::AccountId;

/// One field of an account's table, as the skeleton shows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub name: &'static str,
    /// The commented-out value: the shape to fill in, never a valid attestation.
    pub blank: &'static str,
    /// What setting it means, and which check reads it.
    pub meaning: &'static str,
}

pub(crate) const FIELDS: &[Field] = &[
    Field {
        name: "payment_method",
        blank: r#"{ by = "", on = "YYYY-MM-DD" }"#,
        meaning: "who confirmed that the account has a payment method of its own (Billing > Payment preferences), and on which date (payment-method)",
    },
    Field {
        name: "root_credentials",
        blank: r#"{ by = "", on = "YYYY-MM-DD" }"#,
        meaning: "who confirmed that the root user is the customer's: its email a mailbox the customer controls, its password recoverable by the customer, its MFA the customer's to set; and on which date (root-credentials)",
    },
    Field {
        name: "buckets",
        blank: r#""keep|archive|delete""#,
        meaning: "what the customer decided for the reseller's buckets (config-bucket-<ID>, ctlaudit-<ID>): keep, archive or delete (s3-reseller-buckets)",
    },
    Field {
        name: "leaver",
        blank: r#""""#,
        meaning: "who will call LeaveOrganization in this account: \"role/NAME\", \"user/NAME\" or the full ARN; overrides --leaver for this account (leave-permission)",
    },
    Field {
        name: "move",
        blank: r#""direct|standalone""#,
        meaning: "how the account leaves: direct (accepts the new organization's invitation while still a member: no payment method or contact information of its own needed) or standalone (leaves first); overrides --move and the default, direct with --new-org (payment-method, primary-contact, leave-permission)",
    },
    Field {
        name: "delegated_admin",
        blank: r#""false|true""#,
        meaning: "false once the reseller confirmed that the account is no delegated administrator of any AWS service in its organization (delegated-admin)",
    },
    Field {
        name: "keep",
        blank: r#"[{ name = "", reason = "" }]"#,
        meaning: "reseller-marked policies, roles, users, groups or identity providers kept on purpose, each by its exact name with the reason (e.g. name = \"CTL-CAM-Provider\", reason = \"continuing CAM for ALM\"); the report shows the reason instead of a finding",
    },
];

/// The skeleton for these accounts, each table headed with its name from the accounts file
/// (`[accounts."111122223333"]  # prod`) when it has one.
pub(crate) fn render(
    accounts: &[AccountId],
    names: &std::collections::BTreeMap<String, String>,
) -> String {
    let mut text = String::from(
        "# orgexit attestations: what a person vouches for that no AWS API shows.\n\
         # Give it to `orgexit audit --attestations FILE`; check it with\n\
         # `orgexit attest --check FILE --accounts-file accounts.txt`.\n\
         #\n\
         # Written by `orgexit attest --init`: nothing below is set, so as it is this file\n\
         # attests nothing. Once a statement is true for an account, uncomment its line and\n\
         # fill it in: `by` is who vouches (an email), `on` the date (YYYY-MM-DD). A line left\n\
         # blank (by = \"\", on = \"YYYY-MM-DD\") is refused, never taken as attested.\n\
         #\n\
         # The fields of each [accounts.\"<ID>\"] table:\n",
    );
    for field in FIELDS {
        text.push_str(&comment(&format!("{}: {}", field.name, field.meaning)));
    }
    text.push_str(
        "#\n         # [defaults] takes any of these fields for every account: an account's own table\n         # wins where it sets the field (its `keep` waivers add to the defaults'), and an\n         # account without a table of its own attests what [defaults] says. A leaver here is\n         # role/NAME or user/NAME (a full ARN names one account). For example:\n         # [defaults]\n         # leaver = \"role/NAME\"\n",
    );
    for account in accounts {
        match names.get(account.as_str()) {
            Some(name) => text.push_str(&format!("\n[accounts.\"{account}\"]  # {name}\n")),
            None => text.push_str(&format!("\n[accounts.\"{account}\"]\n")),
        }
        for field in FIELDS {
            text.push_str(&format!("# {} = {}\n", field.name, field.blank));
        }
    }
    text
}

/// `text` as comment lines of at most about 90 columns: `#   ` first, `#     ` after.
fn comment(text: &str) -> String {
    let mut lines = vec![String::from("#  ")];
    for word in text.split(' ') {
        let line = lines.last_mut().expect("one line at least");
        if line.len() + 1 + word.len() > 90 && line.len() > 6 {
            lines.push(format!("#     {word}"));
        } else {
            line.push(' ');
            line.push_str(word);
        }
    }
    lines.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::attestations::Attestations;

    fn accounts() -> Vec<AccountId> {
        ["111122223333", "222233334444"]
            .map(|id| AccountId::parse(id, "t").unwrap())
            .to_vec()
    }

    #[test]
    fn an_unedited_skeleton_attests_nothing_for_every_account() {
        let text = render(&accounts(), &Default::default());
        let parsed = Attestations::parse(&text, Path::new("skeleton.toml")).unwrap();
        assert_eq!(
            parsed.accounts.keys().collect::<Vec<_>>(),
            ["111122223333", "222233334444"]
        );
        assert!(
            parsed
                .accounts
                .values()
                .all(|a| *a == crate::attestations::AccountAttestations::default())
        );
        for field in FIELDS {
            assert_eq!(
                text.matches(&format!("\n# {} = ", field.name)).count(),
                2,
                "{} for every account",
                field.name
            );
            assert!(
                text.contains(&format!("#   {}: ", field.name)),
                "{}",
                field.name
            );
        }
    }

    /// The accounts file's names stay beside the IDs, and the file still parses.
    #[test]
    fn the_names_are_kept_as_comments() {
        let names = [("111122223333".to_string(), "prod".to_string())].into();
        let text = render(&accounts(), &names);
        assert!(
            text.contains("\n[accounts.\"111122223333\"]  # prod\n"),
            "{text}"
        );
        assert!(text.contains("\n[accounts.\"222233334444\"]\n"), "{text}");
        Attestations::parse(&text, Path::new("skeleton.toml")).unwrap();
    }

    #[test]
    fn a_blank_line_uncommented_is_refused_not_attested() {
        for field in FIELDS {
            let text = render(&accounts()[..1], &Default::default()).replace(
                &format!("# {} = ", field.name),
                &format!("{} = ", field.name),
            );
            let err = Attestations::parse(&text, Path::new("a.toml"))
                .expect_err(field.name)
                .to_string();
            assert!(err.contains("a.toml"), "{}: {err}", field.name);
        }
    }
}
