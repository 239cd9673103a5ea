#![cfg(not(target_arch = "wasm32"))]
//! Property tests: no input makes a parser, a validator, a state machine or
//! the calculator panic (a panic in wasm is a trap that kills the instance),
//! hostile documents cost time linear in their size, and what the JSON writer
//! writes reads back as the same value.

use kling_extend_core::client::call::Call;
use kling_extend_core::client::chain_progress::{ChainProgress, Outcome};
use kling_extend_core::client::machine::{Event, Machine, Step, Time};
use kling_extend_core::client::options::PollConfig;
use kling_extend_core::client::poll::Poll;
use kling_extend_core::client::retry::parse_retry_after;
use kling_extend_core::client::service::Service;
use kling_extend_core::pricing::quote::{Basis, Terms, quote, quote_chain, quote_chain_terms, quote_terms};
use kling_extend_core::providers::{ClientConfig, ProxyConfig, WEBHOOK, parse_webhook};
use kling_extend_core::types::http::{HttpResponse, Transport};
use kling_extend_core::types::job::Raw;
use kling_extend_core::types::job_id::JobId;
use kling_extend_core::types::json::{self, Value};
use kling_extend_core::types::provider::ProviderName;
use kling_extend_core::types::redact::{Redact, Secrets};
use kling_extend_core::types::request::ExtendRequest;
use kling_extend_core::types::tier::{Mode, Resolution};
use kling_extend_core::webhook::{Signed, verify};
use proptest::prelude::*;

/// Any JSON-like value, including the awkward numbers JS can hand over.
fn value() -> impl Strategy<Value = Value> {
    let number = prop_oneof![
        any::<f64>(),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(-0.0),
        -10.0..110.0f64,
        (0u32..100_000).prop_map(f64::from),
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number.prop_map(Value::Number),
        ".{0,12}".prop_map(Value::String),
        prop_oneof![Just("720p"), Just("1080p"), Just("kling"), Just("pro"), Just("https://a.test/x")]
            .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        let key = prop_oneof![
            Just("video_id"),
            Just("seconds"),
            Just("sourceSeconds"),
            Just("extensions"),
            Just("rates"),
            Just("720p"),
            Just("provider"),
            Just("cfg_scale"),
            Just("resolution"),
            Just("mode"),
            Just("headers"),
            Just("timeoutMs"),
            Just("discountPercent"),
            Just("basis"),
            Just("id"),
            Just("status"),
            Just("output"),
            Just("outputs"),
            Just("url"),
            Just("error"),
            Just("message"),
            Just("duration"),
        ]
        .prop_map(str::to_owned);
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key, inner), 0..6).prop_map(Value::Object),
        ]
    })
}

/// Any finite f64: bit patterns (mostly written exactly) and short decimals.
fn finite() -> impl Strategy<Value = f64> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
        (any::<i32>(), 0..20i32).prop_map(|(n, places)| f64::from(n) / 10f64.powi(places)),
    ]
}

/// Values for a round trip through JSON text: any finite number, text with
/// the characters that need escaping and some that do not, and objects whose
/// keys are distinct (a parsed document holds each key once).
fn written_value() -> impl Strategy<Value = Value> {
    let text = r#"[\x00-\x1f"\\/a-zé😀]{0,8}"#;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        finite().prop_map(Value::Number),
        text.prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(text, inner, 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Numbers a calculator's input holds: in range or not, with more decimals than allowed or not.
fn amount() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0u32..20_000).prop_map(|n| f64::from(n) / 100.0),
        (0u32..20_000).prop_map(|n| f64::from(n) / 10_000.0),
        -5.0..120.0f64,
        Just(1e7),
        Just(100_000.01),
        finite(),
    ]
}

/// Typed terms, as the fast path reads them, with the seconds and a chain's members.
type Priced = (Terms<'static>, f64, f64, Option<Basis>);

fn terms() -> impl Strategy<Value = Priced> {
    let rate = || prop::option::of(amount());
    (
        (any::<bool>(), prop::option::of(0..2usize), prop::option::of(0..2usize), prop::option::of(amount())),
        ([rate(), rate()], [rate(), rate()]),
        prop::option::of((amount(), prop::sample::select(vec!["USD", "EUR", "usd", "US", "USDX"]))),
        (amount(), prop_oneof![(0u32..12).prop_map(f64::from), amount()], prop::option::of(0..2usize)),
    )
        .prop_map(
            |(
                (kling, resolution, mode, discount),
                (resolution_rates, mode_rates),
                unit_price,
                (seconds, extensions, basis),
            )| {
                let terms = Terms {
                    provider: if kling { ProviderName::Kling } else { ProviderName::Trinetra },
                    resolution: resolution.map(|i| Resolution::ALL[i]),
                    mode: mode.map(|i| Mode::ALL[i]),
                    discount_percent: discount,
                    resolution_rates,
                    mode_rates,
                    unit_price,
                };
                (terms, seconds, extensions, basis.map(|i| Basis::ALL[i]))
            },
        )
}

/// The caller's object that `terms` stand for, with `members` added.
fn object_of(terms: &Terms, members: Vec<(&str, Value)>) -> Value {
    let mut out = vec![("provider", Value::String(terms.provider.as_str().into()))];
    out.extend(terms.resolution.map(|r| ("resolution", Value::String(r.as_str().into()))));
    out.extend(terms.mode.map(|m| ("mode", Value::String(m.as_str().into()))));
    out.extend(terms.discount_percent.map(|d| ("discountPercent", Value::Number(d))));
    let keys = ["720p", "1080p", "standard", "professional"];
    let rates: Vec<_> = keys
        .iter()
        .zip(terms.resolution_rates.iter().chain(&terms.mode_rates))
        .filter_map(|(key, rate)| rate.map(|n| (key.to_string(), Value::Number(n))))
        .collect();
    if !rates.is_empty() {
        out.push(("rates", Value::Object(rates)));
    }
    if let Some((amount, currency)) = terms.unit_price {
        let price = vec![("amount".into(), Value::Number(amount)), ("currency".into(), Value::String(currency.into()))];
        out.push(("unitPrice", Value::Object(price)));
    }
    out.extend(members);
    Value::Object(out.into_iter().map(|(key, value)| (key.to_owned(), value)).collect())
}

fn response() -> impl Strategy<Value = HttpResponse> {
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        Just(br#"{"id":"j","status":"succeeded","output":{"outputs":[{"url":"u","duration":"5.1"}]}}"#.to_vec()),
        Just(br#"{"job_id":"j","status":"queued"}"#.to_vec()),
        Just(br#"{"error":{"message":"no"}}"#.to_vec()),
        Just(b"<html>502</html>".to_vec()),
    ];
    let header = (prop_oneof![Just("retry-after"), Just("content-type"), Just("x-request-id")], ".{0,30}")
        .prop_map(|(k, v)| (k.to_owned(), v));
    (0u16..1000, prop::collection::vec(header, 0..3), body).prop_map(|(status, headers, body)| HttpResponse {
        status,
        headers,
        body,
    })
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        4 => response().prop_map(Event::Response),
        1 => Just(Event::Failed(Transport::Network)),
        1 => Just(Event::Failed(Transport::ConnectFailed)),
        1 => Just(Event::Failed(Transport::Timeout)),
        1 => any::<bool>().prop_map(|in_flight| Event::Aborted { in_flight }),
    ]
}

fn config() -> ClientConfig {
    let options = json::parse(br#"{"apiKey":"k","baseUrl":"http://127.0.0.1:1","maxRetries":3}"#).unwrap();
    ClientConfig::from_value(&options, false).unwrap()
}

/// Feeds events until the machine finishes; it must finish within the events
/// given plus its waits, and never panic.
fn run<M: Machine>(mut machine: M, events: Vec<Event>) {
    let mut now = 0;
    let mut step = machine.start(Time::at(now));
    for event in events {
        step = match step {
            Step::Done(_) => return,
            Step::Wait { ms, .. } => {
                now += ms;
                machine.handle(Event::Waited, Time::at(now))
            }
            Step::Send { .. } => {
                now += 10;
                machine.handle(event, Time::at(now))
            }
        };
        machine.take_update();
    }
}

proptest! {
    #[test]
    fn any_bytes_parse_or_fail_cleanly(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = json::parse(&bytes);
    }

    #[test]
    fn any_text_is_a_number_or_not(text in "[-+0-9.eE]{0,30}") {
        if let Some(n) = json::parse_number(&text) {
            prop_assert!(n.is_finite());
        }
    }

    #[test]
    fn any_finite_number_is_written_as_json_that_reads_back_exactly(x in finite()) {
        let text = Value::Number(x).to_json();
        let unsigned_zero = if x == 0.0 { 0.0 } else { x };
        let back = json::parse(text.as_bytes()).ok().and_then(|v| v.as_f64());
        prop_assert_eq!(back.map(f64::to_bits), Some(unsigned_zero.to_bits()), "{}", text);
    }

    #[test]
    fn any_value_written_parses_back(v in written_value()) {
        let back = json::parse(v.to_json().as_bytes()).ok();
        prop_assert_eq!(back, Some(v));
    }

    #[test]
    fn any_retry_after_is_handled(text in ".{0,40}", now in any::<u64>()) {
        let _ = parse_retry_after(&text, now);
    }

    #[test]
    fn any_value_is_validated_without_panicking(v in value(), in_browser in any::<bool>()) {
        let _ = ExtendRequest::from_value(&v, ProviderName::Trinetra);
        let _ = ExtendRequest::from_value(&v, ProviderName::Kling);
        let _ = ClientConfig::from_value(&v, in_browser);
        let _ = PollConfig::from_value(&v);
        let _ = JobId::parse(&v);
    }

    #[test]
    fn any_quote_input_prices_or_errs(v in value()) {
        if let Ok(q) = quote(&v) {
            prop_assert!(q.credits >= 0.0 && q.credits <= q.list_credits);
        }
        let _ = quote_chain(&v);
    }

    #[test]
    fn typed_terms_price_exactly_what_their_object_prices((terms, seconds, extensions, basis) in terms()) {
        let object = object_of(&terms, vec![("seconds", Value::Number(seconds))]);
        prop_assert_eq!(quote_terms(&terms, seconds), quote(&object).ok());
        let mut members = vec![("sourceSeconds", Value::Number(seconds)), ("extensions", Value::Number(extensions))];
        members.extend(basis.map(|b| ("basis", Value::String(if b == Basis::Output { "output" } else { "added" }.into()))));
        let object = object_of(&terms, members);
        prop_assert_eq!(quote_chain_terms(&terms, seconds, extensions, basis), quote_chain(&object).ok());
    }

    #[test]
    fn quotes_take_any_numbers(seconds in any::<f64>(), discount in any::<f64>(), rate in any::<f64>()) {
        let input = Value::Object(vec![
            ("seconds".into(), Value::Number(seconds)),
            ("discountPercent".into(), Value::Number(discount)),
            ("rates".into(), Value::Object(vec![("720p".into(), Value::Number(rate))])),
        ]);
        let _ = quote(&input);
    }

    #[test]
    fn any_exchange_ends_a_read_or_submit_cleanly(events in prop::collection::vec(event(), 0..12), seed in any::<u64>()) {
        let id = JobId::parse(&Value::String("j".into())).unwrap();
        run(Call::read(config(), id, seed), events);
    }

    #[test]
    fn any_exchange_ends_a_submit_cleanly(events in prop::collection::vec(event(), 0..12), seed in any::<u64>()) {
        let request = ExtendRequest::from_value(&json::parse(br#"{"video_id":"v"}"#).unwrap(), ProviderName::Trinetra).unwrap();
        run(Call::submit(config(), request, seed, [1; 16]), events);
    }

    #[test]
    fn any_exchange_ends_a_poll_cleanly(events in prop::collection::vec(event(), 0..24), seed in any::<u64>()) {
        let poll = PollConfig::from_value(&json::parse(br#"{"waitTimeoutMs":60000}"#).unwrap()).unwrap();
        let id = JobId::parse(&Value::String("j".into())).unwrap();
        run(Poll::new(config(), poll, id, seed), events);
    }

    #[test]
    fn any_answer_is_read_by_either_provider_without_panicking(response in response(), kling in any::<bool>()) {
        let options = if kling { r#"{"provider":"kling","token":"tok-123"}"# } else { r#"{"apiKey":"k"}"# };
        let config = ClientConfig::from_value(&json::parse(options.as_bytes()).unwrap(), false).unwrap();
        let _ = config.read_job(&response, 0);
        let request = json::parse(br#"{"video_id":"v","external_task_id":"e"}"#).unwrap();
        let request = ExtendRequest::from_value(&request, config.provider()).unwrap_or_else(|_| {
            ExtendRequest::from_value(&json::parse(br#"{"video_id":"v"}"#).unwrap(), config.provider()).unwrap()
        });
        let _ = config.read_submission(&response, &request, 0);
    }

    #[test]
    fn any_bytes_are_a_webhook_or_not(bytes in prop::collection::vec(any::<u8>(), 0..256), kling in any::<bool>()) {
        if let Ok(raw) = Raw::from_text(&bytes, &WEBHOOK) {
            let provider = kling.then_some(ProviderName::Kling);
            let _ = parse_webhook(raw, provider);
        }
        let signed = Signed { id: "msg", timestamp: "1700000000", signature: "v1,AAAA" };
        let _ = verify(&bytes, &signed, &["whsec_AAAA".into()], 1_700_000_000, 300);
    }

    #[test]
    fn any_headers_are_checked_without_panicking(id in ".{0,12}", timestamp in ".{0,14}", signature in ".{0,60}", secret in ".{0,20}") {
        let signed = Signed { id: &id, timestamp: &timestamp, signature: &signature };
        let _ = verify(b"{}", &signed, &[secret], 1_700_000_000, 300);
    }

    #[test]
    fn a_whole_credential_never_survives_relay_or_redact(text in "[a-z .]{0,40}", key in "[0-9]{2,4}_[0-9/]{2,4}") {
        // The key has an underscore, so in JSON it can only stand in a string.
        let config = format!(r#"{{"apiKey":"{key}","allowedOrigins":["*"]}}"#);
        let proxy = ProxyConfig::from_value(&json::parse(config.as_bytes()).unwrap(), false, None).unwrap();
        let relayed = |body: &str| proxy.relay(200, &[], body.as_bytes(), None, None).body.unwrap_or_default();
        for body in [format!(r#"{{"message":"{text} {key}"}}"#), format!("{text} {key}")] {
            prop_assert!(!relayed(&body).contains(key.as_str()));
        }
        let escaped = format!(r#"{{"m":"{}"}}"#, key.replace('_', "\\u005f").replace('/', "\\/"));
        let scrubbed = json::parse(relayed(&escaped).as_bytes()).unwrap();
        prop_assert!(!scrubbed.to_json().contains(key.as_str()));
        let mut owned = format!("{text} {key}. ({key})");
        owned.redact(&Secrets::new([key.as_str()], None));
        prop_assert!(!owned.contains(key.as_str()), "{}", owned);
    }

    #[test]
    fn redaction_never_changes_text_without_a_whole_credential(
        text in "[a-zA-JL-Z0-9 ._/=?&-]{0,60}",
        key in "[a-z0-9]{0,6}K[a-z0-9]{0,6}",
        glue in "[a-zA-Z0-9_-]",
    ) {
        // `K` never occurs in `text`, so the key stands in it only where glued to a word.
        let secrets = Secrets::new([key.as_str()], None);
        for data in [text.clone(), format!("{text}{glue}{key}"), format!("{key}{glue}{text}"), format!("v1.{key}.mp4")] {
            let mut redacted = data.clone();
            redacted.redact(&secrets);
            prop_assert_eq!(&redacted, &data);
            let mut value = Value::Object(vec![(data.clone(), Value::String(data.clone()))]);
            let before = value.clone();
            value.redact(&secrets);
            prop_assert_eq!(value, before);
        }
    }
}

proptest! {
    /// What `onProgress` hands out is exactly what `resume` accepts back:
    /// whatever a service reports for a step, either the progress records
    /// it and reads it back equal, or the step is refused and the progress
    /// before it stands.
    #[test]
    fn progress_written_is_always_accepted_back(
        steps in prop::collection::vec((".{0,6}", prop::option::of(".{0,6}"), prop::option::of(finite()), prop_oneof![finite(), Just(1e308)]), 1..6),
    ) {
        let mut progress = ChainProgress::new(ProviderName::Trinetra, "v0".into(), steps.len(), [7; 16], Some(5.0));
        for (id, video, seconds, charge) in steps {
            let video = object_members(vec![
                ("url", Some(Value::String("https://cdn.example/v.mp4".into()))),
                ("type", Some(Value::String("video".into()))),
                ("id", video.map(Value::String)),
                ("duration", seconds.map(Value::Number)),
            ]);
            let document = object_members(vec![
                ("id", Some(Value::String(id))),
                ("status", Some(Value::String("succeeded".into()))),
                ("output", Some(object_members(vec![("outputs", Some(Value::Array(vec![video])))]))),
                ("credits_charged", Some(Value::Number(charge))),
            ]);
            let Ok(job) = parse_webhook(Raw::Value(document), Some(ProviderName::Trinetra)) else { continue };
            let before = progress.clone();
            if let Err(error) = Outcome::of(&job).and_then(|outcome| progress.finish(outcome)) {
                prop_assert_eq!(error.code, kling_extend_core::types::error::ErrorCode::BadResponse);
                prop_assert_eq!(&progress, &before, "a refused step records nothing");
            }
            let stored = Value::from(progress.clone());
            let read = ChainProgress::from_value(&stored, ProviderName::Trinetra, "v0", progress.steps);
            prop_assert_eq!(read.as_ref(), Ok(&progress), "stored: {}, before: {:?}", stored.to_json(), before);
        }
    }
}

/// An object of the members that are given.
fn object_members(members: Vec<(&str, Option<Value>)>) -> Value {
    Value::Object(members.into_iter().filter_map(|(k, v)| Some((k.to_owned(), v?))).collect())
}
