/**
 * How large a network Netwright opens: the editor draws every node and edge and analyses the graph on each change,
 * so beyond these a document would freeze the window. Measured: opening a document at both limits takes under 2 s
 * in the browser build (`npm run bench:open`). Loading, saving, the CLI and the editor's own edits all read these.
 */
export const MAX_NODES = 1_000;
export const MAX_EDGES = 2_000;

const figure = (n: number) => n.toLocaleString('en-US');

const limits = `Netwright opens networks of at most ${figure(MAX_NODES)} nodes and ${figure(MAX_EDGES)} connections`;

/** Why a document of this size is refused, or undefined. `counted: false` when reading stopped past the limit. */
export function sizeLimitProblem(nodes: number, edges: number, counted = true): { message: string; path: 'nodes' | 'edges' } | undefined {
  const has = (n: number, limit: number) => (counted ? figure(n) : `more than ${figure(limit)}`);
  if (nodes > MAX_NODES) return { path: 'nodes', message: `This network has ${has(nodes, MAX_NODES)} nodes; ${limits}.` };
  if (edges > MAX_EDGES) return { path: 'edges', message: `This network has ${has(edges, MAX_EDGES)} connections; ${limits}.` };
  return undefined;
}
