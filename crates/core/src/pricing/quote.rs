//! The cost calculator: synchronous, offline, exact.
//!
//! Trinetra bills credits per second of output by resolution (720p 19/s,
//! 1080p 30/s), and one of its credits is one rupee. Kling bills its own
//! resource-pack units per 5-second step by mode (standard 1, professional
//! 3.5), which its app counts as credits (10 a unit: 10 and 35 a step); Kling
//! money appears only at the caller's price per unit. Seconds are billed whole
//! (rounded up), as per-second billing does.
//!
//! Two ways in, one set of rules: [`quote`] and [`quote_chain`] read a
//! caller's object and name the first field they refuse; [`quote_terms`] and
//! [`quote_chain_terms`] take the same inputs already typed (the bindings'
//! fast path, which reads a JS object without writing JSON) and only say
//! whether they price it, since which error `quote` names depends on the
//! order it reads an object in.
//!
//! ```
//! use kling_extend_core::pricing::quote::{Bill, quote, quote_chain};
//! use kling_extend_core::types::json::parse;
//!
//! // Kling, professional mode: 6 seconds are two 5-second steps of 3.5 units.
//! let q = quote(&parse(br#"{"provider": "kling", "mode": "pro", "seconds": 6}"#).unwrap())?;
//! assert_eq!((q.billed_seconds, q.credits), (10, 70.0));
//! assert!(matches!(q.bill, Bill::Kling { steps: 2, units_tenths: 70, .. }));
//!
//! // A 5-second Trinetra clip extended twice: each step adds 4 to 5 seconds.
//! let chain = quote_chain(&parse(br#"{"sourceSeconds": 5, "extensions": 2}"#).unwrap())?;
//! assert_eq!((chain.output_seconds.min, chain.output_seconds.max), (13, 15));
//!
//! // A refusal names the field at fault.
//! let refused = quote(&parse(br#"{"seconds": -1}"#).unwrap()).unwrap_err();
//! assert_eq!(refused.field.as_deref(), Some("seconds"));
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

use crate::pricing::money::{Paise, hundredths, write_grouped, write_hundredths};
use crate::types::error::{Error, Result};
use crate::types::fields::{Fields, whole};
use crate::types::json::Value;
use crate::types::provider::ProviderName;
use crate::types::tier::{Mode, Resolution};

const KLING_STEP_SECONDS: u64 = 5;
/// The highest price per Kling unit a caller may give, in its currency.
const MAX_UNIT_PRICE: f64 = 1_000_000.0;
/// Batch budgets (a month of videos) included; at the highest rate the total
/// stays an exact JavaScript number (10⁷ s × 10⁵ credits × 100 paise < 2⁵³).
const MAX_SECONDS: u32 = 10_000_000;
/// The largest amount a JavaScript number holds exactly, in paise.
const MAX_EXACT_PAISE: u64 = (1 << 53) - 1;
const MAX_EXTENSIONS: u64 = 1_000;
/// The messages of these bounds, written out: formatting their numbers
/// would bring `core::fmt` into the calculator-only wasm (≈ 1 KB brotli);
/// a test holds them to the numbers.
const SECONDS_RANGE: &str = "must be from 0 to 10000000 seconds";
const EXTENSIONS_RANGE: &str = "must be a whole number from 0 to 1000";
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

/// What a video of some length costs: [`quote`]'s answer, and each step
/// and total of a [`ChainQuote`]. Credits are exact to a hundredth (a
/// Trinetra paisa); [`Quote::hundredths`] gives them as an integer.
///
/// ```
/// use kling_extend_core::pricing::quote::{Bill, quote};
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::tier::Resolution;
///
/// let q = quote(&parse(br#"{"seconds": 7.2, "discountPercent": 10}"#).unwrap())?;
/// assert_eq!(q.billed_seconds, 8, "a second begun is billed whole");
/// assert_eq!((q.list_credits, q.discount_percent, q.credits), (152.0, 10.0, 136.8));
/// assert_eq!(q.bill, Bill::Trinetra { resolution: Resolution::P720, per_second: 19.0 });
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The seconds asked for, as given.
    pub seconds: f64,
    /// The seconds billed: whole seconds (Trinetra), whole 5-second steps (Kling).
    pub billed_seconds: u64,
    /// The price before the discount, in credits.
    pub list_credits: f64,
    /// The discount taken off `list_credits`, in percent.
    pub discount_percent: f64,
    /// What is billed, in credits: `list_credits` less the discount, rounded
    /// half up to a hundredth.
    pub credits: f64,
    /// What the service bills beyond credits.
    pub bill: Bill,
    /// The exact amounts behind `credits` and `listCredits`, for totals; not written.
    amount: Paise,
    list: Paise,
}

/// What each service's quote says beyond credits: rupees for Trinetra; for
/// Kling its units, and money only at the caller's unit price.
///
/// ```
/// use kling_extend_core::pricing::quote::{Bill, quote};
/// use kling_extend_core::types::json::parse;
///
/// let input = br#"{"provider": "kling", "seconds": 10, "unitPrice": {"amount": 0.14, "currency": "USD"}}"#;
/// match quote(&parse(input).unwrap())?.bill {
///     Bill::Kling { steps, units_tenths, per_step, price, .. } => {
///         assert_eq!((steps, units_tenths, per_step), (2, 20, 10.0));
///         assert_eq!(price.map(|p| p.cents), Some(28)); // 2 units at US$0.14
///     }
///     Bill::Trinetra { .. } => unreachable!("provider is kling"),
/// }
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Bill {
    /// Trinetra bills credits per second of output; a credit is a rupee.
    Trinetra {
        /// The output's resolution, which sets the rate.
        resolution: Resolution,
        /// Credits a second before the discount: the list rate or the caller's `rates`.
        per_second: f64,
    },
    /// Kling bills resource-pack units per 5-second step.
    Kling {
        /// The generation mode, which sets the rate.
        mode: Mode,
        /// The 5-second steps billed.
        steps: u64,
        /// The units billed, in tenths (a professional step is 3.5 units).
        units_tenths: u64,
        /// Credits a step before the discount: the list rate (10 a unit, as its
        /// app counts) or the caller's `rates`.
        per_step: f64,
        /// The money at the caller's `unitPrice`, after the discount; `None` without one.
        price: Option<Price>,
    },
}

/// Money at the caller's unit price, exact to the cent.
///
/// ```
/// use kling_extend_core::pricing::quote::{Bill, quote};
/// use kling_extend_core::types::json::parse;
///
/// let input = br#"{"provider": "kling", "mode": "pro", "seconds": 5, "unitPrice": {"amount": 0.125, "currency": "EUR"}}"#;
/// let Bill::Kling { price: Some(price), .. } = quote(&parse(input).unwrap())?.bill else { unreachable!() };
/// assert_eq!((price.cents, price.currency.as_str()), (44, "EUR")); // 3.5 × 0.125 = 0.4375
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// The amount in hundredths of the currency's unit, rounded half up.
    pub cents: u64,
    /// The ISO 4217 code the caller gave, such as `USD`.
    pub currency: String,
}

impl Price {
    /// `USD 1,234.50`: the currency's code, thousands grouped, two decimals.
    /// Written to `out`, as [`Quote::write_inr`] is.
    ///
    /// ```
    /// use kling_extend_core::pricing::quote::Price;
    ///
    /// let mut text = String::new();
    /// Price { cents: 123_450, currency: "USD".into() }.write_formatted(&mut text);
    /// assert_eq!(text, "USD 1,234.50");
    /// ```
    pub fn write_formatted(&self, out: &mut impl Extend<char>) {
        out.extend(self.currency.chars().chain([' ']));
        write_grouped(self.cents / 100, |i| i % 3 == 0, out);
        write_hundredths(self.cents, out);
    }
}

impl Quote {
    /// Trinetra's credits as rupees, `₹1,23,456.00` (its credit is a rupee),
    /// with Indian grouping. Written to `out` rather than returned: a live
    /// price tag formats on every keystroke, and in the wasm an allocation
    /// plus `core::fmt` cost more than the quote.
    ///
    /// ```
    /// # use kling_extend_core::pricing::quote::quote;
    /// # use kling_extend_core::types::json::parse;
    /// let q = quote(&parse(br#"{"seconds": 7000}"#).unwrap())?;
    /// let mut text = String::new();
    /// q.write_inr(&mut text);
    /// assert_eq!(text, "₹1,33,000.00");
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn write_inr(&self, out: &mut impl Extend<char>) {
        self.amount.write_inr(out);
    }

    /// `credits` exactly, in hundredths of a credit (Trinetra's paise): for
    /// a typed client, whose callers add amounts up without rounding.
    ///
    /// ```
    /// # use kling_extend_core::pricing::quote::quote;
    /// # use kling_extend_core::types::json::parse;
    /// let q = quote(&parse(br#"{"seconds": 7, "discountPercent": 12.5}"#).unwrap())?;
    /// assert_eq!((q.credits, q.hundredths()), (116.38, 11_638));
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn hundredths(&self) -> u64 {
        self.amount.0
    }

    /// `list_credits` exactly, in hundredths of a credit.
    ///
    /// ```
    /// # use kling_extend_core::pricing::quote::quote;
    /// # use kling_extend_core::types::json::parse;
    /// let q = quote(&parse(br#"{"seconds": 7, "discountPercent": 12.5}"#).unwrap())?;
    /// assert_eq!((q.list_credits, q.list_hundredths()), (133.0, 13_300));
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn list_hundredths(&self) -> u64 {
        self.list.0
    }
}

/// Whole seconds known only within bounds: an extension adds 4 to 5
/// seconds, so a chain's lengths are ranges.
///
/// ```
/// # use kling_extend_core::pricing::quote::{Range, quote_chain};
/// # use kling_extend_core::types::json::parse;
/// let chain = quote_chain(&parse(br#"{"sourceSeconds": 10, "extensions": 3}"#).unwrap())?;
/// assert_eq!(chain.steps[0].added_seconds, Range { min: 4, max: 5 });
/// assert_eq!(chain.output_seconds, Range { min: 22, max: 25 });
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// The least it can be.
    pub min: u64,
    /// The most it can be.
    pub max: u64,
}

/// One extension of a chain: what it adds, the video's length after it, and
/// what it costs at the least and the most it can add.
///
/// ```
/// # use kling_extend_core::pricing::quote::{Range, quote_chain};
/// # use kling_extend_core::types::json::parse;
/// let chain = quote_chain(&parse(br#"{"sourceSeconds": 5, "extensions": 2}"#).unwrap())?;
/// let second = &chain.steps[1];
/// assert_eq!((second.index, second.output_seconds), (2, Range { min: 13, max: 15 }));
/// // Trinetra bills a step's whole output: 13 to 15 seconds at 19 credits.
/// assert_eq!((second.min.credits, second.max.credits), (247.0, 285.0));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChainStep {
    /// 1 for the first extension.
    pub index: u64,
    /// The seconds this extension adds (Kling's documentation: 4 to 5).
    pub added_seconds: Range,
    /// The video's length after this step, in seconds rounded up.
    pub output_seconds: Range,
    /// The step's cost if every extension adds the least.
    pub min: Quote,
    /// The step's cost if every extension adds the most.
    pub max: Quote,
}

/// What extending a clip several times costs, as a range, step by step:
/// [`quote_chain`]'s answer.
///
/// ```
/// # use kling_extend_core::pricing::quote::{Basis, quote_chain};
/// # use kling_extend_core::types::json::parse;
/// let chain = quote_chain(&parse(br#"{"provider": "kling", "sourceSeconds": 5, "extensions": 3}"#).unwrap())?;
/// assert_eq!(chain.basis, Basis::Added, "Kling bills what each extension adds");
/// assert_eq!((chain.min.credits, chain.max.credits), (30.0, 30.0)); // a step each, 10 credits
/// let sum: f64 = chain.steps.iter().map(|step| step.max.credits).sum();
/// assert_eq!(chain.max.credits, sum);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChainQuote {
    /// What each step was billed on.
    pub basis: Basis,
    /// The final video's length, in seconds rounded up.
    pub output_seconds: Range,
    /// The whole chain's cost if every extension adds the least: the sum of
    /// its steps' `min`, each as it was rounded, as a service bills.
    pub min: Quote,
    /// The whole chain's cost if every extension adds the most.
    pub max: Quote,
    /// Each extension, in order.
    pub steps: Vec<ChainStep>,
}

/// What a chain step is billed on: the whole output video, or the new seconds.
///
/// ```
/// # use kling_extend_core::pricing::quote::{Basis, quote_chain};
/// # use kling_extend_core::types::json::parse;
/// let input = br#"{"sourceSeconds": 5, "extensions": 2, "basis": "added"}"#;
/// let added = quote_chain(&parse(input).unwrap())?;
/// assert_eq!(added.basis, Basis::Added);
/// assert_eq!(added.max.credits, 190.0, "5 new seconds a step, not the whole video");
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// Each step bills the whole video it outputs (`"output"`, Trinetra's default).
    Output,
    /// Each step bills only the seconds it adds (`"added"`, Kling's default).
    Added,
}

impl Basis {
    /// Both bases, in the order of their codes at the calculator's wasm boundary.
    ///
    /// ```
    /// # use kling_extend_core::pricing::quote::Basis;
    /// // A driver that passes a basis as a number reads it back by index.
    /// assert_eq!(Basis::ALL.get(1), Some(&Basis::Added));
    /// assert_eq!(Basis::ALL.get(2), None);
    /// ```
    pub const ALL: [Basis; 2] = [Basis::Output, Basis::Added];

    /// Trinetra bills a step's whole output; Kling bills what it adds.
    fn default_for(provider: ProviderName) -> Basis {
        match provider {
            ProviderName::Trinetra => Basis::Output,
            ProviderName::Kling => Basis::Added,
        }
    }
}

/// The members of each input: the tariff's, then the quote's or the chain's own.
const QUOTE_KEYS: &[&str] = &["provider", "resolution", "mode", "discountPercent", "rates", "unitPrice", "seconds"];
const CHAIN_KEYS: &[&str] = &[
    "provider",
    "resolution",
    "mode",
    "discountPercent",
    "rates",
    "unitPrice",
    "sourceSeconds",
    "extensions",
    "basis",
];

/// `quote({ provider?, resolution?, mode?, seconds, discountPercent?, rates?, unitPrice? })`:
/// the caller's object read, or the first field it refuses named.
///
/// ```
/// use kling_extend_core::pricing::quote::quote;
/// use kling_extend_core::types::json::parse;
///
/// // A negotiated rate of 25 credits a second at 1080p.
/// let input = br#"{"seconds": 4, "resolution": "1080p", "rates": {"1080p": 25}}"#;
/// assert_eq!(quote(&parse(input).unwrap())?.credits, 100.0);
///
/// let typo = quote(&parse(br#"{"seconds": 4, "sconds": 4}"#).unwrap()).unwrap_err();
/// assert_eq!(typo.field.as_deref(), Some("sconds"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn quote(input: &Value) -> Result<Quote> {
    let fields = Fields::of(input, "input")?;
    fields.deny_unknown(QUOTE_KEYS, |_| None)?;
    let tariff = Tariff::from_fields(&fields)?;
    Ok(tariff.bill(seconds(&fields, "seconds")?))
}

/// `quoteChain({ …, sourceSeconds, extensions, basis? })`: the cost of
/// extending a clip `extensions` times, as a range, step by step.
///
/// ```
/// use kling_extend_core::pricing::quote::quote_chain;
/// use kling_extend_core::types::json::parse;
///
/// let chain = quote_chain(&parse(br#"{"sourceSeconds": 5, "extensions": 2}"#).unwrap())?;
/// assert_eq!(chain.steps.len(), 2);
/// assert_eq!((chain.min.credits, chain.max.credits), (418.0, 475.0)); // 9 + 13 to 10 + 15 s at 19
///
/// let missing = quote_chain(&parse(br#"{"sourceSeconds": 5}"#).unwrap()).unwrap_err();
/// assert_eq!(missing.field.as_deref(), Some("extensions"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn quote_chain(input: &Value) -> Result<ChainQuote> {
    let fields = Fields::of(input, "input")?;
    fields.deny_unknown(CHAIN_KEYS, |_| None)?;
    let tariff = Tariff::from_fields(&fields)?;
    let source = seconds(&fields, "sourceSeconds")?;
    let extensions = match fields.number("extensions")? {
        None => return Err(Error::invalid("extensions", "is required")),
        Some(n) => whole(n, &(0..=MAX_EXTENSIONS)).ok_or_else(|| Error::invalid("extensions", EXTENSIONS_RANGE))?,
    };
    let basis = match fields.string("basis")? {
        None => Basis::default_for(tariff.provider),
        Some("added") => Basis::Added,
        Some("output") => Basis::Output,
        Some(_) => return Err(Error::invalid("basis", "must be \"output\" or \"added\"")),
    };
    tariff.chain(source, extensions, basis)
}

/// A quote's inputs but its seconds, already typed: what a caller's object
/// holds when each member it gives has the type `quote` expects. `None`
/// is a member not given; the default is `{}`, Trinetra at its list rates.
///
/// ```
/// use kling_extend_core::pricing::quote::{Terms, quote_terms};
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::tier::Mode;
///
/// // { provider: "kling", mode: "professional", rates: { professional: 30 } }
/// let terms = Terms {
///     provider: ProviderName::Kling,
///     mode: Some(Mode::Professional),
///     mode_rates: [None, Some(30.0)],
///     ..Terms::default()
/// };
/// assert_eq!(quote_terms(&terms, 10.0).map(|q| q.credits), Some(60.0));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Terms<'a> {
    /// `provider`; Trinetra when not given.
    pub provider: ProviderName,
    /// `resolution` (Trinetra's only).
    pub resolution: Option<Resolution>,
    /// `mode` (Kling's only).
    pub mode: Option<Mode>,
    /// `discountPercent`.
    pub discount_percent: Option<f64>,
    /// `rates` by key: `720p` and `1080p` in [`Resolution::ALL`]'s order,
    /// `standard` and `professional` in [`Mode::ALL`]'s.
    pub resolution_rates: [Option<f64>; 2],
    /// See `resolution_rates`.
    pub mode_rates: [Option<f64>; 2],
    /// `unitPrice`: its amount and currency.
    pub unit_price: Option<(f64, &'a str)>,
}

/// [`quote`] of the object `terms` and `seconds` make, or `None` where
/// `quote` refuses it (then ask `quote` which field it names).
///
/// ```
/// use kling_extend_core::pricing::quote::{Terms, quote_terms};
/// use kling_extend_core::types::tier::Resolution;
///
/// let terms = Terms { resolution: Some(Resolution::P1080), ..Terms::default() };
/// assert_eq!(quote_terms(&terms, 10.0).map(|q| q.credits), Some(300.0));
/// assert_eq!(quote_terms(&terms, -1.0), None, "refused: ask quote why");
/// ```
pub fn quote_terms(terms: &Terms, seconds: f64) -> Option<Quote> {
    let tariff = Tariff::from_terms(terms)?;
    Some(tariff.bill(checked_seconds("seconds", seconds).ok()?))
}

/// [`quote_chain`] of the object `terms` and the chain's members make, or
/// `None` where `quote_chain` refuses it. `basis`: `None` for the
/// provider's default.
///
/// ```
/// use kling_extend_core::pricing::quote::{Basis, Terms, quote_chain_terms};
///
/// let terms = Terms::default();
/// let chain = quote_chain_terms(&terms, 5.0, 2.0, Some(Basis::Added)).unwrap();
/// assert_eq!((chain.basis, chain.max.credits), (Basis::Added, 190.0));
/// assert_eq!(quote_chain_terms(&terms, 5.0, 2.5, None), None, "extensions must be whole");
/// ```
pub fn quote_chain_terms(terms: &Terms, source: f64, extensions: f64, basis: Option<Basis>) -> Option<ChainQuote> {
    let tariff = Tariff::from_terms(terms)?;
    let source = checked_seconds("sourceSeconds", source).ok()?;
    let extensions = whole(extensions, &(0..=MAX_EXTENSIONS))?;
    tariff.chain(source, extensions, basis.unwrap_or(Basis::default_for(tariff.provider))).ok()
}

fn seconds(fields: &Fields, key: &str) -> Result<f64> {
    match fields.number(key)? {
        Some(s) => checked_seconds(key, s),
        None => Err(Error::invalid(key, "is required")),
    }
}

fn checked_seconds(key: &str, s: f64) -> Result<f64> {
    if (0.0..=f64::from(MAX_SECONDS)).contains(&s) { Ok(s) } else { Err(Error::invalid(key, SECONDS_RANGE)) }
}

/// The discount in basis points: 0 to 100 %, at most two decimals.
fn discount_bp(percent: f64) -> Result<u64> {
    let (bp, exact) = hundredths(percent);
    if !(0.0..=100.0).contains(&percent) || !exact {
        return Err(Error::invalid("discountPercent", "must be from 0 to 100, with at most two decimals"));
    }
    Ok(bp)
}

impl Tariff {
    fn from_fields(fields: &Fields) -> Result<Tariff> {
        let provider = fields.provider()?.unwrap_or_default();
        let (tier, misplaced): (_, &[_]) = match provider {
            ProviderName::Trinetra => {
                let r = fields.string("resolution")?.map(|w| Resolution::parse("resolution", w)).transpose()?;
                (Tier::Resolution(r.unwrap_or(Resolution::P720)), &[("mode", "kling"), ("unitPrice", "kling")])
            }
            ProviderName::Kling => {
                let m = fields.string("mode")?.map(|w| Mode::parse("mode", w)).transpose()?;
                (Tier::Mode(m.unwrap_or(Mode::Standard)), &[("resolution", "trinetra")])
            }
        };
        for (key, other) in misplaced {
            if fields.given(key) {
                return Err(Error::invalid(key, &("is only used with provider \"".to_owned() + other + "\"")));
            }
        }
        let discount_bp = discount_bp(fields.number("discountPercent")?.unwrap_or(0.0))?;
        Ok(Tariff { provider, tier, rate: rate(fields, tier)?, discount_bp, unit_price: unit_price(fields)? })
    }

    /// [`Tariff::from_fields`]'s rules on typed terms, in any order: only
    /// whether they hold matters here.
    fn from_terms(t: &Terms) -> Option<Tariff> {
        // A member of the other provider's is refused (`misplaced` above).
        let tier = match t.provider {
            ProviderName::Trinetra if t.mode.is_none() && t.unit_price.is_none() => {
                Tier::Resolution(t.resolution.unwrap_or(Resolution::P720))
            }
            ProviderName::Kling if t.resolution.is_none() => Tier::Mode(t.mode.unwrap_or(Mode::Standard)),
            _ => return None,
        };
        // Another tier's rates are unknown keys of `rates`; each of this
        // tier's given is checked, the one asked for is used.
        let (own, other, index) = match tier {
            Tier::Resolution(r) => (t.resolution_rates, t.mode_rates, r as usize),
            Tier::Mode(m) => (t.mode_rates, t.resolution_rates, m as usize),
        };
        if other.iter().any(Option::is_some) || own.iter().flatten().any(|&n| Paise::checked(n).is_err()) {
            return None;
        }
        let rate = own[index].map_or(Ok(list_rate(tier)), Paise::checked).ok()?;
        let discount_bp = discount_bp(t.discount_percent.unwrap_or(0.0)).ok()?;
        let unit_price = match t.unit_price {
            None => None,
            Some((amount, currency)) => Some(UnitPrice {
                ten_thousandths: unit_amount(amount).ok()?,
                currency: checked_currency(currency).ok()?.to_owned(),
            }),
        };
        Some(Tariff { provider: t.provider, tier, rate, discount_bp, unit_price })
    }

    /// A chain of `extensions` from a clip of `source` seconds, each step billed on `basis`.
    fn chain(&self, source: f64, extensions: u64, basis: Basis) -> Result<ChainQuote> {
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
                min: self.bill(billed(added.min)),
                max: self.bill(billed(added.max)),
            });
        }
        let total = |pick: fn(&ChainStep) -> &Quote| self.total(steps.iter().map(pick));
        let max = total(|s| &s.max);
        if max.amount.0 > MAX_EXACT_PAISE {
            return Err(Error::invalid(
                "extensions",
                "make a chain too costly to price exactly; quote fewer at a time",
            ));
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
    // Tenths × ten-thousandths × basis points: 10⁻⁹ of a unit of money, a
    // cent being 10⁷ of them. Within the bounds on seconds and unit prices
    // the first product fits a u64 (≤ 7·10¹⁷); split at a cent, so does its
    // product with the basis points: no u128, whose division alone is 1 KB
    // of wasm.
    const CENT: u64 = 10_000_000;
    let kept = 10_000u64.saturating_sub(discount_bp);
    let units = units_tenths.saturating_mul(ten_thousandths);
    (units / CENT) * kept + ((units % CENT) * kept + CENT / 2) / CENT
}

/// `unitPrice: { amount, currency }`: what the caller pays Kling for one unit.
fn unit_price(fields: &Fields) -> Result<Option<UnitPrice>> {
    let Some(value) = fields.object("unitPrice")? else { return Ok(None) };
    let p = Fields::nested(value, "unitPrice", "unitPrice.")?;
    p.deny_unknown(&["amount", "currency"], |_| None)?;
    let amount = p.number("amount")?.ok_or_else(|| Error::invalid("unitPrice.amount", "is required"))?;
    let ten_thousandths = unit_amount(amount)?;
    let currency = p.string("currency")?.ok_or_else(|| Error::invalid("unitPrice.currency", "is required"))?;
    Ok(Some(UnitPrice { ten_thousandths, currency: checked_currency(currency)?.to_owned() }))
}

/// A unit price's amount in ten-thousandths: 0 to 1,000,000, at most four decimals.
fn unit_amount(amount: f64) -> Result<u64> {
    let scaled = amount * 10_000.0;
    if !(0.0..=MAX_UNIT_PRICE).contains(&amount) || (scaled - scaled.round()).abs() > 1e-6 * scaled.max(1.0) {
        return Err(Error::invalid("unitPrice.amount", "must be from 0 to 1000000, with at most four decimals"));
    }
    Ok(scaled.round() as u64)
}

fn checked_currency(currency: &str) -> Result<&str> {
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::invalid("unitPrice.currency", "must be a three-letter ISO 4217 code, such as \"USD\""));
    }
    Ok(currency)
}

/// The list rate for `tier`, or the caller's negotiated one from `rates`.
fn rate(fields: &Fields, tier: Tier) -> Result<Paise> {
    let keys: &[&str] = match tier {
        Tier::Resolution(_) => &["720p", "1080p"],
        Tier::Mode(_) => &["standard", "professional"],
    };
    let key = match tier {
        Tier::Resolution(r) => r.as_str(),
        Tier::Mode(m) => m.as_str(),
    };
    let Some(rates) = fields.object("rates")? else {
        return Ok(list_rate(tier));
    };
    let rates = Fields::nested(rates, "rates", "rates.")?;
    rates.deny_unknown(keys, |_| None)?;
    for other in keys {
        if let Some(n) = rates.number(other)? {
            Paise::from_credits(&("rates.".to_owned() + other), n)?;
        }
    }
    match rates.number(key)? {
        Some(n) => Paise::from_credits(&("rates.".to_owned() + key), n),
        None => Ok(list_rate(tier)),
    }
}

/// The published rate: 720p 19, 1080p 30 credits a second; Kling 10 and 35 a step.
fn list_rate(tier: Tier) -> Paise {
    let credits = match tier {
        Tier::Resolution(Resolution::P720) => 19,
        Tier::Resolution(Resolution::P1080) => 30,
        Tier::Mode(Mode::Standard) => 10,
        Tier::Mode(Mode::Professional) => 35,
    };
    Paise(credits * 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    fn q(json: &str) -> Result<Quote> {
        quote(&parse(json.as_bytes()).unwrap())
    }

    fn inr(q: &Quote) -> String {
        let mut text = String::new();
        q.write_inr(&mut text);
        text
    }

    fn formatted(price: &Price) -> String {
        let mut text = String::new();
        price.write_formatted(&mut text);
        text
    }

    /// A Kling quote's steps, units, credits per step and price, formatted.
    fn kling(q: &Quote) -> (u64, f64, f64, Option<String>) {
        match &q.bill {
            Bill::Kling { steps, units_tenths, per_step, price, .. } => {
                (*steps, *units_tenths as f64 / 10.0, *per_step, price.as_ref().map(formatted))
            }
            Bill::Trinetra { .. } => panic!("a Trinetra quote"),
        }
    }

    fn chain(json: &str) -> ChainQuote {
        quote_chain(&parse(json.as_bytes()).unwrap()).unwrap()
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
    fn the_written_out_bounds_say_the_bounds() {
        assert_eq!(SECONDS_RANGE, format!("must be from 0 to {MAX_SECONDS} seconds"));
        let input = parse(b"{\"extensions\":1.5}").unwrap();
        let fields = Fields::of(&input, "input").unwrap();
        let integer = fields.integer("extensions", 0..=MAX_EXTENSIONS).unwrap_err();
        assert_eq!(integer.message, ["extensions ", EXTENSIONS_RANGE].concat());
    }

    #[test]
    fn prices_in_cents_round_half_up_exactly_without_u128() {
        let exact = |u: u64, t: u64, bp: u64| {
            let kept = 10_000u128 - u128::from(bp);
            ((u128::from(u) * u128::from(t) * kept + 5_000_000) / 10_000_000) as u64
        };
        // A batch's most units (2·10⁶ professional steps) at the highest unit price, and a spread below.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let (u, t, bp) = (x % 70_000_001, (x >> 20) % 10_000_000_001, x % 10_001);
            assert_eq!(price_cents(u, t, bp), exact(u, t, bp), "{u} {t} {bp}");
        }
        assert_eq!(price_cents(70_000_000, 10_000_000_000, 0), exact(70_000_000, 10_000_000_000, 0));
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
