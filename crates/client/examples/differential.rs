//! The Rust side of the differential test (tests/differential/): runs one
//! scenario of `scenarios.json` against `base_url` and prints its
//! transcript as JSON, per step the call, its value or its error, and the
//! events it reported, in the shape the npm package's side prints, so the
//! driver compares the two.
//!
//! ```sh
//! cargo run -p kling-extend-client --features reqwest,tokio --example differential -- \
//!   tests/differential/scenarios.json "trinetra: a job that fails is job_failed, naming the job and why" http://127.0.0.1:8787
//! ```

use kling_extend_client::{ChainPlan, Client, Error, Event, ExtendRequest, Provider};
use serde_json::{json, Map, Value};
use std::sync::Mutex;
use std::time::Duration;

type Failure = Box<dyn std::error::Error>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, name, base_url] = args.as_slice() else {
        return Err("usage: differential <scenarios.json> <scenario name> <base url>".into());
    };
    let all: Value = serde_json::from_slice(&std::fs::read(file)?)?;
    let scenario = all["scenarios"]
        .as_array()
        .and_then(|list| list.iter().find(|scenario| scenario["name"] == name.as_str()))
        .ok_or_else(|| format!("no scenario named {name:?}"))?;
    let client = client(&options(&all, scenario), base_url)?;
    let mut steps = Vec::new();
    for step in scenario["steps"].as_array().ok_or("a scenario has steps")? {
        steps.push(perform(&client, step).await?);
    }
    println!("{}", json!({ "steps": steps }));
    Ok(())
}

/// The client's options as the npm side lays them: the scenario's client,
/// then the file's options, then the scenario's own.
fn options(all: &Value, scenario: &Value) -> Map<String, Value> {
    let client = &all["clients"][scenario["client"].as_str().unwrap_or_default()];
    let mut options = Map::new();
    for layer in [client, &all["options"], &scenario["options"]] {
        options.extend(layer.as_object().into_iter().flatten().map(|(name, value)| (name.clone(), value.clone())));
    }
    options
}

/// The client of `options`, each through its builder method: an option the
/// Rust client has no method for is an error, not skipped.
fn client(options: &Map<String, Value>, base_url: &str) -> Result<Client, Failure> {
    let text = |name: &str| options.get(name).and_then(Value::as_str).map(str::to_owned);
    let ms = |name: &str| options.get(name).and_then(Value::as_u64).map(Duration::from_millis);
    let provider = match text("provider").as_deref() {
        Some("kling") => Provider::Kling,
        _ => Provider::Trinetra,
    };
    let mut builder = Client::builder(provider).base_url(base_url);
    for name in options.keys() {
        builder = match name.as_str() {
            "provider" => builder,
            "apiKey" => builder.api_key(text(name).unwrap_or_default()),
            "accessKey" | "secretKey" => {
                builder.kling_keys(text("accessKey").unwrap_or_default(), text("secretKey").unwrap_or_default())
            }
            "maxRetries" => builder.max_retries(options[name].as_u64().unwrap_or_default() as u32),
            "timeoutMs" => builder.timeout(ms(name).unwrap_or_default()),
            "intervalMs" => builder.poll_interval(ms(name).unwrap_or_default()),
            "waitTimeoutMs" => builder.wait_timeout(ms(name).unwrap_or_default()),
            "maxIntervalMs" => builder.max_poll_interval(ms(name).unwrap_or_default()),
            "maxResponseBytes" => builder.max_response_bytes(options[name].as_u64().unwrap_or_default() as u32),
            "token" => builder.token(text(name).unwrap_or_default()),
            "headers" => options[name].as_object().into_iter().flatten().fold(builder, |builder, (name, value)| {
                builder.header(name.as_str(), value.as_str().unwrap_or_default())
            }),
            other => return Err(format!("the Rust client has no option {other:?}").into()),
        };
    }
    Ok(builder.build()?)
}

/// One step: its call, then `ok` (the value as serde writes it) or `error`,
/// and the events it reported.
async fn perform(client: &Client, step: &Value) -> Result<Value, Failure> {
    let call = step["call"].as_str().unwrap_or_default();
    let events = Mutex::new(Vec::new());
    let record = |event: Event| events.lock().map(|mut list| list.push(event_json(event))).unwrap_or_default();
    let own_wait = step["waitTimeoutMs"].as_u64().map(Duration::from_millis);
    let result: Result<Value, Error> = match call {
        "extendVideo" => to_json(client.extend_video(request(&step["request"])?).await),
        "getJob" => to_json(client.get_job(step["id"].as_str().unwrap_or_default()).await),
        "pollJob" => {
            let mut poll = client.poll_job(step["id"].as_str().unwrap_or_default()).on_event(record);
            if let Some(wait) = own_wait {
                poll = poll.wait_timeout(wait);
            }
            to_json(poll.await)
        }
        "run" => {
            let mut run = client.run(request(&step["request"])?).on_event(record);
            if let Some(wait) = own_wait {
                run = run.wait_timeout(wait);
            }
            to_json(run.await)
        }
        "chainExtensions" => to_json(client.chain_extensions(plan(step)).on_event(record).await),
        other => return Err(format!("scenario step: unknown call {other:?}").into()),
    };
    let events = events.into_inner().unwrap_or_default();
    Ok(match result {
        Ok(value) => json!({ "call": call, "ok": value, "events": events }),
        Err(error) => json!({ "call": call, "error": error_json(&error), "events": events }),
    })
}

/// The step's request through `ExtendRequest`'s builder: a field it has no
/// method for is an error, not skipped.
fn request(fields: &Value) -> Result<ExtendRequest, Failure> {
    let fields = fields.as_object().ok_or("a step's request is an object")?;
    let text = |name: &str| fields.get(name).and_then(Value::as_str).unwrap_or_default().to_owned();
    let mut request = match (fields.get("video_id"), fields.get("task_id")) {
        (None, Some(_)) => ExtendRequest::task(text("task_id")),
        _ => ExtendRequest::video(text("video_id")),
    };
    for name in fields.keys() {
        request = match name.as_str() {
            "video_id" | "task_id" => request,
            "prompt" => request.prompt(text(name)),
            "negative_prompt" => request.negative_prompt(text(name)),
            "cfg_scale" => request.cfg_scale(fields[name].as_f64().unwrap_or_default()),
            "callback_url" => request.callback_url(text(name)),
            "external_task_id" => request.external_task_id(text(name)),
            "resolution" => request.resolution(serde_json::from_value(fields[name].clone())?),
            "mode" => request.mode(serde_json::from_value(fields[name].clone())?),
            "duration" => request.duration(text(name).parse()?),
            "model_name" => request.model_name(text(name)),
            "watermark_info" => request.watermark(fields[name]["enabled"].as_bool().unwrap_or_default()),
            other => return Err(format!("the Rust client's ExtendRequest has no field {other:?}").into()),
        };
    }
    Ok(request)
}

fn plan(step: &Value) -> ChainPlan {
    let prompts = step["prompts"].as_array().into_iter().flatten().filter_map(Value::as_str);
    let plan = ChainPlan::new(step["video_id"].as_str().unwrap_or_default(), prompts);
    match step["sourceSeconds"].as_f64() {
        Some(seconds) => plan.source_seconds(seconds),
        None => plan,
    }
}

fn to_json<T: serde::Serialize>(result: Result<T, Error>) -> Result<Value, Error> {
    result.map(|value| serde_json::to_value(value).unwrap_or(Value::Null))
}

/// An event as the npm side names its hook's report.
fn event_json(event: Event) -> Value {
    match event {
        Event::Submitted(submission) => json!({ "event": "submitted", "submission": submission }),
        Event::Updated(job) => json!({ "event": "updated", "job": job }),
        Event::StepFinished { index, job } => json!({ "event": "step", "index": index, "job": job }),
        Event::Progress(progress) => json!({ "event": "progress", "progress": progress }),
        other => json!({ "event": format!("{other:?}") }),
    }
}

/// The error's fields under the npm package's names (absent when unset, as
/// `JSON.stringify` leaves them out there).
fn error_json(error: &Error) -> Value {
    let code = error.code().as_str();
    let shown = error.to_string();
    let message = shown.strip_prefix(&format!("{code}: ")).unwrap_or(&shown);
    let mut fields = json!({ "code": code, "message": message, "retryable": error.is_retryable() });
    let mut set = |name: &str, value: Value| {
        if !value.is_null() {
            fields[name] = value;
        }
    };
    set("status", json!(error.status()));
    set("providerCode", json!(error.provider_code()));
    set("requestId", json!(error.request_id()));
    set("retryAfterMs", json!(error.retry_after().map(|wait| wait.as_millis() as u64)));
    set("field", json!(error.field()));
    set("maybeSubmitted", json!(error.maybe_submitted()));
    set("job", json!(error.job()));
    fields
}
