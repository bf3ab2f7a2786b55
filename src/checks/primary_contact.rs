#![doc = include_str!("../../checks/docs/primary-contact.md")]

use super::{About, Check, Context, Finding, Item, Severity, Status};
use crate::facts::{AccountFacts, ContactInformation, FactKind, Missing};
use crate::reseller::{Reseller, words};

pub(crate) struct PrimaryContact;

about! {
    "primary-contact",
    title: "Primary contact information",
    severity: Severity::High,
    needs: &[FactKind::PrimaryContact],
    attestation: None,
    remediation: "Set your company's contact information (Account → Contact information, or `aws account put-contact-information` inside the account).",
    item_kinds: &[MISSING, MISSING_FIELD, RESELLER_FIELD],
}

/// No contact information at all.
pub(crate) const MISSING: &str = "missing-contact";
/// A required field left empty (resource: the field).
pub(crate) const MISSING_FIELD: &str = "missing-field";
/// A field that is the reseller's (resource: the field, principal: its value, reason: why).
pub(crate) const RESELLER_FIELD: &str = "reseller-contact";

impl Check for PrimaryContact {
    fn about(&self) -> &'static About {
        &ABOUT
    }

    fn evaluate(&self, facts: &AccountFacts, ctx: &Context<'_>) -> Result<Finding, Missing> {
        let direct = ctx.moving.is_direct();
        // What AWS asks of a standalone account only; a direct move carries on without it.
        let (gap, not_needed) = if direct {
            (
                Status::Pass,
                format!(
                    "; not needed for a direct move into {}",
                    ctx.new_org.unwrap_or("the new organization")
                ),
            )
        } else {
            (Status::Fail, String::new())
        };
        let Some(contact) = facts.primary_contact()? else {
            return Ok(Finding::new(
                gap,
                format!("the account has no contact information (AWS requires it of a standalone account){not_needed}"),
            )
            .with_items(vec![Item::about(
                MISSING,
                "account:GetContactInformation: ResourceNotFoundException",
            )]));
        };
        let required = [
            ("FullName", &contact.full_name),
            ("AddressLine1", &contact.address_line1),
            ("City", &contact.city),
            ("CountryCode", &contact.country_code),
            ("PhoneNumber", &contact.phone_number),
        ];
        let missing: Vec<Item> = required
            .iter()
            .filter(|(_, v)| v.as_deref().is_none_or(|v| v.trim().is_empty()))
            .map(|(field, _)| Item::new(MISSING_FIELD, *field))
            .collect();
        let reseller = reseller_fields(contact, ctx.reseller);
        if !reseller.is_empty() {
            let said: Vec<String> = reseller
                .iter()
                .map(|i| format!("{} {:?} ({})", i.resource(), i.principal(), i.reason()))
                .collect();
            return Ok(Finding::new(
                Status::Fail,
                format!(
                    "the contact information is the reseller's ({}): {}",
                    ctx.reseller.ticket.company,
                    said.join(", ")
                ),
            )
            .with_resources(reseller.iter().map(|i| i.principal().to_string()).collect())
            .with_items(reseller.into_iter().chain(missing).collect()));
        }
        if !missing.is_empty() {
            let fields: Vec<&str> = missing.iter().map(Item::resource).collect();
            return Ok(Finding::new(
                gap,
                format!(
                    "the contact information is incomplete: no {}{not_needed}",
                    fields.join(", ")
                ),
            )
            .with_items(missing));
        }
        let who = contact
            .company_name
            .as_deref()
            .or(contact.full_name.as_deref())
            .unwrap_or_default();
        Ok(Finding::new(
            Status::Pass,
            format!(
                "contact information is {who}, {}, {}",
                contact.city.as_deref().unwrap_or_default(),
                contact.country_code.as_deref().unwrap_or_default()
            ),
        )
        .with_resources(vec![who.to_string()]))
    }
}

/// The fields that make the contact the reseller's.
fn reseller_fields(contact: &ContactInformation, reseller: &Reseller) -> Vec<Item> {
    let mut found = Vec::new();
    for (field, value) in [
        ("CompanyName", &contact.company_name),
        ("FullName", &contact.full_name),
    ] {
        let Some(value) = value.as_deref() else {
            continue;
        };
        let why = reseller
            .marks(value)
            .map(|m| format!("carries {m}"))
            .or_else(|| names_reseller(value, reseller).map(|n| format!("names {n}")));
        if let Some(why) = why {
            found.push(
                Item::new(RESELLER_FIELD, field)
                    .with_principal(value)
                    .with_reason(why),
            );
        }
    }
    if let Some(url) = contact.website_url.as_deref()
        && let Some(why) = website_domain(url, reseller)
    {
        found.push(
            Item::new(RESELLER_FIELD, "WebsiteUrl")
                .with_principal(url)
                .with_reason(why),
        );
    }
    found
}

/// The reseller's name that stands as words in `value`: its id, a part of its display name
/// (`CenturyLink`, `Lumen`), or the company of its ticket words.
fn names_reseller<'a>(value: &str, reseller: &'a Reseller) -> Option<&'a str> {
    let value_words = words(value);
    std::iter::once(reseller.name.as_str())
        .chain(reseller.display_name.split(['/', ',', '(', ')']))
        .chain(std::iter::once(reseller.ticket.company.as_str()))
        .map(str::trim)
        .find(|name| {
            let name = words(name);
            !name.is_empty()
                && value_words
                    .windows(name.len())
                    .any(|w| w == name.as_slice())
        })
}

/// "www.ctl.io is in ctl.io" when the website's host is in a reseller domain.
fn website_domain(url: &str, reseller: &Reseller) -> Option<String> {
    let rest = url.trim().split_once("://").map_or(url.trim(), |(_, r)| r);
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_lowercase();
    reseller.host_marked(&host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::Fact;

    fn complete() -> ContactInformation {
        ContactInformation {
            full_name: Some("Jane Doe".into()),
            company_name: Some("Acme Corp".into()),
            address_line1: Some("1 Main St".into()),
            city: Some("Springfield".into()),
            postal_code: Some("12345".into()),
            country_code: Some("US".into()),
            phone_number: Some("+1 555 0100".into()),
            website_url: Some("https://www.acme.example".into()),
            ..ContactInformation::default()
        }
    }

    fn with(contact: Option<ContactInformation>) -> AccountFacts {
        AccountFacts {
            primary_contact: Some(Fact::Ok(contact)),
            ..facts()
        }
    }

    #[test]
    fn table() {
        let change = |f: fn(&mut ContactInformation)| {
            let mut c = complete();
            f(&mut c);
            Some(c)
        };
        let cases: Vec<(Option<ContactInformation>, Status, &str)> = vec![
            (Some(complete()), Status::Pass, "Acme Corp"),
            (None, Status::Fail, "no contact information"),
            (
                change(|c| c.phone_number = None),
                Status::Fail,
                "PhoneNumber",
            ),
            (change(|c| c.city = Some(" ".into())), Status::Fail, "City"),
            (
                change(|c| c.company_name = Some("CTL Managed Accounts".into())),
                Status::Fail,
                "CTL",
            ),
            (
                change(|c| c.company_name = Some("CenturyLink Inc".into())),
                Status::Fail,
                "CenturyLink",
            ),
            (
                change(|c| c.full_name = Some("Lumen Cloud Ops".into())),
                Status::Fail,
                "Lumen",
            ),
            (
                change(|c| c.website_url = Some("https://www.ctl.io/cam".into())),
                Status::Fail,
                "www.ctl.io is in ctl.io",
            ),
            // A marker glued into another word is not a marker: "kubectl" is not "CTL".
            (
                change(|c| c.company_name = Some("Kubectl Consulting".into())),
                Status::Pass,
                "Kubectl",
            ),
            (
                change(|c| c.website_url = Some("https://notctl.io".into())),
                Status::Pass,
                "Acme",
            ),
            (
                change(|c| {
                    c.company_name = None;
                }),
                Status::Pass,
                "Jane Doe",
            ),
        ];
        for (contact, expected, said) in cases {
            let facts = with(contact.clone());
            for phase in crate::checks::Phase::ALL {
                let f = Setup::new(phase).run(&PrimaryContact, &facts);
                assert_eq!(f.status, expected, "{contact:?}: {}", f.summary);
                assert!(f.summary.contains(said), "{said:?} not in {}", f.summary);
            }
        }
    }

    #[test]
    fn fails_closed() {
        assert_fails_closed(&PrimaryContact);
    }

    /// A direct move never stands alone: a missing or incomplete contact does not block
    /// it; the reseller's contact still does (it would stay on the account).
    #[test]
    fn a_direct_move_fails_only_the_resellers_contact() {
        let mut direct = Setup::new(crate::checks::Phase::Pre);
        direct.new_org = Some(NEW_ORG.into());
        direct.moving = Some(crate::attestations::MoveKind::Direct);
        let incomplete = ContactInformation {
            phone_number: None,
            ..complete()
        };
        let reseller = ContactInformation {
            company_name: Some("CenturyLink Cloud".into()),
            ..complete()
        };
        for (contact, status) in [
            (None, Status::Pass),
            (Some(incomplete), Status::Pass),
            (Some(reseller.clone()), Status::Fail),
        ] {
            let f = direct.run(&PrimaryContact, &with(contact.clone()));
            assert_eq!(f.status, status, "{contact:?}: {}", f.summary);
            if status == Status::Pass {
                assert!(
                    f.summary.contains("not needed for a direct move"),
                    "{}",
                    f.summary
                );
                let standalone =
                    Setup::new(crate::checks::Phase::Pre).run(&PrimaryContact, &with(contact));
                assert_eq!(standalone.status, Status::Fail, "{}", standalone.summary);
            }
        }
    }
}
