//! The committed JSON Schema of the report (`schema/report.schema.json`): it is what
//! `orgexit schema` prints (generated from the Rust types), and the reports orgexit writes
//! validate against it.
//!
//! After changing a report type, regenerate it:
//!   cargo run --quiet -- schema > schema/report.schema.json

use crate::common;

use common::*;
use serde_json::Value;

fn committed() -> Value {
    let text = std::fs::read_to_string(repo("schema/report.schema.json"))
        .expect("schema/report.schema.json is committed");
    serde_json::from_str(&text).expect("the committed schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&committed())
        .expect("the committed schema is a valid JSON Schema")
}

fn errors(validator: &jsonschema::Validator, report: &Value) -> Vec<String> {
    validator
        .iter_errors(report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn the_committed_schema_is_what_orgexit_generates() {
    let out = orgexit().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let generated = stdout(&out);
    let committed = std::fs::read_to_string(repo("schema/report.schema.json")).unwrap();
    assert!(
        generated == committed,
        "schema/report.schema.json is out of date with the report types; regenerate it:\n  \
         cargo run --quiet -- schema > schema/report.schema.json"
    );
}

#[test]
fn every_report_validates_against_the_committed_schema() {
    let validator = validator();
    for (variant, args) in VARIANTS {
        let report = demo_report(args);
        let errors = errors(&validator, &report);
        assert!(errors.is_empty(), "{variant}: {errors:#?}");
    }
    // The report of an unreachable account: error set, every check error.
    let report = demo_report(&["--accounts", "555566667777"]);
    assert!(report["accounts"][0]["error"].is_string());
    assert!(errors(&validator, &report).is_empty());
}

#[test]
fn the_schema_rejects_what_the_contract_forbids() {
    let validator = validator();
    let good = demo_report(&[]);
    type Break = fn(&mut Value);
    let broken: [(&str, Break); 6] = [
        ("an unknown status", |r| {
            r["accounts"][0]["checks"][0]["status"] = "maybe".into()
        }),
        ("another schema version", |r| r["schema_version"] = 2.into()),
        ("another tool", |r| r["tool"] = "other".into()),
        ("a short account ID", |r| {
            r["accounts"][0]["account_id"] = "12345".into()
        }),
        ("a missing field", |r| {
            r["summary"]
                .as_object_mut()
                .unwrap()
                .remove("ready_accounts");
        }),
        ("a bad timestamp", |r| {
            r["generated_at"] = "yesterday".into()
        }),
    ];
    for (what, break_it) in broken {
        let mut report = good.clone();
        break_it(&mut report);
        assert!(
            !errors(&validator, &report).is_empty(),
            "{what} should not validate"
        );
    }
}
