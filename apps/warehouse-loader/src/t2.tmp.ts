import { openWarehouse } from '@social-pulse/warehouse';
import { parseWarehouseLocation } from '@social-pulse/config';
const loc = { kind: 'duckdb', path: '/tmp/idle/warehouse.duckdb' } as never;
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const w = await openWarehouse(loc);
  const t1 = performance.now();
  await w.close();
  console.log(`open ${(t1 - t0).toFixed(0)} ms, close ${(performance.now() - t1).toFixed(0)} ms`);
}
