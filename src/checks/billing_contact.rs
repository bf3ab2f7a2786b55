#![doc = include_str!("../../checks/docs/billing-contact.md")]

use super::{About, Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub(crate) struct BillingContact;

about! {
    "billing-contact",
    title: "Billing contact",
    severity: Severity::Medium,
    needs: &[FactKind::BillingContact],
    attestation: None,
    remediation: "Set the BILLING alternate contact to your own accounts-payable address (Account → Alternate contacts).",
    item_kinds: &[],
}

impl Check for BillingContact {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let finding = match facts.billing_contact()? {
            None => Finding::new(Status::Warn, "no billing contact is set"),
            Some(contact) => match contact.email.as_deref().filter(|e| !e.trim().is_empty()) {
                None => Finding::new(Status::Warn, "the billing contact has no email address"),
                Some(email) if ctx.reseller.owns_email(email) => Finding::new(
                    Status::Fail,
                    format!(
                        "the billing contact {email} is the reseller's ({})",
                        ctx.reseller.display_name
                    ),
                )
                .with_resources(vec![email.to_string()]),
                Some(email) => Finding::new(Status::Pass, format!("billing contact is {email}"))
                    .with_resources(vec![email.to_string()]),
            },
        };
        Ok(finding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{Contact, Fact};

    fn with(contact: Option<(&str, Option<&str>)>) -> AccountFacts {
        let contact = contact.map(|(name, email)| Contact {
            name: Some(name.into()),
            email: email.map(Into::into),
        });
        AccountFacts {
            billing_contact: Some(Fact::Ok(contact)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        let cases = [
            (with(Some(("AP", Some("ap@example.com")))), Status::Pass),
            (
                with(Some(("CTL billing", Some("billing@ctl.io")))),
                Status::Fail,
            ),
            (
                with(Some(("CenturyLink", Some("Billing@EU.CenturyLink.com")))),
                Status::Fail,
            ),
            (with(Some(("AP", None))), Status::Warn),
            (with(None), Status::Warn),
        ];
        for (facts, expected) in cases {
            assert_eq!(
                Setup::both(&BillingContact, &facts),
                (expected, expected),
                "{facts:?}"
            );
        }
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&BillingContact);
    }
}
