// parseWebhook, in every build (verifyWebhook is the server's: signature.js).
import { toJson } from "./boundary.js";
import { call } from "./wasm.js";

/** Validates and normalises a Trinetra job document or a Kling callback body (its JSON text, or parsed). */
export const parseWebhook = (body, options) => call("parseWebhook", toJson(body, "body"), toJson(options, "options"));
