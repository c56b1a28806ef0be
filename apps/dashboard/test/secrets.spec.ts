import { DuckDBWarehouse } from '@social-pulse/warehouse';
import { registerSecrets } from '@social-pulse/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WarehouseAccess } from '../src/access.ts';
import { buildServer } from '../src/server.ts';
import { END, knownData } from '../src/testing/fixtures.ts';
import { seedWarehouse } from '../src/testing/seed.ts';

// A credential of this environment that a warehouse written by an older version still holds,
// in a run's error and in a post's text.
const TOKEN = 'AAAAAAAAAAAAAAAAAAAAAdash%2Fboard-bearer';

let w: DuckDBWarehouse;
let app: ReturnType<typeof buildServer>;

beforeAll(async () => {
  w = await DuckDBWarehouse.open(':memory:');
  const data = knownData();
  data.runs.push({ ...data.runs.at(-1)!, run_id: 'r3', step: 'scrape', source: 'x', status: 'partial', error: `#q: partial error: Request authorized with Bearer ${TOKEN}` });
  data.posts[0] = { ...data.posts[0]!, text: `debug: ${TOKEN}` };
  await seedWarehouse(w, data);
  registerSecrets([TOKEN]);
  app = buildServer({ access: WarehouseAccess.fixed(w), context: { scheduleSeconds: 3600, configuredSources: ['mastodon', 'hackernews', 'x'] }, now: () => new Date(END) });
});
afterAll(async () => {
  await app.close();
  await w.close();
});

describe('the dashboard masks the secret registry', () => {
  it('in the status tiles, the posts and the static export', async () => {
    const api = await app.inject({ url: '/api/dashboard?period=30d' });
    expect(api.statusCode, api.body).toBe(200);
    const exported = await app.inject({ url: '/export.html?period=30d' });
    expect(exported.statusCode).toBe(200);
    for (const body of [api.body, exported.body]) {
      expect(body).not.toContain(TOKEN);
      expect(body).not.toContain(decodeURIComponent(TOKEN));
      expect(body).toContain('Request authorized with Bearer ***');
    }
    expect(api.body).toContain('debug: ***');
  });
});
