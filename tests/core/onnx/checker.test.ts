/**
 * Every ONNX export at opset 17 passes the official checker, `onnx.checker.check_model(model, full_check=True)`
 * (python3-onnx 1.12 in /usr/bin/python3; full_check runs its shape inference too): the example networks of every kind
 * in the table and random networks built from the table. Opset 20 exports (gelu) are newer than that checker knows
 * (onnx 1.12 stops at opset 17), as docs/exchange.md says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkDocument } from '../../../src/core/document';
import { KIND_LIST } from '../../../src/core/kinds';
import { exportOnnx } from '../../../src/core/onnx/export';
import { decodeModel } from '../../../src/core/onnx/onnx';
import { runPython } from './python';
import { kindsIn, randomNetworks } from './random-networks';

const CHECK = `
import json, sys, onnx
results = {}
for path in sys.argv[1:]:
    try:
        onnx.checker.check_model(onnx.load(path), full_check=True)
        results[path] = 'ok'
    except Exception as e:
        results[path] = type(e).__name__ + ': ' + str(e).strip().splitlines()[0]
print(json.dumps(results))
`;

describe('ONNX export at opset 17 and the official checker (onnx 1.12, full_check)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netwright-onnx-checker-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const examples: { title: string; doc: NetworkDocument }[] = [
    ...KIND_LIST.flatMap((kind) => kind.examples.networks().map((doc, k) => ({ title: `${kind.type} example ${k + 1}`, doc }))),
    ...randomNetworks(40, 500).map((doc) => ({ title: doc.name, doc })),
  ];

  it('covers every kind in the table', () => {
    expect([...kindsIn(examples.map((e) => e.doc))].sort()).toEqual(KIND_LIST.map((k) => k.type).sort());
  });

  it('passes check_model(full_check=True) for every export', () => {
    const files = examples.map(({ title, doc }, k) => {
      const exported = exportOnnx(doc, { opset: 17 });
      if (!exported.ok) throw new Error(`${title}: ${exported.message}`);
      const model = decodeModel(exported.bytes);
      expect([model.irVersion, model.opsets]).toEqual([8, [{ domain: '', version: 17 }]]);
      const path = join(dir, `${k}.onnx`);
      writeFileSync(path, exported.bytes);
      return { title, path };
    });
    const results = JSON.parse(runPython(CHECK, files.map((f) => f.path))) as Record<string, string>;
    const failures = files.filter((f) => results[f.path] !== 'ok').map((f) => `${f.title}: ${results[f.path]}`);
    expect(failures).toEqual([]);
    expect(Object.keys(results)).toHaveLength(files.length);
  });

  it('has teeth: a model the checker must refuse (an unknown attribute) is refused', () => {
    const exported = exportOnnx(examples[0]!.doc, { opset: 17 });
    if (!exported.ok) throw new Error(exported.message);
    const path = join(dir, 'bad.onnx');
    writeFileSync(path, exported.bytes);
    const mutate = `
import onnx, sys
m = onnx.load(sys.argv[1])
m.graph.node[0].attribute.append(onnx.helper.make_attribute('bogus', 1))
onnx.save(m, sys.argv[1])
`;
    runPython(mutate, [path]);
    const results = JSON.parse(runPython(CHECK, [path])) as Record<string, string>;
    expect(results[path]).toMatch(/bogus/);
  });
});
