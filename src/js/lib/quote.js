// quote and quoteChain, over the core's calculator (src/wasm/calculator.rs)
// of whichever build is bound (lib/wasm.js): every entry's, and alone in
// kling-extend/quote's. A caller's object is read first, each member once
// (`read`): its getters and a Proxy's traps are the caller's code, which may
// quote too or grow the instance's memory, so nothing is written to the wasm
// until they all ran. What was read then crosses as numbers: each member the
// calculator knows, of the type it expects, goes into a slot; the core
// prices them or declines, and whatever it declines or cannot be carried so
// (an unknown key, a wrong type, an alias such as "pro") crosses as JSON
// text (boundary.js), or as tokens to the build without a JSON parser
// (quote/calculator.js), and is read by the core's own rules, which name
// the field.
// Answers are read in place from the instance's memory, as numbers, in the
// order of the contract's members.
import { toJson } from "./boundary.js";
import { KlingExtendError } from "./error.js";
import { intoCore, instance, wasm } from "./wasm.js";

/** The words of the core's codes, in the order of `Resolution::ALL`, `Mode::ALL` and `Basis::ALL`. */
const PROVIDERS = ["trinetra", "kling"];
const RESOLUTIONS = /** @type {const} */ (["720p", "1080p"]);
const MODES = /** @type {const} */ (["standard", "professional"]);
const BASES = /** @type {const} */ (["output", "added"]);
/** `rates` keys, in the order of their slots. */
/** @type {readonly string[]} */
const RATE_KEYS = [...RESOLUTIONS, ...MODES];

/** The core's slots (calculator.rs); NaN is a member not given. */
const SLOTS = 15;
const RATES = 7;
const UNIT_AMOUNT = 11;
const CURRENCY = 12;
/** The members that cross as a number, by name: their slot, and a word's words. */
/** @typedef {[slot: number, words?: readonly string[]]} Member A member's slot, and the words it may be. */
/** @type {Record<string, Member>} */
const COMMON = { provider: [0, PROVIDERS], resolution: [1, RESOLUTIONS], mode: [2, MODES], discountPercent: [6] };
/** @type {Record<string, Member>} */
const QUOTE = { ...COMMON, seconds: [3] };
/** @type {Record<string, Member>} */
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

/** @type {typeof import("../index.js").quote} */
export const quote = (input) => price(input, false);
/** @type {typeof import("../index.js").quoteChain} */
export const quoteChain = (input) => price(input, true);

/**
 * @param {unknown} input
 * @param {boolean} chain
 * @returns {any} the quote or chain quote (readQuote, readChain)
 */
function price(input, chain) {
  const during = chain ? "in quoteChain" : "in quote";
  const terms = read(input, NESTED);
  let answer = copied(terms) && ask(terms, chain) ? intoCore(() => wasm.price(chain), during) : 0;
  if (!answer || memory()[answer / 8] === DECLINED) {
    // A build without a JSON parser names the encoder it reads (kling-extend/quote's: toTokens).
    const value = (wasm.encode ?? toJson)(plain(terms), "input");
    answer = intoCore(() => wasm.priceValue(chain, value), during);
  }
  at = answer / 8;
  if (memory()[at++] === PRICED) return chain ? readChain() : readQuote();
  throw new KlingExtendError({
    // The core writes only the contract's codes (crates/core/src/types/error.rs).
    code: /** @type {import("../index.js").ErrorCode} */ (text()),
    message: text(),
    retryable: next() === 1,
    field: next() ? text() : undefined,
  });
}

/**
 * `numbers`, made again when the memory grew (which detaches it) or the
 * instance was replaced. The glue's initSync answers the exports of the
 * instance it made, the new one after a reset.
 */
function memory() {
  if (of !== instance || numbers.byteLength === 0) {
    numbers = new Float64Array(wasm.initSync().memory.buffer);
    slots = wasm.asks() / 8;
    of = instance;
  }
  return numbers;
}

/** The input's members whose own members are read too. */
const NESTED = ["rates", "unitPrice"];
/** @typedef {[string, unknown][]} Members A record as `read` answers it. */
/** @type {Members} What stands in for any list: `read` answers a record as a list too, of its members. */
const LIST = [];

/**
 * `value` read once, the only place the caller's code runs (getters, a
 * Proxy's traps): a record as its [key, value] pairs, each member read
 * with one `Get`, the members named in `nested` a level down (with none
 * nested in them). Any other object stands in as an empty one of its
 * kind, which the core refuses by its field as it would the original,
 * without reading into it: nothing of the caller's is coerced or called
 * (no valueOf, toString or toJSON), and a member's getter answering
 * differently each time is asked once.
 * @param {unknown} value
 * @param {string[] | false} nested
 * @returns {unknown}
 */
function read(value, nested) {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return LIST;
  if (!nested) return {};
  const keys = Object.keys(value);
  const members = new Array(keys.length);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i];
    const item = /** @type {Record<string, unknown>} */ (value)[key];
    members[i] = [key, typeof item === "object" && item !== null ? read(item, nested.includes(key) && []) : item];
  }
  return members;
}

/**
 * Whether `read` answered `value` for a record.
 * @type {(value: unknown) => value is Members}
 */
const copied = (value) => Array.isArray(value) && value !== LIST;
/**
 * What `read` answered, as the plain data the validating path takes (a "__proto__" key stays a member).
 * @type {(value: unknown) => unknown}
 */
const plain = (value) => (copied(value) ? Object.fromEntries(value.map(([key, item]) => [key, plain(item)])) : value);

/**
 * Writes a record's members, as `read` answered them, into the slots: no
 * caller's code runs from here until the calculator answered, and the
 * memory is taken after it all ran (growing it detaches a view). False
 * when they cannot all be carried so. Members that are null or undefined
 * are not given, as in JSON.
 * @param {Members} members
 * @param {boolean} chain
 */
function ask(members, chain) {
  const n = memory();
  n.fill(NaN, slots, slots + SLOTS);
  const known = chain ? CHAIN : QUOTE;
  for (const [key, value] of members) {
    if (absent(value) && (key === "rates" || key === "unitPrice")) continue;
    if (key === "rates") {
      if (!copied(value)) return false;
      for (const [rate, item] of value) {
        if (!RATE_KEYS.includes(rate) || !put(n, [RATES + RATE_KEYS.indexOf(rate)], item)) return false;
      }
    } else if (key === "unitPrice") {
      if (!copied(value)) return false;
      let amount;
      let currency;
      for (const [member, item] of value) {
        if (member === "amount") amount = item;
        else if (member === "currency") currency = item;
        else return false;
      }
      if (typeof currency !== "string" || currency.length !== 3 || absent(amount) || !put(n, [UNIT_AMOUNT], amount)) return false;
      for (let i = 0; i < 3; i += 1) n[slots + CURRENCY + i] = currency.charCodeAt(i);
    } else if (!Object.hasOwn(known, key) || !put(n, known[key], value)) {
      return false;
    }
  }
  return true;
}

/** @type {(value: unknown) => value is null | undefined} */
const absent = (value) => value === undefined || value === null;

/**
 * `value` into `slot`: the code of one of `words`, or else a finite number
 * (-0 as 0, as JSON carries it), never coerced (a BigInt or a Symbol is the
 * validating path's to refuse). Whether it was one, or absent.
 * @param {Float64Array} n
 * @param {Member} member
 * @param {unknown} value
 */
function put(n, member, value) {
  if (absent(value)) return true;
  const [slot, words] = member;
  if (words === undefined) {
    if (!Number.isFinite(value)) return false;
    n[slots + slot] = /** @type {number} */ (value) + 0;
    return true;
  }
  const code = words.indexOf(/** @type {string} */ (value));
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

/**
 * A quote, its members in the contract's order (index.d.ts).
 * @returns {import("../index.js").Quote}
 */
function readQuote() {
  if (next() === 0) {
    return {
      provider: "trinetra", resolution: RESOLUTIONS[next()], seconds: next(), billedSeconds: next(), perSecond: next(),
      listCredits: next(), discountPercent: next(), credits: next(), inr: next(), formatted: text(),
    };
  }
  /** @type {import("../index.js").KlingQuote} */
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
