/**
 * Polls a condition until it holds. Generous by default: a slow CI machine must not turn a
 * correct behaviour into a failure, and a condition that never holds still fails the test.
 */
export async function waitUntil(
  condition: () => boolean,
  timeoutMs = 20_000,
  intervalMs = 10,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${condition}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
