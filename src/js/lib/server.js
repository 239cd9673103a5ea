// What only a server uses, from the server build: createProxy and
// verifyWebhook. Node and Workers export it at once; a page's server half
// (server-build.js) on demand.
export { createProxy } from "./proxy.js";
export { verifyWebhook } from "./signature.js";
