/**
 * `kling-extend/quote`: the calculator alone, for pages that only show
 * prices. `quote` and `quoteChain` answer exactly as the main entry's (the
 * same objects, the same errors), offline and synchronously right after the
 * import, from a wasm build of the same Rust pricing code that weighs a few
 * KB instead of the whole client's.
 *
 * A refused input throws a `KlingExtendError` with `code: "invalid_request"`
 * and the `field` it names; this entry exports no error class, so tell it by
 * `error.name === "KlingExtendError"` (or the main entry's
 * `isKlingExtendError`, which knows errors of every copy of the package).
 *
 * @example
 * ```ts
 * import { quote } from "kling-extend/quote";
 * quote({ seconds: 10, resolution: "1080p" }).formatted; // "₹300.00"
 * ```
 * @module
 */
export { quote, quoteChain } from "../index.js";
export type {
  ChainQuote,
  ChainQuoteInput,
  ChainStep,
  KlingChainQuoteInput,
  KlingQuote,
  KlingQuoteInput,
  Price,
  PricedKlingChainQuoteInput,
  PricedKlingQuote,
  PricedKlingQuoteInput,
  Quote,
  QuoteInput,
  SecondsRange,
  TrinetraChainQuoteInput,
  TrinetraQuote,
  TrinetraQuoteInput,
  UnitPrice,
} from "../index.js";
