// kling-extend/quote in Node, Bun and Deno (and bundles made for them): the
// wasm as bytes inside a JS module, compiled synchronously, as node.js does.
import bytes from "./kling_extend_bg.wasm.js";
import { start } from "./calculator.js";

start(bytes);

export { quote, quoteChain } from "./calculator.js";
