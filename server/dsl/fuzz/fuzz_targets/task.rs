//! Any text: the task parser and validator must not panic or overflow the stack, errors must
//! render, and a definition that parses must print to DSL that parses back to the same definition.
#![no_main]

use dataflow_dsl::task::{parse_task, print_task, task_to_graph};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_task(text) {
        Ok(definition) => {
            let _ = dataflow_dsl::task::validate(&definition, text);
            let _ = task_to_graph(&definition);
            let printed = print_task(&definition);
            let reparsed = parse_task(&printed)
                .unwrap_or_else(|e| panic!("printed DSL does not parse: {printed:?}\n{e}"));
            assert_eq!(print_task(&reparsed), printed, "printing is not a fixed point");
        }
        Err(error) => {
            let _ = error.formatted();
        }
    }
});
