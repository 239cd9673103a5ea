//! The cost calculator: synchronous, offline, exact.
//!
//! Trinetra bills credits per second of output by resolution (720p 19/s,
//! 1080p 30/s), and one of its credits is one rupee. Kling bills its own
//! resource-pack units per 5-second step by mode (standard 1, professional
//! 3.5), which its app counts as credits (10 a unit: 10 and 35 a step); Kling
//! money appears only at the caller's price per unit. Seconds are billed whole
//! (rounded up), as per-second billing does.

use crate::core::pricing::money::{hundredths, Paise};
use crate::core::types::error::{Error, Result};
use crate::core::types::fields::Fields;
use crate::core::types::json::{object, Value};
use crate::core::types::provider::ProviderName;
use crate::core::types::tier::{Mode, Resolution};

const KLING_STEP_SECONDS: u64 = 5;
/// The highest price per Kling unit a caller may give, in its currency.
const MAX_UNIT_PRICE: f64 = 1_000_000.0;
/// Batch budgets (a month of videos) included; at the highest rate the total
/// stays an exact JavaScript number (10⁷ s × 10⁵ credits × 100 paise < 2⁵³).
const MAX_SECONDS: u32 = 10_000_000;
/// The largest amount a JavaScript number holds exactly, in paise.
const MAX_EXACT_PAISE: u64 = (1 << 53) - 1;
const MAX_EXTENSIONS: u64 = 1_000;
/// One extension adds between these many seconds (Kling's documentation).
const ADDED_SECONDS: (u64, u64) = (4, 5);

/// How a price is worked out: a rate per billing step, and a discount.
#[derive(Clone, Debug, PartialEq)]
struct Tariff {
    provider: ProviderName,
    tier: Tier,
    /// Credits per second (Trinetra) or per 5-second step (Kling).
    rate: Paise,
    discount_bp: u64,
    /// Kling: the caller's price of one unit, for `price`.
    unit_price: Option<UnitPrice>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Tier {
    Resolution(Resolution),
    Mode(Mode),
}

/// A price per Kling unit in ten-thousandths of a currency's unit, so that
/// prices such as 0.125 stay exact.
#[derive(Clone, Debug, PartialEq)]
struct UnitPrice {
    ten_thousandths: u64,
    currency: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    pub seconds: f64,
    pub billed_seconds: u64,
    pub list_credits: f64,
    pub discount_percent: f64,
    pub credits: f64,
    pub bill: Bill,
    /// The exact amounts behind `credits` and `listCredits`, for totals; not written.
    amount: Paise,
    list: Paise,
}

/// What each service's quote says beyond credits: rupees for Trinetra; for
/// Kling its units, and money only at the caller's unit price.
#[derive(Clone, Debug, PartialEq)]
pub enum Bill {
    Trinetra { resolution: Resolution, per_second: f64 },
    Kling { mode: Mode, steps: u64, units_tenths: u64, per_step: f64, price: Option<Price> },
}

/// Money at the caller's unit price, exact to the cent.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    pub cents: u64,
    pub currency: String,
}

impl Price {
    /// `USD 1,234.50`: the currency's code, thousands grouped, two decimals.
    fn formatted(&self) -> String {
        let whole = (self.cents / 100).to_string();
        let mut grouped = String::new();
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        format!("{} {grouped}.{:02}", self.currency, self.cents % 100)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub min: u64,
    pub max: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChainStep {
    pub index: u64,
    pub added_seconds: Range,
    pub output_seconds: Range,
    pub min: Quote,
    pub max: Quote,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChainQuote {
    pub basis: Basis,
    pub output_seconds: Range,
    pub min: Quote,
    pub max: Quote,
    pub steps: Vec<ChainStep>,
}

/// What a chain step is billed on: the whole output video, or the new seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    Output,
    Added,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Output => "output",
            Basis::Added => "added",
        }
    }
}

/// The contract's camelCase keys; absent members are left out. Trinetra's
/// credits are rupees (`inr`, `formatted`); Kling's are not money.
impl From<Quote> for Value {
    fn from(q: Quote) -> Value {
        let formatted = q.amount.format_inr();
        // Each service's own members: after `billedSeconds`, and after `credits`.
        let (provider, tier, rates, money) = match q.bill {
            Bill::Trinetra { resolution, per_second } => (
                ProviderName::Trinetra,
                ("resolution", resolution.as_str()),
                vec![("perSecond", Some(per_second.into()))],
                vec![("inr", Some(q.credits.into())), ("formatted", Some(formatted.into()))],
            ),
            Bill::Kling { mode, steps, units_tenths, per_step, price } => (
                ProviderName::Kling,
                ("mode", mode.as_str()),
                vec![
                    ("steps", Some(steps.into())),
                    ("units", Some((units_tenths as f64 / 10.0).into())),
                    ("perStep", Some(per_step.into())),
                ],
                vec![("price", price.map(Value::from))],
            ),
        };
        let mut members = vec![
            ("provider", Some(provider.as_str().into())),
            (tier.0, Some(tier.1.into())),
            ("seconds", Some(q.seconds.into())),
            ("billedSeconds", Some(q.billed_seconds.into())),
        ];
        members.extend(rates);
        members.extend([
            ("listCredits", Some(q.list_credits.into())),
            ("discountPercent", Some(q.discount_percent.into())),
            ("credits", Some(q.credits.into())),
        ]);
        members.extend(money);
        object(members)
    }
}

impl From<Price> for Value {
    fn from(price: Price) -> Value {
        let formatted = price.formatted();
        object([
            ("amount", Some((price.cents as f64 / 100.0).into())),
            ("currency", Some(price.currency.into())),
            ("formatted", Some(formatted.into())),
        ])
    }
}

impl From<Range> for Value {
    fn from(range: Range) -> Value {
        object([("min", Some(range.min.into())), ("max", Some(range.max.into()))])
    }
}

impl From<ChainStep> for Value {
    fn from(step: ChainStep) -> Value {
        object([
            ("index", Some(step.index.into())),
            ("addedSeconds", Some(step.added_seconds.into())),
            ("outputSeconds", Some(step.output_seconds.into())),
            ("min", Some(step.min.into())),
            ("max", Some(step.max.into())),
        ])
    }
}

impl From<ChainQuote> for Value {
    fn from(chain: ChainQuote) -> Value {
        object([
            ("basis", Some(chain.basis.as_str().into())),
            ("outputSeconds", Some(chain.output_seconds.into())),
            ("min", Some(chain.min.into())),
            ("max", Some(chain.max.into())),
            ("steps", Some(chain.steps.into())),
        ])
    }
}

const COMMON: &[&str] = &["provider", "resolution", "mode", "discountPercent", "rates", "unitPrice"];

/// `quote({ provider?, resolution?, mode?, seconds, discountPercent?, rates?, unitPrice? })`.
pub fn quote(input: &Value) -> Result<Quote> {
    let f = Fields::of(input, "input")?;
    f.deny_unknown(&[COMMON, &["seconds"]].concat(), |_| None)?;
    let tariff = Tariff::from_fields(&f)?;
    Ok(tariff.bill(seconds(&f, "seconds")?))
}

/// `quoteChain({ …, sourceSeconds, extensions, basis? })`: the cost of
/// extending a clip `extensions` times, as a range, step by step.
pub fn quote_chain(input: &Value) -> Result<ChainQuote> {
    let f = Fields::of(input, "input")?;
    f.deny_unknown(&[COMMON, &["sourceSeconds", "extensions", "basis"]].concat(), |_| None)?;
    let tariff = Tariff::from_fields(&f)?;
    let source = seconds(&f, "sourceSeconds")?;
    let extensions =
        f.integer("extensions", 0..=MAX_EXTENSIONS)?.ok_or_else(|| Error::invalid("extensions", "is required"))?;
    let basis = match f.string("basis")? {
        None if tariff.provider == ProviderName::Trinetra => Basis::Output,
        None | Some("added") => Basis::Added,
        Some("output") => Basis::Output,
        Some(_) => return Err(Error::invalid("basis", "must be \"output\" or \"added\"")),
    };
    let mut steps = Vec::new();
    for index in 1..=extensions {
        let added = Range { min: ADDED_SECONDS.0, max: ADDED_SECONDS.1 };
        let output = |per: u64| source + (index * per) as f64;
        let billed = |per: u64| match basis {
            Basis::Output => output(per),
            Basis::Added => per as f64,
        };
        steps.push(ChainStep {
            index,
            added_seconds: added,
            output_seconds: Range { min: output(added.min).ceil() as u64, max: output(added.max).ceil() as u64 },
            min: tariff.bill(billed(added.min)),
            max: tariff.bill(billed(added.max)),
        });
    }
    let total = |pick: fn(&ChainStep) -> &Quote| tariff.total(steps.iter().map(pick));
    let max = total(|s| &s.max);
    if max.amount.0 > MAX_EXACT_PAISE {
        return Err(Error::invalid("extensions", "make a chain too costly to price exactly; quote fewer at a time"));
    }
    Ok(ChainQuote {
        basis,
        output_seconds: Range {
            min: (source + (extensions * ADDED_SECONDS.0) as f64).ceil() as u64,
            max: (source + (extensions * ADDED_SECONDS.1) as f64).ceil() as u64,
        },
        min: total(|s| &s.min),
        max,
        steps,
    })
}

fn seconds(f: &Fields, key: &str) -> Result<f64> {
    match f.number(key)? {
        Some(s) if (0.0..=f64::from(MAX_SECONDS)).contains(&s) => Ok(s),
        Some(_) => Err(Error::invalid(key, &format!("must be from 0 to {} seconds", MAX_SECONDS))),
        None => Err(Error::invalid(key, "is required")),
    }
}

impl Tariff {
    fn from_fields(f: &Fields) -> Result<Tariff> {
        let provider = f.provider()?.unwrap_or_default();
        let (tier, misplaced): (_, &[_]) = match provider {
            ProviderName::Trinetra => {
                let r = f.string("resolution")?.map(|w| Resolution::parse("resolution", w)).transpose()?;
                (Tier::Resolution(r.unwrap_or(Resolution::P720)), &[("mode", "kling"), ("unitPrice", "kling")])
            }
            ProviderName::Kling => {
                let m = f.string("mode")?.map(|w| Mode::parse("mode", w)).transpose()?;
                (Tier::Mode(m.unwrap_or(Mode::Standard)), &[("resolution", "trinetra")])
            }
        };
        for (key, other) in misplaced {
            if f.given(key) {
                return Err(Error::invalid(key, &format!("is only used with provider \"{other}\"")));
            }
        }
        let discount = f.number("discountPercent")?.unwrap_or(0.0);
        let (discount_bp, exact) = hundredths(discount);
        if !(0.0..=100.0).contains(&discount) || !exact {
            return Err(Error::invalid("discountPercent", "must be from 0 to 100, with at most two decimals"));
        }
        Ok(Tariff { provider, tier, rate: rate(f, tier)?, discount_bp, unit_price: unit_price(f)? })
    }

    fn bill(&self, seconds: f64) -> Quote {
        let whole = seconds.ceil() as u64;
        match self.tier {
            Tier::Resolution(_) => self.quote(seconds, whole, 0, self.rate.times(whole)),
            Tier::Mode(_) => {
                let steps = whole.div_ceil(KLING_STEP_SECONDS);
                self.quote(seconds, steps * KLING_STEP_SECONDS, steps, self.rate.times(steps))
            }
        }
    }

    /// The sum of `quotes`, each amount as it was rounded, as a service bills.
    fn total<'a>(&self, quotes: impl Iterator<Item = &'a Quote>) -> Quote {
        let mut total = self.quote(0.0, 0, 0, Paise(0));
        for q in quotes {
            total.seconds += q.seconds;
            total.billed_seconds += q.billed_seconds;
            total.list = total.list + q.list;
            total.amount = total.amount + q.amount;
            if let (
                Bill::Kling { steps, units_tenths, price, .. },
                Bill::Kling { steps: s, units_tenths: u, price: p, .. },
            ) = (&mut total.bill, &q.bill)
            {
                *steps += s;
                *units_tenths += u;
                if let (Some(price), Some(p)) = (price, p) {
                    price.cents += p.cents;
                }
            }
        }
        total.list_credits = total.list.credits();
        total.credits = total.amount.credits();
        total
    }

    /// A quote for `steps` Kling steps (unused for Trinetra) at `list` before the discount.
    fn quote(&self, seconds: f64, billed_seconds: u64, steps: u64, list: Paise) -> Quote {
        let amount = list.discounted(self.discount_bp);
        let bill = match self.tier {
            Tier::Resolution(resolution) => Bill::Trinetra { resolution, per_second: self.rate.credits() },
            Tier::Mode(mode) => {
                let units_tenths = steps * mode.units_tenths_per_step();
                let price = self.unit_price.as_ref().map(|p| Price {
                    cents: price_cents(units_tenths, p.ten_thousandths, self.discount_bp),
                    currency: p.currency.clone(),
                });
                Bill::Kling { mode, steps, units_tenths, per_step: self.rate.credits(), price }
            }
        };
        Quote {
            seconds,
            billed_seconds,
            list_credits: list.credits(),
            discount_percent: self.discount_bp as f64 / 100.0,
            credits: amount.credits(),
            bill,
            amount,
            list,
        }
    }
}

/// `units` (in tenths) at a unit price (in ten-thousandths), less the
/// discount, in cents rounded half up: exact, whatever the inputs' decimals.
fn price_cents(units_tenths: u64, ten_thousandths: u64, discount_bp: u64) -> u64 {
    let kept = 10_000u128.saturating_sub(discount_bp.into());
    // Tenths × ten-thousandths × basis points: 10⁻⁹ of a unit of money, a cent being 10⁷ of them.
    let exact = u128::from(units_tenths) * u128::from(ten_thousandths) * kept;
    u64::try_from((exact + 5_000_000) / 10_000_000).unwrap_or(u64::MAX)
}

/// `unitPrice: { amount, currency }`: what the caller pays Kling for one unit.
fn unit_price(f: &Fields) -> Result<Option<UnitPrice>> {
    let Some(value) = f.object("unitPrice")? else { return Ok(None) };
    let p = Fields::nested(value, "unitPrice", "unitPrice.")?;
    p.deny_unknown(&["amount", "currency"], |_| None)?;
    let amount = p.number("amount")?.ok_or_else(|| Error::invalid("unitPrice.amount", "is required"))?;
    let scaled = amount * 10_000.0;
    if !(0.0..=MAX_UNIT_PRICE).contains(&amount) || (scaled - scaled.round()).abs() > 1e-6 * scaled.max(1.0) {
        return Err(Error::invalid("unitPrice.amount", "must be from 0 to 1000000, with at most four decimals"));
    }
    let currency = p.string("currency")?.ok_or_else(|| Error::invalid("unitPrice.currency", "is required"))?;
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::invalid("unitPrice.currency", "must be a three-letter ISO 4217 code, such as \"USD\""));
    }
    Ok(Some(UnitPrice { ten_thousandths: scaled.round() as u64, currency: currency.to_owned() }))
}

/// The list rate for `tier`, or the caller's negotiated one from `rates`.
fn rate(f: &Fields, tier: Tier) -> Result<Paise> {
    let (keys, key, list): (&[&str], &str, u64) = match tier {
        Tier::Resolution(r) => (&["720p", "1080p"], r.as_str(), if r == Resolution::P720 { 19 } else { 30 }),
        Tier::Mode(m) => (&["standard", "professional"], m.as_str(), if m == Mode::Standard { 10 } else { 35 }),
    };
    let Some(rates) = f.object("rates")? else {
        return Ok(Paise(list * 100));
    };
    let rates = Fields::nested(rates, "rates", "rates.")?;
    rates.deny_unknown(keys, |_| None)?;
    for other in keys {
        if let Some(n) = rates.number(other)? {
            Paise::from_credits(&format!("rates.{other}"), n)?;
        }
    }
    match rates.number(key)? {
        Some(n) => Paise::from_credits(&format!("rates.{key}"), n),
        None => Ok(Paise(list * 100)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::types::json::parse;

    fn q(json: &str) -> Result<Quote> {
        quote(&parse(json.as_bytes()).unwrap())
    }

    fn inr(q: &Quote) -> String {
        q.amount.format_inr()
    }

    /// A Kling quote's steps, units, credits per step and price, formatted.
    fn kling(q: &Quote) -> (u64, f64, f64, Option<String>) {
        match &q.bill {
            Bill::Kling { steps, units_tenths, per_step, price, .. } => {
                (*steps, *units_tenths as f64 / 10.0, *per_step, price.as_ref().map(Price::formatted))
            }
            Bill::Trinetra { .. } => panic!("a Trinetra quote"),
        }
    }

    fn chain(json: &str) -> ChainQuote {
        quote_chain(&parse(json.as_bytes()).unwrap()).unwrap()
    }

    fn keys(value: &Value) -> Vec<&str> {
        value.as_object().unwrap_or_default().iter().map(|(key, _)| key.as_str()).collect()
    }

    #[test]
    fn quotes_keep_their_camel_case_keys_and_leave_out_the_other_tier() {
        let kling = Value::from(q(r#"{"provider":"kling","seconds":6,"discountPercent":10}"#).unwrap());
        let text = r#"{"provider":"kling","mode":"standard","seconds":6,"billedSeconds":10,"steps":2,"units":2,"perStep":10,"listCredits":20,"discountPercent":10,"credits":18}"#;
        assert_eq!(kling.to_json(), text);
        let trinetra = Value::from(q(r#"{"seconds":2.5,"discountPercent":12.5}"#).unwrap());
        let text = r#"{"provider":"trinetra","resolution":"720p","seconds":2.5,"billedSeconds":3,"perSecond":19,"listCredits":57,"discountPercent":12.5,"credits":49.88,"inr":49.88,"formatted":"₹49.88"}"#;
        assert_eq!(trinetra.to_json(), text);
    }

    #[test]
    fn chain_quotes_keep_their_camel_case_keys() {
        let c = Value::from(chain(r#"{"sourceSeconds":5,"extensions":2}"#));
        let text = |of: &Value, key: &str| of.get(key).map(Value::to_json).unwrap_or_default();
        assert_eq!(keys(&c), ["basis", "outputSeconds", "min", "max", "steps"]);
        assert_eq!(text(&c, "basis"), r#""output""#);
        assert_eq!(text(&c, "outputSeconds"), r#"{"min":13,"max":15}"#);
        let steps = c.get("steps").and_then(Value::as_array).unwrap_or_default();
        assert_eq!(keys(&steps[1]), ["index", "addedSeconds", "outputSeconds", "min", "max"]);
        assert_eq!(text(&steps[1], "index"), "2");
        assert_eq!(text(&steps[1], "addedSeconds"), r#"{"min":4,"max":5}"#);
        assert!(text(&steps[1], "max").starts_with(r#"{"provider":"trinetra","resolution":"720p","seconds":15,"#));
    }

    #[test]
    fn trinetra_bills_each_second_of_output_by_resolution() {
        let a = q(r#"{"seconds":10}"#).unwrap();
        assert_eq!((a.credits, a.billed_seconds, inr(&a).as_str()), (190.0, 10, "₹190.00"));
        assert_eq!(a.bill, Bill::Trinetra { resolution: Resolution::P720, per_second: 19.0 });
        let b = q(r#"{"seconds":10.2,"resolution":"1080p"}"#).unwrap();
        assert_eq!((b.credits, b.billed_seconds), (330.0, 11));
    }

    #[test]
    fn kling_bills_units_per_five_second_step_by_mode() {
        let a = q(r#"{"provider":"kling","seconds":5}"#).unwrap();
        assert_eq!((a.credits, kling(&a)), (10.0, (1, 1.0, 10.0, None)));
        let b = q(r#"{"provider":"kling","mode":"pro","seconds":6}"#).unwrap();
        assert_eq!((b.credits, b.billed_seconds, kling(&b)), (70.0, 10, (2, 7.0, 35.0, None)));
    }

    #[test]
    fn kling_money_comes_only_from_the_callers_unit_price_exact_to_the_cent() {
        let usd = |extra: &str| q(&format!(r#"{{"provider":"kling","mode":"pro","seconds":5{extra}}}"#)).unwrap();
        let price = |q: &Quote| kling(q).3.unwrap_or_default();
        assert_eq!(price(&usd(r#","unitPrice":{"amount":0.14,"currency":"USD"}"#)), "USD 0.49");
        assert_eq!(price(&usd(r#","unitPrice":{"amount":0.14,"currency":"USD"},"discountPercent":10"#)), "USD 0.44");
        assert_eq!(price(&usd(r#","unitPrice":{"amount":0.125,"currency":"EUR"}"#)), "EUR 0.44");
        let batch =
            q(r#"{"provider":"kling","mode":"pro","seconds":123456,"unitPrice":{"amount":0.14,"currency":"USD"}}"#);
        assert_eq!(kling(&batch.unwrap()), (24_692, 86_422.0, 35.0, Some("USD 12,099.08".into())));
        let steps = chain(
            r#"{"provider":"kling","sourceSeconds":5,"extensions":3,"unitPrice":{"amount":0.14,"currency":"USD"}}"#,
        );
        assert_eq!(kling(&steps.max), (3, 3.0, 10.0, Some("USD 0.42".into())));
    }

    #[test]
    fn negotiated_rates_and_discounts_are_exact() {
        let a = q(r#"{"seconds":3,"rates":{"720p":0.1}}"#).unwrap();
        assert_eq!(a.credits, 0.3);
        let b = q(r#"{"seconds":7,"discountPercent":12.5}"#).unwrap();
        assert_eq!((b.list_credits, b.credits, inr(&b).as_str()), (133.0, 116.38, "₹116.38"));
        let big = q(r#"{"seconds":86400,"resolution":"1080p","rates":{"1080p":99999.99}}"#).unwrap();
        assert_eq!(inr(&big), "₹8,63,99,99,136.00");
        let batch = q(r#"{"seconds":123456,"resolution":"720p"}"#).unwrap();
        assert_eq!((batch.credits, inr(&batch).as_str()), (2_345_664.0, "₹23,45,664.00"));
        let most = q(r#"{"seconds":10000000,"rates":{"720p":99999.99}}"#).unwrap();
        assert_eq!(inr(&most), "₹9,99,99,99,00,000.00");
        let costly = r#"{"sourceSeconds":10000000,"extensions":1000,"rates":{"720p":99999.99}}"#;
        assert_eq!(quote_chain(&parse(costly.as_bytes()).unwrap()).unwrap_err().field.as_deref(), Some("extensions"));
        assert_eq!(q(r#"{"seconds":10000001}"#).unwrap_err().message, "seconds must be from 0 to 10000000 seconds");
    }

    #[test]
    fn invalid_input_names_the_field() {
        for (json, field) in [
            (r#"{}"#, "seconds"),
            (r#"{"seconds":-1}"#, "seconds"),
            (r#"{"seconds":"5"}"#, "seconds"),
            (r#"{"seconds":5,"resolution":"4k"}"#, "resolution"),
            (r#"{"seconds":5,"mode":"pro"}"#, "mode"),
            (r#"{"seconds":5,"provider":"kling","mode":"turbo"}"#, "mode"),
            (r#"{"seconds":5,"discountPercent":101}"#, "discountPercent"),
            (r#"{"seconds":5,"rates":{"720p":-2}}"#, "rates.720p"),
            (r#"{"seconds":5,"rates":{"1080p":1.001}}"#, "rates.1080p"),
            (r#"{"seconds":5,"rates":{"4k":1}}"#, "rates.4k"),
            (r#"{"seconds":5,"sconds":5}"#, "sconds"),
            (r#"{"seconds":5,"unitPrice":{"amount":1,"currency":"USD"}}"#, "unitPrice"),
            (r#"{"provider":"kling","seconds":5,"unitPrice":{"amount":-1,"currency":"USD"}}"#, "unitPrice.amount"),
            (r#"{"provider":"kling","seconds":5,"unitPrice":{"amount":0.12345,"currency":"USD"}}"#, "unitPrice.amount"),
            (r#"{"provider":"kling","seconds":5,"unitPrice":{"amount":1,"currency":"usd"}}"#, "unitPrice.currency"),
            (r#"{"provider":"kling","seconds":5,"unitPrice":{"amount":1}}"#, "unitPrice.currency"),
            (r#"{"provider":"kling","seconds":5,"unitPrice":{"amount":1,"currency":"USD","x":1}}"#, "unitPrice.x"),
        ] {
            assert_eq!(q(json).unwrap_err().field.as_deref(), Some(field), "{json}");
        }
    }

    #[test]
    fn the_seeds_twenty_second_kling_video_costs_forty_credits_with_its_first_clip() {
        let c = chain(r#"{"provider":"kling","sourceSeconds":5,"extensions":3}"#);
        let first = q(r#"{"provider":"kling","seconds":5}"#).unwrap();
        assert_eq!((c.min.credits, c.max.credits), (30.0, 30.0));
        assert_eq!(c.min.credits + first.credits, 40.0);
        assert_eq!((c.output_seconds.min, c.output_seconds.max), (17, 20));
    }

    #[test]
    fn a_trinetra_chain_bills_every_output_in_full_by_default() {
        let c = chain(r#"{"sourceSeconds":5,"extensions":2}"#);
        assert_eq!(c.basis, Basis::Output);
        assert_eq!((c.steps[0].output_seconds.min, c.steps[1].output_seconds.max), (9, 15));
        assert_eq!((c.min.credits, c.max.credits), (19.0 * (9 + 13) as f64, 19.0 * (10 + 15) as f64));
        let added = chain(r#"{"sourceSeconds":5,"extensions":2,"basis":"added"}"#);
        assert_eq!((added.min.credits, added.max.credits), (152.0, 190.0));
        assert_eq!(added.steps.len(), 2);
    }

    #[test]
    fn a_chain_total_is_the_sum_of_its_discounted_steps() {
        let c = chain(r#"{"sourceSeconds":3.5,"extensions":3,"discountPercent":33.33}"#);
        let sum: u64 = c.steps.iter().map(|s| s.max.amount.0).sum();
        assert_eq!(c.max.amount.0, sum);
        assert_eq!(chain(r#"{"sourceSeconds":1,"extensions":0}"#).max.credits, 0.0);
    }
}
