/**
 * The pieces every kind's canvas view is built from: the box with its head, the ports, the problem badge.
 * A view re-renders only when its own data (document node, size, problems, values) changes (views are in `memo`).
 */
import type { ReactNode } from 'react';
import { Handle, Position } from '@xyflow/react';
import type { Problem } from '../../core/graph';
import { NODE_TYPES } from '../../core/nodes';
import type { NodeType } from '../../core/document';
import { formatValue } from '../editor/trace';
import type { FlowNodeData } from '../editor/types';

export function problemClass(problems: readonly Problem[]): string {
  if (problems.some((p) => p.severity === 'error')) return ' has-error';
  if (problems.length > 0) return ' has-warning';
  return '';
}

/** A badge on a node with problems, and the messages in a popover while the pointer is over the node. */
export function ProblemMarks({ problems }: { problems: readonly Problem[] }) {
  if (problems.length === 0) return null;
  const error = problems.some((p) => p.severity === 'error');
  return (
    <>
      <span className={`nw-problem-badge${error ? '' : ' warning'}`} aria-hidden>!</span>
      <div className="nw-problem-pop" role="tooltip">
        {problems.map((p, i) => <p key={i}>{p.message}</p>)}
      </div>
    </>
  );
}

/** The handles of a type: in on the left when it takes inputs, out on the right when others may take its output. */
export function Ports({ type }: { type: NodeType }) {
  const info = NODE_TYPES[type];
  return (
    <>
      {info.maxInputs > 0 && <Handle type="target" position={Position.Left} className="port port-in" />}
      {info.hasOutput && <Handle type="source" position={Position.Right} className="port port-out" />}
    </>
  );
}

/** A node's output shape as shown on it: "26×26×8" for an image, its size otherwise ("?" while unknown). */
export function shapeOf(data: { size: number | undefined; shape?: readonly number[] | undefined }): string {
  return data.shape && data.shape.length > 1 ? data.shape.join('×') : shape(data.size);
}

/** A node's output size as shown on it ("?" while unknown). */
export function shape(size: number | undefined): string {
  return size === undefined ? '?' : String(size);
}

export function firstValue(values: FlowNodeData['values']): string | undefined {
  const a = values?.a;
  if (!a || a.length === 0) return undefined;
  if (a.length === 1) return formatValue(a[0]!);
  const shown = a.slice(0, 3).map(formatValue).join(', ');
  return `[${shown}${a.length > 3 ? ', …' : ''}]`;
}

interface BoxProps {
  data: FlowNodeData;
  selected: boolean;
  kind: NodeType;
  title: string;
  children?: ReactNode;
}

/** The rectangular body shared by every node but the Neuron. */
export function Box({ data, selected, kind, title, children }: BoxProps) {
  return (
    <div
      className={`nw-node nw-box nw-${kind}${selected ? ' selected' : ''}${problemClass(data.problems)}`}
      data-node-name={data.node.name}
    >
      <div className="nw-box-head">
        <span className="nw-kind">{title}</span>
        <span className="nw-name">{data.node.name}</span>
      </div>
      {children}
      <Ports type={kind} />
      <ProblemMarks problems={data.problems} />
    </div>
  );
}
