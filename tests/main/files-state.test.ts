/** Recent files, crash recovery, command-line paths, the per-window allow list and the title, in a real temporary folder. */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_RECENT, PathAllowList, RECOVERY_RING, listRecoveries, addRecent, autosave, clearAutosave, clearRecent, clearRecovery, findRecovery, pathKey,
  pathsFromArgv, readRecent, removeRecent, startRecovery, windowTitle,
} from '../../src/main/files';

let userData: string;

beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'netwright-user-'));
});

afterEach(async () => {
  await rm(userData, { recursive: true, force: true });
});

describe('recent files', () => {
  it('keeps the newest first, once each, at most ten', async () => {
    for (let i = 0; i < 12; i++) await addRecent(userData, `/models/m${i}.netwright`);
    await addRecent(userData, '/models/m5.netwright');
    const list = await readRecent(userData);
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toBe(resolve('/models/m5.netwright'));
    expect(list.filter((p) => p.endsWith('m5.netwright'))).toHaveLength(1);
    expect(list).not.toContain(resolve('/models/m0.netwright'));
    expect(list).not.toContain(resolve('/models/m1.netwright'));
  });

  it('survives in the data folder, and can drop one entry or all', async () => {
    await addRecent(userData, '/a.netwright');
    await addRecent(userData, '/b.netwright');
    expect(JSON.parse(await readFile(join(userData, 'recent-files.json'), 'utf8'))).toEqual([resolve('/b.netwright'), resolve('/a.netwright')]);
    expect(await removeRecent(userData, '/b.netwright')).toEqual([resolve('/a.netwright')]);
    await clearRecent(userData);
    expect(await readRecent(userData)).toEqual([]);
  });

  it('reads a damaged list as empty and ignores entries that are not paths', async () => {
    await writeFile(join(userData, 'recent-files.json'), '{not json');
    expect(await readRecent(userData)).toEqual([]);
    await writeFile(join(userData, 'recent-files.json'), JSON.stringify(['/ok.netwright', 42, null, '', { p: 1 }]));
    expect(await readRecent(userData)).toEqual([resolve('/ok.netwright')]);
  });

  it('compares paths without case on Windows and macOS only', () => {
    expect(pathKey('/A/B.netwright', 'darwin')).toBe(pathKey('/a/b.netwright', 'darwin'));
    expect(pathKey('/A/B.netwright', 'linux')).not.toBe(pathKey('/a/b.netwright', 'linux'));
  });
});

describe('crash recovery', () => {
  it('sets aside what a run left at start, so the next run finds it even after autosaving itself', async () => {
    await autosave(userData, '{"first": true}', undefined, 1000);
    await autosave(userData, '{"second": true}', '/models/m.netwright', 2000);
    // the app crashed; next start:
    await startRecovery(userData);
    await autosave(userData, '{"new session": true}', undefined, 3000);
    expect(await findRecovery(userData)).toEqual({ text: '{"second": true}', savedAt: 2000, path: '/models/m.netwright' });
    await clearRecovery(userData);
    expect(await findRecovery(userData)).toBeUndefined();
    await clearRecovery(userData); // clearing twice is fine
    // the new session's own autosave is what a crash now would leave
    await startRecovery(userData);
    expect(await findRecovery(userData)).toMatchObject({ text: '{"new session": true}' });
  });

  it('a second crash keeps the copy nobody decided on: a ring of copies, offered newest first', async () => {
    await autosave(userData, '{"run": 1}', undefined, 1000);
    await startRecovery(userData); // run 2 starts (run 1 crashed); the user does not answer the offer
    await autosave(userData, '{"run": 2}', undefined, 2000);
    await startRecovery(userData); // run 3 starts (run 2 crashed too)
    expect((await listRecoveries(userData)).map((r) => r.text)).toEqual(['{"run": 2}', '{"run": 1}']);
    expect(await findRecovery(userData)).toMatchObject({ text: '{"run": 2}', savedAt: 2000 });
    await clearRecovery(userData); // declined: the older one is offered next
    expect(await findRecovery(userData)).toMatchObject({ text: '{"run": 1}', savedAt: 1000 });
  });

  it('the ring holds at most RECOVERY_RING copies, dropping the oldest', async () => {
    for (let run = 1; run <= RECOVERY_RING + 3; run++) {
      await autosave(userData, `{"run": ${run}}`, undefined, run * 1000);
      await startRecovery(userData);
    }
    const texts = (await listRecoveries(userData)).map((r) => r.text);
    expect(texts).toHaveLength(RECOVERY_RING);
    expect(texts[0]).toBe(`{"run": ${RECOVERY_RING + 3}}`);
    expect(texts[RECOVERY_RING - 1]).toBe('{"run": 4}');
  });

  it('leaves nothing to recover after a clean close', async () => {
    await autosave(userData, 'unsaved');
    await clearAutosave(userData);
    await startRecovery(userData);
    expect(await findRecovery(userData)).toBeUndefined();
  });

  it('ignores a damaged recovery file', async () => {
    await mkdir(join(userData, 'recovery'), { recursive: true });
    await writeFile(join(userData, 'recovery', 'previous.json'), '{"text": 5}');
    expect(await findRecovery(userData)).toBeUndefined();
    await writeFile(join(userData, 'recovery', 'previous.json'), 'garbage');
    expect(await findRecovery(userData)).toBeUndefined();
  });
});

describe('paths from the command line', () => {
  it('takes the .netwright files, resolved against the working directory, skipping the executable and switches', () => {
    expect(pathsFromArgv(['/usr/bin/netwright', '--enable-logging', 'models/a.netwright', '/abs/B.NETWRIGHT', 'notes.txt', 'models/a.netwright'], '/home/u'))
      .toEqual([resolve('/home/u/models/a.netwright'), resolve('/abs/B.NETWRIGHT')]);
  });

  it('skips the app script in development (electron . file)', () => {
    expect(pathsFromArgv(['/path/electron', '.', 'x.netwright'], '/w')).toEqual([resolve('/w/x.netwright')]);
    expect(pathsFromArgv(['/path/electron'], '/w')).toEqual([]);
  });
});

describe('paths a window may write to', () => {
  it('allows only what was allowed for that window', () => {
    const allow = new PathAllowList();
    allow.allow(1, '/m/a.netwright');
    expect(allow.isAllowed(1, '/m/a.netwright')).toBe(true);
    expect(allow.isAllowed(1, '/m/../m/a.netwright')).toBe(true);
    expect(allow.isAllowed(2, '/m/a.netwright')).toBe(false);
    expect(allow.isAllowed(1, '/m/b.netwright')).toBe(false);
    allow.forget(1);
    expect(allow.isAllowed(1, '/m/a.netwright')).toBe(false);
  });
});

describe('window title', () => {
  it('shows the file name and a dirty marker', () => {
    expect(windowTitle('/m/model.netwright', false)).toBe('model.netwright — Netwright');
    expect(windowTitle('/m/model.netwright', true)).toBe('model.netwright • — Netwright');
    expect(windowTitle(undefined, true)).toBe('Untitled • — Netwright');
  });
});
