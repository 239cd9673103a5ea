// Runtime-neutral (Node, workerd, a page): quotes of inputs that run the
// caller's code while they are read, through both pairs of quote/quoteChain
// (kling-extend/quote and the main entry): getters and Proxies that quote
// again or grow the instance's memory, getters that answer differently each
// time or throw, and members of types no quote takes, whose valueOf,
// toString, Symbol.toPrimitive and toJSON must never be called. Each check
// compares with the quote of a plain object holding the values read.
import { outcome } from "./quote-cases.js";

/** Both entries' quote and quoteChain, checked one after the other: `{ checks, failures }`. */
export function reentrancy(calculator, main) {
  const failures = [];
  let checks = 0;
  const check = (what, ok, detail = "") => {
    checks += 1;
    if (!ok) failures.push(`${what}${detail && `: ${detail}`}`);
  };
  /** `fn(input)` answers as `fn(plain)` does, errors included. */
  const same = (what, fn, input, plain) => {
    const [got, want] = [outcome(fn, input), outcome(fn, plain)];
    check(what, got === want, `${got} instead of ${want}`);
  };
  for (const [name, api] of [["kling-extend/quote", calculator], ["kling-extend", main]]) {
    const at = (what) => `${name}: ${what}`;
    quotesWhileRead(api, at, check, same);
    growsWhileRead(api, api === main, at, check, same);
    readsOnce(api, at, check, same);
    refusesWithoutCoercing(api, at, check);
    throwsAsIs(api, at, check);
    // And the next quote is as ever.
    const next = api.quote({ seconds: 10, resolution: "1080p" });
    check(at("the next quote"), next.credits === 300 && next.formatted === "₹300.00", JSON.stringify(next));
  }
  return { checks, failures };
}

/** Getters and Proxy traps that quote while the outer input is read. */
function quotesWhileRead(api, at, check, same) {
  const other = { seconds: 7, discountPercent: 10 };
  const inner = [];
  const quoting = () => inner.push(api.quote(other).credits);
  same(at("a getter that quotes, read first"), api.quote, { get seconds() { quoting(); return 10; }, resolution: "1080p" }, { seconds: 10, resolution: "1080p" });
  same(at("a getter that quotes, read last"), api.quote, { resolution: "1080p", get seconds() { quoting(); return 10; } }, { resolution: "1080p", seconds: 10 });
  const unitPrice = { get amount() { quoting(); return 0.5; }, currency: "EUR" };
  same(at("a nested getter that quotes"), api.quote, { provider: "kling", seconds: 12, unitPrice }, { provider: "kling", seconds: 12, unitPrice: { amount: 0.5, currency: "EUR" } });
  const want = api.quote(other).credits;
  check(at("the inner quotes"), inner.length === 3 && inner.every((credits) => credits === want), `${inner} instead of ${want} thrice`);

  // A chain billed on what each step adds, read while an output-billed chain is quoted.
  const output = { provider: "kling", sourceSeconds: 5, extensions: 1, basis: "output" };
  const added = { provider: "kling", mode: "professional", basis: "added", sourceSeconds: 5, extensions: 2 };
  const chain = { ...added, get sourceSeconds() { api.quoteChain(output); return 5; } };
  same(at("a chain's getter that quotes a chain"), api.quoteChain, chain, added);
  check(at("the chain keeps its basis"), api.quoteChain(chain).basis === "added");

  // A Proxy: each trap is the caller's code; each member is asked for once.
  const target = { provider: "kling", mode: "professional", seconds: 12, unitPrice: { amount: 0.14, currency: "USD" } };
  const log = [];
  const traps = (label) => ({
    ownKeys(object) {
      log.push(`${label}ownKeys`);
      api.quoteChain({ sourceSeconds: 5, extensions: 3 });
      return Reflect.ownKeys(object);
    },
    get(object, key) {
      log.push(`${label}${String(key)}`);
      api.quote({ seconds: 1 });
      return object[key];
    },
  });
  const proxy = new Proxy({ ...target, unitPrice: new Proxy(target.unitPrice, traps("unitPrice.")) }, traps(""));
  same(at("a Proxy whose traps quote"), api.quote, proxy, target);
  const expected = ["ownKeys", "provider", "mode", "seconds", "unitPrice", "unitPrice.ownKeys", "unitPrice.amount", "unitPrice.currency"];
  check(at("a Proxy's traps, each once"), log.join() === expected.join(), log.join());
}

/**
 * Getters that grow the wasm memory the quote writes into, which detaches
 * any view of it taken before: kling-extend/quote's by a quote of an input
 * of some MB (refused: an unknown member), the main entry's by
 * validateRequest of a prompt of some MB. Each time twice the size of the
 * last, more than the instance has free.
 */
function growsWhileRead(api, main, at, check, same) {
  let size = main ? 1 << 20 : 1 << 18;
  let grows = 0;
  const grow = () => {
    grows += 1;
    size *= 2;
    const text = "x".repeat(size);
    try {
      if (main) api.validateRequest({ video_id: "v", prompt: text });
      else api.quote({ seconds: 1, grow: text });
    } catch {
      // Refused, having grown the memory.
    }
  };
  // Members read before the getter and after it: a view taken first would keep the ones before only.
  const input = { seconds: 10, get resolution() { grow(); return "1080p"; }, discountPercent: 5 };
  same(at("a getter that grows the memory"), api.quote, input, { seconds: 10, resolution: "1080p", discountPercent: 5 });
  const chain = { provider: "kling", sourceSeconds: 5, extensions: 2, get basis() { grow(); return "output"; } };
  same(at("a chain's getter that grows the memory"), api.quoteChain, chain, { provider: "kling", sourceSeconds: 5, extensions: 2, basis: "output" });
  check(at("… each getter asked once"), grows === 2, `${grows} reads`);
}

/** Getters that answer differently each time are asked once, on both paths. */
function readsOnce(api, at, check, same) {
  const fickle = (first, then) => {
    const getter = { reads: 0 };
    getter.value = () => (getter.reads++ === 0 ? first : then);
    return getter;
  };
  // Numbers and words the fast path carries.
  const seconds = fickle(10, -1);
  same(at("a getter read once (fast path)"), api.quote, { get seconds() { return seconds.value(); }, resolution: "1080p" }, { seconds: 10, resolution: "1080p" });
  check(at("… asked once"), seconds.reads === 1, `${seconds.reads} reads`);
  // "pro" is an alias the fast path declines: the validating path prices it from what was read.
  const pro = fickle(12, "twelve");
  const rate = fickle(30, 10n);
  const input = { provider: "kling", mode: "pro", get seconds() { return pro.value(); }, rates: { get professional() { return rate.value(); } } };
  same(at("getters read once (validating path)"), api.quote, input, { provider: "kling", mode: "pro", seconds: 12, rates: { professional: 30 } });
  check(at("… each asked once"), pro.reads === 1 && rate.reads === 1, `${pro.reads} and ${rate.reads} reads`);
  // Refused from what was read: the second read would have been a BigInt.
  const refused = fickle(-1, 10n);
  const error = outcome(api.quote, { get seconds() { return refused.value(); } });
  check(at("refused from the one read"), error.includes('"field":"seconds"') && error.includes("from 0 to"), error);
  check(at("… asked once"), refused.reads === 1, `${refused.reads} reads`);
}

/** Members of types no quote takes: invalid_request naming the field, nothing of theirs called. */
function refusesWithoutCoercing(api, at, check) {
  const called = [];
  const spy = (name) => () => {
    called.push(name);
    return 10;
  };
  const primitive = () => ({ valueOf: spy("valueOf"), toString: spy("toString"), [Symbol.toPrimitive]: spy("toPrimitive"), toJSON: spy("toJSON") });
  const bad = [10n, Symbol("ten"), spy("a function member"), primitive(), [primitive()], new Date(0)];
  const quotes = {
    seconds: (value) => ({ seconds: value }),
    discountPercent: (value) => ({ seconds: 5, discountPercent: value }),
    provider: (value) => ({ provider: value, seconds: 5 }),
    resolution: (value) => ({ resolution: value, seconds: 5 }),
    "rates.720p": (value) => ({ seconds: 5, rates: { "720p": value } }),
    "unitPrice.amount": (value) => ({ provider: "kling", seconds: 5, unitPrice: { amount: value, currency: "USD" } }),
    "unitPrice.currency": (value) => ({ provider: "kling", seconds: 5, unitPrice: { amount: 1, currency: value } }),
  };
  const chains = {
    sourceSeconds: (value) => ({ sourceSeconds: value, extensions: 1 }),
    extensions: (value) => ({ sourceSeconds: 5, extensions: value }),
    basis: (value) => ({ sourceSeconds: 5, extensions: 1, basis: value }),
  };
  for (const [fn, inputs] of [[api.quote, quotes], [api.quoteChain, chains]]) {
    for (const [field, input] of Object.entries(inputs)) {
      for (const value of bad) {
        let error;
        try {
          fn(input(value));
        } catch (caught) {
          error = caught;
        }
        const kind = typeof value === "object" ? (Array.isArray(value) ? "a list" : "an object") : typeof value;
        check(at(`${field} as ${kind}`), error?.name === "KlingExtendError" && error.code === "invalid_request" && error.field === field, `${error?.name} ${error?.code} ${error?.field} ${error?.message}`);
      }
    }
  }
  // The input's own toJSON, valueOf and toString, as members or on its prototype.
  const own = outcome(api.quote, { seconds: 10, toJSON: spy("an own toJSON") });
  check(at("an own toJSON is a member, refused"), own.includes('"field":"toJSON"'), own);
  const instance = new (class {
    seconds = 10;
    toJSON() {
      return spy("an inherited toJSON")();
    }
    valueOf() {
      return spy("an inherited valueOf")();
    }
  })();
  check(at("a class instance is read by its own members"), api.quote(instance).credits === 190);
  check(at("nothing of the caller's called"), called.length === 0, called.join());
}

/** A getter or trap that throws: its error, as it is, and nothing left behind. */
function throwsAsIs(api, at, check) {
  const boom = new Error("the caller's own");
  const thrown = (fn) => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    return undefined;
  };
  check(at("a getter that throws"), thrown(() => api.quote({ seconds: 5, get resolution() { throw boom; } })) === boom);
  check(at("a nested getter that throws"), thrown(() => api.quote({ seconds: 5, rates: { get "720p"() { throw boom; } } })) === boom);
  const proxy = new Proxy({}, { ownKeys() { throw boom; } });
  check(at("a Proxy trap that throws"), thrown(() => api.quoteChain(proxy)) === boom);
  // Thrown midway through a quote that quoted first: the next one is whole.
  const midway = { get seconds() { api.quote({ seconds: 99, resolution: "1080p" }); return 5; }, get resolution() { throw boom; } };
  check(at("a getter that quotes, then one that throws"), thrown(() => api.quote(midway)) === boom);
  check(at("then a quote of its own"), api.quote({ seconds: 5 }).credits === 95);
}
