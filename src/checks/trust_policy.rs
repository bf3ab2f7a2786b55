//! Who a role's trust policy lets in.
//!
//! The collector has already URL-decoded the document (real IAM sends it encoded), so this
//! reads JSON. `Statement`, `Principal` and the values inside it come as an object, an
//! array or a single string; all forms are read.
//!
//! A principal can be narrowed by the statement's `Condition`: `"*"` with
//! `aws:PrincipalOrgID` lets in every principal of one organization. The keys that name
//! an organization or an account are read into [`Grant::orgs`] and [`Grant::accounts`];
//! a negated (`StringNotEquals`), `…IfExists` or wildcard condition narrows nothing.

use serde_json::Value;

/// One principal an `Allow` statement trusts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Trusted {
    /// An AWS account (from an ID, a root/role/user/assumed-role ARN).
    Account(String),
    /// `"*"` or `NotPrincipal`: anyone.
    Anyone,
    /// An AWS service (`ec2.amazonaws.com`): never outside.
    Service(String),
    /// A SAML or OIDC provider ARN, or a public web identity provider.
    Federated(String),
    /// Something that names no account (e.g. a unique ID left by a deleted principal).
    Unresolved(String),
}

/// One principal an `Allow` statement trusts, with what its conditions narrow it to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Grant {
    pub principal: Trusted,
    /// Organizations the principal must belong to (`aws:PrincipalOrgID`,
    /// `aws:SourceOrgID`, the organization of `aws:PrincipalOrgPaths`); empty: any.
    pub orgs: Vec<String>,
    /// Accounts the principal must belong to (`aws:PrincipalAccount`,
    /// `aws:SourceAccount`); empty: any.
    pub accounts: Vec<String>,
}

/// Parses a trust policy document into what its `Allow` statements grant, and to whom.
pub fn grants(document: &str) -> Result<Vec<Grant>, String> {
    let policy: Value = serde_json::from_str(document.trim())
        .map_err(|e| format!("trust policy is not valid JSON: {e}"))?;
    let statements = match policy.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(statement @ Value::Object(_)) => vec![statement],
        Some(_) => return Err("trust policy Statement is neither an object nor an array".into()),
        None => return Err("trust policy has no Statement".into()),
    };
    let mut grants = Vec::new();
    for statement in statements {
        let effect = statement
            .get("Effect")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !effect.eq_ignore_ascii_case("Allow") {
            continue;
        }
        let (orgs, accounts) = narrowing(statement.get("Condition"))?;
        let mut principals = Vec::new();
        if statement.get("NotPrincipal").is_some() {
            principals.push(Trusted::Anyone);
        }
        match statement.get("Principal") {
            None => {}
            Some(Value::String(s)) if s == "*" => principals.push(Trusted::Anyone),
            Some(Value::Object(map)) => {
                for (kind, values) in map {
                    for value in strings(values)? {
                        principals.push(classify(kind, value));
                    }
                }
            }
            Some(other) => {
                return Err(format!("trust policy has an unexpected Principal: {other}"));
            }
        }
        grants.extend(principals.into_iter().map(|principal| Grant {
            principal,
            orgs: orgs.clone(),
            accounts: accounts.clone(),
        }));
    }
    grants.sort();
    grants.dedup();
    Ok(grants)
}

/// The organizations and accounts a statement's `Condition` narrows its principals to.
fn narrowing(condition: Option<&Value>) -> Result<(Vec<String>, Vec<String>), String> {
    let mut orgs = Vec::new();
    let mut accounts = Vec::new();
    let Some(condition) = condition else {
        return Ok((orgs, accounts));
    };
    let Value::Object(operators) = condition else {
        return Err(format!(
            "trust policy has an unexpected Condition: {condition}"
        ));
    };
    for (operator, keys) in operators {
        let op = operator.to_ascii_lowercase();
        // "Not" and "IfExists" let in principals the key does not name, or that lack it.
        if op.contains("not") || op.ends_with("ifexists") || op == "null" {
            continue;
        }
        let Value::Object(keys) = keys else {
            return Err(format!(
                "trust policy condition {operator} is not an object: {keys}"
            ));
        };
        for (key, values) in keys {
            let values = strings(values)?;
            // A pattern (`o-*`) narrows to no one organization or account.
            let exact = |v: &&str| !v.contains(['*', '?', '$']);
            let (into, ids): (&mut Vec<String>, Vec<&str>) = match key.to_ascii_lowercase().as_str()
            {
                "aws:principalorgid" | "aws:sourceorgid" => (&mut orgs, values),
                // `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*`: the first segment is the org.
                "aws:principalorgpaths" => (
                    &mut orgs,
                    values
                        .iter()
                        .map(|v| v.split('/').next().unwrap_or(v))
                        .collect(),
                ),
                "aws:principalaccount" | "aws:sourceaccount" => (&mut accounts, values),
                _ => continue,
            };
            if ids.iter().all(exact) {
                into.extend(ids.iter().map(|v| v.to_string()));
            }
        }
    }
    Ok((orgs, accounts))
}

fn strings(value: &Value) -> Result<Vec<&str>, String> {
    match value {
        Value::String(s) => Ok(vec![s.as_str()]),
        Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| format!("trust policy principal is not a string: {v}"))
            })
            .collect(),
        other => Err(format!("trust policy principal is not a string: {other}")),
    }
}

fn classify(kind: &str, value: &str) -> Trusted {
    match kind {
        "Service" => Trusted::Service(value.to_string()),
        "Federated" => Trusted::Federated(value.to_string()),
        _ if value == "*" => Trusted::Anyone,
        "AWS" => account_of(value)
            .map_or_else(|| Trusted::Unresolved(value.to_string()), Trusted::Account),
        // CanonicalUser and anything new: not an account we can name.
        _ => Trusted::Unresolved(format!("{kind}:{value}")),
    }
}

/// The account ID in `123456789012` or `arn:aws:iam::123456789012:...`.
pub fn account_of(value: &str) -> Option<String> {
    let is_id = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_id(value) {
        return Some(value.to_string());
    }
    let parts: Vec<&str> = value.split(':').collect();
    (parts.len() >= 6 && parts[0] == "arn" && is_id(parts[4])).then(|| parts[4].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The principals the `Allow` statements trust, whatever the conditions.
    fn trusted_principals(document: &str) -> Result<Vec<Trusted>, String> {
        let mut trusted: Vec<Trusted> =
            grants(document)?.into_iter().map(|g| g.principal).collect();
        trusted.sort();
        trusted.dedup();
        Ok(trusted)
    }

    #[test]
    fn reads_every_shape() {
        let cases: &[(&str, &[Trusted])] = &[
            (
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}"#,
                &[Trusted::Account("999999999999".into())],
            ),
            (
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:role/x"]}}}"#,
                &[
                    Trusted::Account("111111111111".into()),
                    Trusted::Account("222222222222".into()),
                ],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":"*"}]}"#,
                &[Trusted::Anyone],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"}}]}"#,
                &[Trusted::Anyone],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]}}]}"#,
                &[Trusted::Service("ec2.amazonaws.com".into())],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:saml-provider/CTL-Okta"}}]}"#,
                &[Trusted::Federated(
                    "arn:aws:iam::111111111111:saml-provider/CTL-Okta".into(),
                )],
            ),
            (
                r#"{"Statement":[{"Effect":"Deny","Principal":{"AWS":"999999999999"}}]}"#,
                &[],
            ),
            (
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"AROAEXAMPLEID"}}]}"#,
                &[Trusted::Unresolved("AROAEXAMPLEID".into())],
            ),
        ];
        for (doc, expected) in cases {
            assert_eq!(trusted_principals(doc).unwrap(), *expected, "{doc}");
        }
    }

    #[test]
    fn conditions_narrow_principals() {
        let doc = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-reseller01"}}}]}"#;
        let g = grants(doc).unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].principal, Trusted::Anyone);
        assert_eq!(g[0].orgs, ["o-reseller01"]);
        let doc = r#"{"Statement":{"Effect":"Allow","Principal":"*","Condition":{
            "ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-abc123/r-ab12/ou-ab12-1111/*"]},
            "StringEquals":{"AWS:SourceAccount":["222233334444"]}}}}"#;
        let g = grants(doc).unwrap();
        assert_eq!(g[0].orgs, ["o-abc123"]);
        assert_eq!(g[0].accounts, ["222233334444"]);
        // Negated, IfExists and wildcard conditions narrow nothing.
        for condition in [
            r#"{"StringNotEquals":{"aws:PrincipalOrgID":"o-mine0001"}}"#,
            r#"{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-mine0001"}}"#,
            r#"{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#,
            r#"{"StringEquals":{"sts:ExternalId":"abc"}}"#,
        ] {
            let doc = format!(
                r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Condition":{condition}}}]}}"#
            );
            let g = grants(&doc).unwrap();
            assert!(
                g[0].orgs.is_empty() && g[0].accounts.is_empty(),
                "{condition}"
            );
        }
        let bad = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Condition":"x"}]}"#;
        assert!(grants(bad).is_err());
    }

    #[test]
    fn malformed_documents_are_errors() {
        for doc in [
            "",
            "%7Bnot json",
            r#"{"Version":"2012-10-17"}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":5}}]}"#,
            r#"{"Statement":"x"}"#,
        ] {
            assert!(trusted_principals(doc).is_err(), "{doc}");
        }
    }
}
