// Poll a condition instead of sleeping: tests stay fast on fast machines and stable on slow ones.

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  label?: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) {
      throw new Error(`waitFor timed out after ${timeoutMs} ms${label === undefined ? '' : `: ${label}`}`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}
