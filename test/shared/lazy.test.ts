import { describe, expect, it } from "vitest";
import { lazy } from "../../shared/lazy.ts";

describe("lazy", () => {
  it("builds nothing until the first call", () => {
    let builds = 0;
    lazy(() => ++builds);

    expect(builds).toBe(0);
  });

  it("builds once and returns the same value on every call", () => {
    let builds = 0;
    const value = lazy(() => ({ build: ++builds }));

    const first = value();

    expect(value()).toBe(first);
    expect(first).toEqual({ build: 1 });
    expect(builds).toBe(1);
  });

  it("keeps a value that is undefined without building it again", () => {
    let builds = 0;
    const value = lazy(() => {
      builds++;
      return undefined;
    });

    value();
    value();

    expect(builds).toBe(1);
  });

  it("builds again after a build that threw", () => {
    let attempts = 0;
    const value = lazy(() => {
      attempts++;
      if (attempts === 1) throw new Error("first build fails");
      return attempts;
    });

    expect(value).toThrow("first build fails");
    expect(value()).toBe(2);
  });
});
