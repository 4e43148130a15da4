/**
 * Hostile files in the browser build: invalid UTF-8, a JSON syntax error, a duplicate key, an unknown key, a weight
 * beyond float32 and a network past the size limit are each refused with one line that says where, and the open
 * network stays as it was.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { MAX_NODES } from '../../src/core/limits';
import { serializeDocument } from '../../src/core/serialize';
import { TEMPLATES } from '../../src/core/templates';
import { expect, openApp, test } from './fixtures';
import { nodeIds, openTemplate } from './editor';

const SCREENS = process.env.NETWRIGHT_SCREENS_DIR ?? process.env.NETWRIGHT_SCREENS ?? '/work/notes/screens';

async function openFile(page: Page, path: string): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('toolbar', { name: 'Main toolbar' }).getByRole('button', { name: 'Open', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Unsaved changes' });
  if (await dialog.isVisible().catch(() => false)) await dialog.getByRole('button', { name: 'Don’t save' }).click();
  await (await chooser).setFiles(path);
}

test('hostile files are refused with one line saying where, and the open network stays', async ({ page, problems }) => {
  await openApp(page);
  await openTemplate(page, /^XOR/);
  const ids = await nodeIds(page);
  const dir = await mkdtemp(join(tmpdir(), 'nw-hostile-'));
  const worked = serializeDocument(TEMPLATES.find((t) => t.id === 'worked-example')!.build());
  const bytes = Buffer.from(worked, 'utf8');
  const at = worked.indexOf('"name"');
  const padded = JSON.parse(worked) as { nodes: Record<string, unknown>[] };
  const cases: [string, string | Buffer, string][] = [
    ['bad-utf8', Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]), `the byte at offset ${at} (0xff) does not belong to a UTF-8 character`],
    ['syntax', worked.replace('"nodes": [', '"nodes": [,'), 'This file is not valid JSON: line '],
    ['duplicate', worked.replace('"bias": 0.3', '"bias": 0.3, "bias": 1e30'), 'the key "bias" appears twice in the same object'],
    ['unknown', worked.replace('"weights": [-0.3]', '"0eights": [-0.3]'), 'edges[1].0eights: "0eights" is not a field Netwright knows here'],
    ['float32', worked.replace('"weights": [-0.3]', '"weights": [1e39]'), 'edges[1].weights[0]: 1e+39 is beyond the range of 32-bit floats'],
    ['too-big', JSON.stringify({ ...padded, nodes: Array.from({ length: MAX_NODES + 1 }, (_, i) => ({ ...padded.nodes[1], id: `n${i}` })) }), `more than ${MAX_NODES.toLocaleString('en-US')} nodes`],
  ];
  const notice = page.getByTestId('notice');
  for (const [name, content, expected] of cases) {
    const path = join(dir, `${name}.netwright`);
    await writeFile(path, content);
    await openFile(page, path);
    await expect(notice).toContainText(expected);
    expect((await notice.textContent())?.includes('\n')).toBe(false);
    expect(await nodeIds(page)).toEqual(ids);
    if (name === 'duplicate') await page.screenshot({ path: join(SCREENS, 'hostile-duplicate-key.png') });
  }
  expect(problems.pageErrors).toEqual([]);
});
