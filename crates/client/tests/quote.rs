//! `quote` and `quote_chain` give what the npm package's give: the known
//! values of its suite (tests/e2e/trinetra.scenarios.js), each refusal by the
//! field it names, and, over many generated inputs, the same quotes and errors
//! as the core's calculator given the JS input object as JSON text.

use kling_extend_client::{
    quote, quote_chain, Basis, ChainInput, ChainQuote, ErrorCode, KlingPricing, KlingQuote, Mode, Pricing, Quote,
    Resolution, TrinetraPricing, TrinetraQuote,
};
use kling_extend_core::pricing::quote as core;
use kling_extend_core::types::json::parse;
use serde_json::json;

fn trinetra(q: Quote) -> TrinetraQuote {
    match q {
        Quote::Trinetra(q) => q,
        other => panic!("not a Trinetra quote: {other:?}"),
    }
}

fn kling(q: Quote) -> KlingQuote {
    match q {
        Quote::Kling(q) => q,
        other => panic!("not a Kling quote: {other:?}"),
    }
}

#[test]
fn trinetra_prices_per_second_as_the_js_suite_says() {
    let q = trinetra(quote(TrinetraPricing::new(Resolution::P720), 10.0).unwrap());
    assert_eq!(
        (q.credits, q.inr, q.formatted.as_str(), q.billed_seconds, q.per_second),
        (190.0, 190.0, "₹190.00", 10, 19.0)
    );
    assert_eq!((q.paise, q.list_paise), (19_000, 19_000));
    let hd = trinetra(quote(TrinetraPricing::new(Resolution::P1080), 10.2).unwrap());
    assert_eq!((hd.credits, hd.billed_seconds, hd.per_second), (330.0, 11, 30.0), "1080p, seconds rounded up");
    assert_eq!(quote(Pricing::default(), 10.0).unwrap().credits(), 190.0, "720p is the default");
    let discounted = trinetra(quote(TrinetraPricing::default().discount_percent(12.5), 7.0).unwrap());
    assert_eq!(
        (discounted.list_credits, discounted.credits, discounted.formatted.as_str()),
        (133.0, 116.38, "₹116.38")
    );
    assert_eq!((discounted.list_paise, discounted.paise), (13_300, 11_638));
    let grouped = trinetra(quote(TrinetraPricing::default().rate(Resolution::P720, 2.0), 61_728.0).unwrap());
    assert_eq!(grouped.formatted, "₹1,23,456.00", "Indian digit grouping");
    let tenth = trinetra(quote(TrinetraPricing::default().rate(Resolution::P720, 0.1), 3.0).unwrap());
    assert_eq!((tenth.credits, tenth.paise), (0.3, 30), "negotiated rate, exact");
    let batch = trinetra(quote(Pricing::default(), 123_456.0).unwrap());
    assert_eq!((batch.credits, batch.formatted.as_str()), (2_345_664.0, "₹23,45,664.00"));
}

#[test]
fn kling_prices_units_per_step_and_money_only_at_a_unit_price() {
    let std = kling(quote(KlingPricing::default(), 5.0).unwrap());
    assert_eq!((std.credits, std.steps, std.units, std.per_step, std.mode), (10.0, 1, 1.0, 10.0, Mode::Standard));
    assert_eq!(std.price, None, "no money without a unit price");
    let pro = kling(quote(KlingPricing::new(Mode::Professional), 6.0).unwrap());
    assert_eq!((pro.credits, pro.steps, pro.units, pro.billed_seconds), (70.0, 2, 7.0, 10));
    let usd = KlingPricing::new(Mode::Professional).unit_price(0.14, "USD");
    let price = kling(quote(&usd, 5.0).unwrap()).price.unwrap();
    assert_eq!(
        (price.amount, price.currency.as_str(), price.formatted.as_str(), price.cents),
        (0.49, "USD", "USD 0.49", 49)
    );
    let discounted = kling(quote(usd.clone().discount_percent(10.0), 5.0).unwrap()).price.unwrap();
    assert_eq!(discounted.formatted, "USD 0.44");
    let eur = kling(quote(KlingPricing::new(Mode::Professional).unit_price(0.125, "EUR"), 5.0).unwrap());
    assert_eq!(eur.price.unwrap().formatted, "EUR 0.44");
    let batch = kling(quote(&usd, 123_456.0).unwrap());
    assert_eq!((batch.steps, batch.units), (24_692, 86_422.0));
    assert_eq!(batch.price.map(|p| (p.cents, p.formatted)), Some((1_209_908, "USD 12,099.08".to_owned())));
}

#[test]
fn chains_price_ranges_step_by_step_as_the_js_suite_says() {
    let c = quote_chain(Pricing::default(), ChainInput::new(5.0, 2)).unwrap();
    assert_eq!(c.basis, Basis::Output, "Trinetra bills the whole output by default");
    assert_eq!(c.steps.iter().map(|s| s.index).collect::<Vec<_>>(), [1, 2]);
    assert_eq!((c.output_seconds.min, c.output_seconds.max), (13, 15));
    assert_eq!((c.min.credits(), c.max.credits()), (19.0 * (9 + 13) as f64, 19.0 * (10 + 15) as f64));
    assert_eq!((c.steps[0].added_seconds.min, c.steps[0].added_seconds.max), (4, 5));
    let added = quote_chain(Pricing::default(), ChainInput::new(5.0, 2).basis(Basis::Added)).unwrap();
    assert_eq!((added.min.credits(), added.max.credits()), (152.0, 190.0));
    let k = quote_chain(KlingPricing::default(), ChainInput::new(5.0, 3)).unwrap();
    assert_eq!((k.basis, k.min.credits(), k.max.credits()), (Basis::Added, 30.0, 30.0));
    assert_eq!((k.output_seconds.min, k.output_seconds.max), (17, 20));
    let priced = quote_chain(KlingPricing::default().unit_price(0.14, "USD"), ChainInput::new(5.0, 3)).unwrap();
    assert_eq!(kling(priced.max).price.map(|p| p.formatted).as_deref(), Some("USD 0.42"));
    let most = quote_chain(KlingPricing::default(), ChainInput::new(5.0, 1000)).unwrap();
    assert_eq!((most.steps.len(), most.max.credits(), most.output_seconds.max), (1000, 10_000.0, 5_005));
    let none = quote_chain(Pricing::default(), ChainInput::new(1.0, 0)).unwrap();
    assert_eq!((none.max.credits(), none.steps.len()), (0.0, 0));
}

#[test]
fn a_chain_total_in_paise_is_the_sum_of_its_steps() {
    let c = quote_chain(TrinetraPricing::default().discount_percent(33.33), ChainInput::new(3.5, 3)).unwrap();
    let steps: u64 = c.steps.iter().map(|s| trinetra(s.max.clone()).paise).sum();
    assert_eq!(trinetra(c.max).paise, steps);
}

/// A refusal's code, field and message.
fn refused<T: std::fmt::Debug>(result: Result<T, kling_extend_client::Error>) -> (String, String) {
    let error = result.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidRequest, "{error}");
    assert!(!error.is_retryable() && error.status().is_none() && !error.maybe_submitted() && error.job().is_none());
    (error.field().unwrap_or_default().to_owned(), error.to_string())
}

#[test]
fn every_refusal_names_its_field() {
    let usd = |amount: f64, currency: &str| KlingPricing::default().unit_price(amount, currency);
    let quotes: Vec<(Pricing, f64, &str)> = vec![
        (Pricing::default(), -1.0, "seconds"),
        (Pricing::default(), f64::NAN, "seconds"),
        (Pricing::default(), f64::INFINITY, "seconds"),
        (Pricing::default(), 10_000_001.0, "seconds"),
        (TrinetraPricing::default().discount_percent(101.0).into(), 5.0, "discountPercent"),
        (TrinetraPricing::default().discount_percent(1.234).into(), 5.0, "discountPercent"),
        (KlingPricing::default().discount_percent(-0.5).into(), 5.0, "discountPercent"),
        (TrinetraPricing::default().rate(Resolution::P720, -2.0).into(), 5.0, "rates.720p"),
        (TrinetraPricing::default().rate(Resolution::P1080, 1.001).into(), 5.0, "rates.1080p"),
        // A rate for the other resolution is checked too, as in JS.
        (TrinetraPricing::new(Resolution::P1080).rate(Resolution::P720, 100_001.0).into(), 5.0, "rates.720p"),
        (KlingPricing::default().rate(Mode::Standard, f64::NAN).into(), 5.0, "rates.standard"),
        (KlingPricing::default().rate(Mode::Professional, -1.0).into(), 5.0, "rates.professional"),
        (usd(-1.0, "USD").into(), 5.0, "unitPrice.amount"),
        (usd(0.12345, "USD").into(), 5.0, "unitPrice.amount"),
        (usd(1_000_001.0, "USD").into(), 5.0, "unitPrice.amount"),
        (usd(1.0, "usd").into(), 5.0, "unitPrice.currency"),
        (usd(1.0, "US").into(), 5.0, "unitPrice.currency"),
        (usd(1.0, "ÜSD").into(), 5.0, "unitPrice.currency"),
    ];
    for (pricing, seconds, field) in quotes {
        assert_eq!(refused(quote(&pricing, seconds)).0, field, "{pricing:?} {seconds}");
    }
    let chains = [
        (ChainInput::new(-5.0, 1), "sourceSeconds"),
        (ChainInput::new(f64::NAN, 1), "sourceSeconds"),
        (ChainInput::new(5.0, 1001), "extensions"),
        (ChainInput::new(5.0, u32::MAX), "extensions"),
    ];
    for (chain, field) in chains {
        assert_eq!(refused(quote_chain(Pricing::default(), chain)).0, field, "{chain:?}");
    }
    let costly = TrinetraPricing::default().rate(Resolution::P720, 99_999.99);
    assert_eq!(refused(quote_chain(costly, ChainInput::new(10_000_000.0, 1000))).0, "extensions");
}

#[test]
fn refusals_say_what_js_says() {
    let said = |result| refused(result).1;
    assert_eq!(said(quote(Pricing::default(), -1.0)), "invalid_request: seconds must be from 0 to 10000000 seconds");
    // JS refuses a non-finite number before the calculator, in these words.
    assert_eq!(said(quote(Pricing::default(), f64::NAN)), "invalid_request: seconds must be a finite number");
    assert_eq!(
        said(quote(TrinetraPricing::default().discount_percent(101.0), 5.0)),
        "invalid_request: discountPercent must be from 0 to 100, with at most two decimals"
    );
    assert_eq!(
        said(quote(KlingPricing::default().unit_price(1.0, "usd"), 5.0)),
        "invalid_request: unitPrice.currency must be a three-letter ISO 4217 code, such as \"USD\""
    );
    assert_eq!(
        refused(quote_chain(Pricing::default(), ChainInput::new(5.0, 1001))).1,
        "invalid_request: extensions must be a whole number from 0 to 1000"
    );
}

#[test]
fn minus_zero_is_zero_as_json_carries_it() {
    let q = quote(Pricing::default(), -0.0).unwrap();
    assert!(q.seconds() == 0.0 && q.seconds().is_sign_positive(), "{q:?}");
}

#[test]
fn quotes_serialise_as_the_npm_package_s_plus_exact_integers() {
    let q = quote(TrinetraPricing::new(Resolution::P720), 10.0).unwrap();
    let expected = json!({
        "provider": "trinetra", "resolution": "720p", "seconds": 10.0, "billedSeconds": 10, "perSecond": 19.0,
        "listCredits": 190.0, "discountPercent": 0.0, "credits": 190.0, "inr": 190.0, "formatted": "₹190.00",
        "paise": 19_000, "listPaise": 19_000,
    });
    assert_eq!(serde_json::to_value(&q).unwrap(), expected);
    let priced = quote(KlingPricing::new(Mode::Professional).unit_price(0.14, "USD"), 5.0).unwrap();
    let value = serde_json::to_value(&priced).unwrap();
    assert_eq!(value["provider"], "kling");
    assert_eq!(value["mode"], "professional");
    assert_eq!(value["price"], json!({ "amount": 0.49, "currency": "USD", "formatted": "USD 0.49", "cents": 49 }));
    let unpriced = serde_json::to_value(quote(KlingPricing::default(), 5.0).unwrap()).unwrap();
    assert!(unpriced.get("price").is_none(), "no price member without a unit price, as in JS");
}

#[test]
fn quotes_and_chains_read_back_what_they_wrote() {
    let chain =
        quote_chain(KlingPricing::new(Mode::Professional).unit_price(0.14, "USD"), ChainInput::new(5.0, 2)).unwrap();
    let text = serde_json::to_string(&chain).unwrap();
    assert_eq!(serde_json::from_str::<ChainQuote>(&text).unwrap(), chain);
    let trinetra_chain = quote_chain(Pricing::default(), ChainInput::new(5.0, 2)).unwrap();
    let value = serde_json::to_value(&trinetra_chain).unwrap();
    assert_eq!((value["basis"].as_str(), value["outputSeconds"]["max"].as_u64()), (Some("output"), Some(15)));
    assert_eq!(serde_json::from_value::<ChainQuote>(value).unwrap(), trinetra_chain);
    // The npm package's aliases read as its modes.
    assert_eq!(serde_json::from_str::<Mode>("\"pro\"").unwrap(), Mode::Professional);
    assert_eq!(serde_json::from_str::<Resolution>("\"1080p\"").unwrap(), Resolution::P1080);
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn maybe(&mut self) -> bool {
        self.next() % 2 == 0
    }
}

/// A number as JS's JSON writes it (the generator's numbers are all finite).
fn js(n: f64) -> String {
    serde_json::to_string(&n).unwrap()
}

/// One generated input's pricing, typed and as the JS input object's
/// members (JSON text).
fn generate(r: &mut Random) -> (Pricing, String) {
    let numbers = [0.0, 0.1, 1.0, 2.5, 7.0, 12.5, 17.0, 19.99, 33.33, 100.0, 1.001, -1.0, 100_001.0, 1e21];
    let given = |r: &mut Random| r.maybe().then(|| r.pick(&numbers));
    let (mut members, mut rates) = (Vec::new(), Vec::new());
    let mut rate = |r: &mut Random, key: &str| {
        let n = given(r)?;
        rates.push(format!("\"{key}\":{}", js(n)));
        Some(n)
    };
    let pricing = if r.maybe() {
        let resolution = r.pick(&[Resolution::P720, Resolution::P1080]);
        members.push(format!("\"provider\":\"trinetra\",\"resolution\":\"{}\"", resolution.as_str()));
        let mut pricing = TrinetraPricing::new(resolution);
        for tier in [Resolution::P720, Resolution::P1080] {
            if let Some(n) = rate(r, tier.as_str()) {
                pricing = pricing.rate(tier, n);
            }
        }
        if let Some(n) = given(r) {
            pricing = pricing.discount_percent(n);
            members.push(format!("\"discountPercent\":{}", js(n)));
        }
        Pricing::from(pricing)
    } else {
        let mode = r.pick(&[Mode::Standard, Mode::Professional]);
        members.push(format!("\"provider\":\"kling\",\"mode\":\"{}\"", mode.as_str()));
        let mut pricing = KlingPricing::new(mode);
        for tier in [Mode::Standard, Mode::Professional] {
            if let Some(n) = rate(r, tier.as_str()) {
                pricing = pricing.rate(tier, n);
            }
        }
        if let Some(n) = given(r) {
            pricing = pricing.discount_percent(n);
            members.push(format!("\"discountPercent\":{}", js(n)));
        }
        if r.maybe() {
            let amount = r.pick(&[0.14, 0.125, 1.0, 0.0, 1_000_000.0, 0.12345, -1.0]);
            let currency = r.pick(&["USD", "EUR", "INR", "usd", "US", "USDX"]);
            pricing = pricing.unit_price(amount, currency);
            members.push(format!("\"unitPrice\":{{\"amount\":{},\"currency\":\"{currency}\"}}", js(amount)));
        }
        Pricing::from(pricing)
    };
    if !rates.is_empty() {
        members.push(format!("\"rates\":{{{}}}", rates.join(",")));
    }
    (pricing, members.join(","))
}

/// An outcome to compare: the answer as JSON, or the refusal's field and message.
type Outcome = Result<serde_json::Value, (Option<String>, String)>;

fn from_core<T>(
    answer: kling_extend_core::types::error::Result<T>,
    contract: impl Fn(&T) -> serde_json::Value,
) -> Outcome {
    answer.as_ref().map(contract).map_err(|error| (error.field.clone(), error.message.clone()))
}

fn from_client<T: serde::Serialize>(answer: Result<T, kling_extend_client::Error>) -> Outcome {
    answer.map(|value| serde_json::to_value(value).unwrap()).map_err(|error| {
        let message = error.to_string().trim_start_matches("invalid_request: ").to_owned();
        (error.field().map(str::to_owned), message)
    })
}

/// The core's quote as the contract (src/js/index.d.ts) spells it, written
/// out here independently of the client's conversion, plus the integers.
fn contract(q: &core::Quote) -> serde_json::Value {
    let mut inr = String::new();
    q.write_inr(&mut inr);
    match &q.bill {
        core::Bill::Trinetra { resolution, per_second } => json!({
            "provider": "trinetra", "resolution": resolution.as_str(), "seconds": q.seconds,
            "billedSeconds": q.billed_seconds, "perSecond": per_second, "listCredits": q.list_credits,
            "discountPercent": q.discount_percent, "credits": q.credits, "inr": q.credits, "formatted": inr,
            "paise": q.hundredths(), "listPaise": q.list_hundredths(),
        }),
        core::Bill::Kling { mode, steps, units_tenths, per_step, price } => {
            let mut value = json!({
                "provider": "kling", "mode": mode.as_str(), "seconds": q.seconds, "billedSeconds": q.billed_seconds,
                "steps": steps, "units": *units_tenths as f64 / 10.0, "perStep": per_step,
                "listCredits": q.list_credits, "discountPercent": q.discount_percent, "credits": q.credits,
            });
            if let Some(price) = price {
                let mut formatted = String::new();
                price.write_formatted(&mut formatted);
                value["price"] = json!({
                    "amount": price.cents as f64 / 100.0, "currency": price.currency, "formatted": formatted,
                    "cents": price.cents,
                });
            }
            value
        }
    }
}

fn contract_chain(c: &core::ChainQuote) -> serde_json::Value {
    let range = |r: core::Range| json!({ "min": r.min, "max": r.max });
    let step = |s: &core::ChainStep| {
        json!({
            "index": s.index, "addedSeconds": range(s.added_seconds), "outputSeconds": range(s.output_seconds),
            "min": contract(&s.min), "max": contract(&s.max),
        })
    };
    json!({
        "basis": if c.basis == core::Basis::Output { "output" } else { "added" },
        "outputSeconds": range(c.output_seconds),
        "min": contract(&c.min),
        "max": contract(&c.max),
        "steps": c.steps.iter().map(step).collect::<Vec<_>>(),
    })
}

#[test]
fn generated_inputs_give_what_the_js_object_gives_the_core() {
    let mut r = Random(0x9E37_79B9_7F4A_7C15);
    let (mut priced, mut refused) = (0, 0);
    for _ in 0..4_000 {
        let (pricing, members) = generate(&mut r);
        let seconds = r.pick(&[0.0, 1.0, 4.5, 5.0, 6.0, 10.2, 61_728.0, 123_456.0, 10_000_000.0, -1.0, 10_000_001.0]);
        let (ours, theirs) = if r.next() % 3 == 0 {
            let extensions = r.pick(&[0, 1, 2, 3, 12, 40, 1001]);
            let mut input = ChainInput::new(seconds, extensions);
            let mut text = format!("{{{members},\"sourceSeconds\":{},\"extensions\":{extensions}", js(seconds));
            if let Some(basis) = r.pick(&[None, Some(Basis::Output), Some(Basis::Added)]) {
                input = input.basis(basis);
                text += &format!(",\"basis\":\"{}\"", basis.as_str());
            }
            let core = core::quote_chain(&parse(format!("{text}}}").as_bytes()).unwrap());
            (from_client(quote_chain(&pricing, input)), from_core(core, contract_chain))
        } else {
            let text = format!("{{{members},\"seconds\":{}}}", js(seconds));
            let core = core::quote(&parse(text.as_bytes()).unwrap());
            (from_client(quote(&pricing, seconds)), from_core(core, contract))
        };
        assert_eq!(ours, theirs, "{pricing:?} {seconds}");
        if ours.is_ok() {
            priced += 1;
        } else {
            refused += 1;
        }
    }
    // Both outcomes are well covered, or the comparison proves little.
    assert!(priced > 1_000 && refused > 1_000, "{priced} priced, {refused} refused");
}
