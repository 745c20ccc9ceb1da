// Lists a cluster's standings for a year: `npm run example` (with `make run` serving the demo).
//   PACTS_API=http://127.0.0.1:8000 npm run example -- bac-trung-bo 2022
import createClient from "openapi-fetch";

import type { components, paths } from "./schema.js";

type Standings = components["schemas"]["StandingsOut"];

const api = createClient<paths>({ baseUrl: process.env.PACTS_API ?? "http://127.0.0.1:8000" });

export async function standings(clusterId: string, year: number): Promise<Standings> {
  const { data, error, response } = await api.GET("/api/v1/clusters/{cluster_id}/standings", {
    params: { path: { cluster_id: clusterId }, query: { year } },
  });
  if (error !== undefined) {
    // Every error is application/problem+json: its detail says what went wrong.
    throw new Error(`${response.status} ${error.title}: ${error.detail}`);
  }
  return data;
}

const [clusterId = "bac-trung-bo", year = "2022"] = process.argv.slice(2);
const found = await standings(clusterId, Number(year));
console.log(`${found.cluster_id} ${found.year}: ${found.pact_id} (${found.pact_status})`);
for (const row of found.standings) {
  console.log(`${row.rank}. ${row.unit_name ?? row.unit_id}  ${row.score.toFixed(3)}`);
}
