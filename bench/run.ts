/**
 * `npm run bench`: our core against TensorFlow.js (CPU, WASM) and brain.js, on the same seeded data and initial
 * weights. Each measurement runs in a fresh process; rounds interleave the implementations so drift (thermal, other
 * load) hits all of them alike. Prints, per scenario: throughput per round; per implementation the median (min–max)
 * and the ratio netwright / peer (median, min–max over the rounds); how each peer ran (tfjs version, WASM SIMD and
 * threads, brain.js mode); the sanity check (step time over the peer's own matrix products, measured in the same
 * process: "suspect" when far above them); and, for the MNIST-sized scenarios, the bench's tfjs-wasm peer as a
 * fraction of bench/standalone-tfjs-wasm.ts, a minimal tfjs-wasm script of the same network run in the same rounds
 * (also for the LeNet-like CNN, whose netwright lines add each Conv2D's GFLOP/s forward and backward next to the
 * GEMM's at the same shapes).
 * Ends with a summary of every ratio.
 *
 * Then the matrix products (bench/gemm.ts): GFLOP/s of gemmNN/TN/NT next to tfjs-wasm's tf.matMul at 1024³, MLP and
 * LeNet im2col shapes, and the single-core peak.
 *
 * Options: --rounds N (3), --warmup S (2), --measure S (3), --scenario id[,id], --impl name[,name], --no-gemm, --gemm-only.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCENARIOS, SUSPECT_RATIO as SUSPECT_LIMIT, type PeerConfig, type ScenarioId } from './common';
import { runGemmBench } from './gemm';

const STANDALONE = 'tfjs-wasm-standalone';
const IMPL_NAMES = ['netwright', 'tfjs-cpu', 'tfjs-wasm', 'brain.js', STANDALONE];
const PEERS_PER_SCENARIO: Record<ScenarioId, string[]> = {
  'playground-small': ['netwright', 'tfjs-cpu', 'brain.js'],
  'playground-deep': ['netwright', 'tfjs-cpu', 'brain.js'],
  'mnist-train': ['netwright', 'tfjs-cpu', 'tfjs-wasm', STANDALONE],
  'infer-b1': ['netwright', 'tfjs-cpu', 'tfjs-wasm', STANDALONE],
  'infer-b256': ['netwright', 'tfjs-cpu', 'tfjs-wasm', STANDALONE],
  'lenet-train': ['netwright', 'tfjs-cpu', 'tfjs-wasm', STANDALONE],
};
/** Within this fraction of the standalone script, the bench's tfjs-wasm peer counts as running at its best. */
const STANDALONE_TOLERANCE = 0.2;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const rounds = Number(arg('rounds', '3'));
const warmup = arg('warmup', '2');
const measure = arg('measure', '3');
const gemmOnly = process.argv.includes('--gemm-only');
const scenarioIds = (gemmOnly ? [] : arg('scenario', Object.keys(SCENARIOS).join(',')).split(',')) as ScenarioId[];
const implFilter = arg('impl', IMPL_NAMES.join(',')).split(',');
const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
const standalonePath = fileURLToPath(new URL('./standalone-tfjs-wasm.ts', import.meta.url));

interface Sanity { stepMs: number; referenceMs: number; reference: string; ratio: number; judged: boolean; suspect: boolean }
interface Result { impl: string; throughput: number; unit: string; extra?: Record<string, number>; config?: PeerConfig; sanity?: Sanity }

function runOne(impl: string, scenario: ScenarioId): Result | { error: string } {
  const args = impl === STANDALONE ? [standalonePath, scenario, warmup, measure] : [workerPath, impl, scenario, warmup, measure];
  const child = spawnSync(process.execPath, ['--import', 'tsx', ...args], {
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

const ratioText = (rs: number[]): string => `${median(rs).toFixed(2)}× (min ${Math.min(...rs).toFixed(2)}, max ${Math.max(...rs).toFixed(2)})`;
const summary: string[] = [];
const configsShown = new Set<string>();

console.log(`Netwright benchmark · node ${process.version} · ${rounds} rounds · warm-up ${warmup}s, measure ${measure}s per run`);
for (const id of scenarioIds) {
  const scenario = SCENARIOS[id];
  if (!scenario) { console.error(`unknown scenario ${id}`); process.exit(2); }
  const impls = PEERS_PER_SCENARIO[id].filter((n) => implFilter.includes(n));
  console.log(`\n## ${scenario.title} (${scenario.unit})`);
  const byImpl = new Map<string, number[]>(impls.map((n) => [n, []]));
  const sanityByImpl = new Map<string, Sanity[]>(impls.map((n) => [n, []]));
  const configs = new Map<string, PeerConfig>();
  const extras: Record<string, number>[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = impls.map((_, k) => impls[(k + r) % impls.length]);
    const cells: string[] = [];
    for (const impl of order) {
      const res = runOne(impl, id);
      if ('error' in res) { cells.push(`${impl}: failed (${res.error})`); continue; }
      byImpl.get(impl)!.push(res.throughput);
      if (res.sanity) sanityByImpl.get(impl)!.push(res.sanity);
      if (res.config) configs.set(impl, res.config);
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
      console.log(`${line} · netwright/${impl} ratio median ${ratioText(ratios)}`);
      if (impl !== STANDALONE) summary.push(`${id.padEnd(17)} netwright/${impl.padEnd(10)} ${ratioText(ratios)}${median(ratios) < 1 ? '  ← Netwright behind' : ''}`);
    } else console.log(line);
  }
  for (const [impl, config] of configs) {
    if (configsShown.has(impl)) continue;
    configsShown.add(impl);
    const { mode, ...flags } = config;
    const rest = Object.entries(flags).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    console.log(`  how ${impl} runs: ${mode ?? ''}${rest ? ` [${rest}]` : ''}`);
  }
  for (const [impl, checks] of sanityByImpl) {
    if (checks.length === 0) continue;
    const ratios = checks.map((c) => c.ratio);
    // Judged on the median over the rounds, like every other figure: one round on a busy machine is not a verdict.
    const suspect = checks[0].judged && median(ratios) > SUSPECT_LIMIT[scenario.mode];
    const over = checks.filter((c) => c.suspect).length;
    const verdict = !checks[0].judged ? 'not judged (layers too small: overhead, not arithmetic, sets the pace)'
      : suspect ? `SUSPECT: far slower than its own arithmetic (limit ${SUSPECT_LIMIT[scenario.mode]}×)`
      : `ok (limit ${SUSPECT_LIMIT[scenario.mode]}×${over > 0 ? `; above it in ${over} of ${checks.length} rounds` : ''})`;
    console.log(`  sanity ${impl.padEnd(10)} step ${median(checks.map((c) => c.stepMs)).toPrecision(3)} ms = ${median(ratios).toFixed(1)}× (min ${Math.min(...ratios).toFixed(1)}, max ${Math.max(...ratios).toFixed(1)}) its ${checks[0].reference} · ${verdict}`);
    if (suspect) summary.push(`${id.padEnd(17)} ${impl} SUSPECT (step ${median(ratios).toFixed(1)}× its own matrix products)`);
  }
  const bench = byImpl.get('tfjs-wasm') ?? [];
  const alone = byImpl.get(STANDALONE) ?? [];
  if (bench.length > 0 && bench.length === alone.length) {
    const fractions = bench.map((b, k) => b / alone[k]);
    const within = Math.abs(median(fractions) - 1) <= STANDALONE_TOLERANCE;
    const line = `tfjs-wasm (bench) / standalone ${ratioText(fractions)} · ${within ? `within ${STANDALONE_TOLERANCE * 100} %` : `NOT within ${STANDALONE_TOLERANCE * 100} %`}`;
    console.log(`  ${line}`);
    summary.push(`${id.padEnd(17)} ${line}`);
  }
  if (extras.length > 0) {
    for (const key of Object.keys(extras[0])) {
      const xs = extras.map((e) => e[key]);
      console.log(`  netwright ${key}: median ${median(xs).toPrecision(3)} (min ${Math.min(...xs).toPrecision(3)}, max ${Math.max(...xs).toPrecision(3)})`);
    }
  }
}
if (!process.argv.includes('--no-gemm')) summary.push(...runGemmBench(rounds, 1));
console.log(`\n## Summary (median, min–max over ${rounds} interleaved rounds; > 1× means Netwright is faster)`);
for (const line of summary) console.log(`  ${line}`);
