// Pages bundled by a tool that leaves `new URL("./x.wasm", import.meta.url)`
// as it is and copies no asset (esbuild): the "inline-wasm" condition
// (`esbuild --conditions=inline-wasm`) picks this entry, whose web build's
// wasm comes as bytes inside the bundle. The server half, loaded on first use
// of createProxy or verifyWebhook, is inlined too (lib/server-inline.js).
// The build bundles this file like index.js, leaving both imports of bytes
// as modules of their own.
import { Settings, __wbg_reset_state, asks, call, initSync, price, priceValue, taskEvent, taskResponse } from "./web/kling_extend.js";
import bytes from "./web/kling_extend_bg.wasm.js";
import { bind } from "./lib/wasm.js";

initSync({ module: await WebAssembly.compile(bytes) });
bind({ Settings, call, __wbg_reset_state, asks, initSync, price, priceValue, taskEvent, taskResponse }, () => import("./lib/server-inline.js"));

export * from "./lib/api.js";
export * from "./lib/on-demand.js";
