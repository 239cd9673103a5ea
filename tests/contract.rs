//! The public contract's names as the JS side reads them: option names,
//! hook names, error codes and the task protocol's wire names, rendered
//! from their Rust definitions into `src/js/lib/contract.js`, which the JS
//! imports and `tsc` checks `src/js/index.d.ts` against
//! (`tests/types/contract.ts`). This test fails when that file is stale;
//! `KLING_EXTEND_WRITE_CONTRACT=1 cargo test contract` writes it again.

use kling_extend_core::client::hook;
use kling_extend_core::client::options::{option_names, TAKEN_BEFORE};
use kling_extend_core::client::task::{TaskEvent, TaskKind};
use kling_extend_core::providers::AnyProvider;
use kling_extend_core::types::error::ErrorCode;
use kling_extend_core::types::http::Transport;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/js/lib/contract.js");

/// The options the I/O layer takes that are values, not functions: every
/// other option it takes is a hook, a function it calls.
const TAKEN_AS_VALUES: [&str; 2] = ["signal", "logger"];

/// `names` as a JS constant, a list typed as its literals.
fn list(doc: &str, name: &str, names: &[&str]) -> String {
    let items: Vec<String> = names.iter().map(|name| format!("\"{name}\"")).collect();
    format!("/** {doc} */\nexport const {name} = /** @type {{const}} */ ([{}]);\n", items.join(", "))
}

/// `value` as a JS string constant.
fn text(doc: &str, name: &str, value: &str) -> String {
    format!("/** {doc} */\nexport const {name} = \"{value}\";\n")
}

/// The whole of `src/js/lib/contract.js`.
fn render() -> String {
    let named = option_names::<AnyProvider>();
    let options = &named[..named.len() - TAKEN_BEFORE.len()];
    let hooks: Vec<&str> = TAKEN_BEFORE.iter().copied().filter(|name| !TAKEN_AS_VALUES.contains(name)).collect();
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|code| code.as_str()).collect();
    let kinds: Vec<&str> = TaskKind::ALL.iter().map(|kind| kind.wire_name()).collect();
    let events: Vec<&str> = TaskEvent::ALL.iter().map(|event| event.wire_name()).collect();
    [
        "// Generated from the Rust core by `cargo test` (tests/contract.rs): do not\n// edit. `KLING_EXTEND_WRITE_CONTRACT=1 cargo test contract` writes it again.\n".to_owned(),
        list("The options the core takes as data (crates/core/src/client/options.rs, and each provider's credentials).", "OPTIONS", options),
        list("The options that are functions: the driver calls them.", "HOOKS", &hooks),
        list("The other options JS takes, never sent to the core.", "TAKEN_AS_VALUES", &TAKEN_AS_VALUES),
        list("`KlingExtendError.code`s the core makes (crates/core/src/types/error.rs).", "ERROR_CODES", &codes),
        list("The network calls the core runs as tasks (crates/core/src/client/task.rs).", "TASK_KINDS", &kinds),
        list("What the driver reports of a step that is not a response.", "EVENTS", &events),
        text("The `aborted` event's detail when a request was under way.", "IN_FLIGHT", TaskEvent::IN_FLIGHT),
        text("The `failed` event's detail when the runtime refused to send.", "NOT_SENT", Transport::NOT_SENT),
        list("The hooks a step's updates name (crates/core/src/client/hook.rs).", "UPDATE_HOOKS", &hook::ALL),
    ]
    .join("\n")
}

#[test]
fn contract_js_is_generated_from_the_rust_definitions() {
    let rendered = render();
    if std::env::var_os("KLING_EXTEND_WRITE_CONTRACT").is_some() {
        std::fs::write(PATH, &rendered).expect("src/js/lib/contract.js is writable");
    }
    let current = std::fs::read_to_string(PATH).unwrap_or_default();
    assert!(
        current == rendered,
        "src/js/lib/contract.js is stale: run `KLING_EXTEND_WRITE_CONTRACT=1 cargo test contract` and commit it"
    );
}

#[test]
fn the_names_are_distinct_and_the_hooks_are_updates_or_fetch() {
    let mut all: Vec<&str> = option_names::<AnyProvider>();
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(all.len(), before, "an option named twice");
    assert!(TAKEN_AS_VALUES.iter().all(|name| TAKEN_BEFORE.contains(name)));
    // Every caller's hook but fetch is an update's; `log` is the logger's.
    for name in TAKEN_BEFORE.iter().filter(|name| !TAKEN_AS_VALUES.contains(name) && **name != "fetch") {
        assert!(hook::ALL.contains(&&**name), "{name} is no update's");
    }
}

#[test]
fn the_driver_details_mean_what_the_core_reads_them_as() {
    assert_eq!(Transport::from_cause_code(Some(Transport::NOT_SENT)), Transport::NeverSent);
}
