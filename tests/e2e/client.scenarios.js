// The scenarios of the client API, which every runtime runs (browsers load
// the web build, which has nothing more).
import "./trinetra.scenarios.js";
import "./kling.scenarios.js";

export { scenarios } from "./support.js";
