import type { ReactNode } from 'react';
import { RefreshCw } from 'lucide-react';
import { useViewport } from '@xyflow/react';
import { describeConnection, useTrainer } from '../state/trainer';
import './StatusBar.css';

const TRANSPORT_LABEL = { worker: 'Web Worker', desktop: 'utility process' } as const;

function TrainerStatus() {
  const connection = useTrainer((s) => s.connection);
  const restart = useTrainer((s) => s.restart);
  const where = connection.status === 'ready' ? connection.host : `Trainer in a ${TRANSPORT_LABEL[connection.transport]}`;
  return (
    <div className="status-trainer" data-status={connection.status}>
      <span className="status-dot" aria-hidden />
      <span role="status" aria-live="polite" title={where}>
        {describeConnection(connection)}
      </span>
      <button
        type="button"
        className="status-action"
        onClick={() => void restart()}
        disabled={connection.status === 'connecting'}
        aria-label="Restart trainer"
        title="Restart trainer: stop it and start a fresh one"
      >
        <RefreshCw size={12} strokeWidth={2.2} aria-hidden />
      </button>
    </div>
  );
}

function Zoom() {
  const { zoom } = useViewport();
  return <span className="status-item" title="Canvas zoom">{Math.round(zoom * 100)}%</span>;
}

export interface StatusBarProps {
  /** Network facts (parameter count, memory, validation) — shown only when the editor has real values. */
  network?: ReactNode;
  /** Training progress (epoch, steps per second) — shown once something is loaded. */
  training?: ReactNode;
}

export function StatusBar({ network, training }: StatusBarProps) {
  return (
    <footer className="statusbar" aria-label="Status bar">
      <TrainerStatus />
      {network !== undefined && <div className="status-network">{network}</div>}
      {training}
      <div className="status-spacer" />
      <Zoom />
    </footer>
  );
}
