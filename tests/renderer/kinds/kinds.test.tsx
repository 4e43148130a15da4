/**
 * Every node kind in the table, present and future: the palette offers it under its group, the canvas draws it, and
 * the inspector shows each of its fields for a node of the kind (in one of its example networks).
 */
import { describe, expect, it } from 'vitest';
import { act, render, screen, within } from '@testing-library/react';
import { ReactFlow, ReactFlowProvider } from '@xyflow/react';
import { KIND_LIST } from '../../../src/core/kinds';
import { writeWeights, compileNetwork } from '../../../src/core/network';
import { NODE_TYPES } from '../../../src/core/nodes';
import { Inspector } from '../../../src/renderer/components/Inspector';
import { Palette } from '../../../src/renderer/components/Palette';
import { AnalysisProvider } from '../../../src/renderer/editor/analysis';
import { EditorContext, createEditor } from '../../../src/renderer/editor/context';
import { nodeTypes } from '../../../src/renderer/editor/registry';
import { select } from '../../../src/renderer/editor/store';
import { RENDERER_KINDS } from '../../../src/renderer/kinds';
import type { NetworkDocument, NodeType } from '../../../src/core/document';

function exampleWithWeights(type: string): NetworkDocument {
  const doc = KIND_LIST.find((k) => k.type === type)!.examples.networks()[0]!;
  const compiled = compileNetwork(doc);
  return compiled.ok ? writeWeights(doc, compiled.net) : doc;
}

describe.each(KIND_LIST.map((k) => k.type as NodeType))('node kind %s in the window', (type) => {
  it('is offered in the palette under its group, with its label', () => {
    render(<Palette dropReady />);
    const group = screen.getByRole('region', { name: RENDERER_KINDS[type].group });
    expect(within(group).getByText(NODE_TYPES[type].label)).toBeTruthy();
  });

  it('shows each of its fields in the inspector', () => {
    const doc = exampleWithWeights(type);
    const node = doc.nodes.find((n) => n.type === type)!;
    const editor = createEditor(doc);
    render(
      <EditorContext.Provider value={editor}>
        <ReactFlowProvider>
          <AnalysisProvider>
            <Inspector />
          </AnalysisProvider>
        </ReactFlowProvider>
      </EditorContext.Provider>,
    );
    act(() => select(editor, [node.id]));
    const panel = screen.getByRole('complementary', { name: 'Inspector' });
    expect(within(panel).getByText(NODE_TYPES[type].label)).toBeTruthy();
    for (const field of RENDERER_KINDS[type].fields) expect(within(panel).getAllByText(field.label).length).toBeGreaterThan(0);
  });

  it('is drawn on the canvas by its own view', () => {
    const doc = exampleWithWeights(type);
    const node = doc.nodes.find((n) => n.type === type)!;
    expect(nodeTypes[type]).toBe(RENDERER_KINDS[type].view);
    const { container } = render(
      <div style={{ width: 800, height: 600 }}>
        <ReactFlowProvider>
          <ReactFlow
            nodeTypes={nodeTypes}
            nodes={[{ id: node.id, type, position: { x: 0, y: 0 }, data: { node, size: undefined, problems: [], values: undefined, example: undefined } }]}
            edges={[]}
          />
        </ReactFlowProvider>
      </div>,
    );
    expect(container.querySelector(`[data-node-name="${node.name}"]`)).not.toBeNull();
  });
});
