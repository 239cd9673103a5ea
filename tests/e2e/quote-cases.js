// Runtime-neutral (Node, workerd, a page): the same random calculator inputs
// through two pairs of quote/quoteChain, each outcome written as text that
// keeps what deepStrictEqual would see (member order, -0, the error's
// fields), so both must answer exactly alike, errors included.

/** A seeded generator (mulberry32): the same inputs in every runtime. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` inputs, each `[chain, input]`: mostly priceable, many refused in every way the contract has. */
export function cases(count, seed = 15) {
  const r = random(seed);
  const pick = (items) => items[Math.floor(r() * items.length)];
  const maybe = (p, make) => (r() < p ? make() : undefined);
  const odd = () => pick([null, undefined, "5", true, [], {}, NaN, Infinity, -Infinity, -0, -1, 1e21, 0.125, "\uD800", 10n]);
  const number = () =>
    r() < 0.08 ? odd() : pick([() => Math.floor(r() * 100), () => Math.round(r() * 10000) / 100, () => r() * 120 - 10, () => Math.floor(r() * 1e7), () => Math.round(r() * 1e5) / 1e4])();
  const provider = () => pick([undefined, undefined, "trinetra", "kling", "kling", "kling", "Kling", 3]);
  const out = [];
  for (let i = 0; i < count; i += 1) {
    const chain = r() < 0.3;
    const input = {};
    const set = (key, value) => {
      if (value !== undefined || r() < 0.05) input[key] = value;
    };
    const kling = (input.provider = provider()) === "kling";
    if (input.provider === undefined && r() < 0.9) delete input.provider;
    // Mostly each provider's own tier; now and then the other's, or a wrong word.
    set("resolution", maybe(kling ? 0.03 : 0.5, () => pick(["720p", "1080p", "720p", "1080p", "4k", null])));
    set("mode", maybe(kling ? 0.5 : 0.03, () => pick(["standard", "professional", "standard", "professional", "std", "pro", "turbo"])));
    if (chain) {
      set("sourceSeconds", r() < 0.95 ? number() : undefined);
      set("extensions", r() < 0.9 ? pick([0, 1, 2, 3, 5, 12, 1000, 1001, 2.5, -1, odd()]) : undefined);
      set("basis", maybe(0.3, () => pick(["output", "added", "both", null])));
    } else {
      set("seconds", r() < 0.95 ? number() : undefined);
    }
    set("discountPercent", maybe(0.5, () => (r() < 0.9 ? pick([0, 5, 10, 12.5, 33.33, 100, 7, 100.5, 1.234]) : odd())));
    set("rates", maybe(0.25, () => (r() < 0.9 ? rates(r, pick, number, kling) : odd())));
    set("unitPrice", maybe(kling ? 0.4 : 0.02, () => (r() < 0.9 ? unitPrice(r, pick, number) : odd())));
    if (r() < 0.05) input[pick(["sconds", "seconds", "extensions", "__proto__", "0", "unknown"])] = number();
    out.push([chain, r() < 0.02 ? pick([null, [], "seconds", 5, [input]]) : input]);
  }
  return out;
}

function rates(r, pick, number, kling) {
  const rates = {};
  const own = kling ? ["standard", "professional"] : ["720p", "1080p"];
  for (const key of ["720p", "1080p", "standard", "professional", "4k"]) {
    if (r() < (own.includes(key) ? 0.5 : 0.03)) rates[key] = r() < 0.9 ? pick([17, 19.5, 0.1, 100000, 2, 0, 1.001]) : number();
  }
  return rates;
}

function unitPrice(r, pick, number) {
  const price = {};
  if (r() < 0.97) price.amount = r() < 0.9 ? pick([0.14, 0.125, 1, 0, 1000000, 0.5, 0.12345]) : number();
  if (r() < 0.97) price.currency = pick(["USD", "EUR", "INR", "USD", "usd", "US", "USDX", "\uD800SD", 5]);
  if (r() < 0.05) price.extra = 1;
  return price;
}

/** What `fn` answers for `input`, as comparable text. */
export function outcome(fn, input) {
  try {
    return write({ ok: fn(input) });
  } catch (error) {
    const { name, message, code, field, retryable } = error;
    return write({ error: { name, message, code, field, retryable, keys: Object.keys(error), isError: error instanceof Error } });
  }
}

/** JSON, with -0 kept apart from 0. */
const write = (value) => JSON.stringify(value, (_, item) => (Object.is(item, -0) ? "-0" : item));

function describe(input) {
  try {
    return write(input);
  } catch {
    return String(input);
  }
}

/**
 * Runs every case through `a` and `b` (`{ quote, quoteChain }` each):
 * how many outcomes differ, the first few, and how many were refused.
 */
export function compare(a, b, count = 10_000) {
  const differences = [];
  let refused = 0;
  for (const [chain, input] of cases(count)) {
    const name = chain ? "quoteChain" : "quote";
    const [left, right] = [outcome(a[name], input), outcome(b[name], input)];
    if (left.startsWith('{"error"')) refused += 1;
    if (left !== right) differences.push({ name, input: describe(input), left, right });
  }
  return { count, refused, differing: differences.length, examples: differences.slice(0, 3) };
}
