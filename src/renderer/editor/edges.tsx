/**
 * The one edge type: a curve from output to input, labelled with what it carries. Between scalar parts it shows its
 * single weight (hue = sign, width = magnitude); into a Dense it shows the block size, e.g. 2×8.
 */
import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, useStore, type EdgeProps, type EdgeTypes, type ReactFlowState } from '@xyflow/react';
import { formatValue } from './trace';
import type { WeightFlowEdge } from './types';
import { useExplainEdge } from '../live/ExplainMarks';
import { useLiveEdgeLook, useLiveWeightText } from '../live/hooks';
import { EdgePulse } from '../live/Pulse';
import { WeightImage } from '../live/WeightImage';

/** Below this zoom the labels are too small to read, so they are not drawn (and the canvas stays fast). */
export const LABEL_MIN_ZOOM = 0.45;
const selectLabelsVisible = (s: ReactFlowState) => s.transform[2] >= LABEL_MIN_ZOOM;

/** Where along the edge its label sits: past the middle, so the labels of two crossing edges do not meet. */
const LABEL_AT = 0.66;
/** A block label (one per layer connection, no crossings to avoid) sits in the middle, clear of the handles. */
const BLOCK_LABEL_AT = 0.5;

/** A point of React Flow's bezier from a right-hand source to a left-hand target (its control points, curvature 0.25). */
function pointOnCurve(sx: number, sy: number, tx: number, ty: number, t: number): [number, number] {
  const distance = tx - sx;
  const offset = distance >= 0 ? 0.5 * distance : 0.25 * 25 * Math.sqrt(-distance);
  const c1x = sx + offset;
  const c2x = tx - offset;
  const u = 1 - t;
  const x = u * u * u * sx + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t * t * t * tx;
  const y = u * u * u * sy + 3 * u * u * t * sy + 3 * u * t * t * ty + t * t * t * ty;
  return [x, y];
}

export const WeightEdge = memo(function WeightEdge(props: EdgeProps<WeightFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, selected } = props;
  const labelsVisible = useStore(selectLabelsVisible);
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const [labelX, labelY] = pointOnCurve(sourceX, sourceY, targetX, targetY, data?.kind === 'block' ? BLOCK_LABEL_AT : LABEL_AT);
  const kind = data?.kind ?? 'plain';
  const weight = data?.weight;
  let className = 'nw-edge';
  let strokeWidth = 1.6;
  if (kind === 'weight' && weight !== undefined) {
    className += weight < 0 ? ' negative' : ' positive';
    strokeWidth = 1.2 + Math.min(Math.abs(weight), 3) * 1.1;
  } else if (kind === 'block') {
    className += ' block';
    strokeWidth = 2.4;
  }
  if (data?.problem) className += ' has-error';
  if (selected) className += ' selected';
  // While training: the trainer's weights decide the look (live/), the document's are shown until then.
  const live = useLiveEdgeLook(id);
  const liveWeight = useLiveWeightText(id, formatValue);
  const explain = useExplainEdge(id);
  const edgeStyle = live ? { strokeWidth: live.width, opacity: live.opacity, ...(selected ? {} : { stroke: live.stroke }) } : { strokeWidth };
  const label = kind === 'weight' ? (liveWeight !== '' ? liveWeight : weight === undefined ? 'w ?' : formatValue(weight)) : kind === 'block' ? data?.shape : undefined;
  const [noteX, noteY] = explain.note !== '' ? pointOnCurve(sourceX, sourceY, targetX, targetY, 0.33) : [0, 0];
  return (
    <>
      {explain.focused && <path d={path} className="nw-explain-edge" />}
      <BaseEdge id={id} path={path} className={className} style={edgeStyle} interactionWidth={18} />
      <EdgePulse edgeId={id} path={path} />
      {label !== undefined && labelsVisible && (
        <EdgeLabelRenderer>
          <div
            className={`nw-edge-label${kind === 'block' ? ' block' : ''}${selected ? ' selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            data-edge-id={id}
          >
            {kind === 'block' && <WeightImage edgeId={id} />}
            {label}
          </div>
        </EdgeLabelRenderer>
      )}
      {explain.note !== '' && (
        <EdgeLabelRenderer>
          <div className="nw-edge-note" style={{ transform: `translate(-50%, -50%) translate(${noteX}px, ${noteY}px)` }} data-testid="explain-edge-note" data-edge-id={id}>
            {explain.note}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});

export const edgeTypes: EdgeTypes = { weight: WeightEdge };
