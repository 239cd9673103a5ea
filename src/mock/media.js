/**
 * Media URLs handed out in job outputs (`<mock.url>/media/<job id>.mp4`).
 * No video is served yet, so they answer 404; they exist as a route so the
 * request is logged and fault-injectable like any other API call.
 */
import { errorAnswer } from "./server.js";

export function mediaRoutes() {
  return [
    {
      method: "GET",
      path: /^\/media\/([^/]+)\.mp4$/,
      handle: () => errorAnswer(404, "mock media is not served yet"),
    },
  ];
}
