/**
 * Media URLs handed out in job outputs (`<mock.url>/media/<id>.mp4`): every
 * one serves the same short test pattern (5 s, 256×144, H.264), so a page can
 * really play a finished job. The requests are logged and fault-injectable
 * like any other API call.
 */
import { readFileSync } from "node:fs";

let video;

export function mediaRoutes() {
  return [
    {
      method: "GET",
      path: /^\/media\/([^/]+)\.mp4$/,
      handle: () => {
        video ??= readFileSync(new URL("./media/test-pattern.mp4", import.meta.url));
        return { status: 200, headers: { "content-type": "video/mp4", "cache-control": "public, max-age=3600" }, body: video };
      },
    },
  ];
}
