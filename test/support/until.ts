/**
 * Polls `probe` until it gives a value (anything but false, null or undefined: `true` for a
 * condition), then returns it; past `ms` milliseconds it fails naming `what`. For what happens
 * in the background (workers, notices, peers): a test waits for it instead of sleeping.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms = 30_000,
  everyMs = 20,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== false && v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
