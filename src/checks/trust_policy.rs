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

//!
//! The document is read into borrowed, typed shapes ([`Document`]): only `Statement`,
//! `Effect`, `Principal`, `NotPrincipal` and `Condition` are kept, and a string without
//! escapes is not copied. Anything else in the document is skipped unread.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

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
    let policy: Document<'_> =
        serde_json::from_str(document.trim()).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => format!("trust policy: {e}"),
            _ => format!("trust policy is not valid JSON: {e}"),
        })?;
    let statements = policy.statement.ok_or("trust policy has no Statement")?.0;
    let mut grants = Vec::new();
    for statement in statements {
        let allows = statement
            .effect
            .is_some_and(|e| e.0.eq_ignore_ascii_case("Allow"));
        if !allows {
            continue;
        }
        let (orgs, accounts) = narrowing(statement.condition);
        let mut principals = Vec::new();
        if statement.not_principal.is_some() {
            principals.push(Trusted::Anyone);
        }
        match statement.principal {
            None => {}
            Some(Principal::Anyone) => principals.push(Trusted::Anyone),
            Some(Principal::Kinds(kinds)) => {
                for (kind, values) in kinds.0 {
                    for value in values.0 {
                        principals.push(classify(&kind.0, &value.0));
                    }
                }
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
fn narrowing(condition: Option<Conditions<'_>>) -> (Vec<String>, Vec<String>) {
    let mut orgs = Vec::new();
    let mut accounts = Vec::new();
    for (operator, keys) in condition.map(|c| c.0).unwrap_or_default() {
        let op = operator.0.to_ascii_lowercase();
        // "Not" and "IfExists" let in principals the key does not name, or that lack it.
        if op.contains("not") || op.ends_with("ifexists") || op == "null" {
            continue;
        }
        for (key, values) in keys.0 {
            let values: Vec<&str> = values.0.iter().map(|v| &*v.0).collect();
            // A pattern (`o-*`) narrows to no one organization or account.
            let exact = |v: &&str| !v.contains(['*', '?', '$']);
            let (into, ids): (&mut Vec<String>, Vec<&str>) =
                match key.0.to_ascii_lowercase().as_str() {
                    // aws:ResourceOrgID in a resource's own policy names the organization
                    // the resource must belong to: the account's, for as long as it is in it.
                    "aws:principalorgid" | "aws:sourceorgid" | "aws:resourceorgid" => {
                        (&mut orgs, values)
                    }
                    // `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*`: the first segment is the org.
                    "aws:principalorgpaths" => (
                        &mut orgs,
                        values
                            .iter()
                            .map(|v| v.split('/').next().unwrap_or(v))
                            .collect(),
                    ),
                    // kms:CallerAccount narrows a key policy's `"*"` to one account's callers.
                    "aws:principalaccount" | "aws:sourceaccount" | "kms:calleraccount" => {
                        (&mut accounts, values)
                    }
                    _ => continue,
                };
            if ids.iter().all(exact) {
                into.extend(ids.iter().map(|v| v.to_string()));
            }
        }
    }
    (orgs, accounts)
}

/// What of a policy document the trust is read from; every other member is skipped.
#[derive(Deserialize)]
struct Document<'a> {
    #[serde(rename = "Statement", borrow, default, deserialize_with = "present")]
    statement: Option<OneOrMany<Statement<'a>>>,
}

/// A member that is absent is `None`; one that is present is read as `T`, `null` included
/// (a `Principal` or `Condition` of `null` is unreadable, not missing).
#[derive(Deserialize)]
struct Statement<'a> {
    #[serde(rename = "Effect", borrow, default)]
    effect: Option<Text<'a>>,
    #[serde(rename = "Principal", borrow, default, deserialize_with = "present")]
    principal: Option<Principal<'a>>,
    #[serde(rename = "NotPrincipal", default, deserialize_with = "present")]
    not_principal: Option<IgnoredAny>,
    #[serde(rename = "Condition", borrow, default, deserialize_with = "present")]
    condition: Option<Conditions<'a>>,
}

/// A member that is there, whatever its value: `Some`, or the value's error.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// `{"StringEquals": {"aws:PrincipalOrgID": "o-…"}}`, in the document's order.
type Conditions<'a> = Pairs<Text<'a>, Pairs<Text<'a>, OneOrMany<Text<'a>>>>;

/// `"*"`, or `{"AWS": …, "Service": …, "Federated": …}` in the document's order.
enum Principal<'a> {
    Anyone,
    Kinds(Pairs<Text<'a>, OneOrMany<Text<'a>>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for Principal<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Principal<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a Principal: "*" or an object of principal kinds"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "*" {
                    Ok(Principal::Anyone)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                Pairs::deserialize(de::value::MapAccessDeserializer::new(map)).map(Principal::Kinds)
            }
        }
        deserializer.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A string, borrowed from the document unless it had escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(V(std::marker::PhantomData))
    }
}

/// One value or an array of them, as IAM accepts for `Statement`, principals and
/// condition values.
struct OneOrMany<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one value or an array of them")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Self::Value, S::Error> {
                let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(one) = seq.next_element()? {
                    all.push(one);
                }
                Ok(OneOrMany(all))
            }
            fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|one| OneOrMany(vec![one]))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                T::deserialize(de::value::BorrowedStrDeserializer::new(v))
                    .map(|one| OneOrMany(vec![one]))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(de::value::StrDeserializer::new(v)).map(|one| OneOrMany(vec![one]))
            }
        }
        deserializer.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A JSON object's members in the document's order.
struct Pairs<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Pairs<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Members<K, V> {
            type Value = Pairs<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Self::Value, M::Error> {
                let mut all = Vec::with_capacity(map.size_hint().unwrap_or(1));
                while let Some(member) = map.next_entry()? {
                    all.push(member);
                }
                Ok(Pairs(all))
            }
        }
        deserializer.deserialize_map(Members(std::marker::PhantomData))
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
pub(crate) fn account_of(value: &str) -> Option<String> {
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
            // Present but null: not the same as absent.
            r#"{"Statement":null}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":null}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Condition":null}]}"#,
        ] {
            assert!(trusted_principals(doc).is_err(), "{doc}");
        }
        // `NotPrincipal`, whatever it holds, lets in everyone else.
        assert_eq!(
            trusted_principals(r#"{"Statement":[{"Effect":"Allow","NotPrincipal":null}]}"#),
            Ok(vec![Trusted::Anyone])
        );
    }
}
