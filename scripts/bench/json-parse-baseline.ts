// The baseline every e2e ratio is taken against: bare JSON.parse of the same frame texts, in this process,
// CPU time (user + system) per frame, median of a few rounds.
export function jsonParseMicrosPerFrame(frames: readonly Buffer[], minFrames = 200_000, rounds = 5): number {
  const texts = frames.map((frame) => frame.toString());
  const results: number[] = [];
  let sink = 0;
  for (let round = 0; round < rounds; round++) {
    const start = process.cpuUsage();
    let parsed = 0;
    while (parsed < minFrames) {
      for (const text of texts) {
        sink += (JSON.parse(text) as { data?: unknown[] }).data?.length ?? 0;
        parsed++;
      }
    }
    const used = process.cpuUsage(start);
    results.push((used.user + used.system) / parsed);
  }
  if (sink < 0) console.log(sink);
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)]!;
}
