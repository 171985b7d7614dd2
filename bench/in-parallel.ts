/** Runs `work` for each of `count` items, at most `inFlight` at once; in order of start. */
export async function inParallel(count: number, inFlight: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await work(next++);
    }),
  );
}
