//! The JSON Schema of the report (`--format json`), generated from the [`Report`] types
//! so it cannot drift from what orgexit writes. `orgexit schema` prints it; the copy
//! committed at `schema/report.schema.json` is checked against it by the tests
//! (regenerate with `cargo run -- schema > schema/report.schema.json`).

use schemars::generate::SchemaSettings;

use super::Report;

pub(crate) fn render() -> String {
    // As written, not as read: `waived` is always written, so it is required here even
    // though the reader accepts older reports without it.
    let schema = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Report>();
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema always serializes");
    text.push('\n');
    text
}
