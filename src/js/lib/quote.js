// quote and quoteChain, over the core's calculator (src/wasm/calculator.rs)
// of whichever build is bound (lib/wasm.js): every entry's, and alone in
// kling-extend/quote's. A caller's object crosses as numbers: each member
// the calculator knows, of the type it expects, goes into a slot; the core
// prices them or declines, and whatever it declines or cannot be carried so
// (an unknown key, a wrong type, an alias such as "pro") crosses as JSON
// text (boundary.js), or as tokens to the build without a JSON parser
// (quote/calculator.js), and is read by the core's own rules, which name
// the field.
// Answers are read in place from the instance's memory, as numbers, in the
// order of the contract's members.
import { toJson } from "./boundary.js";
import { KlingExtendError } from "./error.js";
import { enter, generation, wasm } from "./wasm.js";

/** The words of the core's codes, in the order of `Resolution::ALL`, `Mode::ALL` and `Basis::ALL`. */
const PROVIDERS = ["trinetra", "kling"];
const RESOLUTIONS = ["720p", "1080p"];
const MODES = ["standard", "professional"];
const BASES = ["output", "added"];
/** `rates` keys, in the order of their slots. */
const RATE_KEYS = [...RESOLUTIONS, ...MODES];

/** The core's slots (calculator.rs); NaN is a member not given. */
const SLOTS = 15;
const RATES = 7;
const UNIT_AMOUNT = 11;
const CURRENCY = 12;
/** The members that cross as a number, by name: their slot, and a word's words. */
const COMMON = { provider: [0, PROVIDERS], resolution: [1, RESOLUTIONS], mode: [2, MODES], discountPercent: [6] };
const QUOTE = { ...COMMON, seconds: [3] };
const CHAIN = { ...COMMON, sourceSeconds: [3], extensions: [4], basis: [5, BASES] };

/** An answer's status (calculator.rs). */
const DECLINED = 0;
const PRICED = 1;

/** The bound instance's memory as numbers, where its slots are, and the instance it is of. */
let numbers = new Float64Array(0);
let slots = 0;
let of = -1;
/** Where `next` reads. */
let at = 0;

export const quote = (input) => price(input, false);
export const quoteChain = (input) => price(input, true);

function price(input, chain) {
  const during = chain ? "in quoteChain" : "in quote";
  let answer = ask(input, chain) ? enter(() => wasm.price(chain), during) : 0;
  if (!answer || memory()[answer / 8] === DECLINED) {
    // A build without a JSON parser names the encoder it reads (kling-extend/quote's: toTokens).
    const value = (wasm.encode ?? toJson)(input, "input");
    answer = enter(() => wasm.priceValue(chain, value), during);
  }
  at = answer / 8;
  if (memory()[at++] === PRICED) return chain ? readChain() : readQuote();
  throw new KlingExtendError({ code: text(), message: text(), retryable: next() === 1, field: next() ? text() : undefined });
}

/**
 * `numbers`, made again when the memory grew (which detaches it) or the
 * instance was replaced. The glue's initSync answers the exports of the
 * instance it made, the new one after a reset.
 */
function memory() {
  if (of !== generation || numbers.byteLength === 0) {
    numbers = new Float64Array(wasm.initSync().memory.buffer);
    slots = wasm.asks() / 8;
    of = generation;
  }
  return numbers;
}

/**
 * Writes `input`'s members into the slots; false when they cannot all be
 * carried so. Members that are null or undefined are not given, as in JSON.
 */
function ask(input, chain) {
  if (!isRecord(input)) return false;
  const n = memory();
  n.fill(NaN, slots, slots + SLOTS);
  const members = chain ? CHAIN : QUOTE;
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (key === "rates") {
      const rates = (rate) => RATE_KEYS.includes(rate) && put(n, [RATES + RATE_KEYS.indexOf(rate)], value[rate]);
      if (!absent(value) && !(isRecord(value) && Object.keys(value).every(rates))) return false;
    } else if (key === "unitPrice") {
      if (absent(value)) continue;
      if (!isRecord(value) || !Object.keys(value).every((member) => member === "amount" || member === "currency")) return false;
      const { amount, currency } = value;
      if (typeof currency !== "string" || currency.length !== 3 || absent(amount) || !put(n, [UNIT_AMOUNT], amount)) return false;
      for (let i = 0; i < 3; i += 1) n[slots + CURRENCY + i] = currency.charCodeAt(i);
    } else if (!Object.hasOwn(members, key) || !put(n, members[key], value)) {
      return false;
    }
  }
  return true;
}

const absent = (value) => value === undefined || value === null;
const isRecord = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `value` into `slot`: the code of one of `words`, or else a finite number
 * (-0 as 0, as JSON carries it). Whether it was one, or absent.
 */
function put(n, member, value) {
  if (absent(value)) return true;
  const [slot, words] = member;
  if (words === undefined) {
    n[slots + slot] = value + 0;
    return Number.isFinite(value);
  }
  const code = words.indexOf(value);
  n[slots + slot] = code;
  return code >= 0;
}

const next = () => numbers[at++];

/**
 * A text: its length, then its UTF-16 code units. Eight units per
 * `String.fromCharCode` call: Node's TextDecoder takes ≈ 300 ns for a price
 * tag's few bytes, more than the rest of a quote (BENCHMARKS.md).
 */
function text() {
  const length = next();
  const n = numbers;
  let out = "";
  for (let i = at; i < at + length; i += 8) {
    out += String.fromCharCode(n[i], n[i + 1], n[i + 2], n[i + 3], n[i + 4], n[i + 5], n[i + 6], n[i + 7]);
  }
  at += length;
  return out.length === length ? out : out.slice(0, length);
}

/** A quote, its members in the contract's order (index.d.ts). */
function readQuote() {
  if (next() === 0) {
    return {
      provider: "trinetra", resolution: RESOLUTIONS[next()], seconds: next(), billedSeconds: next(), perSecond: next(),
      listCredits: next(), discountPercent: next(), credits: next(), inr: next(), formatted: text(),
    };
  }
  const q = {
    provider: "kling", mode: MODES[next()], seconds: next(), billedSeconds: next(), steps: next(), units: next(),
    perStep: next(), listCredits: next(), discountPercent: next(), credits: next(),
  };
  if (next()) q.price = { amount: next(), currency: text(), formatted: text() };
  return q;
}

const range = () => ({ min: next(), max: next() });

function readChain() {
  return {
    basis: BASES[next()], outputSeconds: range(), min: readQuote(), max: readQuote(),
    steps: Array.from({ length: next() }, () => ({
      index: next(), addedSeconds: range(), outputSeconds: range(), min: readQuote(), max: readQuote(),
    })),
  };
}
