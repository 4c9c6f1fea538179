import { describe, expect, it } from "vitest";
import { RequestProblems } from "../../../../functions/api/protocol/apiError.ts";
import { decodeCursor, encodeCursor } from "../../../../functions/api/protocol/cursor.ts";

function decode(cursor: string, list = "alarms") {
  const problems = new RequestProblems();
  const key = decodeCursor(cursor, list, problems);
  return { key, problems: problems.count };
}

describe("page cursors", () => {
  it("give back the key they were made from, for the same list", () => {
    expect(decode(encodeCursor("alarms", "oven-overheat:oven-3"))).toEqual({
      key: "oven-overheat:oven-3",
      problems: 0,
    });
  });

  it.each([
    ["another list's cursor", encodeCursor("devices", "oven-3")],
    ["characters outside base64url", "abc$def"],
    ["base64 of something that is not JSON", Buffer.from("hello").toString("base64url")],
    ["JSON that is not an object", Buffer.from("[1]").toString("base64url")],
    ["an object with extra keys", Buffer.from('{"l":"alarms","k":"x","admin":true}').toString("base64url")],
    ["an empty key", encodeCursor("alarms", "")],
    ["a key that is not a string", Buffer.from('{"l":"alarms","k":{"S":"x"}}').toString("base64url")],
    ["a cursor over 1 KB", "a".repeat(1025)],
  ])("are refused when given %s", (_case, cursor) => {
    expect(decode(cursor)).toEqual({ key: undefined, problems: 1 });
  });
});
