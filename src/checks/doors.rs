//! Closing a reseller door in a policy document, for the runbook: the role trust, bucket
//! or key policy with the reseller's principals taken out and everything else as it was.
//!
//! A door is what `iam-federation` and `resource-policies` call one, judged by the same
//! [`judge`]: a principal that is the reseller's (an account, its organization by
//! condition, one of its identity providers), or `"*"` narrowed to nothing. A statement
//! whose principal is the reseller's only through its condition, or that lets in anyone,
//! goes whole; otherwise only the reseller's principals leave it, and a statement left
//! with none goes too.

use serde_json::{Map, Value};

use super::Context;
use super::iam_federation::{Who, judge, provider_marks};
use super::trust_policy::grants;
use crate::facts::AccountFacts;

/// A document with the reseller's doors closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Closed {
    /// The document as it is, pretty-printed (what the diff is against).
    pub before: String,
    /// The document without the reseller's principals, pretty-printed; `None`: no
    /// statement is left.
    pub after: Option<String>,
    /// Who was taken out, as the checks name them.
    pub removed: Vec<String>,
}

/// The document without the reseller's doors; `Ok(None)` when it has none. `role`: the
/// role whose trust policy it is (`""` for a bucket or key policy), judged as the checks
/// judge it (`OrganizationAccountAccessRole` trusting the account that created it).
pub(crate) fn close_doors(
    facts: &AccountFacts,
    ctx: &Context<'_>,
    document: &str,
    role: &str,
) -> Result<Option<Closed>, String> {
    let mut policy: Value = serde_json::from_str(document.trim())
        .map_err(|e| format!("the policy is not valid JSON: {e}"))?;
    let roles = facts.roles().map(Vec::as_slice).unwrap_or_default();
    let providers = match (facts.saml_providers(), facts.oidc_providers()) {
        (Ok(saml), Ok(oidc)) => provider_marks(saml, oidc, ctx),
        _ => Vec::new(),
    };
    let (judge, _) = judge(facts, ctx, roles, providers, None);
    let reseller = |statement: &Value| -> Result<Vec<String>, String> {
        let one = serde_json::json!({ "Statement": [statement] }).to_string();
        Ok(grants(&one)?
            .iter()
            .flat_map(|g| judge.grant(g, role))
            .filter_map(|who| match who {
                Who::Reseller(said) => Some(said),
                _ => None,
            })
            .collect())
    };
    let before = serde_json::to_string_pretty(&policy).expect("a value serializes");
    let Some(object) = policy.as_object_mut() else {
        return Err("the policy is not a JSON object".to_string());
    };
    let (statements, single) = match object.get("Statement") {
        Some(Value::Array(list)) => (list.clone(), false),
        Some(one @ Value::Object(_)) => (vec![one.clone()], true),
        _ => return Err("the policy has no Statement".to_string()),
    };
    let mut removed = Vec::new();
    let mut kept = Vec::new();
    for statement in statements {
        let who = reseller(&statement)?;
        if who.is_empty() {
            kept.push(statement);
            continue;
        }
        removed.extend(who);
        if let Some(narrowed) = without_reseller_principals(&statement, &reseller)? {
            kept.push(narrowed);
        }
    }
    if removed.is_empty() {
        return Ok(None);
    }
    removed.sort();
    removed.dedup();
    let after = if kept.is_empty() {
        None
    } else {
        let statement = if single && kept.len() == 1 {
            kept.pop().expect("one statement")
        } else {
            Value::Array(kept)
        };
        object.insert("Statement".to_string(), statement);
        Some(serde_json::to_string_pretty(&policy).expect("a value serializes"))
    };
    Ok(Some(Closed {
        before,
        after,
        removed,
    }))
}

/// The statement with only the principals that are not the reseller's; `None` when none
/// is left, or when the statement lets in the reseller otherwise than by naming it (`"*"`
/// with a condition, `NotPrincipal`).
fn without_reseller_principals(
    statement: &Value,
    reseller: &impl Fn(&Value) -> Result<Vec<String>, String>,
) -> Result<Option<Value>, String> {
    let Some(fields) = statement.as_object() else {
        return Ok(None);
    };
    if fields.contains_key("NotPrincipal") {
        return Ok(None);
    }
    let Some(Value::Object(principal)) = fields.get("Principal") else {
        return Ok(None);
    };
    let mut left = Map::new();
    for (kind, values) in principal {
        let listed = match values {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        let mut staying = Vec::new();
        for value in listed {
            if value == "*" {
                return Ok(None);
            }
            let mut alone = fields.clone();
            alone.insert(
                "Principal".to_string(),
                Value::Object(Map::from_iter([(kind.clone(), value.clone())])),
            );
            if reseller(&Value::Object(alone))?.is_empty() {
                staying.push(value);
            }
        }
        match (staying.len(), values) {
            (0, _) => {}
            (1, Value::String(_)) => {
                left.insert(kind.clone(), staying.pop().expect("one"));
            }
            _ => {
                left.insert(kind.clone(), Value::Array(staying));
            }
        }
    }
    if left.is_empty() {
        return Ok(None);
    }
    let mut narrowed = fields.clone();
    narrowed.insert("Principal".to_string(), Value::Object(left));
    Ok(Some(Value::Object(narrowed)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testing::*;
    use crate::facts::{Fact, Membership, Organization, Role};

    /// A member of the reseller's organization (management account 999999999999), with
    /// no roles or providers of its own.
    fn member() -> AccountFacts {
        AccountFacts {
            organization: Some(Fact::Ok(Membership::Member(Organization {
                id: "o-reseller001".into(),
                management_account_id: "999999999999".into(),
                management_account_email: None,
            }))),
            roles: Some(Fact::Ok(Vec::<Role>::new())),
            saml_providers: Some(Fact::Ok(vec![])),
            oidc_providers: Some(Fact::Ok(vec![])),
            ..facts()
        }
    }

    fn close(document: &str) -> Option<Closed> {
        let setup = Setup::new(crate::checks::Phase::Post);
        let facts = member();
        let ctx = setup.ctx();
        close_doors(&facts, &ctx, document, "").unwrap()
    }

    #[test]
    fn only_the_resellers_principal_leaves_and_the_rest_stays_as_it_was() {
        let closed = close(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Both","Effect":"Allow",
                "Principal":{"AWS":["arn:aws:iam::999999999999:root","arn:aws:iam::444455556666:root"]},
                "Action":"sts:AssumeRole"}]}"#,
        )
        .expect("a door");
        let after: Value = serde_json::from_str(closed.after.as_deref().unwrap()).unwrap();
        assert_eq!(
            after,
            serde_json::json!({"Version":"2012-10-17","Statement":[{"Sid":"Both","Effect":"Allow",
                "Principal":{"AWS":["arn:aws:iam::444455556666:root"]},"Action":"sts:AssumeRole"}]})
        );
        assert_eq!(closed.removed.len(), 1, "{:?}", closed.removed);
        // Key order is kept: the diff shows only what changed.
        assert!(closed.after.unwrap().find("\"Sid\"") < closed.before.find("\"Action\""));
    }

    #[test]
    fn a_statement_that_lets_the_reseller_in_by_condition_goes_whole() {
        let closed = close(
            r#"{"Statement":[
                {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
                 "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-reseller001"}}},
                {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
                 "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        )
        .expect("a door");
        let after: Value = serde_json::from_str(closed.after.as_deref().unwrap()).unwrap();
        assert_eq!(after["Statement"].as_array().unwrap().len(), 1);
        assert_eq!(after["Statement"][0]["Effect"], "Deny");
    }

    /// The role AWS Organizations creates trusts the account that created it: the
    /// reseller's, though nothing else names that account.
    #[test]
    fn the_organization_role_trusting_its_creator_is_a_door() {
        let mut setup = Setup::new(crate::checks::Phase::Post);
        setup.reseller.accounts.clear();
        let facts = AccountFacts {
            organization: Some(Fact::Ok(Membership::Standalone)),
            ..member()
        };
        let ctx = setup.ctx();
        let trust = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}"#;
        let closed = close_doors(&facts, &ctx, trust, "OrganizationAccountAccessRole")
            .unwrap()
            .expect("a door");
        assert_eq!(closed.after, None);
        assert_eq!(close_doors(&facts, &ctx, trust, "Other").unwrap(), None);
    }

    #[test]
    fn nothing_left_and_no_door_at_all() {
        let gone = close(
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"999999999999"},"Action":"sts:AssumeRole"}}"#,
        )
        .expect("a door");
        assert_eq!(gone.after, None);
        assert_eq!(
            close(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
            ),
            None
        );
    }
}
