//! What reading a hostile document costs as it grows: numbers such as
//! `1e-300`, one object with thousands of keys (most repeated), nesting at
//! serde_json's limit. Each is parsed, redacted and written back, as an
//! answer is. Four times the size must cost well under sixteen times the
//! time (goal: under 12×, a linear cost with room for the machine's noise).
//! A timing, so a benchmark rather than a test: on a busy machine a test of
//! it fails for reasons that are not the code's.
//!
//!   cargo run --quiet --release --example hostile_documents
//!
//! Printed as a markdown section of the benchmark report (scripts/bench.sh).

use kling_extend_core::types::json;
use kling_extend_core::types::redact::{Redact, Secrets};
use std::time::{Duration, Instant};

/// At most this many times the time for four times the size.
const GOAL: f64 = 12.0;

/// The least of a few runs, so one scheduling hiccup does not count.
fn fastest(run: impl Fn()) -> Duration {
    (0..7)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn cost(text: &str) -> Duration {
    let secrets = Secrets::new(["secret-key"], Some("signing-key"));
    fastest(|| {
        if let Ok(mut value) = json::parse(text.as_bytes()) {
            value.redact(&secrets);
            let _ = value.to_json();
        }
    })
}

fn main() {
    let numbers = |n: usize| format!("[{}]", vec!["1e-300"; n].join(","));
    let keys = |n: usize| {
        format!("{{{}}}", (0..n).map(|i| format!(r#""k{}":{i}"#, i % (n / 4))).collect::<Vec<_>>().join(","))
    };
    let nested = |n: usize| format!("{}{}", r#"{"a":["x","#.repeat(n), "0]}".repeat(n));
    type Shape<'a> = (&'a str, &'a dyn Fn(usize) -> String, usize);
    // Nested: up to 120 levels, within serde_json's limit of 128.
    let shapes: [Shape; 3] = [("numbers", &numbers, 256_000), ("keys", &keys, 256_000), ("nested", &nested, 60)];
    println!("## Hostile documents: time against size\n");
    println!("Parsed, redacted and written back; the fastest of 7 runs each.\n");
    println!("| document | size n | time | size 4n | time | ratio | goal |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    for (name, document, large) in shapes {
        let small = large / 4;
        let (t1, t4) = (cost(&document(small)), cost(&document(large)));
        let ratio = t4.as_secs_f64() / t1.as_secs_f64().max(1e-9);
        let verdict = if ratio < GOAL { "PASS" } else { "**MISS**" };
        println!("| {name} | {small} | {t1:.2?} | {large} | {t4:.2?} | {ratio:.1}× | {verdict} (< {GOAL}×) |");
    }
    println!();
}
