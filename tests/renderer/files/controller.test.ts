import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createStore } from 'zustand/vanilla';
import { emptyDocument, type NetworkDocument } from '../../../src/core/document';
import { parseDocument, serializeDocument } from '../../../src/core/serialize';
import { TEMPLATES } from '../../../src/core/templates';
import type { DiscardChoice } from '../../../src/shared/ipc';
import { createEditorStores, edit, load, type EditorStores } from '../../../src/renderer/editor/store';
import { createFileController, historyFromChart, windowTitle, type FileController } from '../../../src/renderer/files/controller';
import { createBrowserFileService, type FileService } from '../../../src/renderer/files/service';
import { createMemoryStorage, type KeyValueStorage } from '../../../src/renderer/files/storage';
import type { ChartHistory, TrainingStore } from '../../../src/renderer/training/store';

const template = (id: string): NetworkDocument => TEMPLATES.find((t) => t.id === id)!.build();

interface Harness {
  editor: EditorStores;
  controller: FileController;
  service: FileService;
  storage: KeyValueStorage;
  downloads: { name: string; text: string; type: string }[];
  /** The next file the picker returns (null: canceled). */
  pick: { next: File | null };
  answers: { discard: DiscardChoice[]; names: (string | null)[] };
  title: { value: string };
  failDownload: { message: string | null };
}

async function blobText(blob: Blob): Promise<string> {
  return blob.text();
}

function harness(options: { initial?: NetworkDocument; training?: TrainingStore; storage?: KeyValueStorage } = {}): Harness {
  const editor = createEditorStores(options.initial);
  const storage = options.storage ?? createMemoryStorage();
  const downloads: Harness['downloads'] = [];
  const pending: Promise<void>[] = [];
  const pick = { next: null as File | null };
  const answers = { discard: [] as DiscardChoice[], names: [] as (string | null)[] };
  const failDownload = { message: null as string | null };
  const service = createBrowserFileService({
    storage,
    ask: {
      discard: () => Promise.resolve(answers.discard.shift() ?? 'cancel'),
      fileName: () => Promise.resolve(answers.names.length > 0 ? answers.names.shift()! : null),
    },
    pickFile: () => Promise.resolve(pick.next),
    download: (blob, name) => {
      if (failDownload.message) throw new Error(failDownload.message);
      pending.push(blobText(blob).then((text) => void downloads.push({ name, text, type: blob.type })));
    },
  });
  const title = { value: '' };
  const controller = createFileController({
    editor,
    service,
    training: options.training,
    autosaveDelayMs: 1000,
    setTitle: (t) => { title.value = t; },
  });
  controller.attach();
  const h: Harness = { editor, controller, service, storage, downloads, pick, answers, title, failDownload };
  // Downloads are read asynchronously; let tests wait for them.
  (h as Harness & { settle(): Promise<void> }).settle = async () => { await Promise.all(pending); };
  return h;
}

const settled = (h: Harness) => (h as Harness & { settle(): Promise<void> }).settle();

const fileOf = (text: string, name = 'model.netwright') => new File([text], name, { type: 'application/json' });

const doc = (h: Harness) => h.editor.document.getState().doc;

function rename(h: Harness, name: string): void {
  edit(h.editor, (d) => ({ ...d, name }));
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('opening a file', () => {
  it('loads a valid file without an undo step, clean, titled by the file name', async () => {
    const h = harness();
    rename(h, 'scratch');
    h.answers.discard.push('discard');
    h.pick.next = fileOf(serializeDocument(template('xor')), 'xor-run.netwright');
    await h.controller.open();
    expect(doc(h).name).toBe('XOR');
    expect(doc(h).nodes).toHaveLength(8);
    expect(h.editor.document.temporal.getState().pastStates).toHaveLength(0);
    expect(h.controller.state.getState()).toMatchObject({ fileName: 'xor-run', dirty: false });
    expect(h.title.value).toBe('xor-run — Netwright');
  });

  it('refuses a bad file with the parser message and its path, leaving the document and its history', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'edited');
    const before = doc(h);
    const spiral = JSON.parse(serializeDocument(template('spiral'))) as { nodes: Record<string, unknown>[] };
    const dense = spiral.nodes.findIndex((n) => n.type === 'dense');
    spiral.nodes[dense]!.units = 0;
    h.answers.discard.push('discard');
    h.pick.next = fileOf(JSON.stringify(spiral), 'bad.netwright');
    await h.controller.open();
    expect(doc(h)).toBe(before);
    expect(h.editor.document.temporal.getState().pastStates).toHaveLength(1);
    const notice = h.editor.view.getState().notice;
    expect(notice?.kind).toBe('refused');
    expect(notice?.text).toMatch(new RegExp(`^Could not open "bad\\.netwright": nodes\\[${dense}\\]\\.units: `));
    expect(h.controller.state.getState().dirty).toBe(true);
  });

  it('refuses a file that is not a network file by its name, before reading it', async () => {
    const h = harness();
    h.pick.next = fileOf('hello', 'notes.txt');
    await h.controller.open();
    expect(h.editor.view.getState().notice?.text).toBe('"notes.txt" is not a network file: Netwright opens .netwright files.');
    expect(doc(h).nodes).toHaveLength(0);
  });

  it('does nothing when the picker is canceled', async () => {
    const h = harness({ initial: template('xor') });
    const before = doc(h);
    h.pick.next = null;
    await h.controller.open();
    expect(doc(h)).toBe(before);
    expect(h.editor.view.getState().notice).toBeNull();
  });

  it('opens a dropped file the same way', async () => {
    const h = harness();
    await h.controller.openDropped(fileOf(serializeDocument(template('worked-example')), 'lesson.netwright'));
    expect(doc(h).name).toBe('Worked example');
    expect(h.controller.state.getState().fileName).toBe('lesson');
  });
});

describe('saving', () => {
  it('downloads <name>.netwright whose text opens to the same document, and is clean after', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'my xor');
    expect(h.title.value).toBe('• my xor — Netwright');
    expect(await h.controller.save()).toBe(true);
    await settled(h);
    expect(h.downloads).toHaveLength(1);
    expect(h.downloads[0]!.name).toBe('my xor.netwright');
    const reopened = parseDocument(h.downloads[0]!.text);
    expect(reopened.ok && reopened.doc).toEqual(doc(h));
    expect(h.controller.state.getState().dirty).toBe(false);
    expect(h.title.value).toBe('my xor — Netwright');
  });

  it('a failed save keeps the dirty marker and says why', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'x2');
    h.failDownload.message = 'downloads are blocked';
    expect(await h.controller.save()).toBe(false);
    expect(h.controller.state.getState().dirty).toBe(true);
    expect(h.editor.view.getState().notice?.text).toBe('Not saved: "x2.netwright" could not be downloaded: downloads are blocked');
  });

  it('Save As asks for a name and keeps it; canceled, nothing is written', async () => {
    const h = harness({ initial: template('xor') });
    h.answers.names.push(null);
    expect(await h.controller.saveAs()).toBe(false);
    await settled(h);
    expect(h.downloads).toHaveLength(0);
    h.answers.names.push('lesson 3.netwright');
    expect(await h.controller.saveAs()).toBe(true);
    await h.controller.save();
    await settled(h);
    expect(h.downloads.map((d) => d.name)).toEqual(['lesson 3.netwright', 'lesson 3.netwright']);
    expect(h.title.value).toBe('lesson 3 — Netwright');
  });

  it('refuses to save a document the file format cannot hold, naming the field', async () => {
    const h = harness({ initial: template('worked-example') });
    edit(h.editor, (d) => ({ ...d, edges: d.edges.map((e, i) => (i === 0 ? { ...e, weights: [Number.NaN] } : e)) }));
    expect(await h.controller.save()).toBe(false);
    expect(h.editor.view.getState().notice?.text).toMatch(/^Cannot save: the connection "x1" → "h1" has a weight of NaN/);
    await settled(h);
    expect(h.downloads).toHaveLength(0);
  });

  it('writes the trained weights into the document first and keeps the loss curve as history', async () => {
    const trained = template('worked-example');
    const applied = { ...trained, edges: trained.edges.map((e) => (e.weights ? { ...e, weights: e.weights.map((w) => Math.fround(w * 2)) } : e)) };
    let h: Harness | null = null;
    const chart: ChartHistory = { step: [1, 2, 3], trainLoss: [0.5, null, 0.25], testLoss: [null, null, null], trainAccuracy: [null, null, null], testAccuracy: [null, null, null] };
    const training = createStore(() => ({
      status: { kind: 'ready' },
      snapshot: { step: 3 },
      history: chart,
      applySnapshotToDocument: () => {
        h!.editor.document.setState({ doc: applied });
        return true;
      },
    })) as unknown as TrainingStore;
    h = harness({ initial: trained, training });
    expect(h.controller.state.getState().dirty).toBe(false);
    expect(await h.controller.save()).toBe(true);
    await settled(h);
    const saved = parseDocument(h.downloads[0]!.text);
    if (!saved.ok) throw new Error(saved.message);
    expect(saved.doc.edges.map((e) => e.weights)).toEqual(applied.edges.map((e) => e.weights));
    expect(saved.doc.history).toEqual({ step: [1, 3], trainLoss: [0.5, 0.25], testLoss: [null, null], accuracy: [null, null] });
    // Saved with the trained weights: nothing unsaved.
    expect(h.controller.state.getState().dirty).toBe(false);
  });
});

describe('the dirty marker', () => {
  it('appears with an edit and goes when undo returns to the saved document', () => {
    const h = harness({ initial: template('xor') });
    expect(h.title.value).toBe('XOR — Netwright');
    rename(h, 'XOR 2');
    expect(h.controller.state.getState().dirty).toBe(true);
    expect(h.title.value).toBe('• XOR 2 — Netwright');
    h.editor.document.temporal.getState().undo();
    expect(h.controller.state.getState().dirty).toBe(false);
    expect(h.title.value).toBe('XOR — Netwright');
  });

  it('titles the window by the file name: "• name — Netwright" when dirty', () => {
    expect(windowTitle('spiral', true)).toBe('• spiral — Netwright');
    expect(windowTitle('spiral', false)).toBe('spiral — Netwright');
  });
});

describe('a template over the open document', () => {
  it('leaves a new, untitled, unsaved network, so Save does not go to the file that was open', async () => {
    const h = harness();
    await h.controller.openDropped(fileOf(serializeDocument(template('worked-example')), 'lesson.netwright'));
    expect(h.controller.state.getState().fileName).toBe('lesson');
    expect(await h.controller.replaceWith(() => load(h.editor, template('xor')))).toBe(true);
    expect(doc(h).name).toBe('XOR');
    expect(h.controller.state.getState()).toMatchObject({ fileName: null, dirty: true });
    await h.controller.save();
    await settled(h);
    expect(h.downloads.map((d) => d.name)).toEqual(['XOR.netwright']);
  });

  it('asks first when there are unsaved changes; Cancel keeps them', async () => {
    const h = harness({ initial: template('worked-example') });
    rename(h, 'my lesson');
    const before = doc(h);
    h.answers.discard.push('cancel');
    expect(await h.controller.replaceWith(() => load(h.editor, template('xor')))).toBe(false);
    expect(doc(h)).toBe(before);
  });
});

describe('New with unsaved changes', () => {
  it('Cancel keeps the document, Don\'t save replaces it', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'changed');
    const before = doc(h);
    h.answers.discard.push('cancel');
    await h.controller.newDocument();
    expect(doc(h)).toBe(before);
    h.answers.discard.push('discard');
    await h.controller.newDocument();
    expect(doc(h).nodes).toHaveLength(0);
    expect(h.controller.state.getState()).toMatchObject({ dirty: false, fileName: null });
  });

  it('Save saves first; when that save fails the document stays', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'keep me');
    const before = doc(h);
    h.failDownload.message = 'disk full';
    h.answers.discard.push('save');
    await h.controller.newDocument();
    expect(doc(h)).toBe(before);
    h.failDownload.message = null;
    h.answers.discard.push('save');
    await h.controller.newDocument();
    await settled(h);
    expect(h.downloads.map((d) => d.name)).toEqual(['keep me.netwright']);
    expect(doc(h).nodes).toHaveLength(0);
  });

  it('does not ask when nothing changed', async () => {
    const h = harness({ initial: template('xor') });
    await h.controller.newDocument();
    expect(doc(h).nodes).toHaveLength(0);
  });
});

describe('autosave and crash recovery', () => {
  it('keeps an unsaved change after the delay, and drops the copy once it is saved', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'unsaved');
    await vi.advanceTimersByTimeAsync(999);
    expect(await h.service.getRecovery()).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    const copy = await h.service.getRecovery();
    expect(copy && parseDocument(copy.text)).toMatchObject({ ok: true, doc: { name: 'unsaved' } });
    await h.controller.save();
    expect(await h.service.getRecovery()).toBeNull();
  });

  it('drops the copy when undo makes the document clean again', async () => {
    const h = harness({ initial: template('xor') });
    rename(h, 'unsaved');
    await vi.advanceTimersByTimeAsync(1000);
    expect(await h.service.getRecovery()).not.toBeNull();
    h.editor.document.temporal.getState().undo();
    await vi.advanceTimersByTimeAsync(1000);
    expect(await h.service.getRecovery()).toBeNull();
  });

  it('offers the copy at the next start; Recover loads it as unsaved work', async () => {
    const storage = createMemoryStorage();
    const first = harness({ initial: template('xor'), storage });
    rename(first, 'lost work');
    await vi.advanceTimersByTimeAsync(1000);
    first.controller.dispose();

    const next = harness({ storage });
    await next.controller.checkRecovery();
    const offer = next.controller.state.getState().recovery;
    expect(offer?.doc.name).toBe('lost work');
    // Edits while the offer is open do not overwrite the copy.
    rename(next, 'typing meanwhile');
    await vi.advanceTimersByTimeAsync(2000);
    expect((await next.service.getRecovery())?.text).toContain('"lost work"');
    next.controller.recover();
    expect(doc(next).name).toBe('lost work');
    expect(next.controller.state.getState()).toMatchObject({ recovery: null, dirty: true });
    expect(next.editor.document.temporal.getState().pastStates).toHaveLength(0);
  });

  it('declining the offer removes the copy for good', async () => {
    const storage = createMemoryStorage();
    const first = harness({ initial: template('xor'), storage });
    rename(first, 'lost work');
    await vi.advanceTimersByTimeAsync(1000);
    const next = harness({ storage });
    await next.controller.checkRecovery();
    await next.controller.declineRecovery();
    expect(next.controller.state.getState().recovery).toBeNull();
    expect(doc(next).nodes).toHaveLength(0);
    const third = harness({ storage });
    await third.controller.checkRecovery();
    expect(third.controller.state.getState().recovery).toBeNull();
  });

  it('an older file\'s unknown fields are dropped visibly: the notice names them', async () => {
    const h = harness();
    const raw = JSON.parse(serializeDocument(template('xor'))) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    raw.version = 1;
    delete raw.history;
    raw.nodes[0]!.colour = 'red';
    h.pick.next = fileOf(JSON.stringify(raw), 'old.netwright');
    await h.controller.open();
    expect(h.editor.view.getState().notice).toMatchObject({ kind: 'info', text: expect.stringContaining('Fields this version does not know were dropped: nodes[0].colour.') });
  });

  it('declining offers the next older copy (a ring left by two crashes), newest first', async () => {
    const ring = [
      { text: serializeDocument({ ...template('xor'), name: 'second crash' }), savedAt: 2000 },
      { text: serializeDocument({ ...template('xor'), name: 'first crash' }), savedAt: 1000 },
    ];
    const base = createBrowserFileService({ storage: createMemoryStorage(), ask: { discard: () => Promise.resolve('cancel'), fileName: () => Promise.resolve(null) }, pickFile: () => Promise.resolve(null), download: () => undefined });
    const service: FileService = { ...base, getRecovery: () => Promise.resolve(ring[0] ?? null), discardRecovery: () => Promise.resolve(void ring.shift()) };
    const editor = createEditorStores();
    const controller = createFileController({ editor, service, autosaveDelayMs: 1000, setTitle: () => undefined });
    controller.attach();
    await controller.checkRecovery();
    expect(controller.state.getState().recovery?.doc.name).toBe('second crash');
    await controller.declineRecovery();
    expect(controller.state.getState().recovery?.doc.name).toBe('first crash');
    expect(controller.state.getState().recovery?.recovery.savedAt).toBe(1000);
    await controller.declineRecovery();
    expect(controller.state.getState().recovery).toBeNull();
    controller.dispose();
  });

  it('keeps the trained weights in the copy once training pauses', async () => {
    const start = template('worked-example');
    const trained = { ...start, edges: start.edges.map((e) => (e.weights ? { ...e, weights: [0.125] } : e)) };
    let h: Harness | null = null;
    const training = createStore(() => ({
      status: { kind: 'running' },
      snapshot: { step: 0 } as { step: number },
      history: { step: [], trainLoss: [], testLoss: [], trainAccuracy: [], testAccuracy: [] },
      applySnapshotToDocument: () => {
        if (h!.editor.document.getState().doc === trained) return false;
        h!.editor.document.setState({ doc: trained });
        return true;
      },
    }));
    h = harness({ initial: start, training: training as unknown as TrainingStore });
    training.setState({ snapshot: { step: 40 } });
    expect(h.controller.state.getState().dirty).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await h.service.getRecovery()).toBeNull();
    training.setState({ status: { kind: 'ready' } });
    await vi.advanceTimersByTimeAsync(1000);
    const copy = await h.service.getRecovery();
    const parsed = copy ? parseDocument(copy.text) : null;
    expect(parsed?.ok && parsed.doc.edges.filter((e) => e.weights).every((e) => e.weights![0] === 0.125)).toBe(true);
  });

  it('offers nothing for an empty network or an unreadable copy', async () => {
    for (const text of [serializeDocument(emptyDocument()), '{ not json']) {
      const storage = createMemoryStorage();
      await storage.set('recovery', { text, savedAt: 1 });
      const h = harness({ storage });
      await h.controller.checkRecovery();
      expect(h.controller.state.getState().recovery).toBeNull();
      expect(await storage.get('recovery')).toBeUndefined();
    }
  });
});

describe('exports', () => {
  it('writes the weights as CSV, one row per weight and bias, named after the network', async () => {
    const h = harness({ initial: template('worked-example') });
    expect(await h.controller.exportAs('weightsCsv')).toBe(true);
    await settled(h);
    expect(h.downloads[0]!.name).toBe('Worked example.csv');
    expect(h.downloads[0]!.type).toBe('text/csv');
    const rows = h.downloads[0]!.text.trim().split('\r\n');
    expect(rows[0]).toBe('from,to,value');
    expect(rows).toHaveLength(10);
    expect(rows).toContain('x1,h1,0.5');
  });

  it('writes ONNX bytes, and refuses a network that cannot be exported with the reason', async () => {
    const h = harness({ initial: template('worked-example') });
    expect(await h.controller.exportAs('onnx')).toBe(true);
    await settled(h);
    expect(h.downloads[0]!.name).toBe('Worked example.onnx');
    const broken = harness({ initial: { ...template('worked-example'), edges: [] } });
    expect(await broken.controller.exportAs('onnx')).toBe(false);
    expect(broken.editor.view.getState().notice?.kind).toBe('refused');
  });

  it('says so when there is no canvas to draw the image from', async () => {
    const h = harness({ initial: template('xor') });
    expect(await h.controller.exportAs('png')).toBe(false);
    expect(h.editor.view.getState().notice?.text).toBe('The graph cannot be drawn as an image here.');
  });
});

describe('historyFromChart', () => {
  it('leaves out points without a finite training loss and keeps the four lists equally long', () => {
    const history = historyFromChart({
      step: [0, 10, 20, 30],
      trainLoss: [0.7, Number.NaN, 0.4, 0.3],
      testLoss: [0.8, 0.6, Number.POSITIVE_INFINITY, 0.35],
      trainAccuracy: [0.5, 0.6, 0.7, 0.8],
      testAccuracy: [null, null, 0.65, null],
    });
    expect(history).toEqual({ step: [0, 20, 30], trainLoss: [0.7, 0.4, 0.3], testLoss: [0.8, null, 0.35], accuracy: [0.5, 0.65, 0.8] });
  });

  it('is undefined when nothing was recorded', () => {
    expect(historyFromChart({ step: [], trainLoss: [], testLoss: [], trainAccuracy: [], testAccuracy: [] })).toBeUndefined();
  });
});

describe('PyTorch project, NumPy script and trained weights', () => {
  it('downloads the PyTorch project as a zip of one folder and the NumPy script', async () => {
    const h = harness({ initial: template('spiral') });
    expect(await h.controller.exportAs('pytorch')).toBe(true);
    expect(await h.controller.exportAs('numpy')).toBe(true);
    await settled(h);
    expect(h.downloads.map((d) => [d.name, d.type])).toEqual([['Spiral.zip', 'application/zip'], ['Spiral.py', 'text/x-python']]);
    expect(h.downloads[1]!.text).toContain('def learning_step(x, target, lr):');
  });

  it('applies trained weights as one undoable edit, and refuses another network\'s with the reason', async () => {
    const h = harness({ initial: template('worked-example') });
    const { weightsJson } = await import('../../../src/core/export');
    const w = weightsJson(doc(h));
    if (!w.ok) throw new Error(w.message);
    w.value.edges[0]!.weights = [0.875];
    h.pick.next = fileOf(JSON.stringify(w.value), 'trained-weights.json');
    expect(await h.controller.importTrainedWeights()).toBe(true);
    expect(doc(h).edges.find((e) => e.id === w.value.edges[0]!.id)!.weights).toEqual([0.875]);
    expect(h.editor.view.getState().notice?.text).toBe('Imported 9 trained weights from trained-weights.json');
    h.editor.document.temporal.getState().undo();
    expect(doc(h).edges.find((e) => e.id === w.value.edges[0]!.id)!.weights).not.toEqual([0.875]);

    w.value.edges[0]!.rows = 3;
    h.pick.next = fileOf(JSON.stringify(w.value), 'other.json');
    const before = doc(h);
    expect(await h.controller.importTrainedWeights()).toBe(false);
    expect(doc(h)).toBe(before);
    expect(h.editor.view.getState().notice).toMatchObject({ kind: 'refused', text: expect.stringMatching(/^Not imported: other\.json: The weights file has 3×1 weights/) });

    h.pick.next = fileOf('{}', 'model.netwright');
    expect(await h.controller.importTrainedWeights()).toBe(false);
    expect(h.editor.view.getState().notice?.text).toMatch(/is not a weights file/);
  });
});
