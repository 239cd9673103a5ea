//! What a job costs, offline and synchronously: the npm package's `quote` and
//! `quoteChain`, priced by the core's calculator.
//!
//! The inputs are typed so that what the npm package refuses by type cannot
//! be written here (a `mode` for Trinetra, a `unitPrice` without Kling, a
//! resolution or mode it does not know). They become the JS input object and
//! go to the core's own reader, which checks every number and names the field
//! it refuses, as `quote` does in JS: the same inputs give the same quotes
//! and the same errors.

use crate::error::Error;
use kling_extend_core::pricing::quote::{self as core, Bill};
use kling_extend_core::types::json::{object, Value};
use kling_extend_core::types::tier;
use serde::{Deserialize, Serialize};

/// Trinetra's output resolution, which sets its price per second.
///
/// ```
/// use kling_extend_client::Resolution;
///
/// assert_eq!(Resolution::default(), Resolution::P720);
/// assert_eq!(Resolution::P1080.as_str(), "1080p");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Resolution {
    /// 720p, 19 credits a second at list price (the default).
    #[default]
    #[serde(rename = "720p")]
    P720,
    /// 1080p, 30 credits a second at list price.
    #[serde(rename = "1080p")]
    P1080,
}

impl Resolution {
    /// The npm package's word for it (`"720p"`).
    ///
    /// ```
    /// assert_eq!(kling_extend_client::Resolution::P720.as_str(), "720p");
    /// ```
    pub fn as_str(self) -> &'static str {
        tier::Resolution::from(self).as_str()
    }
}

impl From<Resolution> for tier::Resolution {
    fn from(resolution: Resolution) -> tier::Resolution {
        match resolution {
            Resolution::P720 => tier::Resolution::P720,
            Resolution::P1080 => tier::Resolution::P1080,
        }
    }
}

impl From<tier::Resolution> for Resolution {
    fn from(resolution: tier::Resolution) -> Resolution {
        match resolution {
            tier::Resolution::P720 => Resolution::P720,
            tier::Resolution::P1080 => Resolution::P1080,
        }
    }
}

/// Kling's generation mode, which sets its units per 5-second step.
///
/// ```
/// use kling_extend_client::Mode;
///
/// assert_eq!(Mode::default(), Mode::Standard);
/// assert_eq!(Mode::Professional.as_str(), "professional");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Mode {
    /// 1 unit (10 credits) a step at list price (the default).
    #[default]
    #[serde(alias = "std")]
    Standard,
    /// 3.5 units (35 credits) a step at list price.
    #[serde(alias = "pro")]
    Professional,
}

impl Mode {
    /// The npm package's word for it (`"standard"`).
    ///
    /// ```
    /// assert_eq!(kling_extend_client::Mode::Standard.as_str(), "standard");
    /// ```
    pub fn as_str(self) -> &'static str {
        tier::Mode::from(self).as_str()
    }
}

impl From<Mode> for tier::Mode {
    fn from(mode: Mode) -> tier::Mode {
        match mode {
            Mode::Standard => tier::Mode::Standard,
            Mode::Professional => tier::Mode::Professional,
        }
    }
}

impl From<tier::Mode> for Mode {
    fn from(mode: tier::Mode) -> Mode {
        match mode {
            tier::Mode::Standard => Mode::Standard,
            tier::Mode::Professional => Mode::Professional,
        }
    }
}

/// Trinetra's terms: credits per second of output by resolution, one credit
/// a rupee. Numbers are checked when a quote is made.
///
/// ```
/// use kling_extend_client::{Resolution, TrinetraPricing};
///
/// // 1080p at a negotiated 28 credits a second, less 12.5 %.
/// let pricing = TrinetraPricing::new(Resolution::P1080).rate(Resolution::P1080, 28.0).discount_percent(12.5);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct TrinetraPricing {
    resolution: Resolution,
    rates: Vec<(Resolution, f64)>,
    discount_percent: Option<f64>,
}

impl TrinetraPricing {
    /// Trinetra's list prices at `resolution`.
    ///
    /// ```
    /// # use kling_extend_client::{quote, Resolution, TrinetraPricing};
    /// assert_eq!(quote(TrinetraPricing::new(Resolution::P1080), 1.0)?.credits(), 30.0);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn new(resolution: Resolution) -> Self {
        TrinetraPricing { resolution, ..TrinetraPricing::default() }
    }

    /// A negotiated rate for `resolution`, in credits per second (0 to
    /// 100,000, at most two decimals): `rates` in JS.
    ///
    /// ```
    /// # use kling_extend_client::{quote, Resolution, TrinetraPricing};
    /// let pricing = TrinetraPricing::default().rate(Resolution::P720, 0.1);
    /// assert_eq!(quote(pricing, 3.0)?.credits(), 0.3);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn rate(mut self, resolution: Resolution, credits_per_second: f64) -> Self {
        set(&mut self.rates, resolution, credits_per_second);
        self
    }

    /// A discount, 0 to 100 %, at most two decimals.
    ///
    /// ```
    /// # use kling_extend_client::{quote, TrinetraPricing};
    /// assert_eq!(quote(TrinetraPricing::default().discount_percent(10.0), 10.0)?.credits(), 171.0);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn discount_percent(mut self, percent: f64) -> Self {
        self.discount_percent = Some(percent);
        self
    }

    fn members(&self) -> Vec<(&'static str, Option<Value>)> {
        let rates = self.rates.iter().map(|(resolution, rate)| (resolution.as_str(), Some(number(*rate))));
        vec![
            ("provider", Some("trinetra".into())),
            ("resolution", Some(self.resolution.as_str().into())),
            ("discountPercent", self.discount_percent.map(number)),
            ("rates", (!self.rates.is_empty()).then(|| object(rates))),
        ]
    }
}

/// Kling's terms: its resource-pack units per 5-second step by mode (which
/// its app counts as 10 credits a unit), and money only at your own price of
/// a unit. Numbers are checked when a quote is made.
///
/// ```
/// use kling_extend_client::{KlingPricing, Mode};
///
/// // Professional mode, with money at US$0.14 a unit.
/// let pricing = KlingPricing::new(Mode::Professional).unit_price(0.14, "USD");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[must_use]
pub struct KlingPricing {
    mode: Mode,
    rates: Vec<(Mode, f64)>,
    discount_percent: Option<f64>,
    unit_price: Option<(f64, String)>,
}

impl KlingPricing {
    /// Kling's list prices in `mode`.
    ///
    /// ```
    /// # use kling_extend_client::{quote, KlingPricing, Mode};
    /// assert_eq!(quote(KlingPricing::new(Mode::Professional), 5.0)?.credits(), 35.0);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn new(mode: Mode) -> Self {
        KlingPricing { mode, ..KlingPricing::default() }
    }

    /// A negotiated rate for `mode`, in credits per 5-second step (0 to
    /// 100,000, at most two decimals): `rates` in JS.
    ///
    /// ```
    /// # use kling_extend_client::{quote, KlingPricing, Mode};
    /// let pricing = KlingPricing::new(Mode::Standard).rate(Mode::Standard, 8.5);
    /// assert_eq!(quote(pricing, 10.0)?.credits(), 17.0);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn rate(mut self, mode: Mode, credits_per_step: f64) -> Self {
        set(&mut self.rates, mode, credits_per_step);
        self
    }

    /// A discount, 0 to 100 %, at most two decimals; it applies to credits
    /// and to the price.
    ///
    /// ```
    /// # use kling_extend_client::{quote, KlingPricing};
    /// assert_eq!(quote(KlingPricing::default().discount_percent(50.0), 5.0)?.credits(), 5.0);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn discount_percent(mut self, percent: f64) -> Self {
        self.discount_percent = Some(percent);
        self
    }

    /// What you pay Kling for one unit (`amount` 0 to 1,000,000, at most four
    /// decimals; `currency` three capital letters, ISO 4217): with it, each
    /// quote has its [`Price`].
    ///
    /// ```
    /// # use kling_extend_client::{quote, KlingPricing, Quote};
    /// let Quote::Kling(q) = quote(KlingPricing::default().unit_price(0.125, "EUR"), 10.0)? else { unreachable!() };
    /// assert_eq!(q.price.map(|p| p.cents), Some(25));
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn unit_price(mut self, amount: f64, currency: impl Into<String>) -> Self {
        self.unit_price = Some((amount, currency.into()));
        self
    }

    fn members(&self) -> Vec<(&'static str, Option<Value>)> {
        let rates = self.rates.iter().map(|(mode, rate)| (mode.as_str(), Some(number(*rate))));
        let unit_price = self.unit_price.as_ref().map(|(amount, currency)| {
            object([("amount", Some(number(*amount))), ("currency", Some(currency.as_str().into()))])
        });
        vec![
            ("provider", Some("kling".into())),
            ("mode", Some(self.mode.as_str().into())),
            ("discountPercent", self.discount_percent.map(number)),
            ("rates", (!self.rates.is_empty()).then(|| object(rates))),
            ("unitPrice", unit_price),
        ]
    }
}

/// A rate replaces the one given before for the same tier, as a key of
/// `rates` in JS would.
fn set<T: PartialEq>(rates: &mut Vec<(T, f64)>, tier: T, rate: f64) {
    rates.retain(|(known, _)| *known != tier);
    rates.push((tier, rate));
}

/// A number as JSON carries it: `-0` is `0`, which is what JS sends too.
fn number(n: f64) -> Value {
    Value::Number(n + 0.0)
}

/// Either provider's terms, for [`quote`] and [`quote_chain`]; Trinetra's
/// list prices at 720p by default, as in JS.
///
/// ```
/// use kling_extend_client::{KlingPricing, Mode, Pricing};
///
/// let pricing = Pricing::from(KlingPricing::new(Mode::Standard));
/// assert_eq!(Pricing::default(), Pricing::Trinetra(Default::default()));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Pricing {
    /// The Trinetra gateway's.
    Trinetra(TrinetraPricing),
    /// The official Kling API's.
    Kling(KlingPricing),
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing::Trinetra(TrinetraPricing::default())
    }
}

impl From<TrinetraPricing> for Pricing {
    fn from(pricing: TrinetraPricing) -> Self {
        Pricing::Trinetra(pricing)
    }
}

impl From<KlingPricing> for Pricing {
    fn from(pricing: KlingPricing) -> Self {
        Pricing::Kling(pricing)
    }
}

/// So a pricing made once can price many times: `quote(&pricing, seconds)`.
impl From<&Pricing> for Pricing {
    fn from(pricing: &Pricing) -> Self {
        pricing.clone()
    }
}

impl From<&TrinetraPricing> for Pricing {
    fn from(pricing: &TrinetraPricing) -> Self {
        Pricing::Trinetra(pricing.clone())
    }
}

impl From<&KlingPricing> for Pricing {
    fn from(pricing: &KlingPricing) -> Self {
        Pricing::Kling(pricing.clone())
    }
}

impl Pricing {
    fn members(&self) -> Vec<(&'static str, Option<Value>)> {
        match self {
            Pricing::Trinetra(pricing) => pricing.members(),
            Pricing::Kling(pricing) => pricing.members(),
        }
    }
}

/// What a chain step is billed on.
///
/// ```
/// use kling_extend_client::Basis;
///
/// assert_eq!(Basis::Added.as_str(), "added");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Basis {
    /// The whole output video of each step (Trinetra's default).
    Output,
    /// Only the seconds each step adds (Kling's default).
    Added,
}

impl Basis {
    /// The npm package's word for it (`"output"`).
    ///
    /// ```
    /// assert_eq!(kling_extend_client::Basis::Output.as_str(), "output");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Output => "output",
            Basis::Added => "added",
        }
    }
}

impl From<core::Basis> for Basis {
    fn from(basis: core::Basis) -> Basis {
        match basis {
            core::Basis::Output => Basis::Output,
            core::Basis::Added => Basis::Added,
        }
    }
}

/// The shape of a chain of extensions to price: the clip it starts from and
/// how many times it is extended (each adds 4 to 5 seconds).
///
/// ```
/// use kling_extend_client::{Basis, ChainInput};
///
/// // A 5-second clip extended three times, each step billed on what it adds.
/// let chain = ChainInput::new(5.0, 3).basis(Basis::Added);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[must_use]
pub struct ChainInput {
    source_seconds: f64,
    extensions: u32,
    basis: Option<Basis>,
}

impl ChainInput {
    /// `extensions` (0 to 1,000) of a clip of `source_seconds` (0 to 10,000,000).
    ///
    /// ```
    /// # use kling_extend_client::{quote_chain, ChainInput, Pricing};
    /// assert_eq!(quote_chain(Pricing::default(), ChainInput::new(5.0, 1))?.steps.len(), 1);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn new(source_seconds: f64, extensions: u32) -> Self {
        ChainInput { source_seconds, extensions, basis: None }
    }

    /// What each step is billed on; the provider's default otherwise.
    ///
    /// ```
    /// # use kling_extend_client::{quote_chain, Basis, ChainInput, KlingPricing};
    /// let chain = quote_chain(KlingPricing::default(), ChainInput::new(5.0, 1).basis(Basis::Output))?;
    /// assert_eq!((chain.basis, chain.max.credits()), (Basis::Output, 20.0));
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn basis(mut self, basis: Basis) -> Self {
        self.basis = Some(basis);
        self
    }

    fn members(&self) -> [(&'static str, Option<Value>); 3] {
        [
            ("sourceSeconds", Some(number(self.source_seconds))),
            ("extensions", Some(number(f64::from(self.extensions)))),
            ("basis", self.basis.map(|basis| basis.as_str().into())),
        ]
    }
}

/// Prices `seconds` of output (0 to 10,000,000, billed whole: seconds for
/// Trinetra, 5-second steps for Kling), exactly, without I/O: the npm
/// package's `quote`. An `InvalidRequest` names the field it refuses, as in JS
/// (`seconds`, `discountPercent`, `rates.1080p`, `unitPrice.amount`, …).
///
/// ```
/// use kling_extend_client::{quote, KlingPricing, Mode, Quote, Resolution, TrinetraPricing};
///
/// let tag = quote(TrinetraPricing::new(Resolution::P720), 10.0)?;
/// assert_eq!(tag.credits(), 190.0);
/// if let Quote::Trinetra(q) = &tag {
///     assert_eq!((q.paise, q.formatted.as_str()), (19_000, "₹190.00"));
/// }
///
/// let pricing = KlingPricing::new(Mode::Professional).unit_price(0.14, "USD");
/// let Quote::Kling(q) = quote(&pricing, 5.0)? else { unreachable!() };
/// assert_eq!(q.price.map(|p| p.formatted).as_deref(), Some("USD 0.49"));
///
/// let refused = quote(&pricing, -1.0).unwrap_err();
/// assert_eq!(refused.field(), Some("seconds"));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
pub fn quote(pricing: impl Into<Pricing>, seconds: f64) -> Result<Quote, Error> {
    let mut members = pricing.into().members();
    members.push(("seconds", Some(number(seconds))));
    Ok(core::quote(&object(members))?.into())
}

/// Prices a chain of extensions as a range (each adds 4 to 5 seconds), in
/// total and step by step: the npm package's `quoteChain`. Refusals name the
/// field as [`quote`]'s do (`sourceSeconds`, `extensions`, …).
///
/// ```
/// use kling_extend_client::{quote_chain, ChainInput, KlingPricing};
///
/// // A 5-second Kling clip extended three times: 30 credits, 17 to 20 seconds.
/// let chain = quote_chain(KlingPricing::default(), ChainInput::new(5.0, 3))?;
/// assert_eq!((chain.min.credits(), chain.max.credits()), (30.0, 30.0));
/// assert_eq!((chain.output_seconds.min, chain.output_seconds.max), (17, 20));
/// assert_eq!(chain.steps.len(), 3);
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
pub fn quote_chain(pricing: impl Into<Pricing>, chain: ChainInput) -> Result<ChainQuote, Error> {
    let mut members = pricing.into().members();
    members.extend(chain.members());
    Ok(core::quote_chain(&object(members))?.into())
}

/// A price, whichever provider's: serialised as the npm package's quote (its
/// `provider` tells them apart), plus the exact integers.
///
/// ```
/// use kling_extend_client::{quote, Pricing, Quote};
///
/// match quote(Pricing::default(), 7.0)? {
///     Quote::Trinetra(q) => println!("{} ({} paise)", q.formatted, q.paise),
///     Quote::Kling(q) => println!("{} units", q.units),
///     _ => {}
/// }
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "provider", rename_all = "lowercase")]
#[non_exhaustive]
pub enum Quote {
    /// The Trinetra gateway's price.
    Trinetra(TrinetraQuote),
    /// The official Kling API's price.
    Kling(KlingQuote),
}

impl Quote {
    /// The seconds asked for.
    ///
    /// ```
    /// # use kling_extend_client::{quote, Pricing};
    /// assert_eq!(quote(Pricing::default(), 10.2)?.seconds(), 10.2);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn seconds(&self) -> f64 {
        match self {
            Quote::Trinetra(q) => q.seconds,
            Quote::Kling(q) => q.seconds,
        }
    }

    /// The seconds billed: whole seconds (Trinetra) or whole 5-second steps (Kling).
    ///
    /// ```
    /// # use kling_extend_client::{quote, KlingPricing};
    /// assert_eq!(quote(KlingPricing::default(), 6.0)?.billed_seconds(), 10);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn billed_seconds(&self) -> u64 {
        match self {
            Quote::Trinetra(q) => q.billed_seconds,
            Quote::Kling(q) => q.billed_seconds,
        }
    }

    /// Credits at the rate, before the discount.
    ///
    /// ```
    /// # use kling_extend_client::{quote, TrinetraPricing};
    /// assert_eq!(quote(TrinetraPricing::default().discount_percent(50.0), 1.0)?.list_credits(), 19.0);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn list_credits(&self) -> f64 {
        match self {
            Quote::Trinetra(q) => q.list_credits,
            Quote::Kling(q) => q.list_credits,
        }
    }

    /// The discount applied, in percent.
    ///
    /// ```
    /// # use kling_extend_client::{quote, TrinetraPricing};
    /// assert_eq!(quote(TrinetraPricing::default().discount_percent(12.5), 1.0)?.discount_percent(), 12.5);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn discount_percent(&self) -> f64 {
        match self {
            Quote::Trinetra(q) => q.discount_percent,
            Quote::Kling(q) => q.discount_percent,
        }
    }

    /// Credits after the discount (Trinetra's are rupees; Kling's app counts
    /// 10 a unit).
    ///
    /// ```
    /// # use kling_extend_client::{quote, TrinetraPricing};
    /// assert_eq!(quote(TrinetraPricing::default().discount_percent(12.5), 7.0)?.credits(), 116.38);
    /// # Ok::<(), kling_extend_client::Error>(())
    /// ```
    pub fn credits(&self) -> f64 {
        match self {
            Quote::Trinetra(q) => q.credits,
            Quote::Kling(q) => q.credits,
        }
    }
}

/// A Trinetra price: credits, which are rupees, exact to the paisa.
///
/// ```
/// use kling_extend_client::{quote, Quote, TrinetraPricing};
///
/// let Quote::Trinetra(q) = quote(TrinetraPricing::default().rate(Default::default(), 2.0), 61_728.0)? else {
///     unreachable!()
/// };
/// assert_eq!((q.paise, q.formatted.as_str()), (12_345_600, "₹1,23,456.00"));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TrinetraQuote {
    /// The resolution priced.
    pub resolution: Resolution,
    /// The seconds asked for.
    pub seconds: f64,
    /// Whole seconds billed (rounded up).
    pub billed_seconds: u64,
    /// Credits per second at this resolution.
    pub per_second: f64,
    /// Credits before the discount.
    pub list_credits: f64,
    /// The discount applied, in percent.
    pub discount_percent: f64,
    /// Credits after the discount.
    pub credits: f64,
    /// Rupees: one credit is one rupee (the same number as `credits`).
    pub inr: f64,
    /// Indian digit grouping, `₹1,23,456.00`.
    pub formatted: String,
    /// `credits` exactly, in paise: add these, not the floats.
    pub paise: u64,
    /// `list_credits` exactly, in paise.
    pub list_paise: u64,
}

/// A Kling price: units per 5-second step, and money only at your unit price.
///
/// ```
/// use kling_extend_client::{quote, KlingPricing, Mode, Quote};
///
/// let Quote::Kling(q) = quote(KlingPricing::new(Mode::Professional), 6.0)? else { unreachable!() };
/// assert_eq!((q.steps, q.units, q.credits, q.billed_seconds), (2, 7.0, 70.0, 10));
/// assert!(q.price.is_none());
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct KlingQuote {
    /// The mode priced.
    pub mode: Mode,
    /// The seconds asked for.
    pub seconds: f64,
    /// Seconds billed: whole 5-second steps.
    pub billed_seconds: u64,
    /// 5-second steps billed.
    pub steps: u64,
    /// Kling's resource-pack units, as its `final_unit_deduction` counts them.
    pub units: f64,
    /// Credits per step (10 a unit).
    pub per_step: f64,
    /// Credits before the discount.
    pub list_credits: f64,
    /// The discount applied, in percent.
    pub discount_percent: f64,
    /// Credits after the discount.
    pub credits: f64,
    /// Only with a unit price: the units at that price, less the discount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
}

/// Money at your unit price, exact to the cent.
///
/// ```
/// use kling_extend_client::{quote, KlingPricing, Mode, Quote};
///
/// let pricing = KlingPricing::new(Mode::Professional).unit_price(0.14, "USD");
/// let Quote::Kling(q) = quote(pricing, 123_456.0)? else { unreachable!() };
/// let price = q.price.expect("a unit price was given");
/// assert_eq!((price.cents, price.formatted.as_str()), (1_209_908, "USD 12,099.08"));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Price {
    /// The amount in the currency's unit.
    pub amount: f64,
    /// The currency, as given.
    pub currency: String,
    /// The code, thousands grouped, two decimals: `USD 1,234.50`.
    pub formatted: String,
    /// `amount` exactly, in hundredths of the currency's unit.
    pub cents: u64,
}

impl From<core::Price> for Price {
    fn from(price: core::Price) -> Price {
        let mut formatted = String::new();
        price.write_formatted(&mut formatted);
        Price { amount: price.cents as f64 / 100.0, currency: price.currency, formatted, cents: price.cents }
    }
}

impl From<core::Quote> for Quote {
    fn from(q: core::Quote) -> Quote {
        let mut formatted = String::new();
        q.write_inr(&mut formatted);
        let (paise, list_paise) = (q.hundredths(), q.list_hundredths());
        match q.bill {
            Bill::Trinetra { resolution, per_second } => Quote::Trinetra(TrinetraQuote {
                resolution: resolution.into(),
                seconds: q.seconds,
                billed_seconds: q.billed_seconds,
                per_second,
                list_credits: q.list_credits,
                discount_percent: q.discount_percent,
                credits: q.credits,
                inr: q.credits,
                formatted,
                paise,
                list_paise,
            }),
            Bill::Kling { mode, steps, units_tenths, per_step, price } => Quote::Kling(KlingQuote {
                mode: mode.into(),
                seconds: q.seconds,
                billed_seconds: q.billed_seconds,
                steps,
                units: units_tenths as f64 / 10.0,
                per_step,
                list_credits: q.list_credits,
                discount_percent: q.discount_percent,
                credits: q.credits,
                price: price.map(Price::from),
            }),
        }
    }
}

/// Whole seconds, as a range: an extension adds 4 to 5 of them.
///
/// ```
/// use kling_extend_client::{quote_chain, ChainInput, Pricing};
///
/// let chain = quote_chain(Pricing::default(), ChainInput::new(5.0, 2))?;
/// assert_eq!((chain.output_seconds.min, chain.output_seconds.max), (13, 15));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SecondsRange {
    /// The fewest.
    pub min: u64,
    /// The most.
    pub max: u64,
}

impl From<core::Range> for SecondsRange {
    fn from(range: core::Range) -> SecondsRange {
        SecondsRange { min: range.min, max: range.max }
    }
}

/// One step of a chain quote: what it adds and its price range.
///
/// ```
/// use kling_extend_client::{quote_chain, ChainInput, Pricing};
///
/// let chain = quote_chain(Pricing::default(), ChainInput::new(5.0, 2))?;
/// let second = &chain.steps[1];
/// assert_eq!((second.index, second.output_seconds.max, second.max.credits()), (2, 15, 285.0));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChainStep {
    /// 1-based.
    pub index: u64,
    /// The seconds this extension adds.
    pub added_seconds: SecondsRange,
    /// The length of the video after it.
    pub output_seconds: SecondsRange,
    /// Its price if it adds the fewest seconds.
    pub min: Quote,
    /// Its price if it adds the most.
    pub max: Quote,
}

/// A chain's price range, in total and per step.
///
/// ```
/// use kling_extend_client::{quote_chain, Basis, ChainInput, Pricing};
///
/// let chain = quote_chain(Pricing::default(), ChainInput::new(5.0, 2).basis(Basis::Added))?;
/// assert_eq!((chain.basis, chain.min.credits(), chain.max.credits()), (Basis::Added, 152.0, 190.0));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChainQuote {
    /// What each step is billed on.
    pub basis: Basis,
    /// The final video's length.
    pub output_seconds: SecondsRange,
    /// The total if every step adds the fewest seconds.
    pub min: Quote,
    /// The total if every step adds the most.
    pub max: Quote,
    /// Each extension, in order.
    pub steps: Vec<ChainStep>,
}

impl From<core::ChainQuote> for ChainQuote {
    fn from(chain: core::ChainQuote) -> ChainQuote {
        let step = |step: core::ChainStep| ChainStep {
            index: step.index,
            added_seconds: step.added_seconds.into(),
            output_seconds: step.output_seconds.into(),
            min: step.min.into(),
            max: step.max.into(),
        };
        ChainQuote {
            basis: chain.basis.into(),
            output_seconds: chain.output_seconds.into(),
            min: chain.min.into(),
            max: chain.max.into(),
            steps: chain.steps.into_iter().map(step).collect(),
        }
    }
}
