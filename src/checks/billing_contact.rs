#![doc = include_str!("../../checks/docs/billing-contact.md")]

use super::{Check, Context, Finding, Severity, Status};
use crate::facts::{AccountFacts, FactKind, Missing};

pub struct BillingContact;

/// The check's id: what the report, the ticket and `--select` name it by.
pub const ID: &str = "billing-contact";

impl Check for BillingContact {
    fn id(&self) -> &'static str {
        ID
    }
    fn title(&self) -> &'static str {
        "Billing contact"
    }
    fn severity(&self) -> Severity {
        Severity::Medium
    }
    fn needs(&self) -> &'static [FactKind] {
        &[FactKind::BillingContact]
    }
    fn doc(&self) -> &'static str {
        include_str!("../../checks/docs/billing-contact.md")
    }
    fn remediation(&self) -> &'static str {
        "Set the BILLING alternate contact to your own accounts-payable address (Account → Alternate contacts)."
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
