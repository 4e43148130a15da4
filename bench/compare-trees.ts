/**
 * Netwright's own core in two checkouts, interleaved in one run: is a change (a refactor, a kernel) faster or slower
 * than the tree before it? Each measurement is a fresh process of that tree's bench/worker.ts; rounds alternate which
 * tree goes first, so drift hits both alike. Prints every run, then per scenario the median (min–max) and after/before.
 *
 *   npx tsx bench/compare-trees.ts BEFORE_TREE AFTER_TREE [rounds=3] [warmup=1] [measure=3] [scenario,scenario…]
 *
 * Both trees need their node_modules (e.g. `git worktree add ../before <commit>` then `cp -al node_modules ../before/`).
 */
import { spawnSync } from 'node:child_process';
import { SCENARIOS, type ScenarioId } from './common';

const [beforeTree, afterTree, rounds = '3', warmup = '1', measure = '3', only] = process.argv.slice(2);
if (!beforeTree || !afterTree) {
  console.error('usage: npx tsx bench/compare-trees.ts BEFORE_TREE AFTER_TREE [rounds] [warmup] [measure]');
  process.exit(2);
}
const trees = { before: beforeTree, after: afterTree } as const;
type Side = keyof typeof trees;
const scenarios = (only ? only.split(',') : Object.keys(SCENARIOS)) as ScenarioId[];
const results = new Map<ScenarioId, Record<Side, number[]>>(scenarios.map((s) => [s, { before: [], after: [] }]));

for (let round = 0; round < Number(rounds); round++) {
  for (const scenario of scenarios) {
    const order: Side[] = round % 2 ? ['after', 'before'] : ['before', 'after'];
    for (const side of order) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', 'bench/worker.ts', 'netwright', scenario, warmup, measure], {
        cwd: trees[side], encoding: 'utf8',
      });
      const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
      if (!line) {
        console.error(`${side} ${scenario}: ${(child.stderr || 'no output').trim().split('\n').slice(-1)[0]}`);
        continue;
      }
      const throughput = (JSON.parse(line) as { throughput: number }).throughput;
      results.get(scenario)![side].push(throughput);
      console.log(`round ${round + 1} ${scenario} ${side} ${throughput.toFixed(1)}`);
    }
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const span = (xs: number[]) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
console.log('\nscenario | before median (min–max) | after median (min–max) | after/before');
for (const [scenario, { before, after }] of results) {
  if (before.length === 0 || after.length === 0) continue;
  console.log(`${scenario} | ${span(before)} | ${span(after)} | ${(median(after) / median(before)).toFixed(3)}`);
}
