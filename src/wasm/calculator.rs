//! `quote` and `quoteChain` without JSON, in every build (alone in
//! `kling-extend/quote`'s, which has no JSON parser).
//!
//! Crossing as JSON text cost a quote ≈ 10 µs, most of it the text itself
//! (BENCHMARKS.md). So a caller's object whose members have the types the
//! calculator expects crosses as numbers: `src/js/lib/quote.js` writes them
//! into [`asks`]' slots and calls [`price`], which prices them with
//! [`quote_terms`]. Any other object, and any these do not price, goes
//! through [`price_value`] (as JSON text, or as tokens to the build without
//! a JSON parser: `src/js/quote/calculator.js`) and is read by [`quote`]
//! itself, so every error names the field and says what it did.
//!
//! Answers are numbers too, with text as UTF-16 code units, in a buffer that
//! JS reads in place, in the instance's memory: a status ([`DECLINED`],
//! [`PRICED`], [`REFUSED`]), then a quote or chain, or the error. A text is
//! its length then its units. The order of a quote's numbers is the order of
//! its members in the contract (`src/js/index.d.ts`), so JS reads them in
//! sequence.

use kling_extend_core::pricing::quote::{
    quote, quote_chain, quote_chain_terms, quote_terms, Basis, Bill, ChainQuote, Quote, Range, Terms,
};
use kling_extend_core::types::error::{Error, Result};
use kling_extend_core::types::json::Value;
use kling_extend_core::types::provider::ProviderName;
use kling_extend_core::types::tier::{Mode, Resolution};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// `price` priced nothing: ask `price_value`.
const DECLINED: f64 = 0.0;
const PRICED: f64 = 1.0;
const REFUSED: f64 = 2.0;

/// The slots of [`asks`], by what JS writes in each; NaN is a member not given.
const PROVIDER: usize = 0; // 0 Trinetra, 1 Kling
const RESOLUTION: usize = 1; // an index of `Resolution::ALL`
const MODE: usize = 2; // an index of `Mode::ALL`
const SECONDS: usize = 3; // `seconds`, or a chain's `sourceSeconds`
const EXTENSIONS: usize = 4;
const BASIS: usize = 5; // an index of `Basis::ALL`
const DISCOUNT_PERCENT: usize = 6;
const RATES: usize = 7; // `rates` by key: 720p, 1080p, standard, professional
const UNIT_AMOUNT: usize = 11;
const CURRENCY: usize = 12; // `unitPrice.currency`, its three UTF-16 code units
const SLOTS: usize = 15;

thread_local! {
    static ASKS: Cell<[f64; SLOTS]> = const { Cell::new([f64::NAN; SLOTS]) };
    static ANSWER: RefCell<Vec<f64>> = const { RefCell::new(Vec::new()) };
}

/// Where JS writes the inputs of [`price`]: one call per instance, then
/// plain stores, where arguments would be a dozen parameters per call.
#[wasm_bindgen]
pub fn asks() -> *mut f64 {
    ASKS.with(Cell::as_ptr).cast()
}

/// Prices the terms in [`asks`]' slots, a chain's when `chain`; answers
/// where its answer starts, [`DECLINED`] when these terms are refused (the
/// error is `price_value`'s to name).
#[wasm_bindgen]
pub fn price(chain: bool) -> *const f64 {
    let asks = ASKS.with(Cell::get);
    let given = |at: usize| Some(asks[at]).filter(|n| !n.is_nan());
    let code = |at: usize| given(at).map(|n| n as usize);
    // `unitPrice`'s currency, read only with its amount; a lone surrogate,
    // no char, is read as '\0', which no currency has.
    let unit = |&unit: &f64| char::from_u32(unit as u32).unwrap_or_default();
    let currency = given(UNIT_AMOUNT).map(|amount| (amount, asks[CURRENCY..].iter().map(unit).collect::<String>()));
    let terms = Terms {
        provider: if code(PROVIDER) == Some(1) { ProviderName::Kling } else { ProviderName::Trinetra },
        resolution: code(RESOLUTION).and_then(|i| Resolution::ALL.get(i).copied()),
        mode: code(MODE).and_then(|i| Mode::ALL.get(i).copied()),
        discount_percent: given(DISCOUNT_PERCENT),
        resolution_rates: [given(RATES), given(RATES + 1)],
        mode_rates: [given(RATES + 2), given(RATES + 3)],
        unit_price: currency.as_ref().map(|(amount, currency)| (*amount, currency.as_str())),
    };
    let answered = if chain {
        let basis = code(BASIS).and_then(|i| Basis::ALL.get(i).copied());
        quote_chain_terms(&terms, asks[SECONDS], asks[EXTENSIONS], basis).map(Answered::Chain)
    } else {
        quote_terms(&terms, asks[SECONDS]).map(Answered::Quote)
    };
    answer(answered.unwrap_or(Answered::Declined))
}

/// Prices the caller's object, a chain's when `chain`: the answer, or the
/// error naming the field. The client's builds take it as JSON text, read
/// by the parser they have for everything else (`src/js/lib/boundary.js`).
#[cfg(feature = "client")]
#[wasm_bindgen(js_name = priceValue)]
pub fn price_value(chain: bool, json: &str) -> *const f64 {
    price_input(chain, super::convert::arg(json))
}

/// [`price_value`] of kling-extend/quote's build, which has no JSON parser:
/// the object comes as `src/js/quote/calculator.js`'s tokens.
#[cfg(not(feature = "client"))]
#[wasm_bindgen(js_name = priceValue)]
pub fn price_value(chain: bool, tokens: &[f64]) -> *const f64 {
    let input = read_value(&mut tokens.iter().copied());
    price_input(chain, input.ok_or_else(|| Error::invalid("input", "is not a value")))
}

fn price_input(chain: bool, input: Result<Value>) -> *const f64 {
    let answered = if chain {
        input.and_then(|input| quote_chain(&input)).map(Answered::Chain)
    } else {
        input.and_then(|input| quote(&input)).map(Answered::Quote)
    };
    answer(answered.unwrap_or_else(Answered::Refused))
}

/// What a call answers.
enum Answered {
    Declined,
    Quote(Quote),
    Chain(ChainQuote),
    Refused(Error),
}

/// Writes `answered` over the last answer; where it starts.
fn answer(answered: Answered) -> *const f64 {
    ANSWER.with_borrow_mut(|numbers| {
        numbers.clear();
        let mut out = Answer(numbers);
        match &answered {
            Answered::Declined => out.number(DECLINED),
            Answered::Quote(q) => {
                out.number(PRICED);
                out.quote(q);
            }
            Answered::Chain(c) => {
                out.number(PRICED);
                out.chain(c);
            }
            Answered::Refused(error) => out.error(error),
        }
        numbers.as_ptr()
    })
}

/// A value from `quote/calculator.js`'s tokens: a tag, then a number; a text (its
/// length, then its code points); or a list's or object's length, then its
/// items or key–value pairs (a key being a text). `None` if they are not one
/// value.
#[cfg(not(feature = "client"))]
fn read_value(tokens: &mut impl Iterator<Item = f64>) -> Option<Value> {
    let value = match tokens.next()? as u8 {
        0 => Value::Null,
        1 => Value::Bool(false),
        2 => Value::Bool(true),
        3 => Value::Number(tokens.next()?),
        4 => Value::String(read_text(tokens)?),
        5 => {
            let mut items = Vec::new();
            for _ in 0..tokens.next()? as usize {
                items.push(read_value(tokens)?);
            }
            Value::Array(items)
        }
        6 => {
            let mut members = Vec::new();
            for _ in 0..tokens.next()? as usize {
                let Value::String(key) = read_value(tokens)? else { return None };
                members.push((key, read_value(tokens)?));
            }
            Value::Object(members)
        }
        _ => return None,
    };
    Some(value)
}

#[cfg(not(feature = "client"))]
fn read_text(tokens: &mut impl Iterator<Item = f64>) -> Option<String> {
    let length = tokens.next()? as usize;
    tokens.take(length).map(|point| char::from_u32(point as u32)).collect()
}

/// Writes answers; as `Extend<char>`, text's code units.
struct Answer<'a>(&'a mut Vec<f64>);

impl Extend<char> for Answer<'_> {
    fn extend<I: IntoIterator<Item = char>>(&mut self, chars: I) {
        for c in chars {
            self.char(c);
        }
    }
}

impl Answer<'_> {
    /// One character's UTF-16 code units; not generic, so each `extend`
    /// above stays a small loop.
    fn char(&mut self, c: char) {
        match u16::try_from(u32::from(c)) {
            Ok(unit) => self.0.push(f64::from(unit)),
            Err(_) => self.0.extend(c.encode_utf16(&mut [0; 2]).iter().map(|&unit| f64::from(unit))),
        }
    }

    fn number(&mut self, n: f64) {
        self.0.push(n);
    }

    fn count(&mut self, n: u64) {
        self.0.push(n as f64);
    }

    /// A text: its length, then what `write` writes.
    fn text(&mut self, write: impl FnOnce(&mut Self)) {
        let at = self.0.len();
        self.0.push(0.0);
        write(self);
        self.0[at] = (self.0.len() - at - 1) as f64;
    }

    fn quote(&mut self, q: &Quote) {
        match &q.bill {
            Bill::Trinetra { resolution, per_second } => {
                self.count(0);
                self.count(*resolution as u64);
                self.number(q.seconds);
                self.count(q.billed_seconds);
                self.number(*per_second);
                self.number(q.list_credits);
                self.number(q.discount_percent);
                self.number(q.credits);
                self.number(q.credits); // inr: a credit is a rupee
                self.text(|out| q.write_inr(out));
            }
            Bill::Kling { mode, steps, units_tenths, per_step, price } => {
                self.count(1);
                self.count(*mode as u64);
                self.number(q.seconds);
                self.count(q.billed_seconds);
                self.count(*steps);
                self.number(*units_tenths as f64 / 10.0);
                self.number(*per_step);
                self.number(q.list_credits);
                self.number(q.discount_percent);
                self.number(q.credits);
                self.count(price.is_some().into());
                if let Some(price) = price {
                    self.number(price.cents as f64 / 100.0);
                    self.text(|out| out.extend(price.currency.chars()));
                    self.text(|out| price.write_formatted(out));
                }
            }
        }
    }

    fn range(&mut self, range: Range) {
        self.count(range.min);
        self.count(range.max);
    }

    fn chain(&mut self, c: &ChainQuote) {
        self.count(c.basis as u64);
        self.range(c.output_seconds);
        self.quote(&c.min);
        self.quote(&c.max);
        self.count(c.steps.len() as u64);
        for step in &c.steps {
            self.count(step.index);
            self.range(step.added_seconds);
            self.range(step.output_seconds);
            self.quote(&step.min);
            self.quote(&step.max);
        }
    }

    /// A refusal: code, message, retryable, and the field when there is one
    /// (the calculator's errors carry nothing else).
    fn error(&mut self, error: &Error) {
        self.number(REFUSED);
        self.text(|out| out.extend(error.code.as_str().chars()));
        self.text(|out| out.extend(error.message.chars()));
        self.count(error.retryable.into());
        self.count(error.field.is_some().into());
        if let Some(field) = &error.field {
            self.text(|out| out.extend(field.chars()));
        }
    }
}
