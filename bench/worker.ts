/**
 * Runs one implementation on one scenario in this (fresh) process and prints one JSON line:
 * { impl, scenario, throughput, unit, last, extra, config, sanity }. Started by bench/run.ts.
 *
 * sanity: after the timed run, the peer's own largest matrix product at the batch's shape is timed in this same
 * process; a step costing more than SUSPECT_RATIO times its matrix products (the largest one scaled by multiply-adds)
 * is suspect, where layers are large enough (JUDGED_FROM_WEIGHTS) for arithmetic to set the pace.
 */
import { SCENARIOS, SUSPECT_RATIO, judgedByArithmetic, largestProduct, makeData, productsPerStep, type BenchImpl, type ScenarioId } from './common';
import { tfjsImpl } from './impl/tfjs';
import { brainImpl } from './impl/brain';
import { netwrightImpl } from './impl/netwright';

const IMPLS: Record<string, () => BenchImpl> = {
  netwright: netwrightImpl,
  'tfjs-cpu': () => tfjsImpl('cpu'),
  'tfjs-wasm': () => tfjsImpl('wasm'),
  'brain.js': brainImpl,
};

async function main(): Promise<void> {
  const [implName, scenarioId, warmupArg, measureArg] = process.argv.slice(2);
  const make = IMPLS[implName];
  const scenario = SCENARIOS[scenarioId as ScenarioId];
  if (!make || !scenario) throw new Error(`usage: worker.ts <${Object.keys(IMPLS).join('|')}> <${Object.keys(SCENARIOS).join('|')}> [warmup s] [measure s]`);
  const warmupMs = Number(warmupArg ?? 2) * 1000;
  const measureMs = Number(measureArg ?? 3) * 1000;
  const impl = make();
  await impl.setup(scenario, makeData(scenario));

  // Warm up (JIT, caches), growing the chunk until one takes ~50 ms.
  let chunk = 1;
  const warmEnd = performance.now() + warmupMs;
  while (performance.now() < warmEnd) {
    const t0 = performance.now();
    await impl.run(chunk);
    if (performance.now() - t0 < 50) chunk *= 2;
  }
  let units = 0;
  let last = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < measureMs) {
    last = await impl.run(chunk);
    units += chunk;
    elapsed = performance.now() - t0;
  }
  const perSecond = (units / elapsed) * 1000;
  const throughput = scenario.unit === 'samples/s' ? perSecond * scenario.batch : perSecond;
  const stepMs = elapsed / units;
  const extra = 'extra' in impl && typeof impl.extra === 'function' ? await (impl.extra as () => Record<string, number> | Promise<Record<string, number>>)() : undefined;
  let sanity: { stepMs: number; referenceMs: number; reference: string; ratio: number; judged: boolean; suspect: boolean } | undefined;
  const { M, K, N } = largestProduct(scenario);
  const judged = judgedByArithmetic(scenario);
  if (impl.largestMatmulMs) {
    const share = productsPerStep(scenario);
    const referenceMs = (await impl.largestMatmulMs()) * share;
    sanity = { stepMs, referenceMs, reference: `${share.toFixed(2)} × matmul ${M}×${K}·${K}×${N}`, ratio: stepMs / referenceMs, judged, suspect: false };
  } else if (impl.reference) {
    const r = await impl.reference();
    sanity = { stepMs, referenceMs: r.ms, reference: r.what, ratio: stepMs / r.ms, judged, suspect: false };
  }
  if (sanity) sanity.suspect = judged && sanity.ratio > SUSPECT_RATIO[scenario.mode];
  const config = impl.config?.();
  process.stdout.write(JSON.stringify({ impl: impl.name, scenario: scenario.id, throughput, unit: scenario.unit, last, extra, config, sanity }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
