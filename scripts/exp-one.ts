import { SentinelTopology } from '../lib/topology/topology.ts';
for (let i = 0; i < 3; i++) { const t = await new SentinelTopology().withProgress(() => {}).start(); console.log(JSON.stringify(t.readyTimings)); await t.stop(); }
