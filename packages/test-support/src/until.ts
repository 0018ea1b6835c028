// Polling for tests that wait on something another party does (a server, a stream) without a timing assertion.

/** Waits until `condition` holds, polling; gives up after `limitMs` so a broken test fails instead of hanging. */
export async function until(condition: () => boolean, limitMs = 5_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}
