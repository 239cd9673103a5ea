#![cfg(not(target_arch = "wasm32"))]
//! Property tests: no input makes a parser, a validator, a state machine or
//! the calculator panic (a panic in wasm is a trap that kills the instance),
//! and what the JSON writer writes reads back as the same value.

use kling_extend::core::call::Call;
use kling_extend::core::http::{HttpResponse, Transport};
use kling_extend::core::job::{JobId, ProviderName};
use kling_extend::core::json::{self, Value};
use kling_extend::core::machine::{Event, Machine, Step};
use kling_extend::core::options::{ClientConfig, PollConfig};
use kling_extend::core::poll::Poll;
use kling_extend::core::quote::{quote, quote_chain};
use kling_extend::core::request::ExtendRequest;
use kling_extend::core::retry::parse_retry_after;
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
    let mut step = machine.start(now);
    for event in events {
        step = match step {
            Step::Done(_) => return,
            Step::Wait { ms } => {
                now += ms;
                machine.handle(Event::Waited, now)
            }
            Step::Send { .. } => {
                now += 10;
                machine.handle(event, now)
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
}
