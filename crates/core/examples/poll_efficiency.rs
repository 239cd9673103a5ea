//! How many reads `pollJob` makes and how late it sees a job end, for the
//! default schedule against the seed's fixed 15-second loop. Pure arithmetic on
//! the crate's own schedule (no network, no clock), so the figures are exact.
//!
//!   cargo run --quiet --release --example poll_efficiency
//!
//! Printed as a markdown section of the benchmark report (scripts/bench.sh).

use kling_extend_core::client::options::{
    DEFAULT_INTERVAL_MS, DEFAULT_MAX_INTERVAL_MS, DEFAULT_WAIT_TIMEOUT_MS, PollConfig,
};
use kling_extend_core::client::schedule::{PollSchedule, reads_until};

/// Jobs that end this long after the first read.
const FINISH_S: [u64; 3] = [10, 60, 240];
/// The seed's loop: a read every 15 seconds, whatever happens.
const FIXED_MS: u64 = 15_000;

struct Row {
    reads: u32,
    late_ms: u64,
    /// Mean lateness over jobs ending at finish, finish + 1 s, … finish + 14 s.
    mean_late_ms: f64,
}

fn row(finish_ms: u64, run: impl Fn(u64) -> (u32, u64)) -> Row {
    let (reads, late_ms) = run(finish_ms);
    let window: Vec<u64> = (0..15).map(|s| run(finish_ms + s * 1000).1).collect();
    Row { reads, late_ms, mean_late_ms: window.iter().sum::<u64>() as f64 / window.len() as f64 }
}

fn default_row(config: &PollConfig, finish_ms: u64) -> Row {
    row(finish_ms, |at| {
        let mut schedule = PollSchedule::new(config);
        reads_until(|| schedule.next_wait(), at)
    })
}

fn fixed_row(finish_ms: u64) -> Row {
    row(finish_ms, |at| reads_until(|| FIXED_MS, at))
}

fn mark(ok: bool) -> &'static str {
    if ok { "PASS" } else { "MISS" }
}

fn seconds(ms: u64) -> String {
    format!("{:.1}", ms as f64 / 1000.0)
}

fn main() {
    let config = PollConfig {
        interval_ms: DEFAULT_INTERVAL_MS,
        max_interval_ms: DEFAULT_MAX_INTERVAL_MS,
        wait_timeout_ms: DEFAULT_WAIT_TIMEOUT_MS,
    };
    let mut waits = PollSchedule::new(&config);
    let first: Vec<String> = (0..8).map(|_| waits.next_wait().to_string()).collect();

    println!("## 5. Polling efficiency");
    println!();
    println!(
        "Exact, from the crate's pure schedule (`core::schedule::{{PollSchedule, reads_until}}`): the first read \
         at 0 s, a job that ends N s later, reads taking no time. Default `PollConfig`: intervalMs {}, \
         maxIntervalMs {}, waitTimeoutMs {} (waits {} … ms). Seed: a fixed {} s loop. \
         `mean late` averages the lateness over jobs ending at N, N+1, … N+14 s, since a fixed loop's \
         lateness depends on where the end falls between two reads.",
        config.interval_ms,
        config.max_interval_ms,
        config.wait_timeout_ms,
        first.join(", "),
        FIXED_MS / 1000,
    );
    println!();
    println!(
        "| job ends at | schedule   | reads | seen at s | late s | late % | mean late s | reads vs 15 s loop | goal |"
    );
    println!(
        "|------------:|------------|------:|----------:|-------:|-------:|------------:|-------------------:|------|"
    );
    for finish_s in FINISH_S {
        let finish_ms = finish_s * 1000;
        let ours = default_row(&config, finish_ms);
        let seed = fixed_row(finish_ms);
        let goal = match finish_s {
            60 => {
                let ok = ours.reads <= 12 && ours.late_ms <= 10_000;
                format!("{} (≤ 12 reads, ≤ 10 s late)", mark(ok))
            }
            240 => format!("{} (≤ 10 % late)", mark(ours.late_ms * 10 <= finish_ms)),
            _ => "—".to_owned(),
        };
        for (name, row, ratio, goal) in [
            ("default", &ours, format!("{:.2}×", f64::from(ours.reads) / f64::from(seed.reads)), goal.as_str()),
            ("fixed 15 s", &seed, "1.00×".to_owned(), "—"),
        ] {
            println!(
                "| {:>9} s | {:<10} | {:>5} | {:>9} | {:>6} | {:>5.1}% | {:>11.1} | {:>18} | {} |",
                finish_s,
                name,
                row.reads,
                seconds(finish_ms + row.late_ms),
                seconds(row.late_ms),
                row.late_ms as f64 * 100.0 / finish_ms as f64,
                row.mean_late_ms / 1000.0,
                ratio,
                goal,
            );
        }
    }
}
