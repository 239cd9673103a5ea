// The large job document of the benchmark (issue 21): a running job with
// `objects` tiny objects in an unknown member, 8 bytes each ({"a":1},), so a
// million of them make 7.6 MiB, under the default maxResponseBytes (8 MiB).
export const document = (objects) => `{"id":"j","status":"running","x":[${Array(objects).fill('{"a":1}').join(",")}]}`;
