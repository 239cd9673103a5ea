// kling-extend/quote in Cloudflare Workers and Next's edge runtime, which
// forbid compiling wasm from bytes: the bundler imports the module, as
// workerd.js does.
import wasmModule from "./kling_extend_bg.wasm?module";
import { ownRealm } from "../lib/realm.js";
import { start } from "./calculator.js";

start(ownRealm(wasmModule));

export { quote, quoteChain } from "./calculator.js";
