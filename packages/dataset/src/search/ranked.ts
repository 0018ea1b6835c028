// A ranked list of (uuid, score) per query: what the vector and text searches return before fusion.

/** One query's ranking, best first. */
export type Ranking = { readonly uuid: string; readonly score: number }[];

/** Groups `(qid, uuid, score)` rows into one ranking per query, keeping row order. */
export function groupRankings(rows: readonly (readonly unknown[])[], queries: number): Ranking[] {
  const rankings: Ranking[] = Array.from({ length: queries }, () => []);
  for (const row of rows) rankings[Number(row[0])]!.push({ uuid: row[1] as string, score: Number(row[2]) });
  return rankings;
}
