// Polls until a probe gives a value (anything but undefined), for the tests that drive a service
// directly rather than through LocalStackClient (whose waitFor does the same for the whole stack).

/** The probe's first value, polled every `every` ms; fails after `ms` with "condition not reached". */
export async function until<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 8000,
  every = 25,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, every));
  }
}
