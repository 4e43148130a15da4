/**
 * `npm run bench`: our core against TensorFlow.js (CPU, WASM) and brain.js, on the same seeded data and initial
 * weights. Each measurement runs in a fresh process; rounds interleave the implementations so drift (thermal, other
 * load) hits all of them alike. Prints throughput per round and the ratio netwright / peer (median, min–max).
 *
 * Options: --rounds N (3), --warmup S (2), --measure S (3), --scenario id[,id], --impl name[,name].
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, type ScenarioId } from './common';

const IMPL_NAMES = ['netwright', 'tfjs-cpu', 'tfjs-wasm', 'brain.js'];
const PEERS_PER_SCENARIO: Record<ScenarioId, string[]> = {
  'playground-small': ['netwright', 'tfjs-cpu', 'brain.js'],
  'playground-deep': ['netwright', 'tfjs-cpu', 'brain.js'],
  'mnist-train': ['netwright', 'tfjs-cpu', 'tfjs-wasm'],
  'infer-b1': ['netwright', 'tfjs-cpu', 'tfjs-wasm'],
  'infer-b256': ['netwright', 'tfjs-cpu', 'tfjs-wasm'],
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const rounds = Number(arg('rounds', '3'));
const warmup = arg('warmup', '2');
const measure = arg('measure', '3');
const scenarioIds = arg('scenario', Object.keys(SCENARIOS).join(',')).split(',') as ScenarioId[];
const implFilter = arg('impl', IMPL_NAMES.join(',')).split(',');
const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

interface Result { impl: string; throughput: number; unit: string; extra?: Record<string, number> }

function runOne(impl: string, scenario: ScenarioId): Result | { error: string } {
  const child = spawnSync(process.execPath, ['--import', 'tsx', workerPath, impl, scenario, warmup, measure], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || !line) return { error: (child.stderr || 'no output').trim().split('\n').slice(-1)[0] };
  return JSON.parse(line) as Result;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e4 ? `${(x / 1e3).toFixed(1)}k` : x.toFixed(1));

console.log(`Netwright benchmark · node ${process.version} · ${rounds} rounds · warm-up ${warmup}s, measure ${measure}s per run`);
for (const id of scenarioIds) {
  const scenario = SCENARIOS[id];
  if (!scenario) { console.error(`unknown scenario ${id}`); process.exit(2); }
  const impls = PEERS_PER_SCENARIO[id].filter((n) => implFilter.includes(n));
  console.log(`\n## ${scenario.title} (${scenario.unit})`);
  const byImpl = new Map<string, number[]>(impls.map((n) => [n, []]));
  const extras: Record<string, number>[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = impls.map((_, k) => impls[(k + r) % impls.length]);
    const cells: string[] = [];
    for (const impl of order) {
      const res = runOne(impl, id);
      if ('error' in res) { cells.push(`${impl}: failed (${res.error})`); continue; }
      byImpl.get(impl)!.push(res.throughput);
      if (res.extra) extras.push(res.extra);
      cells.push(`${impl} ${fmt(res.throughput)}`);
    }
    console.log(`round ${r + 1}: ${cells.join(' · ')}`);
  }
  const ours = byImpl.get('netwright') ?? [];
  for (const [impl, xs] of byImpl) {
    if (xs.length === 0) continue;
    const line = `  ${impl.padEnd(10)} median ${fmt(median(xs))} ${scenario.unit} (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))})`;
    if (impl !== 'netwright' && ours.length === xs.length) {
      const ratios = ours.map((o, k) => o / xs[k]);
      console.log(`${line} · netwright/${impl} ratio median ${median(ratios).toFixed(2)}× (min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)})`);
    } else console.log(line);
  }
  if (extras.length > 0) {
    for (const key of Object.keys(extras[0])) {
      console.log(`  netwright ${key}: median ${median(extras.map((e) => e[key])).toPrecision(3)}`);
    }
  }
}
