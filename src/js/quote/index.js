// kling-extend/quote in browsers and bundlers: quote and quoteChain alone
// (calculator.js), the wasm fetched from next to this module.
import { compileUrl } from "../lib/load.js";
import { start } from "./calculator.js";

start(await compileUrl(new URL("./kling_extend_bg.wasm", import.meta.url)));

export { quote, quoteChain } from "./calculator.js";
