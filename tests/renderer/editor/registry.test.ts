import { describe, expect, it } from 'vitest';
import { NODE_TYPE_LIST, NODE_TYPES } from '../../../src/core/nodes';
import { nodeSchemas } from '../../../src/core/schema';
import { EDITOR_NODE_TYPES, nodeTypes, searchNodeTypes } from '../../../src/renderer/editor/registry';
import { SHORTCUTS, shortcutFor } from '../../../src/renderer/editor/shortcuts';

describe('the editor registry', () => {
  it('has a component for every node type of the core, registered with React Flow under the type name', () => {
    expect(Object.keys(EDITOR_NODE_TYPES).sort()).toEqual([...NODE_TYPE_LIST].sort());
    for (const type of NODE_TYPE_LIST) expect(nodeTypes[type]).toBe(EDITOR_NODE_TYPES[type].component);
  });

  it.each(NODE_TYPE_LIST)('edits only fields the core knows for %s', (type) => {
    const shape = (nodeSchemas[type] as unknown as { shape: Record<string, unknown> }).shape;
    for (const field of EDITOR_NODE_TYPES[type].fields) expect(Object.keys(shape)).toContain(field.key);
  });

  it.each([
    ['den', 'dense'], ['neu', 'neuron'], ['inp', 'input'], ['sum', 'add'], ['fc', 'dense'], ['drop', 'dropout'],
    ['concat', 'concat'], ['loss', 'output'], ['  Dense ', 'dense'], ['sigmoid', 'activation'],
  ])('finds "%s" first as %s', (query, type) => {
    expect(searchNodeTypes(query)[0]).toBe(type);
  });

  it('lists every type for an empty query, and none for nonsense', () => {
    expect(searchNodeTypes('')).toEqual(NODE_TYPE_LIST);
    expect(searchNodeTypes('qqq')).toEqual([]);
  });

  it('names every type as the core does', () => {
    for (const type of NODE_TYPE_LIST) expect(NODE_TYPES[type].label.length).toBeGreaterThan(0);
  });
});

/** A key event from how a shortcut is written ("Ctrl+Shift+Z"). */
function eventFor(keys: string) {
  const parts = keys.split('+').filter((p, i, all) => p !== '' || i === all.length - 1);
  const key = keys.endsWith('++') || keys === '+' ? '+' : parts[parts.length - 1]!;
  return {
    key: key.length === 1 && parts.includes('Shift') ? key.toUpperCase() : key,
    ctrlKey: parts.includes('Ctrl'), metaKey: false, shiftKey: parts.includes('Shift'), altKey: false,
  };
}

describe('keyboard shortcuts', () => {
  it.each(SHORTCUTS.flatMap((s) => s.keys.map((k) => [k, s.id] as const)))('%s means %s', (keys, id) => {
    expect(shortcutFor(eventFor(keys))).toBe(id);
  });

  it('lists each shortcut once, each with a description', () => {
    expect(new Set(SHORTCUTS.map((s) => s.id)).size).toBe(SHORTCUTS.length);
    const keys = SHORTCUTS.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('ignores keys with Alt and keys it does not know', () => {
    expect(shortcutFor({ key: 'z', ctrlKey: true, metaKey: false, shiftKey: false, altKey: true })).toBeNull();
    expect(shortcutFor({ key: 'q', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false })).toBeNull();
    expect(shortcutFor({ key: 'a', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false })).toBeNull();
  });

  it('takes Cmd for Ctrl on a Mac', () => {
    expect(shortcutFor({ key: 'z', ctrlKey: false, metaKey: true, shiftKey: false, altKey: false })).toBe('undo');
  });
});
