//! Any text: the stream parser must not panic, errors must render, and a definition that parses
//! must print to DSL that parses back to the same definition (printing is a fixed point).
#![no_main]

use dataflow_dsl::stream::{parse_stream, print_stream};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_stream(text) {
        Ok(definition) => {
            let printed = print_stream(&definition);
            let reparsed = parse_stream(&printed)
                .unwrap_or_else(|e| panic!("printed DSL does not parse: {printed:?}\n{e}"));
            assert_eq!(print_stream(&reparsed), printed, "printing is not a fixed point");
            assert_eq!(reparsed.apps.len(), definition.apps.len());
        }
        Err(error) => {
            let _ = error.formatted();
        }
    }
});
