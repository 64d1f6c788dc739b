import { now } from '../lib/clock.ts';
import { SentinelTopology } from '../lib/topology/topology.ts';
const start = () => new SentinelTopology().withProgress(() => {}).start();
let cur = await start();
const rows: string[] = [];
for (let i = 0; i < 8; i++) {
  const overlap = i % 2 === 0;
  const t0 = now();
  let next;
  let stopMs = 0;
  if (overlap) {
    const s = cur.stop().then(() => (stopMs = now() - t0));
    next = await start();
    const readyMs = now() - t0;
    await s;
    rows.push(`overlap   ready ${readyMs.toFixed(0)} stop ${stopMs.toFixed(0)} both ${(now() - t0).toFixed(0)}`);
  } else {
    await cur.stop();
    stopMs = now() - t0;
    next = await start();
    rows.push(`sequential stop ${stopMs.toFixed(0)} ready ${(now() - t0 - stopMs).toFixed(0)} both ${(now() - t0).toFixed(0)}`);
  }
  console.log(rows[rows.length - 1]);
  cur = next;
}
await cur.stop();
