// Every end-to-end scenario, runtime-neutral: see support.js for what a
// scenario is and the ctx it receives. Node and workerd (the server build)
// run them all; browsers run client.scenarios.js.
import "./client.scenarios.js";
import "./webhook.scenarios.js";

export { scenarios } from "./support.js";
