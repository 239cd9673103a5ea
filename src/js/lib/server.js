// What only a server uses, from the server build: createProxy and
// verifyWebhook. Node and Workers export it at once; pages import it on
// demand (on-demand.js).
export { createProxy } from "./proxy.js";
export { verifyWebhook } from "./signature.js";
