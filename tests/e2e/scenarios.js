// Every end-to-end scenario, runtime-neutral: see support.js for what a
// scenario is and the ctx it receives. Each runtime's runner imports this file.
import "./trinetra.scenarios.js";
import "./kling.scenarios.js";
import "./webhook.scenarios.js";
import "./hostile.scenarios.js";
import "./conventions.scenarios.js";
import "./integrity.scenarios.js";

export { scenarios } from "./support.js";
