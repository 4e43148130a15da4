/**
 * "C": connect the selected node to another picked by name. The candidates for a type-ahead: every other node whose
 * name (or id) contains what was typed, each with whether the connection would be taken and, if not, the core's reason.
 */
import type { NetworkDocument } from '../../core/document';
import { connect } from '../../core/edit';

export interface ConnectCandidate {
  id: string;
  /** The node's name as shown on the canvas (its id when it has none). */
  name: string;
  ok: boolean;
  /** Why the core refuses this connection (when `ok` is false). */
  reason?: string;
}

/**
 * Nodes `source` could be connected to, filtered by `query` (case-insensitive, part of the name or id): the ones the
 * core would accept first, names starting with the query before names containing it, then in document order.
 */
export function connectCandidates(doc: NetworkDocument, source: string, query: string): ConnectCandidate[] {
  const q = query.trim().toLowerCase();
  const scored: { c: ConnectCandidate; rank: number; order: number }[] = [];
  doc.nodes.forEach((node, order) => {
    if (node.id === source) return;
    const name = node.name.trim() !== '' ? node.name : node.id;
    const lower = name.toLowerCase();
    const id = node.id.toLowerCase();
    let rank: number;
    if (q === '' || lower.startsWith(q) || id === q) rank = 0;
    else if (lower.includes(q) || id.includes(q)) rank = 1;
    else return;
    const result = connect(doc, source, node.id);
    const c: ConnectCandidate = result.ok ? { id: node.id, name, ok: true } : { id: node.id, name, ok: false, reason: result.reason };
    scored.push({ c, rank: rank + (c.ok ? 0 : 2), order });
  });
  scored.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return scored.map((s) => s.c);
}
