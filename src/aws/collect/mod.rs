//! Collectors: one read per fact kind, paginated through the SDK paginators, normalised
//! into [`crate::facts`] types. The facts an account needs are fetched concurrently; each
//! failure stays with its fact, so the other facts (and the other accounts) carry on.

use std::collections::BTreeSet;

use aws_sdk_account::types::AlternateContactType;
use aws_sdk_iam::types::{PolicyScopeType, SummaryKeyType};
use aws_sdk_organizations::types::{HandshakePartyType, HandshakeResource, HandshakeResourceType};
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use time::OffsetDateTime;

use super::config::AccountClients;
use super::error::{code, describe};
use crate::facts::{
    AccountFacts, AccountInformation, AccountSummary, BillingTransfer, BillingTransfers,
    BucketPolicy, Collect, Contact, ContactInformation, DelegatedServices, FactKind, Handshake,
    KeyPolicy, LeaveOutcome, LeaveSimulation, Membership, NamedEntity, Organization,
    PaymentInstrument, Regional, Role, SamlProvider, Stack, Target,
};

mod cleanup;
mod regional;

type Read<T> = Result<T, String>;

/// IAM's largest page: fewer calls per account, and a shorter chain of dependent calls.
const IAM_PAGE: i32 = 1000;
/// S3's largest ListBuckets page.
const BUCKET_PAGE: i32 = 10_000;

pub(crate) use crate::facts::{ACCEPT_ACTION, LEAVE_ACTION};

/// Fetches the facts in `needs` for one account, concurrently. `leaver` is the ARN of the
/// principal whose permission to leave is simulated; without one that fact is not read.
pub async fn collect_account(
    clients: &AccountClients,
    account_id: &str,
    needs: &BTreeSet<FactKind>,
    leaver: Option<&str>,
    regions: Option<&BTreeSet<String>>,
) -> AccountFacts {
    let target = Target {
        account_id,
        leaver,
        regions,
        cleanup: None,
    };
    crate::facts::collect(clients, target, needs).await
}

/// The collectors of the facts ([`crate::facts`] declares them): one read each, through
/// the account's SDK clients.
impl Collect for AccountClients {
    fn organization(&self, _: Target<'_>) -> impl Future<Output = Read<Membership>> + Send {
        organization(self)
    }
    fn handshakes(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<Handshake>>> + Send {
        handshakes(self)
    }
    fn billing_contact(&self, _: Target<'_>) -> impl Future<Output = Read<Option<Contact>>> + Send {
        billing_contact(self)
    }
    fn policies(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<NamedEntity>>> + Send {
        policies(self)
    }
    fn roles(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<Role>>> + Send {
        roles(self)
    }
    fn users(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<NamedEntity>>> + Send {
        users(self)
    }
    fn groups(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<NamedEntity>>> + Send {
        groups(self)
    }
    fn saml_providers(
        &self,
        _: Target<'_>,
    ) -> impl Future<Output = Read<Vec<SamlProvider>>> + Send {
        saml_providers(self)
    }
    fn oidc_providers(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<NamedEntity>>> + Send {
        oidc_providers(self)
    }
    fn buckets(&self, _: Target<'_>) -> impl Future<Output = Read<Vec<String>>> + Send {
        buckets(self)
    }
    fn account_summary(&self, _: Target<'_>) -> impl Future<Output = Read<AccountSummary>> + Send {
        account_summary(self)
    }
    fn payment_instruments(
        &self,
        _: Target<'_>,
    ) -> impl Future<Output = Read<Vec<PaymentInstrument>>> + Send {
        self.payments.list_payment_instruments()
    }
    fn primary_contact(
        &self,
        _: Target<'_>,
    ) -> impl Future<Output = Read<Option<ContactInformation>>> + Send {
        primary_contact(self)
    }
    fn leave_permission(
        &self,
        target: Target<'_>,
    ) -> impl Future<Output = Read<LeaveSimulation>> + Send {
        leave_permission(self, target.leaver.unwrap_or_default())
    }
    fn account_information(
        &self,
        _: Target<'_>,
    ) -> impl Future<Output = Read<AccountInformation>> + Send {
        account_information(self)
    }
    fn delegated_services(
        &self,
        target: Target<'_>,
    ) -> impl Future<Output = Read<DelegatedServices>> + Send {
        delegated_services(self, target.account_id)
    }
    fn billing_transfers(
        &self,
        _: Target<'_>,
    ) -> impl Future<Output = Read<BillingTransfers>> + Send {
        billing_transfers(self)
    }
    async fn regions(&self, _: Target<'_>) -> Read<Vec<String>> {
        self.enabled_regions().await.clone()
    }
    fn stacks(
        &self,
        target: Target<'_>,
    ) -> impl Future<Output = Read<Regional<Vec<Stack>>>> + Send {
        regional::stacks(self, target.regions)
    }
    fn bucket_policies(
        &self,
        _: Target<'_>,
    ) -> impl Future<Output = Read<Vec<BucketPolicy>>> + Send {
        regional::bucket_policies(self)
    }
    fn key_policies(
        &self,
        target: Target<'_>,
    ) -> impl Future<Output = Read<Regional<Vec<KeyPolicy>>>> + Send {
        regional::key_policies(self, target.regions)
    }
    async fn cleanup(&self, target: Target<'_>) -> Read<crate::facts::Cleanup> {
        match target.cleanup {
            Some(targets) => cleanup::cleanup(self, targets).await,
            None => Ok(crate::facts::Cleanup::default()),
        }
    }
}

/// The runbook's second read of an account: the cleanup details of the resources its
/// findings name (`targets`), through the clients its other facts were read with.
pub async fn collect_cleanup(
    clients: &AccountClients,
    account_id: &str,
    targets: &crate::facts::CleanupTargets,
) -> Option<crate::facts::Fact<crate::facts::Cleanup>> {
    let target = Target {
        account_id,
        leaver: None,
        regions: None,
        cleanup: Some(targets),
    };
    let needs = BTreeSet::from([FactKind::Cleanup]);
    crate::facts::collect(clients, target, &needs).await.cleanup
}

fn timestamp(t: &aws_smithy_types::DateTime) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp(t.secs()).ok()
}

async fn organization(c: &AccountClients) -> Read<Membership> {
    const ACTION: &str = "organizations:DescribeOrganization";
    match c.organizations.describe_organization().send().await {
        Ok(out) => {
            let org = out
                .organization
                .ok_or_else(|| format!("{ACTION}: the answer has no Organization"))?;
            // MasterAccountId is optional in the model, and botocore's published example
            // leaves it out: the account is also the last part of MasterAccountArn.
            let management_account_id = org
                .master_account_id
                .or_else(|| org.master_account_arn.as_deref().and_then(arn_account))
                .ok_or_else(|| {
                    format!("{ACTION}: the organization has no MasterAccountId or MasterAccountArn")
                })?;
            Ok(Membership::Member(Organization {
                id: org
                    .id
                    .ok_or_else(|| format!("{ACTION}: the organization has no Id"))?,
                management_account_id,
                management_account_email: org.master_account_email,
            }))
        }
        Err(e) if code(&e) == Some("AWSOrganizationsNotInUseException") => {
            Ok(Membership::Standalone)
        }
        Err(e) => Err(describe(ACTION, &e)),
    }
}

/// The account an Organizations account ARN names:
/// `arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111`.
fn arn_account(arn: &str) -> Option<String> {
    let (_, account) = arn.rsplit_once('/')?;
    (arn.starts_with("arn:")
        && arn.contains(":account/")
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit()))
    .then(|| account.to_string())
}

async fn handshakes(c: &AccountClients) -> Read<Vec<Handshake>> {
    const ACTION: &str = "organizations:ListHandshakesForAccount";
    let mut pages = c
        .organizations
        .list_handshakes_for_account()
        .into_paginator()
        .send();
    let mut found = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| describe(ACTION, &e))?;
        // Every answer lists the handshakes, if only as `[]`: a missing list is not "none".
        let listed = page
            .handshakes
            .ok_or_else(|| format!("{ACTION}: the answer has no Handshakes list"))?;
        for h in listed {
            let organization_id = h
                .parties
                .iter()
                .flatten()
                .find(|p| p.r#type == HandshakePartyType::Organization)
                .map(|p| p.id.clone());
            let resources = h.resources.as_deref().unwrap_or_default();
            let find = |types: &[HandshakeResourceType]| resource_value(resources, types);
            found.push(Handshake {
                id: h.id.unwrap_or_default(),
                action: h.action.map(|a| a.as_str().to_string()).unwrap_or_default(),
                state: h.state.map(|s| s.as_str().to_string()).unwrap_or_default(),
                // The ORGANIZATION party, else the ORGANIZATION resource.
                organization_id: organization_id
                    .or_else(|| find(&[HandshakeResourceType::Organization])),
                expires_at: h.expiration_timestamp.as_ref().and_then(timestamp),
                management_account_id: find(&[HandshakeResourceType::ManagementAccount]),
                management_account_email: find(&[
                    HandshakeResourceType::ManagementEmail,
                    HandshakeResourceType::MasterEmail,
                ]),
                management_account_name: find(&[
                    HandshakeResourceType::ManagementName,
                    HandshakeResourceType::MasterName,
                ]),
            });
        }
    }
    Ok(found)
}

/// The value of the first resource of one of `types`, at any depth (AWS nests the
/// management account's email and name inside the `ORGANIZATION` resource), in the order
/// `types` gives: the newer spelling first.
fn resource_value(
    resources: &[HandshakeResource],
    types: &[HandshakeResourceType],
) -> Option<String> {
    fn walk<'a>(resources: &'a [HandshakeResource], out: &mut Vec<&'a HandshakeResource>) {
        for r in resources {
            out.push(r);
            walk(r.resources.as_deref().unwrap_or_default(), out);
        }
    }
    let mut all = Vec::new();
    walk(resources, &mut all);
    types.iter().find_map(|t| {
        all.iter()
            .find(|r| r.r#type.as_ref() == Some(t))
            .and_then(|r| r.value.clone())
            .filter(|v| !v.trim().is_empty())
    })
}

async fn account_information(c: &AccountClients) -> Read<AccountInformation> {
    const ACTION: &str = "account:GetAccountInformation";
    let out = c
        .account
        .get_account_information()
        .send()
        .await
        .map_err(|e| describe(ACTION, &e))?;
    let state = out
        .account_state
        .map(|s| s.as_str().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| format!("{ACTION}: the answer has no AccountState"))?;
    Ok(AccountInformation {
        state,
        created_at: out.account_created_date.as_ref().and_then(timestamp),
        name: out.account_name,
    })
}

/// A member account may not ask (AccessDenied): that is recorded as unanswered, for the
/// check to fall back on the attestation. Throttling, timeouts and malformed answers stay
/// failures.
async fn delegated_services(c: &AccountClients, account_id: &str) -> Read<DelegatedServices> {
    const ACTION: &str = "organizations:ListDelegatedServicesForAccount";
    let mut pages = c
        .organizations
        .list_delegated_services_for_account()
        .account_id(account_id)
        .into_paginator()
        .send();
    let mut services = Vec::new();
    while let Some(page) = pages.next().await {
        match page {
            // A page without the list is no answer (an empty body parses as one): fail
            // closed rather than read "no service".
            Ok(page) => match page.delegated_services {
                Some(listed) => {
                    services.extend(listed.into_iter().filter_map(|s| s.service_principal))
                }
                None => return Err(format!("{ACTION}: the answer has no DelegatedServices")),
            },
            // The account is no delegated administrator of any service.
            Err(e) if code(&e) == Some("AccountNotRegisteredException") => {
                return Ok(DelegatedServices::Listed { services: vec![] });
            }
            Err(e)
                if matches!(
                    code(&e),
                    Some("AccessDeniedException" | "AWSOrganizationsNotInUseException")
                ) =>
            {
                return Ok(DelegatedServices::Unanswered {
                    reason: describe(ACTION, &e),
                });
            }
            Err(e) => return Err(describe(ACTION, &e)),
        }
    }
    Ok(DelegatedServices::Listed { services })
}

async fn billing_transfers(c: &AccountClients) -> Read<BillingTransfers> {
    use aws_sdk_organizations::types::ResponsibilityTransferType;
    const ACTION: &str = "organizations:ListOutboundResponsibilityTransfers";
    // The SDK has no paginator for it (botocore lists none): the pages by their token,
    // and a token answered twice is a fault, not a loop.
    let mut token: Option<String> = None;
    let mut tokens = std::collections::HashSet::new();
    let mut transfers = Vec::new();
    loop {
        let answer = c
            .organizations
            .list_outbound_responsibility_transfers()
            .r#type(ResponsibilityTransferType::Billing)
            .set_next_token(token.clone())
            .send()
            .await;
        let page = match answer {
            Ok(page) => page,
            // A member account may not list them; a standalone one has no organization.
            Err(e)
                if matches!(
                    code(&e),
                    Some("AccessDeniedException" | "AWSOrganizationsNotInUseException")
                ) =>
            {
                return Ok(BillingTransfers::Unanswered {
                    reason: describe(ACTION, &e),
                });
            }
            Err(e) => return Err(describe(ACTION, &e)),
        };
        // A page without the list is no answer (an empty body parses as one): fail closed
        // rather than read "no transfer".
        let listed = page
            .responsibility_transfers
            .ok_or_else(|| format!("{ACTION}: the answer has no ResponsibilityTransfers list"))?;
        for t in listed {
            let id =
                t.id.ok_or_else(|| format!("{ACTION}: a transfer without its Id"))?;
            let status = t
                .status
                .ok_or_else(|| format!("{ACTION}: transfer {id} without its Status"))?;
            let (payer_account_id, payer_email) = t
                .target
                .map(|p| (p.management_account_id, p.management_account_email))
                .unwrap_or_default();
            transfers.push(BillingTransfer {
                id,
                name: t.name,
                status: status.as_str().to_string(),
                payer_account_id,
                payer_email,
                start: t.start_timestamp.as_ref().and_then(timestamp),
                end: t.end_timestamp.as_ref().and_then(timestamp),
                handshake_id: t.active_handshake_id,
            });
        }
        match page.next_token.filter(|t| !t.is_empty()) {
            Some(next) if !tokens.insert(next.clone()) => {
                return Err(format!("{ACTION}: the answer repeats its NextToken {next}"));
            }
            Some(next) => token = Some(next),
            None => return Ok(BillingTransfers::Listed { transfers }),
        }
    }
}

async fn billing_contact(c: &AccountClients) -> Read<Option<Contact>> {
    const ACTION: &str = "account:GetAlternateContact";
    let answer = c
        .account
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Billing)
        .send()
        .await;
    match answer {
        // "No contact" is a ResourceNotFoundException; a success must carry the contact.
        Ok(out) => out
            .alternate_contact
            .map(|contact| {
                Some(Contact {
                    name: contact.name,
                    email: contact.email_address,
                })
            })
            .ok_or_else(|| format!("{ACTION}: the answer has no AlternateContact")),
        // The documented answer when no contact of that type is set.
        Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(describe(ACTION, &e)),
    }
}

async fn primary_contact(c: &AccountClients) -> Read<Option<ContactInformation>> {
    const ACTION: &str = "account:GetContactInformation";
    match c.account.get_contact_information().send().await {
        Ok(out) => {
            let info = out
                .contact_information
                .ok_or_else(|| format!("{ACTION}: the answer has no ContactInformation"))?;
            // Required fields the answer leaves out arrive as "": said as missing.
            let given = |v: String| Some(v).filter(|v| !v.trim().is_empty());
            let optional = |v: Option<String>| v.and_then(given);
            Ok(Some(ContactInformation {
                full_name: given(info.full_name),
                company_name: optional(info.company_name),
                address_line1: given(info.address_line1),
                address_line2: optional(info.address_line2),
                city: given(info.city),
                state_or_region: optional(info.state_or_region),
                postal_code: given(info.postal_code),
                country_code: given(info.country_code),
                phone_number: given(info.phone_number),
                website_url: optional(info.website_url),
            }))
        }
        // The documented answer when no contact information is set.
        Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(describe(ACTION, &e)),
    }
}

/// `iam:SimulatePrincipalPolicy` of `organizations:LeaveOrganization` and
/// `organizations:AcceptHandshake` for `principal`, in one call.
async fn leave_permission(c: &AccountClients, principal: &str) -> Read<LeaveSimulation> {
    const ACTION: &str = "iam:SimulatePrincipalPolicy";
    let out = match c
        .iam
        .simulate_principal_policy()
        .policy_source_arn(principal)
        .action_names(LEAVE_ACTION)
        .action_names(ACCEPT_ACTION)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) if code(&e) == Some("NoSuchEntity") => {
            return Ok(LeaveSimulation {
                principal: principal.to_string(),
                outcome: LeaveOutcome::NoSuchPrincipal,
                accept_handshake: Some(LeaveOutcome::NoSuchPrincipal),
            });
        }
        Err(e) => return Err(describe(ACTION, &e)),
    };
    let results = out.evaluation_results.unwrap_or_default();
    let outcome = |action: &str| -> Read<LeaveOutcome> {
        let result = results
            .iter()
            .find(|r| r.eval_action_name.eq_ignore_ascii_case(action))
            .ok_or_else(|| format!("{ACTION}: the answer has no EvaluationResult for {action}"))?;
        Ok(LeaveOutcome::Evaluated {
            eval_decision: result.eval_decision.as_str().to_string(),
            allowed_by_organizations: result
                .organizations_decision_detail
                .as_ref()
                .map(|d| d.allowed_by_organizations),
        })
    };
    Ok(LeaveSimulation {
        principal: principal.to_string(),
        outcome: outcome(LEAVE_ACTION)?,
        accept_handshake: Some(outcome(ACCEPT_ACTION)?),
    })
}

/// Every item of every page, a page at a time. (The SDK's `.items()` stream hands each
/// item through a channel of its own: a few thousand instructions an item, for nothing.)
async fn every_page<O, E, T>(
    mut pages: PaginationStream<Result<O, SdkError<E, HttpResponse>>>,
    action: &str,
    mut take: impl FnMut(O, &mut Vec<T>),
) -> Read<Vec<T>>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        take(page.map_err(|e| describe(action, &e))?, &mut items);
    }
    Ok(items)
}

async fn policies(c: &AccountClients) -> Read<Vec<NamedEntity>> {
    let pages = c
        .iam
        .list_policies()
        .scope(PolicyScopeType::Local)
        .max_items(IAM_PAGE)
        .into_paginator()
        .send();
    every_page(pages, "iam:ListPolicies", |page, out| {
        out.extend(page.policies.into_iter().flatten().map(|p| NamedEntity {
            name: p.policy_name.unwrap_or_default(),
            arn: p.arn.unwrap_or_default(),
        }))
    })
    .await
}

/// Real IAM URL-encodes trust policies; some emulators send JSON as it is. Decoded here,
/// once: facts and snapshots hold the JSON. A document that does not decode is kept as
/// sent, and the checks then name it as unreadable.
pub(crate) fn decode_policy(document: Option<String>) -> String {
    let document = document.unwrap_or_default();
    if document.trim_start().starts_with('{') {
        return document;
    }
    percent_decoded(&document).unwrap_or(document)
}

/// `%XX` escapes decoded (nothing else: IAM encodes a space as `%20`); `None` when the
/// result is not UTF-8. A `%` that starts no escape stands for itself.
fn percent_decoded(text: &str) -> Option<String> {
    /// Each byte's value as a hex digit; 0xFF for a byte that is not one.
    const HEX: [u8; 256] = {
        let mut table = [0xFF; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = match b as u8 {
                c @ b'0'..=b'9' => c - b'0',
                c @ b'a'..=b'f' => c - b'a' + 10,
                c @ b'A'..=b'F' => c - b'A' + 10,
                _ => 0xFF,
            };
            b += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if b == b'%' && at + 2 < bytes.len() {
            let (high, low) = (
                HEX[usize::from(bytes[at + 1])],
                HEX[usize::from(bytes[at + 2])],
            );
            if high < 16 && low < 16 {
                out.push(high << 4 | low);
                at += 3;
                continue;
            }
        }
        out.push(b);
        at += 1;
    }
    String::from_utf8(out).ok()
}

async fn roles(c: &AccountClients) -> Read<Vec<Role>> {
    let pages = c
        .iam
        .list_roles()
        .max_items(IAM_PAGE)
        .into_paginator()
        .send();
    every_page(pages, "iam:ListRoles", |page, out| {
        out.extend(page.roles.into_iter().map(|r| Role {
            name: r.role_name,
            arn: r.arn,
            path: r.path,
            trust_policy: decode_policy(r.assume_role_policy_document),
        }))
    })
    .await
}

async fn users(c: &AccountClients) -> Read<Vec<NamedEntity>> {
    let pages = c
        .iam
        .list_users()
        .max_items(IAM_PAGE)
        .into_paginator()
        .send();
    every_page(pages, "iam:ListUsers", |page, out| {
        out.extend(page.users.into_iter().map(|u| NamedEntity {
            name: u.user_name,
            arn: u.arn,
        }))
    })
    .await
}

async fn groups(c: &AccountClients) -> Read<Vec<NamedEntity>> {
    let pages = c
        .iam
        .list_groups()
        .max_items(IAM_PAGE)
        .into_paginator()
        .send();
    every_page(pages, "iam:ListGroups", |page, out| {
        out.extend(page.groups.into_iter().map(|g| NamedEntity {
            name: g.group_name,
            arn: g.arn,
        }))
    })
    .await
}

/// Each provider once, in the order listed (an ARN names one provider: AWS's published
/// ListSAMLProviders sample lists the same one twice), named by what follows the first
/// `/` of its ARN (`saml-provider/NAME`, `oidc-provider/HOST/PATH`).
fn providers(arns: impl IntoIterator<Item = String>) -> Vec<NamedEntity> {
    let mut seen = BTreeSet::new();
    arns.into_iter()
        .filter(|arn| seen.insert(arn.clone()))
        .map(|arn| {
            let name = arn
                .split_once('/')
                .map_or(arn.as_str(), |(_, name)| name)
                .to_string();
            NamedEntity { name, arn }
        })
        .collect()
}

async fn saml_providers(c: &AccountClients) -> Read<Vec<SamlProvider>> {
    let out = c
        .iam
        .list_saml_providers()
        .send()
        .await
        .map_err(|e| describe("iam:ListSAMLProviders", &e))?;
    // IAM always lists the providers, if only as an empty list: a missing list is not "none".
    let listed = out
        .saml_provider_list
        .ok_or("iam:ListSAMLProviders: the answer has no SAMLProviderList")?;
    // Each provider's metadata names its issuer: read them all at once. Every provider is
    // read, not only those a name leaves undecided, so a snapshot serves any reseller
    // definition it is evaluated with later.
    let providers = providers(listed.into_iter().filter_map(|p| p.arn));
    Ok(
        futures::future::join_all(providers.into_iter().map(|p| async move {
            let issuer = saml_issuer(c, &p.arn).await.into();
            SamlProvider {
                name: p.name,
                arn: p.arn,
                issuer: Some(issuer),
            }
        }))
        .await,
    )
}

/// The `entityID` of a SAML provider's metadata (`iam:GetSAMLProvider`).
async fn saml_issuer(c: &AccountClients, arn: &str) -> Read<String> {
    const ACTION: &str = "iam:GetSAMLProvider";
    let out = c
        .iam
        .get_saml_provider()
        .saml_provider_arn(arn)
        .send()
        .await
        .map_err(|e| describe(ACTION, &e))?;
    let document = out
        .saml_metadata_document
        .ok_or_else(|| format!("{ACTION}: the answer for {arn} has no SAMLMetadataDocument"))?;
    metadata_issuer(&document).map_err(|why| format!("{ACTION}: {arn}: {why}"))
}

/// The first `entityID` of a SAML metadata document (`EntityDescriptor`, also inside an
/// `EntitiesDescriptor`).
pub(crate) fn metadata_issuer(document: &str) -> Result<String, String> {
    let xml = roxmltree::Document::parse(document.trim())
        .map_err(|e| format!("the SAML metadata is not XML: {e}"))?;
    xml.descendants()
        .filter(|n| n.tag_name().name() == "EntityDescriptor")
        .find_map(|n| n.attribute("entityID"))
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .ok_or_else(|| "the SAML metadata names no EntityDescriptor entityID".to_string())
}

async fn oidc_providers(c: &AccountClients) -> Read<Vec<NamedEntity>> {
    let out = c
        .iam
        .list_open_id_connect_providers()
        .send()
        .await
        .map_err(|e| describe("iam:ListOpenIDConnectProviders", &e))?;
    Ok(providers(
        out.open_id_connect_provider_list
            .ok_or("iam:ListOpenIDConnectProviders: the answer has no OpenIDConnectProviderList")?
            .into_iter()
            .filter_map(|p| p.arn),
    ))
}

async fn buckets(c: &AccountClients) -> Read<Vec<String>> {
    let listed = c.listed_buckets().await.as_ref().map_err(Clone::clone)?;
    Ok(listed.iter().map(|(name, _)| name.clone()).collect())
}

/// Every bucket, with its region when ListBuckets names it (`BucketRegion`).
pub(super) async fn list_buckets(c: &AccountClients) -> Read<Vec<(String, Option<String>)>> {
    const ACTION: &str = "s3:ListBuckets";
    // With MaxBuckets the answer is paginated: AWS refuses an unpaginated ListBuckets to
    // accounts above the default bucket quota.
    let mut pages =
        c.s3.list_buckets()
            .max_buckets(BUCKET_PAGE)
            .into_paginator()
            .send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| describe(ACTION, &e))?;
        // S3 always lists the buckets, if only as `<Buckets/>`: a missing list is not "none".
        let listed = page
            .buckets
            .ok_or_else(|| format!("{ACTION}: the answer has no Buckets list"))?;
        names.extend(
            listed
                .into_iter()
                .filter_map(|b| Some((b.name?, b.bucket_region))),
        );
    }
    Ok(names)
}

async fn account_summary(c: &AccountClients) -> Read<AccountSummary> {
    const ACTION: &str = "iam:GetAccountSummary";
    let out = c
        .iam
        .get_account_summary()
        .send()
        .await
        .map_err(|e| describe(ACTION, &e))?;
    let map = out
        .summary_map
        .ok_or_else(|| format!("{ACTION}: the answer has no SummaryMap"))?;
    // AWS answers counts (AccountAccessKeysPresent can be 2): above 0 is "present".
    let flag = |key: SummaryKeyType| match map.get(&key) {
        Some(n) if *n >= 0 => Ok(*n > 0),
        Some(other) => Err(format!("{ACTION}: {} is {other}", key.as_str())),
        None => Err(format!("{ACTION}: the answer has no {}", key.as_str())),
    };
    Ok(AccountSummary {
        account_mfa_enabled: flag(SummaryKeyType::AccountMfaEnabled)?,
        account_access_keys_present: flag(SummaryKeyType::AccountAccessKeysPresent)?,
        account_signing_certificates_present: Some(flag(
            SummaryKeyType::AccountSigningCertificatesPresent,
        )?),
        // Listed since centralized root access; an answer without it says nothing.
        account_password_present: match map.get(&SummaryKeyType::AccountPasswordPresent) {
            None => None,
            Some(_) => Some(flag(SummaryKeyType::AccountPasswordPresent)?),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_management_account_is_the_last_part_of_its_account_arn() {
        assert_eq!(
            arn_account("arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111")
                .as_deref(),
            Some("111111111111")
        );
        for not_an_account in [
            "arn:aws:organizations::111111111111:organization/o-exampleorgid",
            "arn:aws:organizations::111111111111:account/o-exampleorgid/1111",
            "account/o-exampleorgid/111111111111",
        ] {
            assert_eq!(arn_account(not_an_account), None, "{not_an_account}");
        }
    }

    #[test]
    fn trust_policies_are_decoded_once() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22arn%3Aaws%3Aiam%3A%3A999999999999%3Aroot%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
        let json = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#;
        assert_eq!(decode_policy(Some(encoded.into())), json);
        // Plain JSON (as moto sends it) is kept as it is, `%` inside it included.
        let plain = r#"{"Statement":[{"Sid":"100%25"}]}"#;
        assert_eq!(decode_policy(Some(plain.into())), plain);
        // Undecodable bytes are kept for the check to name.
        assert_eq!(decode_policy(Some("%FF%FE".into())), "%FF%FE");
        assert_eq!(decode_policy(None), "");
    }

    proptest::proptest! {
        /// The same decoding as the `urlencoding` crate's, bad escapes and all.
        #[test]
        fn percent_decoding_agrees_with_urlencoding(text in "([%0-9a-fA-FgG{}\":,]|%[0-9a-fA-F]{2}|é){0,40}") {
            let theirs = urlencoding::decode(&text).ok().map(|d| d.into_owned());
            proptest::prop_assert_eq!(percent_decoded(&text), theirs);
        }
    }
}
