// kling-extend/quote in pages bundled by esbuild --conditions=inline-wasm:
// the wasm as bytes inside the bundle, compiled asynchronously (browsers
// compile only small modules synchronously), as inline.js does.
import bytes from "./kling_extend_bg.wasm.js";
import { start } from "./calculator.js";

start(await WebAssembly.compile(bytes));

export { quote, quoteChain } from "./calculator.js";
