import { CircleAlert, CircleCheck, TriangleAlert } from 'lucide-react';
import { useReactFlow } from '@xyflow/react';
import { useAnalysis } from '../editor/analysis';
import { useEditor } from '../editor/context';
import { select } from '../editor/store';

/** The core's errors and warnings; clicking one selects its nodes (and edges) and brings them into view. */
export function Problems() {
  const { report, doc } = useAnalysis();
  const editor = useEditor();
  const flow = useReactFlow();
  const problems = [...report.errors, ...report.warnings];
  if (doc.nodes.length === 0) return null;
  const show = (nodeIds: string[], edgeIds: string[]) => {
    select(editor, nodeIds, edgeIds);
    if (nodeIds.length > 0) void flow.fitView({ nodes: nodeIds.map((id) => ({ id })), padding: 0.6, maxZoom: 1.2, duration: 250 });
  };
  return (
    <section className="problems" aria-label="Problems">
      <h2 className="panel-title problems-title">
        Problems
        <span className="problems-count">{report.errors.length > 0 || report.warnings.length > 0 ? `${report.errors.length} · ${report.warnings.length}` : ''}</span>
      </h2>
      {problems.length === 0 ? (
        <p className="problems-none"><CircleCheck size={15} aria-hidden /> No problems: the network is valid.</p>
      ) : (
        <ul className="problems-list">
          {problems.map((p, i) => (
            <li key={`${p.code}-${i}`}>
              <button type="button" className={`problem ${p.severity}`} onClick={() => show(p.nodeIds, p.edgeIds)} data-code={p.code}>
                {p.severity === 'error' ? <CircleAlert size={15} aria-hidden /> : <TriangleAlert size={15} aria-hidden />}
                <span>{p.message}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
