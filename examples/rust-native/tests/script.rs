//! The example as the README runs it: `scripts/rust-native.sh`, which starts
//! the package's mock (`node src/mock/cli.js`) and runs the program against
//! it over HTTP on 127.0.0.1, given the program cargo built for this test.

use std::process::{Command, Output};

/// `scripts/rust-native.sh` with `args`: its exit status, stdout and stderr.
fn run_script(args: &[&str]) -> (Output, String, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/rust-native.sh");
    let output = Command::new("bash")
        .arg(script)
        .args(args)
        .env("RUST_NATIVE_BIN", env!("CARGO_BIN_EXE_rust-native"))
        .env_remove("RUST_LOG")
        .output()
        .expect("bash runs the script");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

#[test]
fn it_prints_a_quote_then_the_jobs_progress_and_its_video() {
    let (output, stdout, stderr) = run_script(&[]);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 7, "{stdout}");
    assert_eq!(lines[0], "quote: 10 s at 720p costs ₹190.00 (190 credits)");
    let job_id = lines[1].strip_prefix("submitted: ").and_then(|rest| rest.strip_suffix(" (Queued)"));
    let job_id = job_id.unwrap_or_else(|| panic!("a submission first: {stdout}"));
    assert!(job_id.starts_with("job_"), "{stdout}");
    assert_eq!(lines[2..5], ["status: Queued", "status: Running", "status: Succeeded"]);
    let video =
        lines[5].strip_prefix("video: http://127.0.0.1:").unwrap_or_else(|| panic!("the mock's video: {stdout}"));
    assert!(video.ends_with(&format!("/media/{job_id}.mp4")), "the job's own video: {stdout}");
    assert_eq!(lines[6], "charged: 190 credits");
    assert!(stderr.is_empty(), "no error, no log line: {stderr}");
}

#[test]
fn a_job_that_fails_ends_with_its_reason_and_a_failed_exit() {
    let (output, stdout, stderr) = run_script(&["fail_source", "more"]);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout.lines().last(), Some("status: Failed"), "{stdout}");
    assert!(stderr.starts_with("error: job_failed: "), "{stderr}");
    assert!(stderr.contains("ended without a video: Extension failed"), "the service's reason: {stderr}");
}
