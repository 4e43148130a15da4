/**
 * The matrix-product part of `npm run bench`: GFLOP/s of Netwright's gemmNN/TN/NT next to tfjs-wasm's tf.matMul at the
 * same shapes, each measurement in a fresh process (bench/gemm-worker.ts), rounds interleaved, ratios per round
 * (median, min–max). Netwright runs twice: under plain Node 20 (WebAssembly SIMD, no relaxed SIMD) and with
 * --experimental-wasm-relaxed-simd (the fused multiply-add kernel, as in Electron 45 and current browsers).
 * Also prints the single-core peak of 128-bit WebAssembly SIMD on this machine: 4 float32 lanes × 2 flops per
 * fused multiply-add × 2 FMA pipes × the clock (from /proc/cpuinfo's "cpu MHz", the nominal clock a virtual machine
 * reports; boost may be higher).
 *
 * By itself: `npx tsx bench/gemm.ts [--rounds 3] [--measure 1] [--before /path/to/other/checkout] [--only TEXT]`
 * (--only: the shapes whose label contains TEXT, e.g. 'MLP' or '1024').
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface GemmShape { title: string; kind: 'NN' | 'TN' | 'NT'; M: number; N: number; K: number }

export const GEMM_SHAPES: GemmShape[] = [
  { title: '1024³', kind: 'NN', M: 1024, N: 1024, K: 1024 },
  { title: '1024³', kind: 'TN', M: 1024, N: 1024, K: 1024 },
  { title: '1024³', kind: 'NT', M: 1024, N: 1024, K: 1024 },
  { title: 'MLP 784-128, batch 64: forward', kind: 'NN', M: 64, N: 128, K: 784 },
  { title: 'MLP 784-128, batch 64: weight gradient', kind: 'TN', M: 784, N: 128, K: 64 },
  { title: 'MLP 128-64, batch 64: input gradient', kind: 'NT', M: 64, N: 128, K: 64 },
  { title: 'MLP 784-128, batch 256: forward', kind: 'NN', M: 256, N: 128, K: 784 },
  { title: 'LeNet conv1 im2col (batch 16, 28×28, 5×5×1 → 6)', kind: 'NN', M: 16 * 24 * 24, N: 6, K: 25 },
  { title: 'LeNet conv2 im2col (batch 16, 12×12, 5×5×6 → 16)', kind: 'NN', M: 16 * 8 * 8, N: 16, K: 150 },
  { title: 'tall-skinny 3×3 conv, 8 filters', kind: 'NN', M: 4096, N: 8, K: 9 },
];

const worker = fileURLToPath(new URL('./gemm-worker.ts', import.meta.url));

interface Run { name: string; flags: string[]; args: string[] }
/** Threads for the threaded runs: 2, this machine's cores (set NETWRIGHT_BENCH_THREADS for another count). */
export const BENCH_THREADS = Number(process.env.NETWRIGHT_BENCH_THREADS) || 2;
const RUNS: Run[] = [
  { name: 'netwright', flags: [], args: ['netwright'] },
  { name: 'netwright+relaxed', flags: ['--experimental-wasm-relaxed-simd'], args: ['netwright'] },
  { name: `netwright ${BENCH_THREADS}t`, flags: [], args: ['netwright', `threads=${BENCH_THREADS}`] },
  { name: `netwright+relaxed ${BENCH_THREADS}t`, flags: ['--experimental-wasm-relaxed-simd'], args: ['netwright', `threads=${BENCH_THREADS}`] },
  { name: 'tfjs-wasm', flags: [], args: ['tfjs-wasm'] },
];

/** The clock in GHz and where it came from. */
export function clock(): { ghz: number; source: string } {
  try {
    const mhz = readFileSync('/proc/cpuinfo', 'utf8').match(/^cpu MHz\s*:\s*([\d.]+)/m);
    if (mhz) return { ghz: Number(mhz[1]) / 1000, source: '/proc/cpuinfo "cpu MHz"' };
  } catch {
    // not Linux
  }
  const speed = cpus()[0]?.speed ?? 0;
  return { ghz: speed / 1000, source: 'os.cpus()[0].speed' };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const range = (xs: number[], digits = 2) => `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

/**
 * Runs the section; returns the summary lines. With `before` (another checkout, e.g. /work/main), its kernels run in
 * the same rounds too, and the ratio after/before is printed.
 */
export function runGemmBench(rounds: number, seconds: number, before?: string, only?: string): string[] {
  const runs = before ? [...RUNS, { name: 'before', flags: [], args: [`netwright@${before}`] }] : RUNS;
  const { ghz, source } = clock();
  const peak = 4 * 2 * 2 * ghz;
  console.log(`\n## Matrix products (GFLOP/s; Netwright on 1 thread and on ${BENCH_THREADS} (\`Nt\`: split above THREAD_MIN_WORK multiply-adds), tfjs-wasm on the 1 thread tfjs allows under Node; ${rounds} interleaved rounds of ${seconds}s per run)`);
  console.log(`single-core peak of 128-bit WebAssembly SIMD: 4 lanes × 2 (FMA) × 2 FMA pipes × ${ghz.toFixed(3)} GHz (${source}) = ${peak.toFixed(1)} GFLOP/s`);
  const summary: string[] = [];
  const configs = new Map<string, string>();
  for (const shape of GEMM_SHAPES.filter((s) => !only || `${s.kind} ${s.M}×${s.N}×${s.K} ${s.title}`.includes(only))) {
    const label = `gemm${shape.kind} ${shape.M}×${shape.N}×${shape.K} (${shape.title})`;
    const got = new Map<string, number[]>(runs.map((r) => [r.name, []]));
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < runs.length; k++) {
        const run = runs[(k + round) % runs.length]!;
        const [impl, ...extra] = run.args;
        const child = spawnSync(process.execPath, [...run.flags, '--import', 'tsx', worker, impl!, shape.kind, String(shape.M), String(shape.N), String(shape.K), String(seconds), 'relaxed', ...extra], { encoding: 'utf8' });
        const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
        if (child.status !== 0 || !line) {
          console.log(`  ${run.name} failed: ${(child.stderr || 'no output').trim().split('\n').slice(-1)[0]}`);
          continue;
        }
        const res = JSON.parse(line) as { gflops: number; config: string };
        got.get(run.name)!.push(res.gflops);
        configs.set(run.name, res.config);
      }
    }
    const tf = got.get('tfjs-wasm')!;
    const cells = runs.map((r) => `${r.name} ${range(got.get(r.name)!, 1)}`);
    console.log(`${label}\n  ${cells.join(' · ')} · peak ${((median(got.get('netwright+relaxed')!) / peak) * 100).toFixed(0)} % (relaxed)`);
    for (const ours of runs.map((r) => r.name).filter((n) => n.startsWith('netwright'))) {
      const xs = got.get(ours)!;
      if (xs.length !== tf.length || xs.length === 0) continue;
      const ratios = xs.map((x, i) => x / tf[i]!);
      const line = `${label.padEnd(60)} ${ours}/tfjs-wasm ${range(ratios)}×`;
      console.log(`  ${ours}/tfjs-wasm ${range(ratios)}×`);
      summary.push(line);
    }
    if (before && got.get('before')!.length === got.get('netwright')!.length) {
      const ratios = got.get('netwright')!.map((x, i) => x / got.get('before')![i]!);
      console.log(`  netwright/before ${range(ratios)}×`);
      summary.push(`${label.padEnd(60)} netwright/before ${range(ratios)}×`);
    }
  }
  for (const [name, config] of configs) console.log(`  how ${name} runs: ${config}`);
  return summary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--rounds');
  const rounds = i >= 0 ? Number(process.argv[i + 1]) : 3;
  const j = process.argv.indexOf('--measure');
  const seconds = j >= 0 ? Number(process.argv[j + 1]) : 1;
  const b = process.argv.indexOf('--before');
  const o = process.argv.indexOf('--only');
  const summary = runGemmBench(rounds, seconds, b >= 0 ? process.argv[b + 1] : undefined, o >= 0 ? process.argv[o + 1] : undefined);
  console.log('\n## Summary');
  for (const line of summary) console.log(`  ${line}`);
}
