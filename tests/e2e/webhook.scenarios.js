// Webhooks: parseWebhook and verifyWebhook. Deliveries are signed here with
// the platform's Web Crypto, independently of the package's own HMAC.
import { parseWebhook, verifyWebhook } from "kling-extend";
import * as assert from "./assert.js";
import { checkError, expectRejection, expectThrow, scenario } from "./support.js";

const KEY_BYTES = new TextEncoder().encode("webhook signing key for e2e");
const OLD_KEY_BYTES = new TextEncoder().encode("the key before the rotation");
const toBase64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const SECRET = `whsec_${toBase64(KEY_BYTES)}`;
const OLD_SECRET = `whsec_${toBase64(OLD_KEY_BYTES)}`;
const BODY = JSON.stringify({ id: "job_hook_1", model: "kling-extend-video", status: "succeeded", credits_charged: 190 });
const NOW = 1_763_600_000;

async function sign(keyBytes, id, timestamp, body) {
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(mac)}`;
}

async function delivery({ id = "msg_1", timestamp = NOW, body = BODY, keyBytes = KEY_BYTES } = {}) {
  const signature = await sign(keyBytes, id, String(timestamp), body);
  return { body, headers: { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": signature } };
}

const at = (nowSeconds) => ({ nowSeconds });

scenario("verifyWebhook accepts a genuine delivery, as a string or bytes, with any header bag", {}, async () => {
  const { body, headers } = await delivery();
  const job = await verifyWebhook(body, headers, SECRET, at(NOW));
  assert.equal(job.id, "job_hook_1", "job.id");
  assert.equal(job.status, "succeeded", "job.status");
  assert.equal(job.credits_charged, 190, "job.credits_charged");
  const bytes = new TextEncoder().encode(body);
  const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
  assert.equal((await verifyWebhook(bytes, new Headers(headers), SECRET, at(NOW))).id, "job_hook_1", "bytes and Headers");
  assert.equal((await verifyWebhook(bytes.buffer, shouted, SECRET, at(NOW + 299))).id, "job_hook_1", "ArrayBuffer, upper-case names");
});

scenario("verifyWebhook refuses a tampered body or id", {}, async (ctx) => {
  const { body, headers } = await delivery();
  const tampered = body.replace("succeeded", "failed");
  await expectRejection(ctx, () => verifyWebhook(tampered, headers, SECRET, at(NOW)), {
    code: "invalid_request",
    field: "headers.webhook-signature",
  });
  await expectRejection(ctx, () => verifyWebhook(body, { ...headers, "webhook-id": "msg_2" }, SECRET, at(NOW)), {
    code: "invalid_request",
    field: "headers.webhook-signature",
  });
});

scenario("verifyWebhook refuses stale and future timestamps", {}, async (ctx) => {
  const { body, headers } = await delivery();
  const expected = { code: "invalid_request", field: "headers.webhook-timestamp" };
  await expectRejection(ctx, () => verifyWebhook(body, headers, SECRET, at(NOW + 301)), expected);
  await expectRejection(ctx, () => verifyWebhook(body, headers, SECRET, at(NOW - 301)), expected);
  await expectRejection(ctx, () => verifyWebhook(body, headers, SECRET), expected);
  const job = await verifyWebhook(body, headers, SECRET, { nowSeconds: NOW + 3000, toleranceSeconds: 3600 });
  assert.equal(job.id, "job_hook_1", "a wider tolerance");
});

scenario("verifyWebhook takes rotated secrets and several signatures", {}, async (ctx) => {
  const { body, headers } = await delivery({ keyBytes: OLD_KEY_BYTES });
  assert.equal((await verifyWebhook(body, headers, [SECRET, OLD_SECRET], at(NOW))).id, "job_hook_1", "the old key still listed");
  await expectRejection(ctx, () => verifyWebhook(body, headers, SECRET, at(NOW)), { field: "headers.webhook-signature" });
  const current = await delivery();
  const both = { ...headers, "webhook-signature": `v1,AAAA ${headers["webhook-signature"]} ${current.headers["webhook-signature"]}` };
  assert.equal((await verifyWebhook(body, both, SECRET, at(NOW))).id, "job_hook_1", "several signatures, one good");
});

scenario("verifyWebhook refuses malformed headers, secrets and parsed bodies", {}, async (ctx) => {
  const { body, headers } = await delivery();
  const cases = [
    [{ ...headers, "webhook-id": undefined }, SECRET, "headers.webhook-id"],
    [{ ...headers, "webhook-timestamp": "yesterday" }, SECRET, "headers.webhook-timestamp"],
    [{ ...headers, "webhook-signature": "v2,abc" }, SECRET, "headers.webhook-signature"],
    [headers, "whsec_***", "secret"],
    [headers, 42, "secret"],
  ];
  for (const [bag, secret, field] of cases) {
    await expectRejection(ctx, () => verifyWebhook(body, bag, secret, at(NOW)), { code: "invalid_request", field });
  }
  await expectRejection(ctx, () => verifyWebhook(JSON.parse(body), headers, SECRET, at(NOW)), {
    code: "invalid_request",
    field: "rawBody",
  });
  const garbage = await delivery({ body: "<html>not json</html>" });
  await expectRejection(ctx, () => verifyWebhook(garbage.body, garbage.headers, SECRET, at(NOW)), { field: "rawBody" });
});

scenario("verifyWebhook takes the fetch Request itself; the job carries the delivery's id and timestamp", {}, async (ctx) => {
  const { body, headers } = await delivery({ id: "msg_replay_1" });
  const post = (text, bag = headers) => new Request("https://app.example/hooks", { method: "POST", headers: bag, body: text });
  const job = await verifyWebhook(post(body), SECRET, at(NOW));
  assert.equal(job.id, "job_hook_1", "job.id");
  assert.deepEqual(job.webhook, { id: "msg_replay_1", timestamp: NOW }, "job.webhook, to drop replays");
  const fromText = await verifyWebhook(body, headers, [OLD_SECRET, SECRET], at(NOW + 10));
  assert.deepEqual(fromText.webhook, { id: "msg_replay_1", timestamp: NOW }, "the raw-body form carries it too");
  assert.equal(parseWebhook(body).webhook, undefined, "parseWebhook checks no delivery, so names none");
  // A Request without a body stream, as Firefox's: read whole.
  const streamless = { headers: new Headers(headers), bodyUsed: false, arrayBuffer: async () => new TextEncoder().encode(body).buffer };
  assert.deepEqual((await verifyWebhook(streamless, SECRET, at(NOW))).webhook, { id: "msg_replay_1", timestamp: NOW }, "a Request without body stream");
  const tampered = await expectRejection(ctx, () => verifyWebhook(post(body.replace("190", "1")), SECRET, at(NOW)), {
    code: "invalid_request",
    field: "headers.webhook-signature",
  });
  assert.match(tampered.message, /failed the signature check/);
  const stale = await expectRejection(ctx, () => verifyWebhook(post(body), SECRET, at(NOW + 900)), { field: "headers.webhook-timestamp" });
  assert.match(stale.message, /failed the timestamp check: the delivery is 900 s old/);
  const { "webhook-signature": _, ...unsigned } = headers;
  const missing = await expectRejection(ctx, () => verifyWebhook(post(body, unsigned), SECRET, at(NOW)), { field: "headers.webhook-signature" });
  assert.match(missing.message, /^headers\.webhook-signature is missing/);
  const used = post(body);
  await used.text();
  const reread = await expectRejection(ctx, () => verifyWebhook(used, SECRET, at(NOW)), { code: "invalid_request", field: "request" });
  assert.match(reread.message, /already read/, "says why, not a stream's TypeError");
  const huge = post("x".repeat((1 << 20) + 1));
  await expectRejection(ctx, () => verifyWebhook(huge, SECRET, at(NOW)), { code: "invalid_request", field: "request" });
});

scenario("parseWebhook normalises both services' bodies and refuses anything else", {}, async (ctx) => {
  const trinetra = parseWebhook(BODY);
  assert.equal(trinetra.status, "succeeded", "a Trinetra job document (string)");
  const callback = { task_id: "task_9", task_status: "succeed", task_result: { videos: [{ id: "vid_9", url: "https://cdn.test/9.mp4", duration: "10.1" }] } };
  const kling = parseWebhook(callback);
  assert.equal(kling.id, "task_9", "a Kling callback (object)");
  assert.equal(kling.output.outputs[0].duration, 10.1, "duration as a number");
  assert.deepEqual(kling.raw, callback, "raw keeps the body");
  assert.equal(parseWebhook({ code: 0, data: callback }).id, "task_9", "a callback in an envelope");
  for (const bad of ["not json", "{}", { hello: "world" }, 7]) {
    const err = expectThrow(ctx, () => parseWebhook(bad), { code: "invalid_request" });
    checkError(ctx, err, { retryable: false });
  }
  expectThrow(ctx, () => parseWebhook(BODY, { provider: "kling" }), { code: "invalid_request", field: "body" });
});

// Kling signs callbacks the Standard Webhooks way once the account has a
// webhook secret (a whsec_ secret from its console, several during a rotation).
const KLING_KEY_BYTES = new TextEncoder().encode("kling console webhook secret e2e");
const KLING_SECRET = `whsec_${toBase64(KLING_KEY_BYTES)}`;
const KLING_TASK = JSON.stringify({
  task_id: "task_k1",
  task_status: "succeed",
  task_status_msg: "",
  created_at: 1763600000000,
  updated_at: 1763600100000,
  final_unit_deduction: "3.5",
  final_balance_deduction: { quota: "0.49", list_price: "0.49" },
  task_info: { external_task_id: "ke-1", parent_video: { id: "vid_src", url: "https://cdn.test/src.mp4", duration: "5" } },
  task_result: { videos: [{ id: "vid_k1", url: "https://cdn.test/k1.mp4", duration: "10" }] },
});
const KLING_TEST_CALLBACK = JSON.stringify({ id: "task_test", status: "submitted", outputs: [], message: "", create_time: 1763600000000, update_time: 1763600000000 });
const KLING_NEWER = JSON.stringify({
  id: "task_k2",
  status: "succeeded",
  message: "",
  external_id: "ke-2",
  create_time: 1763600000000,
  update_time: 1763600100000,
  outputs: [{ type: "video", id: "vid_k2", url: "https://cdn.test/k2.mp4", watermark_url: "https://cdn.test/k2w.mp4", duration: "10" }],
  billing: [
    { charge_type: "unit", amount: "3.5", package_type: "video" },
    { charge_type: "cash", amount: "0.49", currency: "USD", list_price: "0.49" },
  ],
});

scenario("verifyWebhook verifies Kling's signed callbacks: the task document, the newer one and the console's test", {}, async (ctx) => {
  for (const [body, id, status] of [
    [KLING_TASK, "task_k1", "succeeded"],
    [KLING_NEWER, "task_k2", "succeeded"],
    [KLING_TEST_CALLBACK, "task_test", "queued"],
  ]) {
    const signed = await delivery({ id: `msg_${id}`, body, keyBytes: KLING_KEY_BYTES });
    const job = await verifyWebhook(signed.body, signed.headers, KLING_SECRET, at(NOW));
    assert.deepEqual([job.id, job.status], [id, status], `${id} verified`);
    if (id !== "task_test") {
      assert.equal(job.units_charged, 3.5, `${id}: units_charged`);
      assert.equal(job.credits_charged, undefined, `${id}: no credits (rupees) for Kling`);
      assert.deepEqual(job.money_charged, id === "task_k1" ? { amount: 0.49 } : { amount: 0.49, currency: "USD" }, `${id}: money`);
      assert.equal(job.output.outputs[0].duration, 10, `${id}: duration`);
    }
    const tampered = signed.body.replace("3.5", "0.1");
    if (tampered !== signed.body) {
      await expectRejection(ctx, () => verifyWebhook(tampered, signed.headers, KLING_SECRET, at(NOW)), { field: "headers.webhook-signature" });
    }
    await expectRejection(ctx, () => verifyWebhook(signed.body, signed.headers, KLING_SECRET, at(NOW + 301)), {
      field: "headers.webhook-timestamp",
    });
  }
  const rotated = await delivery({ body: KLING_TASK, keyBytes: OLD_KEY_BYTES });
  assert.equal((await verifyWebhook(rotated.body, rotated.headers, [KLING_SECRET, OLD_SECRET], at(NOW))).id, "task_k1", "during a rotation");
  assert.equal(parseWebhook(KLING_TEST_CALLBACK).id, "task_test", "the test callback parses unsigned too");
});

// Kling's newer documents name each output's type: image, video, audio,
// element, voice. Only the videos are the job's; the rest stay in raw.
const KLING_EVERY_OUTPUT = JSON.stringify({
  id: "task_k3",
  status: "succeeded",
  message: "",
  external_id: "ke-3",
  create_time: 1763600000000,
  update_time: 1763600100000,
  outputs: [
    { type: "image", url: "https://cdn.test/k3.png" },
    { type: "audio", id: "aud_k3", mp3_url: "https://cdn.test/k3.mp3", wav_url: "https://cdn.test/k3.wav" },
    { type: "video", id: "vid_k3", url: "https://cdn.test/k3.mp4", watermark_url: "https://cdn.test/k3w.mp4", duration: "10" },
    { type: "element", id: "el_k3" },
    { type: "voice", id: "voice_k3" },
  ],
  billing: [
    { charge_type: "unit", amount: "1", package_type: "video" },
    { charge_type: "cash", cash_type: "balance", amount: "0.14", currency: "USD", list_price: "0.14" },
    { charge_type: "cash", cash_type: "test_balance", amount: "0.14", currency: "USD", list_price: "0.14" },
  ],
  future_member: { anything: true },
});
const VIDEO_K3 = { url: "https://cdn.test/k3.mp4", type: "video", id: "vid_k3", duration: 10 };

scenario("parseWebhook and verifyWebhook take Kling's newer callback with every output type: exactly its video", {}, async () => {
  const parsed = parseWebhook(KLING_EVERY_OUTPUT);
  assert.deepEqual(parsed.output, { outputs: [VIDEO_K3] }, "exactly the video");
  assert.deepEqual([parsed.units_charged, parsed.money_charged], [1, { amount: 0.14, currency: "USD" }], "units, and money from the real balance only");
  assert.deepEqual(parsed.raw, JSON.parse(KLING_EVERY_OUTPUT), "the other outputs and unknown members stay in raw");
  const signed = await delivery({ id: "msg_k3", body: KLING_EVERY_OUTPUT, keyBytes: KLING_KEY_BYTES });
  const verified = await verifyWebhook(signed.body, signed.headers, KLING_SECRET, at(NOW));
  assert.deepEqual([verified.id, verified.output], ["task_k3", { outputs: [VIDEO_K3] }], "verified the same");
  const audioOnly = { id: "task_k4", status: "succeeded", create_time: 1, outputs: [{ type: "audio", mp3_url: "https://cdn.test/a.mp3" }] };
  const audio = parseWebhook(audioOnly);
  assert.deepEqual([audio.status, audio.output], ["succeeded", undefined], "an audio output is no video, and no failure");
  const image = parseWebhook({ ...audioOnly, outputs: [{ type: "image", url: "https://cdn.test/i.png" }] });
  assert.equal(image.output, undefined, "an image is not reported as a video");
});
