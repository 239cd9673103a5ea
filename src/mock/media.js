/**
 * Media URLs handed out in job outputs (`<mock.url>/media/<name>.mp4`): each
 * serves an MP4 exactly as long as the video the job made (to the
 * millisecond), so a page really plays what the mock billed. The video is a
 * short test pattern (5 s, 256×144, H.264, ten frames a second, one key frame
 * first, one chunk of frames) played again and again: the new file's sample
 * tables list the pattern's frames as often as the length needs, each repeat
 * pointing at the same bytes, and the last frame is cut short to end on time.
 * A `Range` of bytes is answered 206, as CDNs do, so a player can seek.
 * The requests are logged and fault-injectable like any other API call.
 */
import { readFileSync } from "node:fs";

/** Boxes that hold boxes, on the way to the sample tables. */
const CONTAINERS = new Set(["moov", "trak", "edts", "mdia", "minf", "stbl"]);
/** The new file counts time in milliseconds, its movie's scale and its frames' (100 ms each). */
const MS_PER_SECOND = 1000;
const FRAME_MS = 100;

let pattern;

/**
 * @param {(name: string) => number | undefined} secondsOf
 *   how long the video named in the URL lasts; undefined = no such video (404)
 */
export function mediaRoutes(secondsOf) {
  return [
    {
      method: "GET",
      path: /^\/media\/([^/]+)\.mp4$/,
      handle: ({ params: [name], headers }) => {
        const seconds = secondsOf(name);
        if (seconds === undefined) return { status: 404, body: { error: { message: "no such video" } } };
        pattern ??= readPattern(readFileSync(new URL("./media/test-pattern.mp4", import.meta.url)));
        return ranged(looped(seconds), headers.range);
      },
    },
  ];
}

/** The whole file, or the one byte range asked for (`bytes=first-last`, `bytes=first-`, `bytes=-suffix`). */
function ranged(body, range) {
  const media = { "content-type": "video/mp4", "cache-control": "public, max-age=3600", "accept-ranges": "bytes" };
  const asked = /^bytes=(\d*)-(\d*)$/.exec(range ?? "");
  if (!asked) return { status: 200, headers: media, body };
  const [, first, last] = asked;
  const end = body.length - 1;
  const [start, stop] = first === "" ? [Math.max(0, body.length - Number(last)), end] : [Number(first), Math.min(Number(last || end), end)];
  if ((first === "" && last === "") || start > stop) {
    return { status: 416, headers: { ...media, "content-range": `bytes */${body.length}` } };
  }
  return { status: 206, headers: { ...media, "content-range": `bytes ${start}-${stop}/${body.length}` }, body: body.subarray(start, stop + 1) };
}

/** The boxes directly inside `bytes`: `{ type, body, at }`, `at` being where the box starts. */
function* boxes(bytes, offset = 0) {
  for (let at = 0; at < bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    yield { type: bytes.toString("latin1", at + 4, at + 8), body: bytes.subarray(at + 8, at + size), at: offset + at };
    at += size;
  }
}

function box(type, body) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + body.length);
  head.write(type, 4, "latin1");
  return Buffer.concat([head, body]);
}

/** A full box's version and flags (0), then these 32-bit numbers. */
function table(type, numbers) {
  const body = Buffer.alloc(4 + 4 * numbers.length);
  numbers.forEach((n, i) => body.writeUInt32BE(n, 4 + 4 * i));
  return box(type, body);
}

/** What the test pattern gives every looped copy: its boxes, frame sizes and frame bytes. */
function readPattern(file) {
  const top = new Map([...boxes(file)].map((b) => [b.type, b]));
  const stbl = ["trak", "mdia", "minf", "stbl"].reduce((parent, type) => [...boxes(parent)].find((b) => b.type === type).body, top.get("moov").body);
  const tables = new Map([...boxes(stbl)].map((b) => [b.type, b.body]));
  const stsz = tables.get("stsz");
  const sizes = Array.from({ length: stsz.readUInt32BE(8) }, (_, i) => stsz.readUInt32BE(12 + 4 * i));
  const mdat = top.get("mdat");
  const first = tables.get("stco").readUInt32BE(8) - (mdat.at + 8);
  return { ftyp: box("ftyp", top.get("ftyp").body), moov: top.get("moov").body, sizes, frames: mdat.body.subarray(first) };
}

/** An MP4 of the pattern looped for `seconds`. */
function looped(seconds) {
  const ms = Math.round(seconds * MS_PER_SECOND);
  const count = Math.ceil(ms / FRAME_MS);
  const per = pattern.sizes.length;
  const loops = Math.ceil(count / per);
  // Sample tables: [frames, duration] runs; a key frame at each loop's start;
  // [first chunk, frames in it, description] runs, one chunk per loop.
  const timing = [[count - 1, FRAME_MS], [1, ms - FRAME_MS * (count - 1)]].filter(([frames]) => frames > 0);
  const keys = Array.from({ length: loops }, (_, i) => 1 + per * i);
  const rest = count - per * (loops - 1);
  const chunks = loops === 1 ? [[1, rest, 1]] : [[1, per, 1], [loops, rest, 1]];
  const sizes = Array.from({ length: count }, (_, i) => pattern.sizes[i % per]);

  // Durations sit at fixed places in these version-0 boxes; the movie's, the
  // track's and the edit's are in the movie's time scale, the media's in its
  // own: both become milliseconds.
  const timed = (body, durationAt, scaleAt) => {
    const copy = Buffer.from(body);
    if (scaleAt !== undefined) copy.writeUInt32BE(MS_PER_SECOND, scaleAt);
    copy.writeUInt32BE(ms, durationAt);
    return copy;
  };
  const rewrite = (container, offset) =>
    Buffer.concat(
      [...boxes(container)].map(({ type, body }) => {
        if (CONTAINERS.has(type)) return box(type, rewrite(body, offset));
        switch (type) {
          case "mvhd": return box(type, timed(body, 16, 12));
          case "tkhd": return box(type, timed(body, 20));
          case "elst": return box(type, timed(body, 8)); // its one edit: the whole video
          case "mdhd": return box(type, timed(body, 16, 12));
          case "stts": return table(type, [timing.length, ...timing.flat()]);
          case "stss": return table(type, [keys.length, ...keys]);
          case "stsc": return table(type, [chunks.length, ...chunks.flat()]);
          case "stsz": return table(type, [0, count, ...sizes]);
          case "stco": return table(type, [loops, ...Array(loops).fill(offset)]);
          default: return box(type, body);
        }
      }),
    );
  // Every chunk starts at the frames' first byte, right after the moov and the mdat's header.
  const size = box("moov", rewrite(pattern.moov, 0)).length;
  const moov = box("moov", rewrite(pattern.moov, pattern.ftyp.length + size + 8));
  return Buffer.concat([pattern.ftyp, moov, box("mdat", pattern.frames)]);
}
